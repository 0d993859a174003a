// Turns in routing: exact routes on tiny hand-made networks for a banned turn, an
// imposed one (only_straight_on), U-turns (never mid-street, at a dead end, where a
// closure makes one); identical routes for 1 and 2 threads with restrictions; and, on
// Monaco with restrictions injected, no route that takes a turn the rules forbid.
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/router.hpp>

#include <tbb/global_control.h>

#include "test_networks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace citytwin::sim {
namespace {

using geodata::LinkId;
using geodata::OnewayDirection;
using geodata::Point;
using geodata::RoadNetwork;
using geodata::TurnRestriction;
using test_networks::build;
using test_networks::way;

std::uint32_t link_between(const RoadNetwork& net, Point a, Point b) {
    for (const auto& l : net.links())
        if (net.node(l.from).position == a && net.node(l.to).position == b) return l.id.value;
    ADD_FAILURE() << "no link (" << a.x << "," << a.y << ") -> (" << b.x << "," << b.y << ")";
    return UINT32_MAX;
}

TurnRestriction ban(std::uint32_t from, std::uint32_t to) { return {LinkId(from), LinkId(to), false}; }
TurnRestriction only(std::uint32_t from, std::uint32_t to) { return {LinkId(from), LinkId(to), true}; }

Route route_one(const RoadNetwork& net, const LinkCosts& costs, std::uint32_t from, std::uint32_t to,
                RouterOptions options = {}) {
    std::vector<Route> routes;
    route_all(net, costs, {{from, to, 0, true}}, routes, options);
    return routes.at(0);
}

// The 3 × 3 grid of test_networks, 100 m blocks, one speed everywhere; x east, y north.
RoadNetwork grid3() { return build(test_networks::grid_ways(3)); }

TEST(RoutingTurns, BannedLeftTurnGoesRoundTheBlock) {
    RoadNetwork net = grid3();
    const Point A{0, 0}, B{100, 0}, C{200, 0}, E{100, 100}, F{200, 100}, N{100, 200};
    const std::uint32_t ab = link_between(net, A, B), be = link_between(net, B, E), en = link_between(net, E, N);
    // Eastbound at B, north to N: left at B, then straight on.
    EXPECT_EQ(route_one(net, LinkCosts::free_flow(net), ab, en), (Route{ab, be, en}));
    // No left turn at B: on to C, left, left again at F, right at E.
    net.set_turn_restrictions({ban(ab, be)});
    const LinkCosts ff = LinkCosts::free_flow(net);
    EXPECT_EQ(route_one(net, ff, ab, en),
              (Route{ab, link_between(net, B, C), link_between(net, C, F), link_between(net, F, E), en}));
    // The ban is on the turn, not on B -> E: coming from C, the right turn onto it is open.
    const std::uint32_t cb = link_between(net, C, B);
    EXPECT_EQ(route_one(net, ff, cb, en), (Route{cb, be, en}));
}

TEST(RoutingTurns, OnlyStraightOnLeavesOneWayOut) {
    RoadNetwork net = grid3();
    const Point B{100, 0}, W{0, 100}, E{100, 100}, F{200, 100}, N{100, 200}, NW{0, 200};
    const std::uint32_t be = link_between(net, B, E), en = link_between(net, E, N), ef = link_between(net, E, F);
    const std::uint32_t we = link_between(net, W, E);
    net.set_turn_restrictions({only(be, en)});
    const LinkCosts ff = LinkCosts::free_flow(net);
    std::vector<Route> routes;
    // Northbound into E, the trip wants east: straight on to N, round by NW and W, and
    // across E again. Beside it, trips from the same node by another link and one going
    // straight on, in one call (a tree is rooted at a link, not at its node).
    route_all(net, ff, {{be, ef, 0, true}, {we, ef, 0, true}, {be, en, 0, true}}, routes);
    EXPECT_EQ(routes[0], (Route{be, en, link_between(net, N, NW), link_between(net, NW, W), we, ef}));
    EXPECT_EQ(routes[1], (Route{we, ef}));
    EXPECT_EQ(routes[2], (Route{be, en}));
}

// A square A B C D with a two-way spur from B to S, a dead end 200 m away.
RoadNetwork square_with_spur() {
    const Point A{0, 0}, B{100, 0}, C{100, 100}, D{0, 100}, S{300, 0};
    return build({way(1, {A, B}), way(2, {B, C}), way(3, {C, D}), way(4, {D, A}), way(5, {B, S})});
}

TEST(RoutingTurns, UTurnOnlyAtADeadEnd) {
    const RoadNetwork net = square_with_spur();
    const Point A{0, 0}, B{100, 0}, C{100, 100}, S{300, 0};
    const LinkCosts ff = LinkCosts::free_flow(net);
    const std::uint32_t ab = link_between(net, A, B), ba = link_between(net, B, A);
    const std::uint32_t bs = link_between(net, B, S), sb = link_between(net, S, B);
    // Back from B towards A: not at B (it has two other exits), but at S, the dead end.
    EXPECT_EQ(route_one(net, ff, ab, ba), (Route{ab, bs, sb, ba}));
    // A trip that starts at the dead end turns back at once.
    EXPECT_EQ(route_one(net, ff, bs, ba), (Route{bs, sb, ba}));
    // With U-turns allowed, turning at B is the way.
    EXPECT_EQ(route_one(net, ff, ab, ba, RouterOptions{.allow_u_turns = true}), (Route{ab, ba}));
    // Closing both other exits of B in one hour makes B a dead end in that hour.
    LinkCosts closed = ff;
    closed.time_invariant = false;
    const std::size_t L = net.link_count();
    for (const std::uint32_t l : {bs, link_between(net, B, C)})
        closed.seconds[9 * L + l] = std::numeric_limits<float>::infinity();
    std::vector<Route> routes;
    route_all(net, closed, {{ab, ba, 9 * 3600, true}, {ab, ba, 10 * 3600, true}}, routes);
    EXPECT_EQ(routes[0], (Route{ab, ba}));
    EXPECT_EQ(routes[1], (Route{ab, bs, sb, ba}));
}

TEST(RoutingTurns, NoUTurnMidStreet) {
    // One street A-M-B of two ways meeting at M (the speed changes there): M is no dead
    // end, so the way back from the end of A -> M runs to B, the dead end, and back.
    const Point A{0, 0}, M{100, 0}, B{200, 0};
    const RoadNetwork net = build({way(1, {A, M}, OnewayDirection::Both, 30.0), way(2, {M, B}, OnewayDirection::Both, 50.0)});
    ASSERT_EQ(net.link_count(), 4u);
    const LinkCosts ff = LinkCosts::free_flow(net);
    const std::uint32_t am = link_between(net, A, M), ma = link_between(net, M, A);
    const std::uint32_t mb = link_between(net, M, B), bm = link_between(net, B, M);
    EXPECT_EQ(route_one(net, ff, am, ma), (Route{am, mb, bm, ma}));
    EXPECT_EQ(route_one(net, ff, am, ma, RouterOptions{.allow_u_turns = true}), (Route{am, ma}));
}

TEST(RoutingTurns, EnterableLinksLeaveOutLinksEnteredOnlyByAUTurn) {
    // A two-way street A-B, a one-way loop on from B by C back to A. B -> A could be
    // entered only by turning back at B, which its other exit forbids.
    const Point A{0, 0}, B{100, 0}, C{50, 100};
    const RoadNetwork net = build({way(1, {A, B}), way(2, {B, C}, OnewayDirection::Forward),
                                   way(3, {C, A}, OnewayDirection::Forward)});
    ASSERT_EQ(net.link_count(), 4u);
    const std::uint32_t ab = link_between(net, A, B), ba = link_between(net, B, A);
    const std::uint32_t bc = link_between(net, B, C), ca = link_between(net, C, A);
    const std::vector<char> in = enterable_links(net);
    EXPECT_TRUE(in[ab] && in[bc] && in[ca]);
    EXPECT_FALSE(in[ba]);
    EXPECT_TRUE(route_one(net, LinkCosts::free_flow(net), ca, ba).empty());
    // With U-turns allowed, every link is in.
    const std::vector<char> all = enterable_links(net, RouterOptions{.allow_u_turns = true});
    EXPECT_EQ(std::count(all.begin(), all.end(), 1), 4);
}

// n × n grid with random restrictions: at a quarter of the links a ban of one turn, at
// a tenth an only_ turn; ids valid, sorted by the network.
RoadNetwork grid_with_restrictions(int n, unsigned seed) {
    RoadNetwork net = build(test_networks::grid_ways(n));
    std::mt19937 rng(seed);
    std::vector<TurnRestriction> r;
    for (const auto& l : net.links()) {
        std::vector<std::uint32_t> outs;
        for (const LinkId b : net.out_links(l.to))
            if (net.link(b).to != l.from) outs.push_back(b.value);
        if (outs.empty()) continue;
        const std::uint32_t pick = outs[rng() % outs.size()];
        const auto roll = rng() % 20;
        if (roll < 5) r.push_back(ban(l.id.value, pick));
        else if (roll < 7) r.push_back(only(l.id.value, pick));
    }
    net.set_turn_restrictions(std::move(r));
    return net;
}

// Every turn of every route: allowed by the data, and a U-turn only where no other turn is open.
std::size_t count_forbidden_turns(const RoadNetwork& net, const LinkCosts& costs, const std::vector<RouteRequest>& q,
                                  const std::vector<Route>& routes) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
        const std::size_t hour = costs.time_invariant ? 0 : static_cast<std::size_t>(q[i].departure / 3600) % hours_per_day;
        auto cost_of = [&](std::uint32_t l) { return costs.at(hour, l); };
        for (std::size_t k = 1; k < routes[i].size(); ++k)
            if (!test_networks::may_follow(net, routes[i][k - 1], routes[i][k], cost_of)) ++bad;
    }
    return bad;
}

