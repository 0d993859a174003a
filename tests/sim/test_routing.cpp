// Fastest paths: every answer of route_all is checked against a brute-force
// Bellman-Ford over links and the turns the router may take on small grids, plus exact
// routes around a one-way street, unreachable targets, hour-dependent costs, and
// identical routes for 1 and 2 threads. Turn rules in detail: test_routing_turns.cpp.
#include <citytwin/geodata/road_graph_builder.hpp>
#include <citytwin/sim/router.hpp>

#include <tbb/global_control.h>

#include "test_networks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace citytwin::sim {
namespace {

using geodata::GraphBuildOptions;
using geodata::GraphBuildReport;
using geodata::LinkId;
using geodata::NodeId;
using geodata::OnewayDirection;
using geodata::Point;
using geodata::RoadNetwork;
using geodata::RoadWay;

constexpr double inf = std::numeric_limits<double>::infinity();

// Routing tests drive at 36 km/h (10 m/s) unless they say otherwise: exact costs.
RoadWay way(std::int64_t id, geodata::Polyline pts, OnewayDirection dir = OnewayDirection::Both,
            double speed_kmh = 36.0) {
    return test_networks::way(id, std::move(pts), dir, speed_kmh);
}
using test_networks::build;

// n × n intersections 100 m apart; every row and column is one two-way way through all
// of its intersections, with speeds varying by way so that costs are not uniform.
RoadNetwork grid(int n, double x0 = 0.0) {
    std::vector<RoadWay> ways;
    for (int r = 0; r < n; ++r) {
        geodata::Polyline row, col;
        for (int c = 0; c < n; ++c) {
            row.push_back({x0 + 100.0 * c, 100.0 * r});
            col.push_back({x0 + 100.0 * r, 100.0 * c});
        }
        ways.push_back(way(2 * r, row, OnewayDirection::Both, 20.0 + 7.0 * (r % 5)));
        ways.push_back(way(2 * r + 1, col, OnewayDirection::Both, 25.0 + 9.0 * ((r + 2) % 4)));
    }
    return build(ways);
}

std::uint32_t link_between(const RoadNetwork& net, Point a, Point b) {
    for (const auto& l : net.links())
        if (net.node(l.from).position == a && net.node(l.to).position == b) return l.id.value;
    ADD_FAILURE() << "no link (" << a.x << "," << a.y << ") -> (" << b.x << "," << b.y << ")";
    return UINT32_MAX;
}

// Costs from the end of link `origin` to the end of every link under the costs of one
// hour, turning only where the router may (test_networks::may_follow): plain
// Bellman-Ford over links, the slowest correct answer there is.
std::vector<double> bellman_ford(const RoadNetwork& net, const LinkCosts& costs, std::size_t hour, std::uint32_t origin,
                                 bool allow_u_turns = false) {
    auto cost_of = [&](std::uint32_t l) { return costs.at(hour, l); };
    std::vector<double> d(net.link_count(), inf);
    d[origin] = 0.0;
    for (std::size_t round = 0; round < net.link_count(); ++round) {
        bool changed = false;
        for (const auto& a : net.links()) {
            if (d[a.id.value] == inf) continue;
            for (const LinkId b : net.out_links(a.to)) {
                if (!test_networks::may_follow(net, a.id.value, b.value, cost_of, allow_u_turns)) continue;
                const double nd = d[a.id.value] + cost_of(b.value);
                if (nd < d[b.value]) {
                    d[b.value] = nd;
                    changed = true;
                }
            }
        }
        if (!changed) break;
    }
    return d;
}

// The expected cost of a request: from the end of from_link to the end of to_link.
double expected_cost(const std::vector<double>& d, const RouteRequest& q) {
    return q.from_link == q.to_link ? 0.0 : d[q.to_link];
}

void expect_well_formed(const RoadNetwork& net, const RouteRequest& q, const Route& r, std::size_t i) {
    ASSERT_FALSE(r.empty()) << "request " << i;
    EXPECT_EQ(r.front(), q.from_link) << "request " << i;
    EXPECT_EQ(r.back(), q.to_link) << "request " << i;
    for (std::size_t k = 1; k < r.size(); ++k)
        ASSERT_EQ(net.link(LinkId(r[k - 1])).to, net.link(LinkId(r[k])).from) << "request " << i << " step " << k;
}

// Hour-dependent costs: free flow times a random factor in [lo, hi) per link and hour.
LinkCosts random_costs(const RoadNetwork& net, unsigned seed, float lo, float hi) {
    LinkCosts costs = LinkCosts::free_flow(net);
    costs.time_invariant = false;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> factor(lo, hi);
    for (auto& c : costs.seconds) c *= factor(rng);
    return costs;
}

// Checks every request's route against Bellman-Ford from its origin link.
void expect_fastest(const RoadNetwork& net, const LinkCosts& costs, const std::vector<RouteRequest>& requests,
                    const std::vector<Route>& routes) {
    ASSERT_EQ(routes.size(), requests.size());
    std::map<std::pair<std::size_t, std::uint32_t>, std::vector<double>> trees;  // (hour, origin link)
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const RouteRequest& q = requests[i];
        const std::size_t hour = static_cast<std::size_t>(q.departure / 3600) % hours_per_day;
        auto it = trees.find({hour, q.from_link});
        if (it == trees.end())
            it = trees.emplace(std::pair{hour, q.from_link}, bellman_ford(net, costs, hour, q.from_link)).first;
        const double want = expected_cost(it->second, q);
        ASSERT_TRUE(std::isfinite(want));
        expect_well_formed(net, q, routes[i], i);
        auto cost_of = [&](std::uint32_t l) { return costs.at(hour, l); };
        for (std::size_t k = 1; k < routes[i].size(); ++k)
            ASSERT_TRUE(test_networks::may_follow(net, routes[i][k - 1], routes[i][k], cost_of))
                << "request " << i << " turn " << k;
        ASSERT_NEAR(route_cost(costs, routes[i], q.departure), want, 1e-9 * want + 1e-9)
            << "request " << i << ": " << q.from_link << " -> " << q.to_link << " at " << q.departure;
    }
}

