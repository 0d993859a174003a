#pragma once
// Turns road polylines into a directed graph: ways are split where they share a
// vertex with another way (an intersection), never where they merely cross (a bridge).
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/osm_values.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace citytwin::geodata {

/// One road feature as read from a source, already in the working CRS.
struct RoadWay {
    std::int64_t source_id = -1;
    RoadClass road_class = RoadClass::Road;
    std::optional<double> speed_kmh;
    std::optional<double> total_lanes;
    OnewayDirection direction = OnewayDirection::Both;
    bool roundabout = false;
    bool tunnel = false;
    /// Path network ways: walk_access | bike_access per digitised direction (a direction
    /// with none gets no link; `direction` is then ignored). Both 0: a road for cars.
    std::uint8_t modes_forward = 0, modes_backward = 0;
    PathKind path_kind = PathKind::Street;
    /// A given signal green for the digitised direction (in_link unset until the graph exists).
    std::optional<SignalGreen> green;
    std::string name;
    Polyline points;
};

struct GraphBuildReport {
    std::size_t ways = 0;
    std::size_t links_before_pruning = 0;
    std::size_t nodes_before_pruning = 0;
    std::size_t dropped_links = 0;     ///< outside the largest strongly connected component
    std::size_t dropped_nodes = 0;
    std::size_t components = 0;        ///< strongly connected components found
};

struct GraphBuildOptions {
    double snap_tolerance_m = 0.01;
    bool keep_largest_scc = true;
    RoadClassTable class_table = default_road_class_table();
};

RoadNetwork build_road_network(const std::vector<RoadWay>& ways, const GraphBuildOptions& options,
                               GraphBuildReport& report);

/// Strongly connected component index per node (Tarjan, iterative); returns the count.
std::size_t strongly_connected_components(const RoadNetwork& net, std::vector<std::uint32_t>& component);

}  // namespace citytwin::geodata
