// The junction model against theory: Webster's uniform delay and saturation-flow
// discharge at a fixed-time signal, Siegloch's minor-stream capacity at a priority
// junction, turning queues (a blocked left turn does not hold through traffic), the
// generated signal plans, and bit-identical results for 1 and 2 threads.
#include "test_networks.hpp"

#include <citytwin/sim/network_loading.hpp>
#include <citytwin/sim/traffic/junction_model.hpp>

#include <tbb/global_control.h>

#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <numeric>

namespace citytwin::sim {
namespace {

using geodata::JunctionControl;
using geodata::Link;
using geodata::LinkId;
using geodata::Node;
using geodata::NodeId;
using geodata::OnewayDirection;
using geodata::RoadClass;
using geodata::RoadNetwork;
using geodata::RoadWay;
using test_networks::build;
using test_networks::way;

LoadingConfig quiet() {
    LoadingConfig c;
    c.trajectory_interval = 0;
    return c;
}

/// Sets capacity (veh/h), storage and lanes of a link; speed 10 m/s keeps times exact.
void shape(std::vector<Link>& links, std::uint32_t l, double capacity, double storage = 1e4, int lanes = 1) {
    links[l].capacity_vph = capacity;
    links[l].storage_veh = storage;
    links[l].lanes = lanes;
    links[l].freeflow_speed_mps = 10.0;
}

LinkId link_between(const RoadNetwork& net, NodeId from, NodeId to) {
    for (const LinkId l : net.out_links(from))
        if (net.link(l).to == to) return l;
    ADD_FAILURE() << "no link " << from.value << " -> " << to.value;
    return LinkId(0);
}

NodeId node_at(const RoadNetwork& net, double x, double y) {
    for (const auto& n : net.nodes())
        if (std::abs(n.position.x - x) < 1e-6 && std::abs(n.position.y - y) < 1e-6) return n.id;
    ADD_FAILURE() << "no node at " << x << "," << y;
    return NodeId(0);
}

// ---------------------------------------------------------------- signals

// Feeder F (0→100 m) → approach A (100→300 m, 20 s) → exit B (300→500 m). The node at
// x = 300 is a signal with cycle C = 90 s and A green for g = 40 s from t = 0.
// A's saturation flow s = 1800 veh/h (one vehicle every 2 s while green).
struct SignalCase {
    RoadNetwork net;
    std::uint32_t f = 0, a = 0, b = 0;
    NodeId stop_line;
    SignalCase(double cycle, double green) {
        const RoadNetwork built = build({way(1, {{0, 0}, {100, 0}}, OnewayDirection::Forward),
                                         way(2, {{100, 0}, {300, 0}}, OnewayDirection::Forward),
                                         way(3, {{300, 0}, {500, 0}}, OnewayDirection::Forward)},
                                        false);
        std::vector<Link> links = built.links();
        std::vector<Node> nodes = built.nodes();
        f = link_between(built, node_at(built, 0, 0), node_at(built, 100, 0)).value;
        a = link_between(built, node_at(built, 100, 0), node_at(built, 300, 0)).value;
        b = link_between(built, node_at(built, 300, 0), node_at(built, 500, 0)).value;
        shape(links, f, 1e6);
        shape(links, a, 1800);
        shape(links, b, 1e6);
        stop_line = node_at(built, 300, 0);
        nodes[stop_line.value].control = JunctionControl::Signal;
        nodes[stop_line.value].cycle_s = static_cast<float>(cycle);
        net = RoadNetwork(nodes, std::move(links));
        net.set_signal_greens({{LinkId(a), 0.0f, static_cast<float>(green), LinkId()}});
    }
    /// `n` vehicles departing every `headway` s from t = 0 at the end of F.
    LoadingResult run(int n, int headway, const LoadingConfig& c = quiet()) const {
        std::vector<Route> routes(static_cast<std::size_t>(n), Route{f, a, b});
        std::vector<Seconds> dep(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) dep[static_cast<std::size_t>(i)] = i * headway;
        return load_network(net, routes, dep, c);
    }
};

TEST(Junctions, FixedTimeSignalReproducesWebsterUniformDelay) {
    // Webster (1958), uniform term: d = C (1 − g/C)² / (2 (1 − x g/C)), x = q / (s g/C).
    // The formula averages over where in the cycle vehicles arrive; arrivals every h s
    // with h and C coprime meet every second of the cycle equally often over C·h s.
    struct Case {
        double cycle;
        int headway;
    };
    for (const Case k : {Case{90, 7}, Case{91, 6}}) {
        const double C = k.cycle, g = 40, s = 1800, q = 3600.0 / k.headway;
        const SignalCase sc(C, g);
        const int n = static_cast<int>(C) * 3;  // three times every phase: 3 · C · h seconds
        const LoadingResult r = sc.run(n, k.headway);
        ASSERT_EQ(r.arrived, static_cast<std::size_t>(n));
        const double lambda = g / C, x = q / (s * lambda);
        const double webster = C * (1 - lambda) * (1 - lambda) / (2 * (1 - x * lambda));
        // Delay at the stop line, as the model books it, and as the time on A beyond free flow.
        const double at_stop_line = r.junction_delay[sc.stop_line.value] / r.junction_crossings[sc.stop_line.value];
        double on_a = 0;
        std::uint32_t exits = 0;
        for (std::size_t h = 0; h < r.hours; ++h) {
            on_a += r.exit_travel_time[h * sc.net.link_count() + sc.a];
            exits += r.exits[h * sc.net.link_count() + sc.a];
        }
        ASSERT_EQ(exits, static_cast<std::uint32_t>(n));
        EXPECT_NEAR(at_stop_line, webster, 0.05 * webster) << "C " << C << " x " << x;
        EXPECT_NEAR(on_a / exits - 20.0, webster, 0.05 * webster) << "C " << C << " x " << x;
    }
}

TEST(Junctions, DischargeOverACycleIsSaturationFlowTimesGreenShare) {
    const double C = 90, g = 40, s = 1800;
    const SignalCase sc(C, g);
    // Oversaturated: one arrival a second, so A always has a queue at its stop line.
    const LoadingResult r = sc.run(3 * 3600, 1);
    // Hour 1 (07200 s … in steady state): 40 cycles × s · g / 3600 vehicles each.
    const std::uint32_t crossed = r.exits[1 * sc.net.link_count() + sc.a];
    EXPECT_NEAR(crossed, 3600.0 / C * s * g / 3600.0, 1.0);
    EXPECT_EQ(crossed, 800u);
}

TEST(Junctions, RedCostsNothingAndGreenIsWhenThePlanSaysSo) {
    const SignalCase sc(90, 40);
    // One vehicle reaching the stop line at t = 20 + 1 (departs at 1, 20 s on A) waits
    // for red from 40 to 90; one reaching it at 41 waits until 90.
    const LoadingResult r = load_network(sc.net, {Route{sc.f, sc.a, sc.b}, Route{sc.f, sc.a, sc.b}}, {1, 21}, quiet());
    EXPECT_EQ(r.arrival[0], 1 + 20 + 20);
    EXPECT_EQ(r.arrival[1], 90 + 20);
    EXPECT_DOUBLE_EQ(r.junction_delay[sc.stop_line.value], 90.0 - 41.0);
    ASSERT_EQ(r.signal_plans.size(), 1u);
    EXPECT_FALSE(r.signal_plans[0].generated);
}

TEST(Junctions, GeneratedPlanGivesEachAxisItsPhaseAndSplitsGreenByCapacity) {
    // A + junction of two two-way streets; the east–west one has twice the lanes.
    RoadNetwork built = build({way(1, {{-200, 0}, {0, 0}, {200, 0}}), way(2, {{0, -200}, {0, 0}, {0, 200}})});
    std::vector<Link> links = built.links();
    std::vector<Node> nodes = built.nodes();
    const NodeId centre = node_at(built, 0, 0);
    for (auto& l : links) l.capacity_vph = l.source_id == 1 ? 3600 : 1800;
    nodes[centre.value].control = JunctionControl::Signal;
    const RoadNetwork net(nodes, links);
    JunctionConfig cfg;  // cycle 90, 4 s lost per phase
    const JunctionModel jm(net, cfg);
    ASSERT_EQ(jm.signal_plans().size(), 4u);
    for (const auto& p : jm.signal_plans()) {
        EXPECT_TRUE(p.generated);
        EXPECT_EQ(p.cycle_s, 90.0);
        const bool east_west = net.link(LinkId(p.in_link)).source_id == 1;
        // Effective green 90 − 2 × 4 = 82 s split 2 : 1.
        EXPECT_NEAR(p.green_s, east_west ? 82.0 * 2 / 3 : 82.0 / 3, 1e-9);
    }
    // Opposite approaches share a phase; crossing ones never are green together.
    const LinkId west_in = link_between(net, node_at(net, -200, 0), centre);
    const LinkId east_in = link_between(net, node_at(net, 200, 0), centre);
    const LinkId south_in = link_between(net, node_at(net, 0, -200), centre);
    for (int t = 0; t < 90; ++t) {
        EXPECT_EQ(jm.control(west_in.value).signal.is_green(t), jm.control(east_in.value).signal.is_green(t)) << t;
        EXPECT_FALSE(jm.control(west_in.value).signal.is_green(t) && jm.control(south_in.value).signal.is_green(t)) << t;
    }
}

// ---------------------------------------------------------------- priority

// T junction: major W → J → E (primary), minor S → J (residential) turning onto J → E.
struct PriorityCase {
    RoadNetwork net;
    std::uint32_t major_in = 0, minor_in = 0, out = 0;
    /// The minor road comes from (0, minor_y): from the south (−200) it turns right into
    /// the major road's eastbound exit, from the north (+200) it turns left.
    explicit PriorityCase(JunctionControl control = JunctionControl::Priority, double minor_y = 200, int major_lanes = 1) {
        RoadWay major = way(1, {{-200, 0}, {0, 0}, {200, 0}}, OnewayDirection::Forward);
        major.road_class = RoadClass::Primary;
        const RoadNetwork built = build({major, way(2, {{0, minor_y}, {0, 0}}, OnewayDirection::Forward)}, false);
        std::vector<Link> links = built.links();
        std::vector<Node> nodes = built.nodes();
        const NodeId j = node_at(built, 0, 0);
        major_in = link_between(built, node_at(built, -200, 0), j).value;
        minor_in = link_between(built, node_at(built, 0, minor_y), j).value;
        out = link_between(built, j, node_at(built, 200, 0)).value;
        for (const auto l : {major_in, minor_in, out}) shape(links, l, 1e6);
        links[major_in].lanes = major_lanes;
        nodes[j.value].control = control;
        net = RoadNetwork(nodes, std::move(links));
    }
    /// Minor vehicles crossing in the first hour while the minor queue never empties and
    /// the major stream arrives every `major_headway` s (0: none).
    std::uint32_t minor_capacity(int major_headway) const {
        std::vector<Route> routes;
        std::vector<Seconds> dep;
        for (int i = 0; i < 3000; ++i) {
            routes.push_back({minor_in, out});
            dep.push_back(0);
        }
        if (major_headway > 0)
            for (int t = 0; t < 4000; t += major_headway) {
                routes.push_back({major_in, out});
                dep.push_back(t);
            }
        LoadingConfig c = quiet();
        c.end = 3600;
        const LoadingResult r = load_network(net, routes, dep, c);
        return r.exits[minor_in];
    }
};

TEST(Junctions, MinorCapacityFollowsSieglochAsMajorFlowRises) {
    const PriorityCase pc;
    const GapAcceptance gap = gap_acceptance_for(JunctionControl::Priority);
    std::uint32_t previous = 1u << 30;
    for (const int headway : {0, 12, 6, 4}) {  // 0, 300, 600, 900 veh/h on the major road
        const double q = headway ? 3600.0 / headway : 0.0;
        const double expected = siegloch_capacity(q, gap);
        const std::uint32_t measured = pc.minor_capacity(headway);
        EXPECT_NEAR(measured, expected, 0.05 * expected) << "major flow " << q << " veh/h";
        EXPECT_LT(measured, previous);
        previous = measured;
    }
}

// A right turn merges into the near lane of the stream from its left (HCM 2010 ch. 19:
// conflicting flow = major through flow / its lanes): against a two-lane major road it
// sees half the flow; a left turn from the other side crosses all of it.
TEST(Junctions, MinorRightTurnYieldsToTheNearLaneOfTheStreamFromItsLeft) {
    const PriorityCase right(JunctionControl::Priority, -200, 2);
    const PriorityCase left(JunctionControl::Priority, 200, 2);
    const GapAcceptance gap = gap_acceptance_for(JunctionControl::Priority);
    for (const int headway : {6, 4}) {  // 600, 900 veh/h
        const double q = 3600.0 / headway;
        const double expected_right = siegloch_capacity(q / 2, gap), expected_left = siegloch_capacity(q, gap);
        EXPECT_NEAR(right.minor_capacity(headway), expected_right, 0.05 * expected_right) << "major flow " << q;
        EXPECT_NEAR(left.minor_capacity(headway), expected_left, 0.05 * expected_left) << "major flow " << q;
    }
}

// A two-way main road whose class changes at a T junction (primary to the west,
// secondary to the east) with a residential road from the south. The secondary is the
// same main road from the other side (SUMO netconvert's rule): it does not yield, and
// its traffic going straight on never waits for the oncoming primary stream. The minor
// road's right turn (east) merges with the stream from its left only; its left turn
// crosses both.
TEST(Junctions, MainRoadKeepsPriorityWhereItsClassChanges) {
    RoadWay west = way(1, {{-200, 0}, {0, 0}}, OnewayDirection::Both);
    west.road_class = RoadClass::Primary;
    RoadWay east = way(2, {{0, 0}, {200, 0}}, OnewayDirection::Both);
    east.road_class = RoadClass::Secondary;
    RoadWay south = way(3, {{0, -200}, {0, 0}}, OnewayDirection::Forward);
    south.road_class = RoadClass::Residential;
    const RoadNetwork built = build({west, east, south}, false);
    std::vector<Node> nodes = built.nodes();
    const NodeId j = node_at(built, 0, 0);
    nodes[j.value].control = JunctionControl::Priority;
    const RoadNetwork net(nodes, built.links());
    const auto from_west = link_between(net, node_at(net, -200, 0), j).value;
    const auto from_east = link_between(net, node_at(net, 200, 0), j).value;
    const auto from_south = link_between(net, node_at(net, 0, -200), j).value;
    const auto to_west = link_between(net, j, node_at(net, -200, 0)).value;
    const auto to_east = link_between(net, j, node_at(net, 200, 0)).value;
    const JunctionModel jm(net, JunctionConfig{});
    EXPECT_FALSE(jm.control(from_west).yields);
    EXPECT_FALSE(jm.control(from_east).yields) << "the secondary continues the primary";
    EXPECT_EQ(jm.control(from_east).rank, jm.control(from_west).rank);
    EXPECT_TRUE(jm.control(from_south).yields);
    // Weights in the node's in_links() order.
    const auto in = net.in_links(j);
    auto weight = [&](std::uint32_t a, std::uint32_t out, std::uint32_t b) {
        const float* w = jm.conflict_weights(a, out);
        for (std::size_t i = 0; i < in.size(); ++i)
            if (in.first[i].value == b) return w[i];
        ADD_FAILURE() << "link " << b << " does not enter the junction";
        return -1.0f;
    };
    EXPECT_EQ(weight(from_east, to_west, from_west), 0.0f) << "straight on passes the oncoming stream";
    EXPECT_EQ(weight(from_east, to_west, from_south), 1.0f) << "straight on crosses the side road";
    EXPECT_EQ(weight(from_south, to_east, from_west), 1.0f) << "a right turn merges with the stream from its left";
    EXPECT_EQ(weight(from_south, to_east, from_east), 0.0f) << "not with the far side's";
    EXPECT_EQ(weight(from_south, to_west, from_west), 1.0f) << "a left turn crosses both";
    EXPECT_EQ(weight(from_south, to_west, from_east), 1.0f);
    EXPECT_EQ(weight(from_south, to_west, from_south), 0.0f) << "never its own stream";
}

TEST(Junctions, SieglochFormulaValues) {
    const GapAcceptance g{5.5, 2.6};
    EXPECT_NEAR(siegloch_capacity(0, g), 3600 / 2.6, 1e-9);
    EXPECT_NEAR(siegloch_capacity(600, g), 3600 / 2.6 * std::exp(-600.0 / 3600 * (5.5 - 1.3)), 1e-9);
    EXPECT_LT(siegloch_capacity(600, gap_acceptance_for(JunctionControl::Stop)), siegloch_capacity(600, g));
}

TEST(Junctions, ControlOffPassesTheMinorRoadAsBefore) {
    const PriorityCase pc(JunctionControl::Uncontrolled);
    EXPECT_GT(pc.minor_capacity(4), 2500u);  // no yielding: only the (huge) link capacity limits it
}

// ---------------------------------------------------------------- turning queues

// W → J (the approach), then J → N (left, closed for the whole run) or J → E (straight).
// Vehicles alternate left / straight. With two lanes the left turners wait in their own
// queue and every straight vehicle gets through; with one lane the first left turner
// holds everybody behind it until it gives up (stuck_time 100 s).
LoadingResult turning_run(int lanes, std::uint32_t& straight_trips) {
    const RoadNetwork built = build({way(1, {{-300, 0}, {0, 0}, {300, 0}}, OnewayDirection::Forward),
                                     way(2, {{0, 0}, {0, 300}}, OnewayDirection::Forward)},
                                    false);
    std::vector<Link> links = built.links();
    const NodeId j = node_at(built, 0, 0);
    const auto approach = link_between(built, node_at(built, -300, 0), j).value;
    const auto left = link_between(built, j, node_at(built, 0, 300)).value;
    const auto straight = link_between(built, j, node_at(built, 300, 0)).value;
    for (auto& l : links) shape(links, l.id.value, 1e6);
    links[approach].lanes = lanes;
    const RoadNetwork net(built.nodes(), std::move(links));
    std::vector<Route> routes;
    std::vector<Seconds> dep;
    for (int i = 0; i < 20; ++i) {
        routes.push_back(i % 2 ? Route{approach, straight} : Route{approach, left});
        dep.push_back(i);
    }
    LoadingConfig c = quiet();
    c.stuck_time = 100;
    c.end = 3600;
    LoadingHooks hooks;
    hooks.events = {{0, left, 1}};
    straight_trips = 10;
    return load_network(net, routes, dep, c, {}, hooks);
}

TEST(Junctions, BlockedLeftTurnDoesNotBlockThroughTraffic) {
    std::uint32_t straight = 0;
    const LoadingResult two = turning_run(2, straight);
    for (std::uint32_t v = 1; v < 20; v += 2) {
        EXPECT_EQ(two.status[v], TripStatus::Arrived) << v;
        EXPECT_EQ(two.arrival[v], static_cast<Seconds>(v) + 30) << v;  // 300 m at 10 m/s, no wait
    }
    const LoadingResult one = turning_run(1, straight);
    // One lane: the straight vehicles wait behind the first left turner until it gives up.
    EXPECT_GE(one.arrival[1], 100 + 30);
    EXPECT_EQ(one.abandoned, 10u);
    EXPECT_EQ(two.abandoned, 10u);
}

// ---------------------------------------------------------------- movement greens

// The approach W → J turns left to N or goes straight to E, two lanes, 10 m/s; J is a
// signal with a 90 s cycle. `approach_green` is the approach's window (as a roads layer
// carries it), `left_green` the left turn's own (SUMO's per-connection states; a city's
// timing sheet).
struct MovementGreenCase {
    RoadNetwork net;
    std::uint32_t approach = 0, left = 0, straight = 0;
    MovementGreenCase(std::pair<float, float> approach_green, std::pair<float, float> left_green) {
        const RoadNetwork built = build({way(1, {{-300, 0}, {0, 0}, {300, 0}}, OnewayDirection::Forward),
                                         way(2, {{0, 0}, {0, 300}}, OnewayDirection::Forward)},
                                        false);
        std::vector<Link> links = built.links();
        std::vector<Node> nodes = built.nodes();
        const NodeId j = node_at(built, 0, 0);
        approach = link_between(built, node_at(built, -300, 0), j).value;
        left = link_between(built, j, node_at(built, 0, 300)).value;
        straight = link_between(built, j, node_at(built, 300, 0)).value;
        for (auto& l : links) shape(links, l.id.value, 1e6, 1e4, 2);
        nodes[j.value].control = JunctionControl::Signal;
        nodes[j.value].cycle_s = 90.0f;
        net = RoadNetwork(nodes, std::move(links));
        net.set_signal_greens({{LinkId(approach), approach_green.first, approach_green.second, LinkId()},
                               {LinkId(approach), left_green.first, left_green.second, LinkId(left)}});
    }
};

// Approach green 0–80 s, left turn 45–80 s: straight-on vehicles follow the approach's
// window, left turners only their own.
TEST(Junctions, MovementGreenHoldsOnlyItsOwnTurn) {
    const MovementGreenCase c({0.0f, 80.0f}, {45.0f, 35.0f});
    // Both depart at 1 and reach J at 1 s: straight on goes at once, the left turner at 45.
    const LoadingResult r =
        load_network(c.net, {Route{c.approach, c.straight}, Route{c.approach, c.left}}, {1, 1}, quiet());
    EXPECT_EQ(r.arrival[0], 1 + 30);
    EXPECT_EQ(r.arrival[1], 45 + 30);
    // Reaching J at 81 (red for both): straight on waits for 90, the left turn for 135.
    const LoadingResult late =
        load_network(c.net, {Route{c.approach, c.straight}, Route{c.approach, c.left}}, {81, 81}, quiet());
    EXPECT_EQ(late.arrival[0], 90 + 30);
    EXPECT_EQ(late.arrival[1], 135 + 30);
    // The plans table has the approach's row and the movement's.
    ASSERT_EQ(r.signal_plans.size(), 2u);
    const auto movement = std::find_if(r.signal_plans.begin(), r.signal_plans.end(),
                                       [](const auto& p) { return p.to_link != UINT32_MAX; });
    ASSERT_NE(movement, r.signal_plans.end());
    EXPECT_EQ(movement->to_link, c.left);
    EXPECT_DOUBLE_EQ(movement->green_start_s, 45.0);
    EXPECT_DOUBLE_EQ(movement->green_s, 35.0);
}

// A movement green outside its approach's window (SUMO's longer window was taken for the
// approach) still opens: the movement follows its own window only, so it never deadlocks.
TEST(Junctions, MovementGreenOutsideItsApproachWindowStillOpens) {
    const MovementGreenCase c({0.0f, 40.0f}, {60.0f, 20.0f});
    const LoadingResult r = load_network(c.net, {Route{c.approach, c.left}}, {1}, quiet());
    EXPECT_EQ(r.arrival[0], 60 + 30);
}

// ---------------------------------------------------------------- determinism

TEST(Junctions, SignalisedGridIsBitIdenticalForOneAndTwoThreads) {
    RoadNetwork built = build(test_networks::grid_ways(8));
    std::vector<Node> nodes = built.nodes();
    std::vector<Link> links = built.links();
    for (auto& n : nodes)
        if (built.in_links(n.id).size() >= 3) n.control = n.id.value % 3 ? JunctionControl::Signal : JunctionControl::Stop;
    for (auto& l : links) l.road_class = l.source_id % 4 == 0 ? RoadClass::Secondary : RoadClass::Residential;
    const RoadNetwork net(nodes, links);
    std::vector<RouteRequest> req;
    for (std::uint32_t i = 0; i < 20000; ++i)
        req.push_back({(i * 7919u) % static_cast<std::uint32_t>(net.link_count()),
                       (i * 104729u + 13u) % static_cast<std::uint32_t>(net.link_count()), static_cast<std::int32_t>(i % 3600)});
    std::vector<Route> routes;
    route_all(net, LinkCosts::free_flow(net), req, routes);
    std::vector<Seconds> dep;
    for (const auto& q : req) dep.push_back(q.departure);
    LoadingConfig c = quiet();
    c.seed = 11;
    c.stuck_time = 120;
    c.parallel_grain = 16;  // steps split into many tasks
    auto run = [&](int threads) {
        tbb::global_control gc(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        return load_network(net, routes, dep, c);
    };
    const LoadingResult one = run(1), two = run(2);
    EXPECT_EQ(one.arrival, two.arrival);
    EXPECT_EQ(one.exit_travel_time, two.exit_travel_time);
    EXPECT_EQ(one.junction_delay, two.junction_delay);
    EXPECT_EQ(one.stuck, two.stuck);
    EXPECT_GT(one.arrived, 15000u);
    const double delay = std::accumulate(one.junction_delay.begin(), one.junction_delay.end(), 0.0);
    EXPECT_GT(delay / static_cast<double>(one.departed), 5.0) << "signals and stop signs should cost time";
}

}  // namespace
}  // namespace citytwin::sim
