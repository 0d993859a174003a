#include "city_section.hpp"

#include <citytwin/geodata/data_paths.hpp>
#include <citytwin/geodata/gtfs_loader.hpp>

namespace citytwin::scenarios {

using geodata::Error;
namespace fs = std::filesystem;

void read_text(const YamlMap& m, const char* key, std::string& out) {
    if (auto v = m.text(key)) out = *v;
}
void read_number(const YamlMap& m, const char* key, double& out) {
    if (auto v = m.number(key)) out = *v;
}

// Keys every layer section shares; `extra` lists the section's own keys.
void read_layer(const YamlMap& m, const fs::path& base, geodata::LayerSource& out) {
    auto source = m.text("source");
    if (!source) throw Error(m.where() + "'" + m.path_of("source") + "' is required");
    try {
        out.source = geodata::resolve_data_path(*source, base);
    } catch (const Error& e) {
        throw Error(m.where("source") + e.what());
    }
    read_text(m, "layer", out.layer);
    read_text(m, "where", out.where);
    read_text(m, "crs", out.crs);
    if (!out.crs.empty()) {
        try {
            geodata::check_crs(out.crs, false);
        } catch (const Error& e) {
            throw Error(m.where("crs") + "'" + m.path_of("crs") + "': " + e.what());
        }
    }
    read_text(m, "id_field", out.id_field);
}

namespace {

void read_distance(const YamlMap& m, const char* key, double& out) {
    read_number(m, key, out);
    if (!(out >= 0.0) || out > 1000.0)
        throw Error(m.where(key) + "'" + m.path_of(key) + "' must be a distance in metres, 0…1000");
}

geodata::RoadClass road_class_named(const YamlMap& m, const std::string& key, const std::string& value) {
    if (auto c = geodata::road_class_from_osm(value)) return *c;
    std::string known;
    for (std::size_t i = 0; i < geodata::road_class_count; ++i)
        known += std::string(" ") + std::string(geodata::to_string(static_cast<geodata::RoadClass>(i)));
    throw Error(m.where(key) + "'" + m.path_of(key) + "': unknown road class '" + value + "' (known:" + known + ")");
}

geodata::RoadLayerConfig read_roads(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "class_field", "class_map", "default_class",
                  "speed_field", "lanes_field", "oneway_field", "junction_field", "name_field", "access_fields",
                  "snap_tolerance_m", "signal_green_start_field", "signal_green_duration_field",
                  "signal_join_distance_m", "sign_join_distance_m", "paths", "general_access_field", "foot_field",
                  "bicycle_field", "oneway_bicycle_field", "cycleway_field", "motorroad_field", "tunnel_field"});
    geodata::RoadLayerConfig c;
    read_layer(m, base, c);
    read_text(m, "class_field", c.class_field);
    if (auto pairs = m.text_pairs("class_map")) {
        for (const auto& [pattern, cls] : *pairs) {
            if (cls != "skip" && !geodata::path_kind_from_osm(cls)) road_class_named(m, "class_map", cls);
            c.class_map.emplace_back(pattern, cls);
        }
    }
    if (auto d = m.text("default_class")) {
        road_class_named(m, "default_class", *d);
        c.default_class = *d;
    }
    read_text(m, "speed_field", c.speed_field);
    read_text(m, "lanes_field", c.lanes_field);
    read_text(m, "oneway_field", c.oneway_field);
    read_text(m, "junction_field", c.junction_field);
    read_text(m, "name_field", c.name_field);
    if (auto a = m.text_list("access_fields")) c.access_fields = *a;
    read_number(m, "snap_tolerance_m", c.snap_tolerance_m);
    if (c.snap_tolerance_m <= 0.0) throw Error(m.where("snap_tolerance_m") + "'snap_tolerance_m' must be > 0");
    read_text(m, "signal_green_start_field", c.signal_green_start_field);
    read_text(m, "signal_green_duration_field", c.signal_green_duration_field);
    if (c.signal_green_start_field.empty() != c.signal_green_duration_field.empty())
        throw Error(m.where() + "'" + m.path_of("signal_green_start_field") +
                    "' and 'signal_green_duration_field' go together: give both or neither");
    read_distance(m, "signal_join_distance_m", c.signal_join_distance_m);
    read_distance(m, "sign_join_distance_m", c.sign_join_distance_m);
    if (auto p = m.boolean("paths")) c.paths = *p;
    for (auto [key, field] : {std::pair{"general_access_field", &c.general_access_field}, {"foot_field", &c.foot_field},
                              {"bicycle_field", &c.bicycle_field}, {"oneway_bicycle_field", &c.oneway_bicycle_field},
                              {"cycleway_field", &c.cycleway_field}, {"motorroad_field", &c.motorroad_field},
                              {"tunnel_field", &c.tunnel_field}})
        read_text(m, key, *field);
    return c;
}

