#pragma once
// Fastest paths on the road graph for many trips at once, honouring turns: the search
// labels links (the cost to reach a link's end), so a turn from one link to the next can
// be forbidden (the network's turn restrictions; U-turns except at dead ends). Trips
// that share an origin link and a departure hour share one tree, stopped as soon as all
// their destinations are settled; trees run in parallel (TBB), each writing only its own
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

/// Which turns a route may take. The network's turn restrictions always hold.
struct RouterOptions {
    /// false: a U-turn (onto a link that leads back to where the previous one started)
    /// only where no other turn is open in that hour: a dead end, or a junction whose
    /// other exits are closed or banned. The first turn, off from_link, counts too.
    bool allow_u_turns = false;
};

/// 1 for the links some turn the rules allow leads onto (every link open): where trips may
/// end. A link entered only by a U-turn at a junction (one direction of a two-way street
/// whose far end meets only a one-way street out) ends no route, though the road graph
/// keeps it (its nodes are strongly connected).
std::vector<char> enterable_links(const geodata::RoadNetwork& net, const RouterOptions& options = {});

/// Routes every active request; `routes` has one slot per request.
void route_all(const geodata::RoadNetwork& net, const LinkCosts& costs, const std::vector<RouteRequest>& requests,
               std::vector<Route>& routes, const RouterOptions& options = {});

/// Cost (s) of a route under costs, from the end of its first link.
double route_cost(const LinkCosts& costs, const Route& route, std::int32_t departure);

}  // namespace citytwin::sim
