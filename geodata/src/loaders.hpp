#pragma once
// One loader per model component; city_loader.cpp runs them in order.
#include "layer_reader.hpp"

#include <citytwin/geodata/city_loader.hpp>

namespace citytwin::geodata::detail {

/// The roads layer's ways: for cars, and (cfg.paths) for walkers and cyclists.
struct RoadWays {
    std::vector<RoadWay> car, paths;
};
RoadWays read_road_ways(const RoadLayerConfig& cfg, const OGRSpatialReference& working, const LoadOptions& options,
                        LoadReport& report);
std::vector<Building> read_buildings(const BuildingLayerConfig& cfg, const OGRSpatialReference& working,
                                     const LoadOptions& options, LoadReport& report);
std::vector<AccessPoint> read_access_points(const AccessPointLayerConfig& cfg, const OGRSpatialReference& working,
                                            const Box& study_area, LoadReport& report);
std::vector<District> read_districts(const DistrictLayerConfig& cfg, const OGRSpatialReference& working,
                                     LoadReport& report);
/// The network with junction control, turn restrictions and given signal greens: OSM
/// signals, signs and restriction relations when the roads are OSM, then the city's
/// junctions layer and turn restriction table.
RoadNetwork add_junction_data(const CityConfig& config, const RoadLayerConfig& roads,
                              const OGRSpatialReference& working, const std::vector<RoadWay>& ways,
                              const RoadNetwork& net, LoadReport& report);
Raster read_terrain(const ElevationConfig& cfg, const OGRSpatialReference& working, const Box& area);

/// Road class for a raw class value through the layer's class map; nullopt: not a road.
std::optional<RoadClass> classify_road(const RoadLayerConfig& cfg, const std::string& value);
/// Building use from an OSM building value (or the same vocabulary in other sources).
BuildingUse classify_building(const std::string& value);

}  // namespace citytwin::geodata::detail