TEST(RoutingTurns, SameRoutesForOneAndTwoThreadsWithRestrictions) {
    const RoadNetwork net = grid_with_restrictions(15, 5);
    ASSERT_GT(net.turn_restrictions().size(), 100u);
    LinkCosts costs = LinkCosts::free_flow(net);
    costs.time_invariant = false;
    std::mt19937 rng(17);
    // Whole seconds: many ties, which must be broken the same way every time.
    std::uniform_int_distribution<int> extra(0, 3);
    for (auto& c : costs.seconds) c = std::ceil(c) + static_cast<float>(extra(rng));
    std::uniform_int_distribution<std::uint32_t> link(0, static_cast<std::uint32_t>(net.link_count() - 1));
    std::uniform_int_distribution<std::int32_t> dep(0, 24 * 3600 - 1);
    std::vector<RouteRequest> q(4000);
    for (auto& r : q) r = {link(rng), link(rng), dep(rng), true};
    for (std::size_t i = 0; i + 1 < q.size(); i += 40) q[i].from_link = q[i + 1].from_link, q[i].departure = q[i + 1].departure;

    auto run = [&](std::size_t threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        std::vector<Route> routes;
        route_all(net, costs, q, routes);
        return routes;
    };
    const auto one = run(1), two = run(2);
    std::size_t routed = 0;
    for (std::size_t i = 0; i < q.size(); ++i) {
        ASSERT_EQ(one[i], two[i]) << "request " << i;
        routed += one[i].empty() ? 0 : 1;
    }
    EXPECT_GT(routed, q.size() * 9 / 10);
    EXPECT_EQ(count_forbidden_turns(net, costs, q, one), 0u);
}

