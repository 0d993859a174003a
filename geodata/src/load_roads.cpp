#include "loaders.hpp"
#include "ogr_convert.hpp"

#include <citytwin/geodata/osm_values.hpp>
#include <citytwin/geodata/path_access.hpp>
#include <citytwin/geodata/progress.hpp>

namespace citytwin::geodata::detail {

namespace {
// '*' matches any run of characters; the rest must match exactly.
bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

// Both green fields set: a green for the feature's digitised direction; neither: none.
std::optional<SignalGreen> read_green(const LayerReader& reader, const OGRFeature& f, const RoadLayerConfig& cfg,
                                      int f_start, int f_duration) {
    if (f_start < 0 || f_duration < 0) return std::nullopt;
    if (!f.IsFieldSetAndNotNull(f_start) && !f.IsFieldSetAndNotNull(f_duration)) return std::nullopt;
    const std::string where = reader.where(f, "");
    const std::string at = where.substr(0, where.size() - 2);  // drop the trailing ": "
    SignalGreen g;
    g.start_s = static_cast<float>(number_field(f, f_start, at, cfg.signal_green_start_field));
    g.duration_s = static_cast<float>(number_field(f, f_duration, at, cfg.signal_green_duration_field));
    if (g.start_s < 0.0f || g.duration_s <= 0.0f)
        throw Error(reader.where(f, "field '" + cfg.signal_green_duration_field +
                                        "': a green needs start >= 0 and duration > 0 s"));
    return g;
}

bool access_denied(const std::string& v) {
    return v == "no" || v == "private" || v == "agricultural" || v == "forestry" || v == "emergency";
}
}  // namespace

std::string mapped_class(const RoadLayerConfig& cfg, const std::string& value) {
    if (cfg.class_map.empty()) return value;
    for (const auto& [pattern, cls] : cfg.class_map)
        if (glob_match(pattern, value)) return cls;
    return {};
}

std::optional<RoadClass> classify_road(const RoadLayerConfig& cfg, const std::string& value) {
    const std::string cls = mapped_class(cfg, value);
    if (cls == "skip" || path_kind_from_osm(cls)) return std::nullopt;   // not for cars
    if (auto c = road_class_from_osm(cls)) return c;
    if (!cfg.default_class.empty()) return road_class_from_osm(cfg.default_class);
    return std::nullopt;
}

bool is_tunnel(const std::string& v) { return !v.empty() && v != "no" && v != "building_passage"; }

RoadWays read_road_ways(const RoadLayerConfig& cfg, const OGRSpatialReference& working, const LoadOptions& options,
                        LoadReport& report) {
    LayerReader reader(cfg, working);
    const int f_class = reader.field(cfg.class_field), f_speed = reader.field(cfg.speed_field),
              f_lanes = reader.field(cfg.lanes_field), f_oneway = reader.field(cfg.oneway_field),
              f_junction = reader.field(cfg.junction_field), f_name = reader.field(cfg.name_field),
              f_green_start = reader.field(cfg.signal_green_start_field),
              f_green_duration = reader.field(cfg.signal_green_duration_field);
    std::vector<int> f_access;
    for (const auto& a : cfg.access_fields) f_access.push_back(reader.field(a));
    const int f_general = reader.field(cfg.general_access_field), f_foot = reader.field(cfg.foot_field),
              f_bicycle = reader.field(cfg.bicycle_field), f_oneway_bicycle = reader.field(cfg.oneway_bicycle_field),
              f_cycleway = reader.field(cfg.cycleway_field), f_motorroad = reader.field(cfg.motorroad_field),
              f_tunnel = reader.field(cfg.tunnel_field);

    RoadWays ways;
    auto add_parts = [&](const OGRFeature& f, const RoadWay& way, std::vector<RoadWay>& out) {
        bool any_part = false;
        for (auto& part : to_polylines(*f.GetGeometryRef())) {
            if (part.size() < 2 || length(part) <= 0.0) continue;
            RoadWay piece = way;
            piece.points = std::move(part);
            out.push_back(std::move(piece));
            any_part = true;
        }
        return any_part;
    };
    Progress progress("roads: features", reader.total(), options.progress);
    while (auto f = reader.next()) {
        progress.update(++report.road_features);
        const std::string value = f_class < 0 ? std::string() : field_string(*f, f_class);
        const auto cls = f_class < 0 ? road_class_from_osm(cfg.default_class) : classify_road(cfg, value);
        bool denied = false;
        for (int idx : f_access) denied = denied || access_denied(field_string(*f, idx));
        RoadWay way;
        way.source_id = reader.feature_id(*f);
        way.name = field_string(*f, f_name);
        way.tunnel = is_tunnel(field_string(*f, f_tunnel));
        const std::string junction = field_string(*f, f_junction);
        if (cfg.paths) {
            const std::string general = field_string(*f, f_general), foot = field_string(*f, f_foot),
                              bicycle = field_string(*f, f_bicycle), oneway = field_string(*f, f_oneway),
                              oneway_bicycle = field_string(*f, f_oneway_bicycle),
                              cycleway = field_string(*f, f_cycleway), motorroad = field_string(*f, f_motorroad);
            const std::string mapped = mapped_class(cfg, value);
            const PathTags tags{mapped, general, foot, bicycle, oneway, oneway_bicycle, cycleway, junction, motorroad};
            if (const auto a = path_access(tags, cls)) {
                RoadWay path = way;
                path.road_class = cls.value_or(RoadClass::Road);
                path.path_kind = a->kind;
                path.modes_forward = a->forward;
                path.modes_backward = a->backward;
                if (add_parts(*f, path, ways.paths)) ++report.path_features;
            }
        }
        if (!cls || denied) {
            ++report.road_features_not_drivable;
            continue;
        }
        way.road_class = *cls;
        way.speed_kmh = parse_maxspeed_kmh(field_string(*f, f_speed));
        way.total_lanes = parse_number(field_string(*f, f_lanes));
        // OSM convention: motorways are oneway unless tagged otherwise. Other sources
        // (a class_map) draw what they draw: two-way unless a oneway field says so.
        way.direction = parse_oneway(field_string(*f, f_oneway), junction,
                                     cfg.class_map.empty() && *cls == RoadClass::Motorway);
        way.roundabout = is_roundabout(junction);
        way.green = read_green(reader, *f, cfg, f_green_start, f_green_duration);
        if (!add_parts(*f, way, ways.car)) ++report.road_features_invalid;
    }
    progress.finish();
    if (reader.matched_nothing())
        throw Error(context_message(cfg.source, reader.layer_name(), -1,
                                    cfg.where.empty() ? std::string("no feature has a geometry")
                                                      : "no feature matches the filter `" + cfg.where + "`"));
    if (auto w = reader.gdal_warnings(); !w.empty()) report.warnings.push_back(w);
    return ways;
}

}  // namespace citytwin::geodata::detail