std::vector<RouteRequest> all_pairs(const RoadNetwork& net, const std::vector<std::int32_t>& departures) {
    std::vector<RouteRequest> requests;
    for (std::int32_t dep : departures)
        for (std::uint32_t a = 0; a < net.link_count(); ++a)
            for (std::uint32_t b = 0; b < net.link_count(); ++b) requests.push_back({a, b, dep, true});
    return requests;
}

// Every ordered pair of links at three hours, all routed at once (one tree per origin
// node and hour, many destinations each).
TEST(Routing, AllPairsMatchBellmanFord) {
    const RoadNetwork net = grid(5);
    ASSERT_EQ(net.link_count(), 80u);
    // Congested-like costs: never below free flow, up to 4 times it.
    const LinkCosts costs = random_costs(net, 7, 1.0f, 4.0f);
    const auto requests = all_pairs(net, {0, 8 * 3600 + 59, 17 * 3600 + 1800});
    std::vector<Route> routes;
    route_all(net, costs, requests, routes);
    expect_fastest(net, costs, requests, routes);
}

// The same pairs one request at a time: a tree with a single destination (the router
// may search toward it, e.g. A*) must find the same fastest times.
TEST(Routing, SingleRequestsMatchBellmanFord) {
    const RoadNetwork net = grid(5);
    const LinkCosts costs = random_costs(net, 8, 1.0f, 4.0f);
    const auto requests = all_pairs(net, {9 * 3600});
    std::vector<Route> routes(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        std::vector<Route> one;
        route_all(net, costs, {requests[i]}, one);
        ASSERT_EQ(one.size(), 1u);
        routes[i] = one[0];
    }
    expect_fastest(net, costs, requests, routes);
    // Free-flow costs (what the first iteration routes on) as well.
    const LinkCosts ff = LinkCosts::free_flow(net);
    for (std::size_t i = 0; i < requests.size(); i += 7) {
        std::vector<Route> one;
        route_all(net, ff, {requests[i]}, one);
        routes[i] = one[0];
    }
    for (std::size_t i = 0; i < requests.size(); i += 7) {
        const auto d = bellman_ford(net, ff, 0, requests[i].from_link);
        ASSERT_NEAR(route_cost(ff, routes[i], 0), expected_cost(d, requests[i]), 1e-6) << "request " << i;
    }
}

