#include "loaders.hpp"
#include "ogr_convert.hpp"

#include <citytwin/geodata/text_match.hpp>
#include <citytwin/geodata/turn_restrictions.hpp>

#include <unordered_map>

namespace citytwin::geodata::detail {

namespace {

constexpr double same_point_m = 0.5;

// Reads through the roads' own OSM file: same source and CRS, another layer of the driver.
LayerSource osm_layer(const RoadLayerConfig& roads, const char* layer, const char* where) {
    LayerSource s;
    s.source = roads.source;
    s.crs = roads.crs;
    s.layer = layer;
    s.where = where;
    s.id_field = "osm_id";
    return s;
}

std::vector<JunctionMark> read_osm_marks(const RoadLayerConfig& roads, const OGRSpatialReference& working) {
    LayerReader reader(osm_layer(roads, "points", "highway IN ('traffic_signals', 'stop', 'give_way')"), working);
    const int f_highway = reader.field("highway");
    std::vector<JunctionMark> marks;
    while (auto f = reader.next()) {
        const OGRGeometry& g = *f->GetGeometryRef();
        if (wkbFlatten(g.getGeometryType()) != wkbPoint) continue;
        const auto control = junction_control_from(field_string(*f, f_highway));
        if (!control) continue;
        marks.push_back({{g.toPoint()->getX(), g.toPoint()->getY()}, *control, 0.0f, 0.0f, reader.feature_id(*f)});
    }
    return marks;
}

// GDAL's OSM driver gives a relation as a collection of its members' geometries (no roles).
std::vector<RestrictionRelation> read_osm_relations(const RoadLayerConfig& roads, const OGRSpatialReference& working,
                                                    JunctionLoadReport& report) {
    LayerReader reader(osm_layer(roads, "other_relations", "type = 'restriction'"), working);
    const int f_type = reader.field("restriction"), f_motorcar = reader.field("restriction_motorcar"),
              f_except = reader.field("except");
    std::vector<RestrictionRelation> out;
    while (auto f = reader.next()) {
        ++report.restrictions_read;
        const std::int64_t id = reader.feature_id(*f);
        const std::string motorcar = field_string(*f, f_motorcar);
        const std::string value = motorcar.empty() ? field_string(*f, f_type) : motorcar;
        const auto type = parse_restriction_type(value);
        std::string why;
        if (!type) why = "restriction '" + value + "' is not no_* or only_*";
        else if (lowercase(field_string(*f, f_except)).find("motorcar") != std::string::npos)
            why = "cars are excepted";
        if (!why.empty()) {
            ++report.restrictions_skipped;
            report.skipped.push_back("relation " + std::to_string(id) + ": " + why);
            continue;
        }
        RestrictionRelation rel;
        rel.source_id = id;
        rel.type = *type;
        const OGRGeometry& g = *f->GetGeometryRef();
        if (OGR_GT_IsSubClassOf(g.getGeometryType(), wkbGeometryCollection)) {
            for (const OGRGeometry* member : *g.toGeometryCollection()) {
                if (wkbFlatten(member->getGeometryType()) == wkbPoint)
                    rel.via_points.push_back({member->toPoint()->getX(), member->toPoint()->getY()});
                else
                    for (auto& line : to_polylines(*member)) rel.ways.push_back(std::move(line));
            }
        }
        out.push_back(std::move(rel));
    }
    return out;
}

std::vector<JunctionMark> read_junction_layer(const JunctionLayerConfig& cfg, const OGRSpatialReference& working) {
    LayerReader reader(cfg, working);
    const int f_control = reader.field(cfg.control_field);
    auto optional_field = [&](const std::string& given, const char* fallback) {
        if (!given.empty()) return reader.field(given);
        return reader.has_field(fallback) ? reader.field(fallback) : -1;
    };
    const int f_cycle = optional_field(cfg.cycle_field, "cycle_s"), f_offset = optional_field(cfg.offset_field, "offset_s");
    const std::string cycle_name = cfg.cycle_field.empty() ? "cycle_s" : cfg.cycle_field;
    const std::string offset_name = cfg.offset_field.empty() ? "offset_s" : cfg.offset_field;
    std::vector<JunctionMark> marks;
    while (auto f = reader.next()) {
        const OGRGeometry& g = *f->GetGeometryRef();
        if (wkbFlatten(g.getGeometryType()) != wkbPoint) throw Error(reader.where(*f, "a junction must be a point"));
        const std::string text = field_string(*f, f_control);
        const auto control = junction_control_from(text);
        if (!control)
            throw Error(reader.where(*f, "field '" + cfg.control_field + "': unknown control '" + text +
                                             "' (known: signal, priority, stop, yield, roundabout, uncontrolled)"));
        JunctionMark m{{g.toPoint()->getX(), g.toPoint()->getY()}, *control, 0.0f, 0.0f, reader.feature_id(*f)};
        const std::string where = reader.where(*f, "");
        const std::string at = where.substr(0, where.size() - 2);
        if (f_cycle >= 0 && f->IsFieldSetAndNotNull(f_cycle))
            m.cycle_s = static_cast<float>(number_field(*f, f_cycle, at, cycle_name));
        if (f_offset >= 0 && f->IsFieldSetAndNotNull(f_offset))
            m.offset_s = static_cast<float>(number_field(*f, f_offset, at, offset_name));
        if (m.cycle_s < 0.0f) throw Error(reader.where(*f, "field '" + cycle_name + "' must be >= 0"));
        marks.push_back(m);
    }
    if (reader.matched_nothing())
        throw Error(context_message(cfg.source, reader.layer_name(), -1, "no junction matches the filter `" + cfg.where + "`"));
    return marks;
}

// A table of turns by road ids (restrictions, movement greens). Rows need no geometry (a
// CSV), so it is read directly, not via LayerReader.
struct TurnTable {
    DatasetPtr ds;
    OGRLayer* layer = nullptr;
    int f_from = -1, f_to = -1;
    explicit TurnTable(const LayerSource& cfg, const std::string& from_field, const std::string& to_field)
        : ds(open_vector(cfg.source)), layer(&find_layer(*ds, cfg.source, cfg.layer)) {
        if (!cfg.where.empty() && layer->SetAttributeFilter(cfg.where.c_str()) != OGRERR_NONE)
            throw Error(context_message(cfg.source, layer->GetName(), -1, "invalid filter `" + cfg.where + "`"));
        f_from = find_field(*layer, cfg.source, from_field);
        f_to = find_field(*layer, cfg.source, to_field);
    }
};

/// "file: layer 'x': feature N" of a row, for its messages.
std::string row_context(const LayerSource& cfg, OGRLayer& layer, const OGRFeature& f) {
    std::string at = context_message(cfg.source, layer.GetName(), f.GetFID(), "");
    at.resize(at.size() - 2);
    return at;
}

/// The link pairs of each row; a road id that is not in the graph, or two roads that do
/// not meet, is an error naming the row and field.
std::vector<RoadTurnLinks> resolve_rows(const RoadNetwork& net, const std::vector<RoadTurn>& rows,
                                        const std::vector<std::string>& where, const std::string& from_field,
                                        const std::string& to_field) {
    auto resolved = resolve_road_turns(net, rows);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = resolved[i];
        auto unknown = [&](const std::string& field, std::int64_t id) {
            return Error(where[i] + ": field '" + field + "': road id " + std::to_string(id) +
                         " is not a road of the graph (unknown, not drivable, or dropped outside the largest "
                         "strongly connected component)");
        };
        if (!r.from_known) throw unknown(from_field, rows[i].from_id);
        if (!r.to_known) throw unknown(to_field, rows[i].to_id);
        if (r.turns.empty())
            throw Error(where[i] + ": roads " + std::to_string(rows[i].from_id) + " and " + std::to_string(rows[i].to_id) +
                        " do not meet (no link of the first ends where a link of the second starts)");
    }
    return resolved;
}

std::vector<TurnRestriction> read_restriction_table(const TurnRestrictionTableConfig& cfg, const RoadNetwork& net,
                                                    JunctionLoadReport& report) {
    TurnTable t(cfg, cfg.from_field, cfg.to_field);
    const int f_type = find_field(*t.layer, cfg.source, cfg.type_field);
    std::vector<RoadTurn> rows;
    std::vector<std::string> where;
    for (OGRFeatureUniquePtr f{t.layer->GetNextFeature()}; f; f.reset(t.layer->GetNextFeature())) {
        std::string at = row_context(cfg, *t.layer, *f);
        const std::string value = field_string(*f, f_type);
        const auto type = parse_restriction_type(value);
        if (!type)
            throw Error(at + ": field '" + cfg.type_field + "': '" + value +
                        "' is not a restriction (no_left_turn, only_straight_on … : no_* or only_*)");
        rows.push_back({static_cast<std::int64_t>(number_field(*f, t.f_from, at, cfg.from_field)),
                        static_cast<std::int64_t>(number_field(*f, t.f_to, at, cfg.to_field)), type->only, f->GetFID()});
        where.push_back(std::move(at));
    }
    if (rows.empty()) throw Error(context_message(cfg.source, t.layer->GetName(), -1, "has no turn restriction rows"));
    report.restriction_rows = rows.size();
    std::vector<TurnRestriction> out;
    for (const auto& r : resolve_rows(net, rows, where, cfg.from_field, cfg.to_field))
        out.insert(out.end(), r.turns.begin(), r.turns.end());
    return out;
}

// Movement greens by road ids; each row becomes a green of every link pair where the two
// roads meet (normally one).
std::vector<SignalGreen> read_green_table(const SignalGreenTableConfig& cfg, const RoadNetwork& net) {
    TurnTable t(cfg, cfg.from_field, cfg.to_field);
    const int f_start = find_field(*t.layer, cfg.source, cfg.start_field),
              f_duration = find_field(*t.layer, cfg.source, cfg.duration_field);
    std::vector<RoadTurn> rows;
    std::vector<std::pair<float, float>> windows;
    std::vector<std::string> where;
    for (OGRFeatureUniquePtr f{t.layer->GetNextFeature()}; f; f.reset(t.layer->GetNextFeature())) {
        std::string at = row_context(cfg, *t.layer, *f);
        const double start = number_field(*f, f_start, at, cfg.start_field);
        const double duration = number_field(*f, f_duration, at, cfg.duration_field);
        if (start < 0.0 || duration <= 0.0)
            throw Error(at + ": field '" + cfg.duration_field + "': a green needs start >= 0 and duration > 0 s");
        rows.push_back({static_cast<std::int64_t>(number_field(*f, t.f_from, at, cfg.from_field)),
                        static_cast<std::int64_t>(number_field(*f, t.f_to, at, cfg.to_field)), false, f->GetFID()});
        windows.emplace_back(static_cast<float>(start), static_cast<float>(duration));
        where.push_back(std::move(at));
    }
    if (rows.empty()) throw Error(context_message(cfg.source, t.layer->GetName(), -1, "has no signal green rows"));
    const auto resolved = resolve_rows(net, rows, where, cfg.from_field, cfg.to_field);
    std::vector<SignalGreen> out;
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (const auto& turn : resolved[i].turns) out.push_back({turn.from, windows[i].first, windows[i].second, turn.to});
    return out;
}

// A way's given green belongs to its link in the digitised direction that ends where the way ends.
std::vector<SignalGreen> place_greens(const RoadNetwork& net, const std::vector<RoadWay>& ways) {
    std::unordered_map<std::int64_t, std::vector<LinkId>> forward;
    for (const auto& l : net.links())
        if (!l.reversed) forward[l.source_id].push_back(l.id);
    std::vector<SignalGreen> out;
    for (const auto& w : ways) {
        if (!w.green) continue;
        const auto it = forward.find(w.source_id);
        if (it == forward.end()) continue;
        for (LinkId id : it->second) {
            const Point& end = net.link(id).geometry.back();
            if (std::hypot(end.x - w.points.back().x, end.y - w.points.back().y) > same_point_m) continue;
            SignalGreen g = *w.green;
            g.in_link = id;
            out.push_back(g);
        }
    }
    return out;
}

}  // namespace

