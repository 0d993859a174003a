#pragma once
// Small hand-made road networks shared by the sim test suites.
#include <citytwin/geodata/road_graph_builder.hpp>

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace citytwin::sim::test_networks {

/// A residential way through `pts` (speed: the class default unless given).
inline geodata::RoadWay way(std::int64_t id, geodata::Polyline pts,
                            geodata::OnewayDirection dir = geodata::OnewayDirection::Both,
                            std::optional<double> speed_kmh = std::nullopt) {
    geodata::RoadWay w;
    w.source_id = id;
    w.road_class = geodata::RoadClass::Residential;
    w.speed_kmh = speed_kmh;
    w.direction = dir;
    w.points = std::move(pts);
    return w;
}

/// The graph of `ways`; keep_largest_scc = false keeps disconnected parts (unroutable cases).
inline geodata::RoadNetwork build(const std::vector<geodata::RoadWay>& ways, bool keep_largest_scc = true) {
    geodata::GraphBuildOptions o;
    o.keep_largest_scc = keep_largest_scc;
    geodata::GraphBuildReport report;
    return geodata::build_road_network(ways, o, report);
}

/// n × n two-way residential grid, 100 m blocks, starting at x0 (way ids from id0).
inline std::vector<geodata::RoadWay> grid_ways(int n, double x0 = 0.0, std::int64_t id0 = 0) {
    std::vector<geodata::RoadWay> ways;
    for (int r = 0; r < n; ++r) {
        geodata::Polyline row, col;
        for (int c = 0; c < n; ++c) {
            row.push_back({x0 + 100.0 * c, 100.0 * r});
            col.push_back({x0 + 100.0 * r, 100.0 * c});
        }
        ways.push_back(way(id0 + 2 * r, row));
        ways.push_back(way(id0 + 2 * r + 1, col));
    }
    return ways;
}

/// The router's turn rule spelled out slowly, as the test oracle: the data must allow
/// from → to, and a U-turn (to leads back to from's start) is open only when no other
/// turn the data allow leads to a link open in that hour (finite cost).
template <class CostOf>
bool may_follow(const geodata::RoadNetwork& net, std::uint32_t from, std::uint32_t to, CostOf cost_of,
                bool allow_u_turns = false) {
    const geodata::Link& a = net.link(geodata::LinkId(from));
    const geodata::Link& b = net.link(geodata::LinkId(to));
    if (b.from != a.to || !net.turn_allowed(a.id, b.id)) return false;
    if (allow_u_turns || b.to != a.from) return true;
    for (const geodata::LinkId other : net.out_links(a.to))
        if (net.link(other).to != a.from && net.turn_allowed(a.id, other) && std::isfinite(cost_of(other.value)))
            return false;
    return true;
}

}  // namespace citytwin::sim::test_networks