// Equal paths are everywhere on a uniform grid. The router settles ties the lower link id
// first, so a link's predecessor on a route is the lowest-numbered link it may follow
// with the same (smallest) cost: routes are reproducible and do not depend on how the
// frontier is kept. Checked for trees with many destinations and for single ones.
TEST(Routing, EqualPathsSettleTheLowerLinkIdFirst) {
    std::vector<RoadWay> ways;
    const int n = 5;
    for (int r = 0; r < n; ++r) {
        geodata::Polyline row, col;
        for (int c = 0; c < n; ++c) {
            row.push_back({100.0 * c, 100.0 * r});
            col.push_back({100.0 * r, 100.0 * c});
        }
        ways.push_back(way(2 * r, row));
        ways.push_back(way(2 * r + 1, col));
    }
    const RoadNetwork net = build(ways);
    const LinkCosts ff = LinkCosts::free_flow(net);  // 10 s every link: exact ties
    const auto requests = all_pairs(net, {0});
    std::vector<Route> batch;
    route_all(net, ff, requests, batch);
    auto cost_of = [&](std::uint32_t l) { return ff.at(0, l); };
    std::size_t ties = 0;
    for (std::size_t i = 0; i < requests.size(); i += 3) {
        std::vector<Route> one;
        route_all(net, ff, {requests[i]}, one);
        const auto d = bellman_ford(net, ff, 0, requests[i].from_link);
        for (const Route* r : {&batch[i], &one[0]}) {
            ASSERT_NEAR(route_cost(ff, *r, 0), expected_cost(d, requests[i]), 1e-9) << "request " << i;
            for (std::size_t k = 1; k < r->size(); ++k) {
                const std::uint32_t b = (*r)[k];
                std::uint32_t lowest = UINT32_MAX;
                std::size_t tied = 0;
                for (const LinkId a : net.in_links(net.link(LinkId(b)).from)) {
                    if (!test_networks::may_follow(net, a.value, b, cost_of)) continue;
                    if (d[a.value] + cost_of(b) != d[b] || a.value == b) continue;
                    lowest = std::min(lowest, a.value);
                    ++tied;
                }
                ties += tied > 1 ? 1 : 0;
                ASSERT_EQ((*r)[k - 1], lowest) << "request " << i << " step " << k;
            }
        }
    }
    EXPECT_GT(ties, 1000u);  // the grid does test tie breaking
}

// LinkCosts may hold any travel times; nothing in router.hpp asks them to be at least
// free flow. Times below free flow (a link faster than its speed limit says, e.g. costs
// from another model or a what-if) must still give fastest paths.
TEST(Routing, CostsBelowFreeFlowStillGiveFastestPaths) {
    const RoadNetwork net = grid(5);
    const LinkCosts costs = random_costs(net, 9, 0.2f, 1.0f);
    const auto requests = all_pairs(net, {12 * 3600});
    std::vector<Route> routes(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        std::vector<Route> one;
        route_all(net, costs, {requests[i]}, one);
        routes[i] = one[0];
    }
    expect_fastest(net, costs, requests, routes);
}

TEST(Routing, FreeFlowCostsAreLengthOverSpeed) {
    const RoadNetwork net = grid(3);
    const LinkCosts ff = LinkCosts::free_flow(net);
    EXPECT_TRUE(ff.time_invariant);
    ASSERT_EQ(ff.link_count, net.link_count());
    ASSERT_EQ(ff.seconds.size(), net.link_count() * hours_per_day);
    for (const auto& l : net.links())
        for (std::size_t h = 0; h < hours_per_day; ++h)
            EXPECT_FLOAT_EQ(ff.at(h, l.id.value), static_cast<float>(l.length_m / l.freeflow_speed_mps));
    // Row 0 is driven at 20 km/h: 100 m take 18 s.
    EXPECT_FLOAT_EQ(ff.at(0, link_between(net, {0, 0}, {100, 0})), 18.0f);
}