RoadNetwork add_junction_data(const CityConfig& config, const RoadLayerConfig& roads,
                              const OGRSpatialReference& working, const std::vector<RoadWay>& ways,
                              const RoadNetwork& net, LoadReport& report) {
    JunctionLoadReport& jr = report.junctions;
    std::vector<Node> nodes = net.nodes();
    jr.roundabout_nodes = mark_roundabouts(net, nodes);

    std::vector<TurnRestriction> restrictions;
    if (looks_like_osm(roads.source)) {
        JunctionMatchOptions osm;
        osm.signal_join_m = roads.signal_join_distance_m;
        osm.sign_join_m = roads.sign_join_distance_m;
        match_junction_marks(net, nodes, read_osm_marks(roads, working), osm, jr.osm);
        for (const auto& rel : read_osm_relations(roads, working, jr)) {
            std::string why;
            if (auto r = resolve_restriction(net, rel, why)) {
                restrictions.push_back(*r);
            } else {
                ++jr.restrictions_skipped;
                jr.skipped.push_back("relation " + std::to_string(rel.source_id) + ": " + why);
            }
        }
    }
    if (config.junctions) {
        JunctionMatchOptions given;
        given.osm_rules = false;
        given.signal_join_m = given.sign_join_m = config.junctions->join_distance_m;
        match_junction_marks(net, nodes, read_junction_layer(*config.junctions, working), given, jr.layer);
        const std::size_t unmatched = jr.layer.signals_unmatched + jr.layer.signs_unmatched;
        if (unmatched > 0)
            report.warnings.push_back(config.junctions->source + ": " + std::to_string(unmatched) +
                                      " junction point(s) have no road node within " +
                                      std::to_string(config.junctions->join_distance_m) + " m; ignored");
    }
    jr.controllers = assign_signal_controllers(nodes, roads.signal_join_distance_m);

    RoadNetwork out = with_nodes(net, std::move(nodes));
    if (config.turn_restrictions) {
        auto table = read_restriction_table(*config.turn_restrictions, out, jr);
        restrictions.insert(restrictions.end(), table.begin(), table.end());
    }
    out.set_turn_restrictions(std::move(restrictions));
    auto greens = place_greens(out, ways);
    if (config.signal_greens) {
        auto table = read_green_table(*config.signal_greens, out);
        greens.insert(greens.end(), table.begin(), table.end());
    }
    jr.signal_greens = greens.size();
    out.set_signal_greens(std::move(greens));
    return out;
}

}  // namespace citytwin::geodata::detail