geodata::JunctionLayerConfig read_junctions(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "control_field", "cycle_field", "offset_field",
                  "join_distance_m"});
    geodata::JunctionLayerConfig c;
    read_layer(m, base, c);
    read_text(m, "control_field", c.control_field);
    read_text(m, "cycle_field", c.cycle_field);
    read_text(m, "offset_field", c.offset_field);
    read_distance(m, "join_distance_m", c.join_distance_m);
    return c;
}

geodata::TurnRestrictionTableConfig read_turn_restrictions(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "from_field", "to_field", "type_field"});
    geodata::TurnRestrictionTableConfig c;
    read_layer(m, base, c);
    read_text(m, "from_field", c.from_field);
    read_text(m, "to_field", c.to_field);
    read_text(m, "type_field", c.type_field);
    return c;
}

geodata::SignalGreenTableConfig read_signal_greens(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "from_field", "to_field", "start_field", "duration_field"});
    geodata::SignalGreenTableConfig c;
    read_layer(m, base, c);
    read_text(m, "from_field", c.from_field);
    read_text(m, "to_field", c.to_field);
    read_text(m, "start_field", c.start_field);
    read_text(m, "duration_field", c.duration_field);
    return c;
}

geodata::BuildingLayerConfig read_buildings(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "height_field", "levels_field", "use_field",
                  "level_height_m", "default_levels"});
    geodata::BuildingLayerConfig c;
    read_layer(m, base, c);
    read_text(m, "height_field", c.height_field);
    read_text(m, "levels_field", c.levels_field);
    read_text(m, "use_field", c.use_field);
    read_number(m, "level_height_m", c.level_height_m);
    read_number(m, "default_levels", c.default_levels);
    return c;
}

geodata::AccessPointLayerConfig read_access_points(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "name_field", "power_field", "frequency_field",
                  "channel_field", "height_field", "default_power_dbm", "default_frequency_ghz",
                  "default_channel", "default_height_m"});
    geodata::AccessPointLayerConfig c;
    read_layer(m, base, c);
    read_text(m, "name_field", c.name_field);
    read_text(m, "power_field", c.power_field);
    read_text(m, "frequency_field", c.frequency_field);
    read_text(m, "channel_field", c.channel_field);
    read_text(m, "height_field", c.height_field);
    read_number(m, "default_power_dbm", c.default_power_dbm);
    read_number(m, "default_frequency_ghz", c.default_frequency_ghz);
    if (auto ch = m.integer("default_channel")) c.default_channel = *ch;
    read_number(m, "default_height_m", c.default_height_m);
    return c;
}

geodata::DistrictLayerConfig read_districts(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "name_field", "population_field"});
    geodata::DistrictLayerConfig c;
    read_layer(m, base, c);
    read_text(m, "name_field", c.name_field);
    read_text(m, "population_field", c.population_field);
    return c;
}