TEST(Routing, RouteCostSkipsTheFirstLinkAndUsesTheDepartureHour) {
    const RoadNetwork net = grid(3);
    LinkCosts c = LinkCosts::free_flow(net);
    c.time_invariant = false;
    const std::uint32_t a = link_between(net, {0, 0}, {100, 0});
    const std::uint32_t b = link_between(net, {100, 0}, {200, 0});
    const std::uint32_t d = link_between(net, {200, 0}, {200, 100});
    const std::size_t L = net.link_count();
    c.seconds[7 * L + b] = 50.0f;
    c.seconds[7 * L + d] = 20.0f;
    c.seconds[8 * L + b] = 500.0f;
    EXPECT_DOUBLE_EQ(route_cost(c, {a, b, d}, 7 * 3600), 70.0);
    EXPECT_DOUBLE_EQ(route_cost(c, {a, b, d}, 8 * 3600 - 1), 70.0);
    EXPECT_DOUBLE_EQ(route_cost(c, {a, b, d}, 8 * 3600), 500.0 + c.at(8, d));
    EXPECT_DOUBLE_EQ(route_cost(c, {a, b, d}, 31 * 3600), 70.0);  // 31 h = 07:00 the next day
    EXPECT_DOUBLE_EQ(route_cost(c, {a}, 7 * 3600), 0.0);
    EXPECT_DOUBLE_EQ(route_cost(c, {}, 7 * 3600), 0.0);
}

TEST(Routing, HourOfDepartureChoosesTheCosts) {
    // Two ways from the end of a to the end of d: straight along row 0 (b) or around.
    // d runs on east from (200,0): coming back down to (200,0) and turning into d is a
    // left turn, not a U-turn (the router allows no U-turn at a junction).
    const RoadNetwork net = grid(4);
    LinkCosts c = LinkCosts::free_flow(net);
    c.time_invariant = false;
    const std::uint32_t a = link_between(net, {0, 0}, {100, 0});
    const std::uint32_t b = link_between(net, {100, 0}, {200, 0});
    const std::uint32_t d = link_between(net, {200, 0}, {300, 0});
    c.seconds[8 * net.link_count() + b] = 10000.0f;  // blocked from 08:00 to 09:00 only
    std::vector<RouteRequest> q = {{a, d, 8 * 3600 - 1, true}, {a, d, 8 * 3600, true}, {a, d, 9 * 3600, true}};
    std::vector<Route> routes;
    route_all(net, c, q, routes);
    EXPECT_EQ(routes[0], (Route{a, b, d}));
    EXPECT_EQ(routes[2], (Route{a, b, d}));
    ASSERT_FALSE(routes[1].empty());
    EXPECT_EQ(std::count(routes[1].begin(), routes[1].end(), b), 0);
    // At 08:00 the detour via (100,100) and (200,100) back down is cheapest.
    const std::uint32_t up = link_between(net, {100, 0}, {100, 100});
    const std::uint32_t east = link_between(net, {100, 100}, {200, 100});
    const std::uint32_t down = link_between(net, {200, 100}, {200, 0});
    EXPECT_EQ(routes[1], (Route{a, up, east, down, d}));
}

// A ladder of two rows: bottom A-B-C, top D-E-F, rungs A-D, B-E, C-F; 100 m at 36 km/h.
std::vector<RoadWay> ladder(OnewayDirection bc) {
    const Point A{0, 0}, B{100, 0}, C{200, 0}, D{0, 100}, E{100, 100}, F{200, 100};
    return {way(1, {A, B}), way(2, {B, C}, bc), way(3, {D, E}), way(4, {E, F}),
            way(5, {A, D}), way(6, {B, E}), way(7, {C, F})};
}

