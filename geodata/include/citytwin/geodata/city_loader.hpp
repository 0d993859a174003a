#pragma once
// Builds a CityModel from the sources a CityConfig names (GDAL for all I/O, PROJ for
// reprojection). Throws geodata::Error with file/layer/feature context on bad input.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/gtfs_loader.hpp>
#include <citytwin/geodata/junctions.hpp>
#include <citytwin/geodata/road_graph_builder.hpp>

#include <string>
#include <vector>

namespace citytwin::geodata {

/// Junction control and turn restrictions read beside the road graph.
struct JunctionLoadReport {
    JunctionMatchReport osm;                  ///< OSM signal / stop / give-way nodes
    JunctionMatchReport layer;                ///< the junctions layer's points
    std::size_t roundabout_nodes = 0;
    std::size_t controllers = 0;              ///< signal controllers after joining
    std::size_t restrictions_read = 0;        ///< OSM restriction relations read
    std::size_t restrictions_skipped = 0;     ///< of those: not resolvable on the graph
    std::size_t restriction_rows = 0;         ///< rows of the turn restriction table
    std::size_t signal_greens = 0;            ///< given greens placed on links
    std::vector<std::string> skipped;         ///< "relation id: why" per skipped relation
};

/// What happened while loading: counts a user should see, and warnings.
struct LoadReport {
    std::size_t road_features = 0;
    std::size_t road_features_not_drivable = 0;
    std::size_t road_features_invalid = 0;     ///< skipped: fewer than 2 distinct points
    GraphBuildReport graph;
    std::size_t path_features = 0;             ///< features walkers or cyclists may use
    GraphBuildReport path_graph;
    JunctionLoadReport junctions;
    std::size_t building_features = 0;
    std::size_t buildings_repaired = 0;        ///< invalid footprints made valid
    std::size_t buildings_skipped = 0;         ///< invalid and not repairable
    std::size_t access_point_features = 0;
    std::size_t access_points_outside = 0;     ///< outside the city bounds, skipped
    std::size_t district_features = 0;
    GtfsLoadReport transit;                    ///< the GTFS feed, when city.transit is set
    std::vector<std::string> warnings;
    double seconds_read = 0.0, seconds_graph = 0.0;
};

struct LoadOptions {
    bool progress = false;   ///< print progress on stderr
};

CityModel load_city(const CityConfig& config, const LoadOptions& options, LoadReport& report);

}  // namespace citytwin::geodata
