#include <citytwin/geodata/city_summary.hpp>

#include <algorithm>

namespace citytwin::geodata {

CitySummary summarize(const CityModel& model, const LoadReport& report) {
    CitySummary s;
    s.name = model.name;
    s.crs = model.crs;
    s.bounds = model.bounds;
    s.nodes = model.roads->node_count();
    s.links = model.roads->link_count();
    for (const auto& l : model.roads->links()) {
        s.road_km += l.length_m / 1000.0;
        s.road_km_by_class[std::string(to_string(l.road_class))] += l.length_m / 1000.0;
    }
    for (std::size_t c = 0; c < junction_control_count; ++c)
        s.junctions_by_control[std::string(to_string(static_cast<JunctionControl>(c)))] = 0;
    for (const auto& n : model.roads->nodes()) {
        ++s.junctions_by_control[std::string(to_string(n.control))];
        if (n.control == JunctionControl::Signal && n.controller == n.id) ++s.signal_controllers;
    }
    if (model.paths) {
        s.path_nodes = model.paths->node_count();
        s.path_links = model.paths->link_count();
        for (const auto& l : model.paths->links()) {
            s.path_km_by_kind[std::string(to_string(l.path_kind))] += l.length_m / 1000.0;
            if (l.active_modes & walk_access) s.path_km_walkable += l.length_m / 1000.0;
            if (l.active_modes & bike_access) s.path_km_rideable += l.length_m / 1000.0;
        }
    }
    s.turn_restrictions = model.roads->turn_restrictions().size();
    s.signal_greens = model.roads->signal_greens().size();
    s.dropped_links = report.graph.dropped_links;
    s.dropped_nodes = report.graph.dropped_nodes;
    s.buildings = model.buildings->size();
    double height_sum = 0.0;
    for (const auto& b : *model.buildings) {
        s.footprint_area_m2 += b.footprint_area_m2;
        s.floor_area_m2 += b.floor_area_m2;
        height_sum += b.height_m;
        s.max_height_m = std::max(s.max_height_m, b.height_m);
        ++s.height_sources[std::string(to_string(b.height_source))];
    }
    if (s.buildings) s.mean_height_m = height_sum / static_cast<double>(s.buildings);
    s.access_points = model.access_points->size();
    s.districts = model.districts->size();
    for (const auto& d : *model.districts) s.population += d.population;
    if (model.terrain) {
        s.terrain = true;
        bool first = true;
        for (float v : model.terrain->values) {
            if (v == model.terrain->nodata) continue;
            s.terrain_min_m = first ? v : std::min<double>(s.terrain_min_m, v);
            s.terrain_max_m = first ? v : std::max<double>(s.terrain_max_m, v);
            first = false;
        }
    }
    return s;
}

}  // namespace citytwin::geodata
