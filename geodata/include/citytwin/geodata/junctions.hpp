#pragma once
// Junction control from point data: signals and signs matched to the graph nodes they
// control, signalised nodes joined into controllers, roundabout entries found from the
// links. Pure functions over a built RoadNetwork: no files, no GDAL.
#include <citytwin/geodata/city_model.hpp>

#include <cstdint>
#include <vector>

namespace citytwin::geodata {

/// A point that says how a junction is controlled (an OSM highway=traffic_signals,
/// stop or give_way node, or a feature of a junctions layer).
struct JunctionMark {
    Point position;
    JunctionControl control = JunctionControl::Signal;
    float cycle_s = 0.0f;
    float offset_s = 0.0f;
    std::int64_t source_id = -1;
};

struct JunctionMatchOptions {
    /// Signals: a signal on an approach controls the nearest junction this close.
    double signal_join_m = 20.0;
    /// Stop and give-way signs: the same, with a smaller radius.
    double sign_join_m = 15.0;
    /// A mark this close to a node sits on it.
    double on_node_m = 0.5;
    /// OSM style: a mark not on a junction goes to the nearest node with >= 3 neighbours
    /// (a real junction), and controls rank Signal > Roundabout > Stop > Yield > Priority.
    /// Off (a junctions layer that draws the junctions themselves): the nearest node of
    /// any degree within signal_join_m, and the mark's control replaces what was there.
    bool osm_rules = true;
};

struct JunctionMatchReport {
    std::size_t signals = 0, signals_unmatched = 0;
    std::size_t signs = 0, signs_unmatched = 0;   ///< stop and yield (and, off OSM, the rest)
};

/// Number of distinct neighbour nodes (in or out); a real junction has >= 3.
std::size_t node_degree(const RoadNetwork& net, NodeId n);

/// Roundabout where a roundabout link ends and a link that is not one enters.
/// Returns the number of nodes marked (a signal is never downgraded).
std::size_t mark_roundabouts(const RoadNetwork& net, std::vector<Node>& nodes);

/// Sets the control (and, for given values, cycle/offset) of the node each mark belongs to.
void match_junction_marks(const RoadNetwork& net, std::vector<Node>& nodes, const std::vector<JunctionMark>& marks,
                          const JunctionMatchOptions& options, JunctionMatchReport& report);

/// Joins signalised nodes closer than join_m (transitively) into one controller whose id
/// is the group's lowest node id; other nodes get an invalid controller. Returns the count.
std::size_t assign_signal_controllers(std::vector<Node>& nodes, double join_m);

/// The same network with other node data (same ids and positions), keeping restrictions and greens.
RoadNetwork with_nodes(const RoadNetwork& net, std::vector<Node> nodes);

}  // namespace citytwin::geodata