TEST(Routing, OnewayForcesDetour) {
    const Point A{0, 0}, B{100, 0}, C{200, 0}, E{100, 100}, F{200, 100};
    {
        const RoadNetwork net = build(ladder(OnewayDirection::Both));
        const LinkCosts ff = LinkCosts::free_flow(net);
        const std::uint32_t from = link_between(net, A, B), to = link_between(net, C, F);
        std::vector<Route> routes;
        route_all(net, ff, {{from, to, 0, true}}, routes);
        EXPECT_EQ(routes[0], (Route{from, link_between(net, B, C), to}));
        EXPECT_NEAR(route_cost(ff, routes[0], 0), 20.0, 1e-5);
    }
    {
        // B-C may be driven only from C to B: reaching C means going round by E and F.
        const RoadNetwork net = build(ladder(OnewayDirection::Backward));
        ASSERT_EQ(net.link_count(), 13u);
        const LinkCosts ff = LinkCosts::free_flow(net);
        const std::uint32_t from = link_between(net, A, B), to = link_between(net, C, F);
        std::vector<Route> routes;
        // C is reached only from F, and C -> F only by turning back there, which C's
        // other exit (the one-way to B) forbids: C -> F is unroutable, F -> C is the way.
        route_all(net, ff, {{from, to, 0, true}}, routes);
        EXPECT_TRUE(routes[0].empty());
        const std::uint32_t fc = link_between(net, F, C);
        route_all(net, ff, {{from, fc, 0, true}}, routes);
        EXPECT_EQ(routes[0], (Route{from, link_between(net, B, E), link_between(net, E, F), fc}));
        EXPECT_NEAR(route_cost(ff, routes[0], 0), 30.0, 1e-5);
        // The other way round the one-way street is the shortest path.
        const std::uint32_t back_from = link_between(net, F, C), back_to = link_between(net, B, A);
        route_all(net, ff, {{back_from, back_to, 0, true}}, routes);
        EXPECT_EQ(routes[0], (Route{back_from, link_between(net, C, B), back_to}));
    }
}

TEST(Routing, SameLinkIsARouteOfOneLink) {
    const RoadNetwork net = grid(3);
    const LinkCosts ff = LinkCosts::free_flow(net);
    std::vector<RouteRequest> q;
    for (std::uint32_t l = 0; l < net.link_count(); ++l) q.push_back({l, l, 3600 * static_cast<std::int32_t>(l % 24), true});
    std::vector<Route> routes;
    route_all(net, ff, q, routes);
    for (std::uint32_t l = 0; l < net.link_count(); ++l) {
        EXPECT_EQ(routes[l], Route{l});
        EXPECT_EQ(route_cost(ff, routes[l], 0), 0.0);
    }
}

TEST(Routing, ReverseLinkMeansGoingRoundABlock) {
    // From the end of A->B to the end of B->A: the vehicle is at B, which is no dead end,
    // so it may not turn back there; it goes round a block to come back to B. (Until the
    // router honoured turns this route was {ab, ba}: a U-turn in the middle of a junction.)
    const RoadNetwork net = grid(3);
    const LinkCosts ff = LinkCosts::free_flow(net);
    const std::uint32_t ab = link_between(net, {0, 0}, {100, 0}), ba = link_between(net, {100, 0}, {0, 0});
    std::vector<Route> routes;
    route_all(net, ff, {{ab, ba, 0, true}}, routes);
    ASSERT_EQ(routes[0].size(), 6u);
    expect_fastest(net, ff, {{ab, ba, 0, true}}, routes);
    // Round the block east of B (both ways round cost the same): 100 m at 52 (column 1),
    // 27 (row 1), 25 (column 2) and twice 20 km/h (row 0).
    EXPECT_NEAR(route_cost(ff, routes[0], 0), 3.6 * (100 / 52.0 + 100 / 27.0 + 100 / 25.0 + 2 * 100 / 20.0), 1e-4);
    // Where U-turns are allowed, turning back at B is the way.
    route_all(net, ff, {{ab, ba, 0, true}}, routes, RouterOptions{.allow_u_turns = true});
    EXPECT_EQ(routes[0], (Route{ab, ba}));
}

TEST(Routing, DisconnectedPartsAreUnroutable) {
    // Two 3 × 3 grids 10 km apart, kept both (no SCC pruning).
    std::vector<RoadWay> ways;
    for (double x0 : {0.0, 10000.0})
        for (int r = 0; r < 3; ++r) {
            geodata::Polyline row, col;
            for (int c = 0; c < 3; ++c) {
                row.push_back({x0 + 100.0 * c, 100.0 * r});
                col.push_back({x0 + 100.0 * r, 100.0 * c});
            }
            ways.push_back(way(static_cast<std::int64_t>(x0) + 2 * r, row));
            ways.push_back(way(static_cast<std::int64_t>(x0) + 2 * r + 1, col));
        }
    const RoadNetwork net = build(ways, false);
    ASSERT_EQ(net.link_count(), 48u);
    const LinkCosts ff = LinkCosts::free_flow(net);
    auto part = [&](std::uint32_t l) { return net.node(net.link(LinkId(l)).from).position.x < 5000 ? 0 : 1; };
    std::vector<RouteRequest> q;
    for (std::uint32_t a = 0; a < net.link_count(); ++a)
        for (std::uint32_t b = 0; b < net.link_count(); ++b) q.push_back({a, b, 0, true});
    std::vector<Route> routes;
    route_all(net, ff, q, routes);
    std::size_t unroutable = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
        if (part(q[i].from_link) != part(q[i].to_link)) {
            EXPECT_TRUE(routes[i].empty()) << q[i].from_link << " -> " << q[i].to_link;
            ++unroutable;
        } else {
            expect_well_formed(net, q[i], routes[i], i);
        }
    }
    EXPECT_EQ(unroutable, 2u * 24u * 24u);
}

