#include "commands.hpp"

#include <citytwin/geodata/city_summary.hpp>
#include <citytwin/geodata/source_info.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace citytwin::app {

namespace {
using nlohmann::json;

json to_json(const geodata::SourceInfo& info) {
    json j{{"path", info.path}, {"driver", info.driver}, {"layers", json::array()}};
    for (const auto& l : info.layers) {
        json lj{{"name", l.name}, {"geometry_type", l.geometry_type}, {"feature_count", l.feature_count},
                {"crs", l.crs}, {"fields", l.fields}};
        if (l.extent) lj["extent"] = *l.extent;
        j["layers"].push_back(lj);
    }
    if (info.raster) {
        const auto& r = *info.raster;
        j["raster"] = {{"width", r.width}, {"height", r.height}, {"bands", r.bands}, {"data_type", r.data_type},
                       {"crs", r.crs}, {"geotransform", r.geotransform}, {"extent", r.extent}};
        if (r.nodata) j["raster"]["nodata"] = *r.nodata;
    }
    return j;
}

void print_text(const geodata::SourceInfo& info) {
    fmt::print("{}\n  driver: {}\n", info.path, info.driver);
    for (const auto& l : info.layers) {
        fmt::print("  layer {}: {} features, {}, CRS {}\n", l.name, l.feature_count, l.geometry_type, l.crs);
        if (l.extent) fmt::print("    extent: {:.6f} {:.6f} - {:.6f} {:.6f}\n", (*l.extent)[0], (*l.extent)[1],
                                 (*l.extent)[2], (*l.extent)[3]);
        fmt::print("    fields: {}\n", fmt::join(l.fields, ", "));
    }
    if (info.raster) {
        const auto& r = *info.raster;
        fmt::print("  raster: {} x {}, {} band(s) of {}, CRS {}\n", r.width, r.height, r.bands, r.data_type, r.crs);
        fmt::print("    extent: {:.6f} {:.6f} - {:.6f} {:.6f}, cell {:.6f} x {:.6f}\n", r.extent[0], r.extent[1],
                   r.extent[2], r.extent[3], r.geotransform[1], -r.geotransform[5]);
        if (r.nodata) fmt::print("    nodata: {}\n", *r.nodata);
    }
}

json to_json(const geodata::GtfsLoadReport& t) {
    return json{{"service_date", t.service_date},
                {"stops", t.stops},
                {"stops_in_feed", t.stops_in_feed},
                {"routes", t.routes},
                {"routes_in_feed", t.routes_in_feed},
                {"routes_by_mode", t.routes_by_mode},
                {"trips", t.trips},
                {"trips_on_day", t.trips_on_day},
                {"trips_from_frequencies", t.trips_from_frequencies},
                {"frequency_rows", t.frequency_rows},
                {"stop_times", t.stop_times},
                {"stop_times_interpolated", t.times_interpolated},
                {"trips_dropped", t.trips_dropped},
                {"dropped_by_reason", t.dropped_by_reason},
                {"seconds", t.seconds}};
}

void print_transit(const geodata::GtfsLoadReport& t) {
    fmt::print("  transit       timetable of {}: {} stops, {} routes ({} in the feed)\n", t.service_date, t.stops,
               t.routes, t.routes_in_feed);
    fmt::print("    routes     ");
    for (const auto& [mode, n] : t.routes_by_mode) fmt::print(" {} {}", mode, n);
    fmt::print("\n    trips       {} ({} from {} frequency rows), {} stop times ({} interpolated)\n", t.trips,
               t.trips_from_frequencies, t.frequency_rows, t.stop_times, t.times_interpolated);
    fmt::print("    dropped     {} trip(s)", t.trips_dropped);
    for (const auto& [why, n] : t.dropped_by_reason) fmt::print("; {} {}", n, why);
    fmt::print("\n");
}

json to_json(const geodata::CitySummary& s, const geodata::LoadReport& r, bool transit) {
    return json{
        {"name", s.name},
        {"crs", s.crs},
        {"bounds", {s.bounds.min.x, s.bounds.min.y, s.bounds.max.x, s.bounds.max.y}},
        {"roads",
         {{"nodes", s.nodes}, {"links", s.links}, {"km", s.road_km}, {"km_by_class", s.road_km_by_class},
          {"dropped_links", s.dropped_links}, {"dropped_nodes", s.dropped_nodes},
          {"features", r.road_features}, {"features_not_drivable", r.road_features_not_drivable},
          {"features_invalid", r.road_features_invalid}}},
        {"paths",
         {{"nodes", s.path_nodes}, {"links", s.path_links}, {"km_by_kind", s.path_km_by_kind},
          {"km_walkable", s.path_km_walkable}, {"km_rideable", s.path_km_rideable}, {"features", r.path_features},
          {"dropped_links", r.path_graph.dropped_links}}},
        {"junctions",
         {{"by_control", s.junctions_by_control}, {"signal_controllers", s.signal_controllers},
          {"osm_signals", r.junctions.osm.signals}, {"osm_signals_unmatched", r.junctions.osm.signals_unmatched},
          {"osm_signs", r.junctions.osm.signs}, {"osm_signs_unmatched", r.junctions.osm.signs_unmatched},
          {"layer_points", r.junctions.layer.signals + r.junctions.layer.signs},
          {"layer_points_unmatched", r.junctions.layer.signals_unmatched + r.junctions.layer.signs_unmatched},
          {"signal_greens", s.signal_greens}}},
        {"turn_restrictions",
         {{"count", s.turn_restrictions}, {"osm_relations_read", r.junctions.restrictions_read},
          {"osm_relations_skipped", r.junctions.restrictions_skipped}, {"skipped", r.junctions.skipped},
          {"table_rows", r.junctions.restriction_rows}}},
        {"buildings",
         {{"count", s.buildings}, {"footprint_m2", s.footprint_area_m2}, {"floor_area_m2", s.floor_area_m2},
          {"mean_height_m", s.mean_height_m}, {"max_height_m", s.max_height_m},
          {"height_source", s.height_sources}, {"repaired", r.buildings_repaired},
          {"skipped", r.buildings_skipped}}},
        {"access_points", {{"count", s.access_points}, {"outside_study_area", r.access_points_outside}}},
        {"districts", {{"count", s.districts}, {"population", s.population}}},
        {"terrain", s.terrain ? json{{"min_m", s.terrain_min_m}, {"max_m", s.terrain_max_m}} : json(nullptr)},
        {"transit", transit ? to_json(r.transit) : json(nullptr)},
        {"seconds", {{"read", r.seconds_read}, {"graph", r.seconds_graph}, {"transit", r.transit.seconds}}},
        {"warnings", r.warnings},
    };
}

void print_text(const geodata::CitySummary& s, const geodata::LoadReport& r, bool transit) {
    fmt::print("city {} (working CRS {})\n", s.name, s.crs);
    fmt::print("  extent        {:.0f} {:.0f} - {:.0f} {:.0f} ({:.1f} x {:.1f} km)\n", s.bounds.min.x, s.bounds.min.y,
               s.bounds.max.x, s.bounds.max.y, (s.bounds.max.x - s.bounds.min.x) / 1000,
               (s.bounds.max.y - s.bounds.min.y) / 1000);
    fmt::print("  road graph    {} nodes, {} directed links, {:.1f} km of links\n", s.nodes, s.links, s.road_km);
    for (const auto& [cls, km] : s.road_km_by_class) fmt::print("    {:<16}{:>9.2f} km\n", cls, km);
    fmt::print("  dropped       {} links, {} nodes outside the largest strongly connected component\n",
               s.dropped_links, s.dropped_nodes);
    fmt::print("  road features {} read, {} not drivable, {} invalid geometry\n", r.road_features,
               r.road_features_not_drivable, r.road_features_invalid);
    if (s.path_links > 0) {
        fmt::print("  path network  {} nodes, {} directed links from {} features: {:.1f} km walkable, {:.1f} km "
                   "rideable ({} links dropped outside the largest component)\n",
                   s.path_nodes, s.path_links, r.path_features, s.path_km_walkable, s.path_km_rideable,
                   r.path_graph.dropped_links);
        for (const auto& [kind, km] : s.path_km_by_kind) fmt::print("    {:<16}{:>9.2f} km\n", kind, km);
    }
    fmt::print("  junctions    ");
    for (const auto& [control, n] : s.junctions_by_control) fmt::print(" {} {}", control, n);
    fmt::print("\n    signals     {} controller(s); OSM {} signal(s) ({} unmatched), {} sign(s) ({} unmatched); "
               "{} given green(s)\n",
               s.signal_controllers, r.junctions.osm.signals, r.junctions.osm.signals_unmatched, r.junctions.osm.signs,
               r.junctions.osm.signs_unmatched, s.signal_greens);
    fmt::print("  restrictions  {} turn restriction(s); OSM relations {} read, {} skipped; {} table row(s)\n",
               s.turn_restrictions, r.junctions.restrictions_read, r.junctions.restrictions_skipped,
               r.junctions.restriction_rows);
    fmt::print("  buildings     {} (footprint {:.0f} m², floor area {:.0f} m²)\n", s.buildings, s.footprint_area_m2,
               s.floor_area_m2);
    fmt::print("    height      mean {:.1f} m, max {:.1f} m; from", s.mean_height_m, s.max_height_m);
    for (const auto& [src, n] : s.height_sources) fmt::print(" {} {}", src, n);
    fmt::print("\n    invalid     {} repaired, {} skipped\n", r.buildings_repaired, r.buildings_skipped);
    fmt::print("  access points {} ({} outside the study area)\n", s.access_points, r.access_points_outside);
    fmt::print("  districts     {}, population {:.0f}\n", s.districts, s.population);
    if (s.terrain) fmt::print("  terrain       {:.0f} … {:.0f} m\n", s.terrain_min_m, s.terrain_max_m);
    if (transit) print_transit(r.transit);
    fmt::print("  load time     {:.2f} s read, {:.2f} s graph", r.seconds_read, r.seconds_graph);
    if (transit) fmt::print(", {:.2f} s transit", r.transit.seconds);
    fmt::print("\n");
    for (const auto& w : r.warnings) fmt::print(stderr, "warning: {}\n", w);
}
}  // namespace

int run_info(const InfoArgs& args) {
    if (!args.city.empty()) {
        const auto scenario = scenarios::load_scenario(args.city);
        geodata::LoadReport report;
        const auto model = scenarios::load_scenario_city(scenario, {args.progress}, report);
        const auto summary = geodata::summarize(model, report);
        const bool transit = model.transit != nullptr;
        if (args.json) std::cout << to_json(summary, report, transit).dump(2) << "\n";
        else print_text(summary, report, transit);
        return 0;
    }
    const auto info = geodata::describe_source(args.source);
    if (args.json) std::cout << to_json(info).dump(2) << "\n";
    else print_text(info);
    return 0;
}

}  // namespace citytwin::app
