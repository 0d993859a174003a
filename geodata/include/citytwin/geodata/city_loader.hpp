#pragma once
// Builds a CityModel from the sources a CityConfig names (GDAL for all I/O, PROJ for
// reprojection). Throws geodata::Error with file/layer/feature context on bad input.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/road_graph_builder.hpp>

#include <string>
#include <vector>

namespace citytwin::geodata {

/// What happened while loading: counts a user should see, and warnings.
struct LoadReport {
    std::size_t road_features = 0;
    std::size_t road_features_not_drivable = 0;
    std::size_t road_features_invalid = 0;     ///< skipped: fewer than 2 distinct points
    GraphBuildReport graph;
    std::size_t building_features = 0;
    std::size_t buildings_repaired = 0;        ///< invalid footprints made valid
    std::size_t buildings_skipped = 0;         ///< invalid and not repairable
    std::size_t access_point_features = 0;
    std::size_t access_points_outside = 0;     ///< outside the city bounds, skipped
    std::size_t district_features = 0;
    std::vector<std::string> warnings;
    double seconds_read = 0.0, seconds_graph = 0.0;
};

struct LoadOptions {
    bool progress = false;   ///< print progress on stderr
};

CityModel load_city(const CityConfig& config, const LoadOptions& options, LoadReport& report);

}  // namespace citytwin::geodata
