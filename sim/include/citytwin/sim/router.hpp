#pragma once
// Fastest paths on the road graph for many trips at once. Trips that share an origin
// node and a departure hour share one Dijkstra tree, stopped as soon as all their
// destinations are settled; trees run in parallel (TBB), each writing only its own
// trips' routes, so the result is the same for any thread count.
#include <citytwin/geodata/city_model.hpp>

#include <cstdint>
#include <vector>

namespace citytwin::sim {

inline constexpr int hours_per_day = 24;

/// Travel time (s) per link and hour of day: cost[hour * link_count + link].
struct LinkCosts {
    std::size_t link_count = 0;
    std::vector<float> seconds;
    bool time_invariant = false;   ///< every hour the same: one tree serves the whole day
    float at(std::size_t hour, std::uint32_t link) const { return seconds[(hour % hours_per_day) * link_count + link]; }
    /// length / free-flow speed for every hour.
    static LinkCosts free_flow(const geodata::RoadNetwork& net);
};

struct RouteRequest {
    std::uint32_t from_link;   ///< the trip starts at the end of this link
    std::uint32_t to_link;     ///< … and ends at the end of this one
    std::int32_t departure;    ///< s; picks the hour of the costs
    bool active = true;        ///< false: leave the route as it is
};

/// A route: from_link, the links between, to_link. Empty: unroutable.
using Route = std::vector<std::uint32_t>;

/// Routes every active request; `routes` has one slot per request.
void route_all(const geodata::RoadNetwork& net, const LinkCosts& costs, const std::vector<RouteRequest>& requests,
               std::vector<Route>& routes);

/// Cost (s) of a route under costs, from the end of its first link.
double route_cost(const LinkCosts& costs, const Route& route, std::int32_t departure);

}  // namespace citytwin::sim