TEST(Routing, DeadEndOneWayIsUnroutableBackwards) {
    // A one-way spur out of a square: reachable from the square, no way back.
    const Point A{0, 0}, B{100, 0}, C{100, 100}, D{0, 100}, S{300, 0};
    const RoadNetwork net = build({way(1, {A, B}), way(2, {B, C}), way(3, {C, D}), way(4, {D, A}),
                                   way(5, {B, S}, OnewayDirection::Forward)},
                                  false);
    const LinkCosts ff = LinkCosts::free_flow(net);
    const std::uint32_t ab = link_between(net, A, B), bs = link_between(net, B, S), da = link_between(net, D, A);
    std::vector<Route> routes;
    route_all(net, ff, {{ab, bs, 0, true}, {bs, da, 0, true}}, routes);
    EXPECT_EQ(routes[0], (Route{ab, bs}));
    EXPECT_TRUE(routes[1].empty());
}

TEST(Routing, InactiveRequestsLeaveTheirRouteAlone) {
    const RoadNetwork net = grid(3);
    const LinkCosts ff = LinkCosts::free_flow(net);
    std::vector<Route> routes = {{99, 98, 97}, {1, 2, 3}};
    route_all(net, ff, {{0, 5, 0, false}, {4, 4, 0, true}}, routes);
    EXPECT_EQ(routes[0], (Route{99, 98, 97}));
    EXPECT_EQ(routes[1], Route{4});
}

TEST(Routing, SameRoutesForOneAndTwoThreads) {
    const RoadNetwork net = grid(20);
    ASSERT_EQ(net.link_count(), 1520u);
    LinkCosts costs = LinkCosts::free_flow(net);
    costs.time_invariant = false;
    std::mt19937 rng(99);
    // Many equal costs (whole seconds, at least free flow): ties must be broken the same
    // way every time.
    std::uniform_int_distribution<int> extra(0, 4);
    for (auto& c : costs.seconds) c = std::ceil(c) + static_cast<float>(extra(rng));
    std::uniform_int_distribution<std::uint32_t> link(0, static_cast<std::uint32_t>(net.link_count() - 1));
    std::uniform_int_distribution<std::int32_t> dep(0, 24 * 3600 - 1);
    std::vector<RouteRequest> q(5000);
    for (auto& r : q) r = {link(rng), link(rng), dep(rng), true};
    for (std::size_t i = 0; i < q.size(); i += 50) q[i].from_link = q[i + 1].from_link;  // shared trees

    auto run = [&](std::size_t threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        std::vector<Route> routes;
        route_all(net, costs, q, routes);
        return routes;
    };
    const auto one = run(1), two = run(2), two_again = run(2);
    ASSERT_EQ(one.size(), q.size());
    for (std::size_t i = 0; i < q.size(); ++i) {
        ASSERT_EQ(one[i], two[i]) << "request " << i;
        ASSERT_EQ(two[i], two_again[i]) << "request " << i;
        expect_well_formed(net, q[i], one[i], i);
    }
    // And the routes are fastest (a spot check of 100 requests against Bellman-Ford).
    std::vector<RouteRequest> some;
    std::vector<Route> their;
    for (std::size_t i = 0; i < q.size(); i += 50) {
        some.push_back(q[i]);
        their.push_back(one[i]);
    }
    expect_fastest(net, costs, some, their);
}

}  // namespace
}  // namespace citytwin::sim
