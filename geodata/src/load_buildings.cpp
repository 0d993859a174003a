#include "loaders.hpp"
#include "ogr_convert.hpp"

#include <citytwin/geodata/osm_values.hpp>
#include <citytwin/geodata/progress.hpp>

#include <array>
#include <cmath>
#include <string_view>

namespace citytwin::geodata::detail {

namespace {
struct UseWord {
    std::string_view value;
    BuildingUse use;
};
// OSM building=* values (wiki "Key:building") grouped into the uses the simulation needs.
constexpr std::array<UseWord, 42> use_words{{
    {"residential", BuildingUse::Residential}, {"apartments", BuildingUse::Residential},
    {"house", BuildingUse::Residential},       {"detached", BuildingUse::Residential},
    {"semidetached_house", BuildingUse::Residential}, {"terrace", BuildingUse::Residential},
    {"dormitory", BuildingUse::Residential},   {"bungalow", BuildingUse::Residential},
    {"farm", BuildingUse::Residential},        {"houseboat", BuildingUse::Residential},
    {"commercial", BuildingUse::Commercial},   {"retail", BuildingUse::Commercial},
    {"office", BuildingUse::Commercial},       {"supermarket", BuildingUse::Commercial},
    {"hotel", BuildingUse::Commercial},        {"kiosk", BuildingUse::Commercial},
    {"shop", BuildingUse::Commercial},         {"mall", BuildingUse::Commercial},
    {"industrial", BuildingUse::Industrial},   {"warehouse", BuildingUse::Industrial},
    {"factory", BuildingUse::Industrial},      {"manufacture", BuildingUse::Industrial},
    {"hangar", BuildingUse::Industrial},       {"storage_tank", BuildingUse::Industrial},
    {"public", BuildingUse::Public},           {"civic", BuildingUse::Public},
    {"government", BuildingUse::Public},       {"school", BuildingUse::Public},
    {"university", BuildingUse::Public},       {"college", BuildingUse::Public},
    {"kindergarten", BuildingUse::Public},     {"hospital", BuildingUse::Public},
    {"church", BuildingUse::Public},           {"chapel", BuildingUse::Public},
    {"cathedral", BuildingUse::Public},        {"mosque", BuildingUse::Public},
    {"synagogue", BuildingUse::Public},        {"train_station", BuildingUse::Public},
    {"transportation", BuildingUse::Public},   {"stadium", BuildingUse::Public},
    {"museum", BuildingUse::Public},           {"fire_station", BuildingUse::Public},
}};

// Height fallback chain: height tag, else levels × level height, else the default levels.
void set_height(Building& b, const std::string& height, const std::string& levels, const BuildingLayerConfig& cfg) {
    const auto h = parse_height_m(height);
    const auto l = parse_number(levels);
    const bool levels_ok = l && *l >= 1.0 && *l <= 200.0;
    if (h) {
        b.height_m = *h;
        b.height_source = HeightSource::Height;
        b.levels = levels_ok ? *l : std::max(1.0, std::round(*h / cfg.level_height_m));
    } else if (levels_ok) {
        b.levels = *l;
        b.height_m = *l * cfg.level_height_m;
        b.height_source = HeightSource::Levels;
    } else {
        b.levels = cfg.default_levels;
        b.height_m = cfg.default_levels * cfg.level_height_m;
        b.height_source = HeightSource::Default;
    }
}

// Invalid footprints (self-intersections, bad rings) are repaired with GEOS MakeValid;
// what stays non-polygonal is skipped. Both are counted in the report.
std::unique_ptr<OGRGeometry> valid_geometry(const OGRGeometry& g, LoadReport& report) {
    if (g.IsValid()) return std::unique_ptr<OGRGeometry>(g.clone());
    std::unique_ptr<OGRGeometry> fixed(g.MakeValid());
    if (!fixed || fixed->IsEmpty() || to_multipolygon(*fixed).empty()) {
        ++report.buildings_skipped;
        return nullptr;
    }
    ++report.buildings_repaired;
    return fixed;
}
}  // namespace

BuildingUse classify_building(const std::string& value) {
    for (const auto& w : use_words)
        if (w.value == value) return w.use;
    return BuildingUse::Other;
}

std::vector<Building> read_buildings(const BuildingLayerConfig& cfg, const OGRSpatialReference& working,
                                     const LoadOptions& options, LoadReport& report) {
    LayerReader reader(cfg, working);
    const int f_height = reader.field(cfg.height_field), f_levels = reader.field(cfg.levels_field),
              f_use = reader.field(cfg.use_field), f_residents = reader.field(cfg.residents_field),
              f_jobs = reader.field(cfg.jobs_field);
    // A residents or jobs value must be a number >= 0 when the field is configured.
    auto count = [&](const OGRFeature& f, int idx, const char* what) {
        if (idx < 0) return -1.0;
        const auto v = parse_number(field_string(f, idx));
        if (!v || *v < 0.0) throw Error(reader.where(f, std::string(what) + " must be a number >= 0"));
        return *v;
    };
    std::vector<Building> out;
    Progress progress("buildings: features", reader.total(), options.progress);
    while (auto f = reader.next()) {
        progress.update(++report.building_features);
        const std::string use_tag = field_string(*f, f_use);
        if (use_tag == "no") continue;  // OSM building=no: explicitly not a building
        auto geom = valid_geometry(*f->GetGeometryRef(), report);
        if (!geom) continue;
        Building b;
        b.footprint = to_multipolygon(*geom);
        b.footprint_area_m2 = area(b.footprint);
        if (b.footprint.empty() || b.footprint_area_m2 <= 0.0) {
            ++report.buildings_skipped;
            continue;
        }
        b.id = BuildingId(static_cast<std::uint32_t>(out.size()));
        b.source_id = reader.feature_id(*f);
        b.use_tag = use_tag;
        b.use = classify_building(use_tag);
        set_height(b, field_string(*f, f_height), field_string(*f, f_levels), cfg);
        b.floor_area_m2 = b.footprint_area_m2 * std::max(1.0, std::round(b.levels));
        b.centroid = centroid(b.footprint);
        b.residents = count(*f, f_residents, "residents");
        b.jobs = count(*f, f_jobs, "jobs");
        out.push_back(std::move(b));
    }
    progress.finish();
    if (reader.matched_nothing())
        report.warnings.push_back(context_message(cfg.source, reader.layer_name(), -1,
                                                  "no building matches the filter `" + cfg.where + "`"));
    if (auto w = reader.gdal_warnings(); !w.empty()) report.warnings.push_back(w);
    return out;
}

}  // namespace citytwin::geodata::detail

namespace citytwin::geodata {
BuildingUse building_use_of(const std::string& tag) { return detail::classify_building(tag); }
}  // namespace citytwin::geodata
