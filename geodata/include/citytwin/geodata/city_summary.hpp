#pragma once
// The figures `citytwin info --city` prints: what the built city model holds.
#include <citytwin/geodata/city_loader.hpp>

#include <map>
#include <string>

namespace citytwin::geodata {

struct CitySummary {
    std::string name, crs;
    Box bounds;
    std::size_t nodes = 0, links = 0;
    double road_km = 0.0;                          ///< directed link km
    std::map<std::string, double> road_km_by_class;
    std::size_t dropped_links = 0, dropped_nodes = 0;
    std::size_t path_nodes = 0, path_links = 0;          ///< the walking and cycling network
    std::map<std::string, double> path_km_by_kind;       ///< street, footway, cycleway … (directed km)
    double path_km_walkable = 0.0, path_km_rideable = 0.0;
    std::map<std::string, std::size_t> junctions_by_control;   ///< nodes per control type
    std::size_t signal_controllers = 0;
    std::size_t turn_restrictions = 0;                         ///< on the graph (OSM and table)
    std::size_t signal_greens = 0;
    std::size_t buildings = 0;
    double footprint_area_m2 = 0.0, floor_area_m2 = 0.0;
    double mean_height_m = 0.0, max_height_m = 0.0;
    std::map<std::string, std::size_t> height_sources;   ///< height/levels/default -> count
    std::size_t access_points = 0, districts = 0;
    double population = 0.0;
    bool terrain = false;
    double terrain_min_m = 0.0, terrain_max_m = 0.0;
};

CitySummary summarize(const CityModel& model, const LoadReport& report);

}  // namespace citytwin::geodata