TEST(RoutingTurns, RealCityRoutesNeverTakeAForbiddenTurn) {
    const auto s = scenarios::load_scenario(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml");
    geodata::LoadReport report;
    const geodata::CityModel model = geodata::load_city(s.city, {}, report);
    RoadNetwork net = *model.roads;
    ASSERT_GT(net.link_count(), 1000u);
    // Restrictions at every fifth junction with three exits or more: a ban of one turn
    // (or, for every third of those, an only_ turn) for one of its in-links.
    std::mt19937 rng(3);
    std::vector<TurnRestriction> injected;
    std::vector<char> restricted(net.link_count(), 0);
    for (const auto& node : net.nodes()) {
        const auto outs = net.out_links(node.id);
        const auto ins = net.in_links(node.id);
        if (std::distance(outs.begin(), outs.end()) < 3 || ins.begin() == ins.end() || rng() % 5 != 0) continue;
        const LinkId in = *(ins.begin() + static_cast<std::ptrdiff_t>(rng() % std::distance(ins.begin(), ins.end())));
        const LinkId out = *(outs.begin() + static_cast<std::ptrdiff_t>(rng() % std::distance(outs.begin(), outs.end())));
        injected.push_back({in, out, injected.size() % 3 == 2});
        restricted[in.value] = 1;
    }
    ASSERT_GT(injected.size(), 20u);
    net.set_turn_restrictions(injected);
    LinkCosts costs = LinkCosts::free_flow(net);
    costs.time_invariant = false;
    std::uniform_real_distribution<float> factor(1.0f, 2.5f);
    for (auto& c : costs.seconds) c *= factor(rng);

    std::uniform_int_distribution<std::uint32_t> link(0, static_cast<std::uint32_t>(net.link_count() - 1));
    std::uniform_int_distribution<std::int32_t> dep(6 * 3600, 20 * 3600);
    std::vector<RouteRequest> q(3000);
    for (auto& r : q) r = {link(rng), link(rng), dep(rng), true};
    std::vector<Route> routes;
    route_all(net, costs, q, routes);
    std::size_t routed = 0, through_restricted = 0;
    for (const auto& r : routes) {
        routed += r.empty() ? 0 : 1;
        for (std::size_t k = 0; k + 1 < r.size(); ++k) through_restricted += restricted[r[k]];
    }
    EXPECT_GT(routed, q.size() * 9 / 10);
    EXPECT_GT(through_restricted, 100u);   // the restrictions were in the way of many trips
    EXPECT_EQ(count_forbidden_turns(net, costs, q, routes), 0u);
}

}  // namespace
}  // namespace citytwin::sim