// A GTFS feed: its path resolves like a layer's source; the date is checked here so a typo
// is reported with its line before any data is read.
geodata::TransitConfig read_transit(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "date"});
    geodata::TransitConfig c;
    geodata::LayerSource src;
    read_layer(m, base, src);
    c.source = src.source;
    read_text(m, "date", c.date);
    if (!c.date.empty()) {
        try {
            geodata::check_service_date(c.date);
        } catch (const Error& e) {
            throw Error(m.where("date") + "'" + m.path_of("date") + "': " + e.what());
        }
    }
    return c;
}

void read_road_defaults(const YamlMap& m, geodata::CityConfig& city) {
    for (const auto& cls_name : m.keys()) {
        const geodata::RoadClass cls = road_class_named(m, cls_name, cls_name);
        const YamlMap entry = *m.map(cls_name);
        entry.allow_only({"speed_kmh", "lanes", "capacity_per_lane"});
        geodata::RoadClassDefaults d = geodata::default_road_class_table()[static_cast<std::size_t>(cls)];
        read_number(entry, "speed_kmh", d.speed_kmh);
        if (auto l = entry.integer("lanes")) d.lanes = *l;
        read_number(entry, "capacity_per_lane", d.capacity_per_lane);
        if (d.speed_kmh <= 0 || d.lanes < 1 || d.capacity_per_lane <= 0)
            throw Error(entry.where() + "'" + m.path_of(cls_name) + "': speed, lanes and capacity must be positive");
        city.road_defaults[cls] = d;
    }
}

}  // namespace

geodata::CityConfig read_city(const YamlMap& m, const fs::path& base) {
    m.allow_only({"name", "crs", "attribution", "roads", "buildings", "access_points", "districts", "elevation",
                  "road_defaults", "junctions", "turn_restrictions", "signal_greens",
                  "transit"});
    geodata::CityConfig c;
    read_text(m, "name", c.name);
    read_text(m, "crs", c.crs);
    if (c.crs == "auto") c.crs.clear();
    if (!c.crs.empty()) {
        try {
            geodata::check_crs(c.crs, true);
        } catch (const Error& e) {
            throw Error(m.where("crs") + "'" + m.path_of("crs") + "': " + e.what());
        }
    }
    read_text(m, "attribution", c.attribution);
    if (auto r = m.map("roads")) c.roads = read_roads(*r, base);
    if (auto b = m.map("buildings")) c.buildings = read_buildings(*b, base);
    if (auto a = m.map("access_points")) c.access_points = read_access_points(*a, base);
    if (auto d = m.map("districts")) c.districts = read_districts(*d, base);
    if (auto e = m.map("elevation")) {
        e->allow_only({"source", "resolution_m"});
        geodata::ElevationConfig ec;
        geodata::LayerSource tmp;
        read_layer(*e, base, tmp);
        ec.source = tmp.source;
        read_number(*e, "resolution_m", ec.resolution_m);
        if (ec.resolution_m <= 0) throw Error(e->where("resolution_m") + "'resolution_m' must be > 0");
        c.elevation = ec;
    }
    if (auto rd = m.map("road_defaults")) read_road_defaults(*rd, c);
    if (auto j = m.map("junctions")) c.junctions = read_junctions(*j, base);
    if (auto t = m.map("turn_restrictions")) c.turn_restrictions = read_turn_restrictions(*t, base);
    if (auto t = m.map("signal_greens")) c.signal_greens = read_signal_greens(*t, base);
    if (auto t = m.map("transit")) c.transit = read_transit(*t, base);
    if ((c.junctions || c.turn_restrictions || c.signal_greens) && !c.roads)
        throw Error(m.where() + "'city' has junctions, turn_restrictions or signal_greens but no roads to put them on");
    if (!c.roads && !c.buildings && !c.districts && !c.access_points)
        throw Error(m.where() + "'city' names no layer: give at least one of roads, buildings, access_points, districts");
    return c;
}

}  // namespace citytwin::scenarios
