// The queue model on hand-made chains with exact answers (free flow, a bottleneck,
// spillback and stuck vehicles), then invariants and bit-identical results for 1 and 2
// threads on a congested day on a grid.
//
// The rules under test (network_loading.hpp): 1 s steps; a vehicle entering a link at t
// may leave it at the first step >= t + length/speed; a link lets at most
// capacity/3600 vehicles leave per step (the credit accumulates, capped at max(1, rate));
// a link holds at most round(storage) vehicles; a departing vehicle starts at the END of
// its first link, so at its departure second it is at a link end and may cross the node;
// arrival is when it reaches the end of its last link.
#include <citytwin/geodata/road_graph_builder.hpp>
#include <citytwin/sim/network_loading.hpp>
#include <citytwin/sim/router.hpp>

#include <tbb/global_control.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace citytwin::sim {
namespace {

using geodata::GraphBuildOptions;
using geodata::GraphBuildReport;
using geodata::Link;
using geodata::LinkId;
using geodata::OnewayDirection;
using geodata::Point;
using geodata::RoadNetwork;
using geodata::RoadWay;

struct LinkSpec {
    double length_m;
    double speed_mps = 10.0;
    double capacity_vph = 1e6;   ///< "huge": never the limit
    double storage_veh = 1e4;
};

// A one-way chain along the x axis: link i runs from x_i to x_i + length_i. Whole-metre
// lengths and 10 m/s keep every free-flow time exact in binary floating point.
RoadNetwork chain(const std::vector<LinkSpec>& specs) {
    std::vector<RoadWay> ways;
    double x = 0.0;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        RoadWay w;
        w.source_id = static_cast<std::int64_t>(i);
        w.direction = OnewayDirection::Forward;
        w.points = {{x, 0.0}, {x + specs[i].length_m, 0.0}};
        x += specs[i].length_m;
        ways.push_back(w);
    }
    GraphBuildOptions o;
    o.keep_largest_scc = false;
    GraphBuildReport report;
    const RoadNetwork built = build_road_network(ways, o, report);
    std::vector<Link> links = built.links();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        EXPECT_EQ(links[i].length_m, specs[i].length_m);
        links[i].freeflow_speed_mps = specs[i].speed_mps;
        links[i].capacity_vph = specs[i].capacity_vph;
        links[i].storage_veh = specs[i].storage_veh;
    }
    return RoadNetwork(built.nodes(), std::move(links));
}

Route whole_chain(const RoadNetwork& net) {
    Route r;
    for (std::uint32_t l = 0; l < net.link_count(); ++l) r.push_back(l);
    return r;
}

LoadingConfig quiet_config() {
    LoadingConfig c;
    c.trajectory_interval = 0;
    return c;
}

std::size_t cell(const LoadingResult& r, const RoadNetwork& net, Seconds t, std::uint32_t link) {
    return std::min<std::size_t>(static_cast<std::size_t>(t / 3600), r.hours - 1) * net.link_count() + link;
}

// ---------------------------------------------------------------- free flow

// Free-flow times 4, 10.5, 23, 5.7 and 8 s. The vehicle starts at the end of link 0 and
// enters link 1 at its departure second t0; it may leave link i at the first whole second
// after its entry + tt_i, so with whole-second entries the time on link i is ceil(tt_i):
// arrival = t0 + 11 + 23 + 6 + 8 = t0 + 48. Nothing is spent on link 0.
TEST(NetworkLoading, FreeFlowTravelTimeIsSumOfCeiledLinkTimes) {
    const RoadNetwork net = chain({{40}, {105}, {230}, {57}, {80}});
    const Seconds t0 = 100;
    const LoadingResult r = load_network(net, {whole_chain(net)}, {t0}, quiet_config());
    ASSERT_EQ(r.status[0], TripStatus::Arrived);
    EXPECT_EQ(r.departed, 1u);
    EXPECT_EQ(r.arrived, 1u);
    EXPECT_EQ(r.arrival[0] - t0, 11 + 23 + 6 + 8);
    // The same through the per-link tables: one exit per link with the time spent there.
    const double on_link[5] = {0, 11, 23, 6, 8};
    for (std::uint32_t l = 0; l < 5; ++l) {
        EXPECT_EQ(r.exits[cell(r, net, t0, l)], 1u) << "link " << l;
        EXPECT_EQ(r.exit_travel_time[cell(r, net, t0, l)], on_link[l]) << "link " << l;
        // The departure link is not entered (the vehicle starts at its end).
        EXPECT_EQ(r.entries[cell(r, net, t0, l)], l == 0 ? 0u : 1u) << "link " << l;
    }
}

TEST(NetworkLoading, FreeFlowTravelTimeOfTwoLinks) {
    const RoadNetwork net = chain({{40}, {105}});
    const LoadingResult r = load_network(net, {{0, 1}}, {7 * 3600}, quiet_config());
    ASSERT_EQ(r.status[0], TripStatus::Arrived);
    EXPECT_EQ(r.arrival[0], 7 * 3600 + 11);
}

TEST(NetworkLoading, OneLinkRouteArrivesAtDeparture) {
    // The trip starts and ends at the end of the same link: it has nothing to drive.
    const RoadNetwork net = chain({{40}, {105}});
    const LoadingResult r = load_network(net, {{1}}, {500}, quiet_config());
    EXPECT_EQ(r.status[0], TripStatus::Arrived);
    EXPECT_EQ(r.arrival[0], 500);
    EXPECT_EQ(r.arrived, 1u);
}

TEST(NetworkLoading, LoneVehiclesDoNotInteract) {
    // Ten vehicles a minute apart on a chain with room for all: each one alone.
    const RoadNetwork net = chain({{40}, {105}, {230}});
    std::vector<Route> routes(10, whole_chain(net));
    std::vector<Seconds> dep;
    for (int i = 0; i < 10; ++i) dep.push_back(60 * i);
    const LoadingResult r = load_network(net, routes, dep, quiet_config());
    ASSERT_EQ(r.arrived, 10u);
    for (int i = 1; i < 10; ++i) EXPECT_EQ(r.arrival[i] - dep[i], r.arrival[0] - dep[0]) << "vehicle " << i;
}

TEST(NetworkLoading, EmptyRoutesAreNotLoaded) {
    const RoadNetwork net = chain({{40}, {105}});
    const LoadingResult r = load_network(net, {{}, {0, 1}, {}}, {0, 0, 0}, quiet_config());
    EXPECT_EQ(r.departed, 1u);
    EXPECT_EQ(r.status[0], TripStatus::NotLoaded);
    EXPECT_EQ(r.status[2], TripStatus::NotLoaded);
    EXPECT_EQ(r.arrival[0], -1);
    EXPECT_EQ(r.status[1], TripStatus::Arrived);
}

// ---------------------------------------------------------------- bottleneck

// N vehicles leave together from the end of U (unlimited) into B (10 s free flow, the
// given capacity) and on to C (5 s, unlimited). Arrivals at the end of C are the exits
// from B shifted by 5 s.
LoadingResult bottleneck(double capacity_vph, int n, const LoadingConfig& config = quiet_config()) {
    const RoadNetwork net = chain({{10}, {100, 10.0, capacity_vph}, {50}});
    std::vector<Route> routes(static_cast<std::size_t>(n), Route{0, 1, 2});
    std::vector<Seconds> dep(static_cast<std::size_t>(n), 0);
    return load_network(net, routes, dep, config);
}

// Point queue: vehicle k (0-based, FIFO = trip order) leaves the bottleneck k·h after the
// first, h = 3600 / capacity; its delay over a lone vehicle is k·h, the total delay
// h·N(N-1)/2 (the area between the cumulative arrival and departure curves). The first
// vehicle uses the initial credit of 1 and is not delayed at all.
void expect_point_queue(const LoadingResult& r, int n, Seconds h) {
    ASSERT_EQ(r.arrived, static_cast<std::size_t>(n));
    std::vector<int> bad;
    for (int k = 1; k < n; ++k)
        if (r.arrival[k] - r.arrival[k - 1] != h) bad.push_back(k);
    EXPECT_TRUE(bad.empty()) << bad.size() << " of " << n - 1 << " headways differ from " << h
                             << " s; first at vehicle " << (bad.empty() ? -1 : bad[0]) << ": "
                             << (bad.empty() ? 0 : r.arrival[bad[0]] - r.arrival[bad[0] - 1]) << " s; last arrival "
                             << r.arrival[n - 1];
    const Seconds free_flow = bottleneck(1e6, 1).arrival[0];  // a lone vehicle, departing at 0
    double delay = 0.0;
    for (int k = 0; k < n; ++k) delay += r.arrival[k] - free_flow;
    const double point_queue = static_cast<double>(h) * n * (n - 1) / 2.0;
    EXPECT_NEAR(delay, point_queue, 0.01 * point_queue);
}

TEST(NetworkLoading, BottleneckOf450VphReleasesOneVehicleEvery8s) {
    // 450 veh/h = 0.125 veh/s exactly in binary: no rounding in the credit at all.
    expect_point_queue(bottleneck(450, 100), 100, 8);
}

TEST(NetworkLoading, BottleneckOf360VphReleasesOneVehicleEvery10s) {
    // 360 veh/h = 0.1 veh/s: ten steps of credit must make one vehicle.
    expect_point_queue(bottleneck(360, 100), 100, 10);
}

// A standing queue discharges at the link's capacity: over the hour after the first exit
// a link of C veh/h releases C vehicles (±1), whether or not 3600 / C is a whole number
// and whether C is above or below one vehicle per second.
class SaturatedBottleneck : public ::testing::TestWithParam<int> {};

TEST_P(SaturatedBottleneck, DischargesAtCapacity) {
    const int capacity = GetParam();
    const int n = capacity + 200;
    const LoadingResult r = bottleneck(capacity, n);
    ASSERT_EQ(r.arrived, static_cast<std::size_t>(n));
    const Seconds first_exit = r.arrival[0] - 5;
    int in_first_hour = 0;
    for (int k = 0; k < n; ++k) in_first_hour += r.arrival[k] - 5 < first_exit + 3600 ? 1 : 0;
    EXPECT_NEAR(in_first_hour, capacity, 1) << "a saturated link of " << capacity << " veh/h";
}

// Capacities of the default road classes (per lane, and a two-lane motorway) and a few
// that divide 3600 s evenly.
INSTANTIATE_TEST_SUITE_P(RoadClassCapacities, SaturatedBottleneck,
                         ::testing::Values(300, 360, 400, 450, 600, 800, 900, 1000, 1200, 1500, 1800, 2000, 3600, 4000));

TEST(NetworkLoading, ShortBottleneckStillHonoursItsCapacity) {
    // B takes 2 s to cross but lets only one vehicle per 8 s pass (450 veh/h). Vehicles
    // arrive every 3 s, so B is empty again before the next one comes: its credit must
    // still only grow by 0.125 per second, never jump back to 1.
    const RoadNetwork net = chain({{10}, {20, 10.0, 450}, {50}});
    const int n = 10;
    std::vector<Route> routes(n, Route{0, 1, 2});
    std::vector<Seconds> dep;
    for (int k = 0; k < n; ++k) dep.push_back(3 * k);
    const LoadingResult r = load_network(net, routes, dep, quiet_config());
    ASSERT_EQ(r.arrived, static_cast<std::size_t>(n));
    std::vector<Seconds> headways;
    for (int k = 1; k < n; ++k) headways.push_back(r.arrival[k] - r.arrival[k - 1]);
    EXPECT_EQ(headways, std::vector<Seconds>(n - 1, 8)) << "arrivals 3 s apart must leave B 8 s apart";
}

TEST(NetworkLoading, ZeroCapacityLinkLetsOnlyTheInitialCreditThrough) {
    // A link with no capacity at all: the initial credit of 1 lets one vehicle pass and
    // then nobody, even though the link empties after each vehicle.
    const RoadNetwork net = chain({{10}, {10, 10.0, 0.0, 1.0}, {50}});
    std::vector<Route> routes(3, Route{0, 1, 2});
    LoadingConfig c = quiet_config();
    c.end = 2000;
    c.stuck_rule = StuckRule::MoveOn;
    const LoadingResult r = load_network(net, routes, {0, 0, 0}, c);
    EXPECT_EQ(r.arrived, 1u);
    EXPECT_EQ(r.departed, 3u);
    EXPECT_EQ(r.arrived + r.en_route + r.abandoned, 3u);
    EXPECT_EQ(r.en_route, 2u);  // capacity is physical: waiting longer never lets a vehicle through
    // Jumping ahead (the default) passes a full link without crossing it: the vehicle
    // behind the one held on B skips B, B still lets only the first one out.
    c.stuck_rule = StuckRule::JumpAhead;
    const LoadingResult j = load_network(net, routes, {0, 0, 0}, c);
    EXPECT_EQ(j.exits[1], 1u);
    EXPECT_GE(j.stuck, 1u);
    EXPECT_EQ(j.arrived, 1u + j.stuck);
    EXPECT_EQ(j.arrived + j.en_route, 3u);
}

// ---------------------------------------------------------------- spillback and stuck

// U (storage 4) -> D (storage 2, 1 veh/h: after the initial credit, blocked for an hour)
// -> E (5 s). Ten vehicles depart at t = 0 from the end of U. With t_x the step at which
// the first vehicles cross from U into D (0 by the rules above; the departure rule is
// checked by the free-flow tests, so times here are relative to t_x):
//   t=0:   four fit on U, six wait to depart;
//   t_x:   vehicles 0 and 1 cross into D, which is full; 2 and 3 wait at the end of U;
//   t_x+2: vehicle 0 reaches the end of D and leaves on the initial credit; vehicle 1
//          stays at D's end (no credit for an hour); vehicle 2 takes the freed place;
//   from then on D holds 2 and U up to 4 — as long as nobody has waited stuck_time at
//   the end of U. Then (stuck_time 60 s, StuckRule::MoveOn) the vehicle at U's end is
//   moved on into the full D and counted as stuck, which frees a place on U for one
//   waiting to depart (the default, JumpAhead, is checked further down).
struct Spillback {
    RoadNetwork net = chain({{100, 10.0, 1e6, 4.0}, {20, 10.0, 1.0, 2.0}, {50}});
    LoadingConfig config;
    LoadingResult r;
    explicit Spillback(Seconds stuck_time = 100000, StuckRule rule = StuckRule::MoveOn) {
        config.stuck_time = stuck_time;
        config.stuck_rule = rule;
        config.end = 1000;
        config.trajectory_interval = 1;
        config.trajectory_max_vehicles = 100;
        r = load_network(net, std::vector<Route>(10, Route{0, 1, 2}), std::vector<Seconds>(10, 0), config);
    }
    // Vehicles seen on each link at time t (all ten are sampled every second).
    std::map<std::uint32_t, std::set<std::uint32_t>> on_links(Seconds t) const {
        std::map<std::uint32_t, std::set<std::uint32_t>> m;
        for (const auto& p : r.positions)
            if (p.time == t) m[p.link].insert(p.trip);
        return m;
    }
    Seconds first_on_d() const {
        Seconds t = -1;
        for (const auto& p : r.positions)
            if (p.link == 1 && (t < 0 || p.time < t)) t = p.time;
        return t;
    }
};

TEST(NetworkLoading, SpillbackNeverExceedsStorage) {
    const Spillback s;
    std::size_t max_u = 0, max_d = 0;
    for (Seconds t = 0; t <= 200; ++t) {
        auto m = s.on_links(t);
        max_u = std::max(max_u, m[0].size());
        max_d = std::max(max_d, m[1].size());
        ASSERT_LE(m[0].size(), 4u) << "t=" << t;
        ASSERT_LE(m[1].size(), 2u) << "t=" << t;
    }
    EXPECT_EQ(max_u, 4u);
    EXPECT_EQ(max_d, 2u);
    // At t = 0 the first four are driving (on U, or already on D); the others wait.
    std::set<std::uint32_t> driving;
    for (const auto& [link, trips] : s.on_links(0)) driving.insert(trips.begin(), trips.end());
    EXPECT_EQ(driving, (std::set<std::uint32_t>{0, 1, 2, 3}));
    const Seconds tx = s.first_on_d();
    ASSERT_GE(tx, 0);
    ASSERT_LE(tx, 1);
    auto mx = s.on_links(tx);
    EXPECT_EQ(mx[1], (std::set<std::uint32_t>{0, 1}));
    EXPECT_TRUE(mx[0].count(2) && mx[0].count(3));
    // Vehicle 0 leaves D at t_x + 2; the place it frees is offered upstream in the next
    // step (space is frozen in phase 1), and from then on D stays full with vehicle 1 at
    // its end.
    EXPECT_EQ(s.on_links(tx + 1)[1], (std::set<std::uint32_t>{0, 1}));
    EXPECT_EQ(s.on_links(tx + 2)[1], (std::set<std::uint32_t>{1}));
    for (Seconds t = tx + 3; t <= 200; ++t) ASSERT_EQ(s.on_links(t)[1], (std::set<std::uint32_t>{1, 2})) << "t=" << t;
    // Only three vehicles ever enter D: the one that passed, the one blocked at its end,
    // and the one behind it.
    EXPECT_EQ(s.r.entries[1], 3u);
    EXPECT_EQ(s.r.exits[1], 1u);
    EXPECT_EQ(s.r.entries[2], 1u);
}

TEST(NetworkLoading, BlockedVehiclesAreMovedOnAndCountedNotRemoved) {
    const Spillback s(60);
    const Seconds tx = s.first_on_d();
    EXPECT_EQ(s.r.departed, 10u);
    EXPECT_EQ(s.r.arrived, 1u);
    EXPECT_EQ(s.r.abandoned, 0u);
    EXPECT_EQ(s.r.en_route, 9u);  // nobody is deleted: all wait behind D's exhausted capacity
    EXPECT_EQ(s.r.stuck, 7u);     // every one that found D full moved on after 60 s
    EXPECT_EQ(s.r.status[0], TripStatus::Arrived);
    EXPECT_EQ(s.r.arrival[0], tx + 2 + 5);  // 2 s on D, 5 s on E
    for (std::uint32_t v = 1; v < 10; ++v) EXPECT_EQ(s.r.status[v], TripStatus::EnRoute) << "vehicle " << v;
    for (std::uint32_t v = 3; v < 10; ++v) EXPECT_TRUE(s.r.was_stuck[v]) << "vehicle " << v;
    EXPECT_FALSE(s.r.was_stuck[1]);
    // Vehicle 3 is at the front of U's end from t_x + 3 (when vehicle 2 took the place
    // vehicle 0 freed): it is moved onto the full D 60 s later.
    Seconds first_on_d_3 = -1;
    for (const auto& p : s.r.positions)
        if (p.trip == 3 && p.link == 1) {
            first_on_d_3 = p.time;
            break;
        }
    EXPECT_EQ(first_on_d_3, tx + 3 + 60);
    EXPECT_EQ(s.r.entries[1], 10u);  // all ten end up on D (its capacity holds them there)
    // With a longer patience the same run keeps every vehicle behind the full link.
    const Spillback patient;
    EXPECT_EQ(patient.r.stuck, 0u);
    EXPECT_EQ(patient.r.entries[1], 3u);
}

// The default: a vehicle that waited stuck_time before the full D jumps over it to E
// (SUMO's teleport), spends D's free-flow time (2 s) on the way and arrives after E's
// 5 s; D is never over its storage and lets only its capacity out.
TEST(NetworkLoading, BlockedVehiclesJumpAheadToTheFirstLinkWithSpace) {
    const Spillback s(60, StuckRule::JumpAhead);
    const Seconds tx = s.first_on_d();
    EXPECT_EQ(s.r.departed, 10u);
    EXPECT_EQ(s.r.stuck, 7u);
    EXPECT_EQ(s.r.arrived, 8u);   // vehicle 0 and the seven that jumped
    EXPECT_EQ(s.r.en_route, 2u);  // 1 and 2 wait on D for its capacity, not for space
    EXPECT_EQ(s.r.status[1], TripStatus::EnRoute);
    EXPECT_EQ(s.r.status[2], TripStatus::EnRoute);
    EXPECT_EQ(s.r.arrival[3], tx + 3 + 60 + 2 + 5);
    for (std::uint32_t v = 3; v < 10; ++v) {
        EXPECT_TRUE(s.r.was_stuck[v]) << "vehicle " << v;
        EXPECT_EQ(s.r.status[v], TripStatus::Arrived) << "vehicle " << v;
    }
    EXPECT_EQ(s.r.entries[1], 3u);  // nobody entered D beyond its storage
    EXPECT_EQ(s.r.exits[1], 1u);
    EXPECT_EQ(s.r.entries[2], 8u);
    for (const auto& p : s.r.positions) ASSERT_FALSE(p.link == 1 && p.trip > 2) << "vehicle " << p.trip << " on D";
}

TEST(NetworkLoading, VehiclesWaitingOnTheirFirstLinkAreShownAtItsEnd) {
    // A departing vehicle starts at the end of its first link (U, x = 100), and vehicles
    // 2 and 3 stay there until they are removed: their samples must be at x = 100, not
    // travel along U as if they had entered it at its start.
    const Spillback s;
    std::size_t samples = 0, elsewhere = 0;
    std::string example;
    for (const auto& p : s.r.positions) {
        if (p.link != 0) continue;
        ++samples;
        if (std::abs(p.x - 100.0) > 1e-9 && elsewhere++ == 0)
            example = "vehicle " + std::to_string(p.trip) + " at t=" + std::to_string(p.time) + ": x=" + std::to_string(p.x);
    }
    EXPECT_GT(samples, 100u);
    EXPECT_EQ(elsewhere, 0u) << "of " << samples << " samples on U; e.g. " << example;
}

// ---------------------------------------------------------------- a day on a grid

// n × n intersections 100 m apart, two-way residential streets (30 km/h, 600 veh/h,
// 13 vehicles of storage per 100 m): it jams readily.
RoadNetwork grid(int n) {
    std::vector<RoadWay> ways;
    for (int r = 0; r < n; ++r) {
        RoadWay row, col;
        row.source_id = 2 * r;
        col.source_id = 2 * r + 1;
        row.road_class = col.road_class = geodata::RoadClass::Residential;
        for (int c = 0; c < n; ++c) {
            row.points.push_back({100.0 * c, 100.0 * r});
            col.points.push_back({100.0 * r, 100.0 * c});
        }
        ways.push_back(row);
        ways.push_back(col);
    }
    GraphBuildReport report;
    return build_road_network(ways, {}, report);
}

struct Day {
    RoadNetwork net = grid(30);
    std::vector<Route> routes;
    std::vector<Seconds> dep;
    LoadingConfig config;
    Day() {
        std::mt19937 rng(2024);
        std::uniform_int_distribution<std::uint32_t> link(0, static_cast<std::uint32_t>(net.link_count() - 1));
        std::normal_distribution<double> morning(8 * 3600, 1800);
        std::vector<RouteRequest> q;
        for (int i = 0; i < 40000; ++i) {
            Seconds t = static_cast<Seconds>(std::clamp(morning(rng), 0.0, 11.0 * 3600));
            q.push_back({link(rng), link(rng), t, true});
            if (i % 500 == 3) q.back().to_link = q.back().from_link;  // one-link trips
        }
        route_all(net, LinkCosts::free_flow(net), q, routes);
        for (std::size_t i = 0; i < q.size(); i += 997) routes[i].clear();  // "unroutable"
        for (const auto& r : q) dep.push_back(r.departure);
        // Half capacities and storage: spillback and a few gridlocks; the day ends at
        // 09:30 with trips still driving and later ones never departed.
        config.end = 9 * 3600 + 1800;
        config.flow_capacity_factor = 0.5;
        config.storage_capacity_factor = 0.5;
        config.stuck_time = 120;
        config.trajectory_interval = 60;
        config.trajectory_max_vehicles = 40000;  // everybody: positions show which links hold vehicles
        config.parallel_grain = 64;              // 1 vs 2 threads: steps really split
    }
};

const Day& day() {
    static const Day d;
    return d;
}

const LoadingResult& day_result(std::size_t threads) {
    static std::map<std::size_t, LoadingResult> cache;
    auto it = cache.find(threads);
    if (it == cache.end()) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        it = cache.emplace(threads, load_network(day().net, day().routes, day().dep, day().config)).first;
    }
    return it->second;
}

TEST(NetworkLoading, DayConservesVehicles) {
    const Day& d = day();
    const LoadingResult& r = day_result(2);
    std::size_t should_depart = 0;
    for (std::size_t i = 0; i < d.routes.size(); ++i)
        should_depart += (!d.routes[i].empty() && d.dep[i] < d.config.end) ? 1 : 0;
    EXPECT_EQ(r.departed, should_depart);
    EXPECT_EQ(r.departed, r.arrived + r.en_route + r.abandoned);
    // Demand at the peak (≈ 8 000 departures a quarter hour) is far above what the
    // half-capacity grid passes, so fewer than half arrive by 09:30 — but the jam never
    // freezes it: vehicles stuck for stuck_time jump ahead (SUMO's rule), and
    // arrivals go on every quarter hour. Deleting them instead (the old model) hid the
    // jam; a deadlock would show as a quarter hour with next to no arrivals.
    std::map<Seconds, std::size_t> arrivals_per_quarter;
    for (const Seconds a : r.arrival)
        if (a >= 7 * 3600) ++arrivals_per_quarter[a / 900];
    ASSERT_EQ(arrivals_per_quarter.size(), 10u) << "07:00 to 09:30, ten quarter hours";
    for (const auto& [quarter, n] : arrivals_per_quarter)
        EXPECT_GT(n, 1000u) << "quarter hour from " << quarter * 900 << " s";
    EXPECT_GT(r.arrived, r.departed / 3);
    EXPECT_GT(r.stuck, 0u) << "the day is meant to jam somewhere";
    EXPECT_EQ(r.abandoned, 0u) << "nothing is closed: nobody gives up";
    EXPECT_GT(r.en_route, 0u) << "the day is meant to end with vehicles on the road";


    std::size_t arrived = 0, en_route = 0, stuck = 0;
    for (std::size_t i = 0; i < d.routes.size(); ++i) {
        const TripStatus s = r.status[i];
        ASSERT_EQ(r.arrival[i] >= 0, s == TripStatus::Arrived || s == TripStatus::Stuck) << "trip " << i;
        if (d.routes[i].empty() || d.dep[i] >= d.config.end) {
            ASSERT_EQ(s, TripStatus::NotLoaded) << "trip " << i;
            continue;
        }
        ASSERT_NE(s, TripStatus::NotLoaded) << "trip " << i;
        arrived += s == TripStatus::Arrived;
        en_route += s == TripStatus::EnRoute;
        stuck += s == TripStatus::Stuck;
        if (s == TripStatus::Arrived) {
            ASSERT_GE(r.arrival[i], d.dep[i]) << "trip " << i;
            ASSERT_LT(r.arrival[i], d.config.end) << "trip " << i;
        }
    }
    EXPECT_EQ(arrived, r.arrived);
    EXPECT_EQ(en_route, r.en_route);
    EXPECT_EQ(stuck, r.abandoned);
    EXPECT_EQ(static_cast<std::size_t>(std::count(r.was_stuck.begin(), r.was_stuck.end(), 1)), r.stuck);
}

TEST(NetworkLoading, DayLinkTablesAddUp) {
    const Day& d = day();
    const LoadingResult& r = day_result(2);
    const std::size_t links = d.net.link_count();
    ASSERT_EQ(r.hours, 10u);
    ASSERT_EQ(r.entries.size(), r.hours * links);
    ASSERT_EQ(r.exits.size(), r.hours * links);
    ASSERT_EQ(r.exit_travel_time.size(), r.hours * links);
    // Every arrived trip that never got stuck left each link of its route once (the last
    // one by arriving) and entered every link but the first; the others did less.
    std::uint64_t entries = 0, exits = 0, arrived_entries = 0, arrived_exits = 0;
    for (auto e : r.entries) entries += e;
    for (auto e : r.exits) exits += e;
    for (std::size_t i = 0; i < d.routes.size(); ++i)
        if (r.status[i] == TripStatus::Arrived && !r.was_stuck[i]) {  // a stuck one may have jumped links
            arrived_entries += d.routes[i].size() - 1;
            arrived_exits += d.routes[i].size();
        }
    EXPECT_GE(entries, arrived_entries);
    EXPECT_GE(exits, arrived_exits);
    // A link is left at most as often as it is entered, plus the departures on it.
    std::vector<std::uint64_t> in(links, 0), out(links, 0), departures(links, 0);
    for (std::size_t h = 0; h < r.hours; ++h)
        for (std::size_t l = 0; l < links; ++l) {
            in[l] += r.entries[h * links + l];
            out[l] += r.exits[h * links + l];
            EXPECT_GE(r.exit_travel_time[h * links + l], 0.0);
            if (r.exits[h * links + l] == 0) {
                EXPECT_EQ(r.exit_travel_time[h * links + l], 0.0);
            }
        }
    for (std::size_t i = 0; i < d.routes.size(); ++i)
        if (r.status[i] != TripStatus::NotLoaded) ++departures[d.routes[i][0]];
    for (std::size_t l = 0; l < links; ++l) ASSERT_LE(out[l], in[l] + departures[l]) << "link " << l;
}

TEST(NetworkLoading, DayIsBitIdenticalForOneAndTwoThreads) {
    const LoadingResult& a = day_result(1);
    const LoadingResult& b = day_result(2);
    EXPECT_EQ(a.departed, b.departed);
    EXPECT_EQ(a.arrived, b.arrived);
    EXPECT_EQ(a.en_route, b.en_route);
    EXPECT_EQ(a.stuck, b.stuck);
    EXPECT_EQ(a.last_step, b.last_step);
    EXPECT_TRUE(a.arrival == b.arrival);
    EXPECT_TRUE(a.status == b.status);
    EXPECT_TRUE(a.entries == b.entries);
    EXPECT_TRUE(a.exits == b.exits);
    EXPECT_GT(a.stuck, 0u) << "the comparison should cover stuck removals too";
    ASSERT_EQ(a.exit_travel_time.size(), b.exit_travel_time.size());
    EXPECT_EQ(0, std::memcmp(a.exit_travel_time.data(), b.exit_travel_time.data(),
                             a.exit_travel_time.size() * sizeof(double)));
    ASSERT_EQ(a.positions.size(), b.positions.size());
    for (std::size_t i = 0; i < a.positions.size(); ++i) {
        const auto& p = a.positions[i];
        const auto& q = b.positions[i];
        ASSERT_TRUE(p.trip == q.trip && p.time == q.time && p.link == q.link &&
                    std::memcmp(&p.x, &q.x, sizeof p.x) == 0 && std::memcmp(&p.y, &q.y, sizeof p.y) == 0)
            << "position " << i;
    }
    // The day must be busy enough for the link phase to be split between threads
    // (grain 1024 links): count links holding sampled vehicles at the busiest moment.
    std::map<Seconds, std::set<std::uint32_t>> occupied;
    for (const auto& p : a.positions) occupied[p.time].insert(p.link);
    std::size_t busiest = 0;
    for (const auto& [t, ls] : occupied) busiest = std::max(busiest, ls.size());
    EXPECT_GT(busiest, 1024u) << "too quiet to exercise the parallel phases";
}

// ---------------------------------------------------------------- trajectories

double distance_to_polyline(const geodata::Polyline& line, Point p) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 1; i < line.size(); ++i) {
        const Point a = line[i - 1], b = line[i];
        const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
        const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
        best = std::min(best, std::hypot(a.x + t * dx - p.x, a.y + t * dy - p.y));
    }
    return best;
}

TEST(NetworkLoading, TrajectoriesLieOnTheirLinksAtMultiplesOfTheInterval) {
    const Day& d = day();
    const LoadingResult& r = day_result(2);
    ASSERT_FALSE(r.positions.empty());
    std::set<std::uint32_t> trips;
    for (std::size_t i = 0; i < r.positions.size(); ++i) {
        const PositionSample& p = r.positions[i];
        ASSERT_EQ((p.time - d.config.start) % d.config.trajectory_interval, 0) << "sample " << i;
        ASSERT_LT(p.link, d.net.link_count());
        const auto& route = d.routes[p.trip];
        ASSERT_NE(std::find(route.begin(), route.end(), p.link), route.end()) << "sample " << i << " off its route";
        ASSERT_LT(distance_to_polyline(d.net.link(LinkId(p.link)).geometry, {p.x, p.y}), 1e-6) << "sample " << i;
        ASSERT_GE(p.time, d.dep[p.trip]);
        if (r.status[p.trip] == TripStatus::Arrived) {
            ASSERT_LE(p.time, r.arrival[p.trip]);
        }
        if (i > 0) {
            const auto& q = r.positions[i - 1];
            ASSERT_TRUE(q.time < p.time || (q.time == p.time && q.trip < p.trip)) << "sample " << i << " out of order";
        }
        trips.insert(p.trip);
    }
    EXPECT_LE(trips.size(), d.config.trajectory_max_vehicles);
    EXPECT_GT(trips.size(), d.config.trajectory_max_vehicles / 2);
}

TEST(NetworkLoading, TrajectoryMovesAlongTheChain) {
    // One vehicle, sampled every second: x grows by 10 m per second on links 1 and 2.
    const RoadNetwork net = chain({{40}, {100}, {60}});
    LoadingConfig c;
    c.trajectory_interval = 1;
    const LoadingResult r = load_network(net, {whole_chain(net)}, {0}, c);
    ASSERT_EQ(r.status[0], TripStatus::Arrived);
    ASSERT_FALSE(r.positions.empty());
    for (std::size_t i = 1; i < r.positions.size(); ++i) {
        EXPECT_EQ(r.positions[i].time, r.positions[i - 1].time + 1);
        EXPECT_GE(r.positions[i].x, r.positions[i - 1].x);
        EXPECT_EQ(r.positions[i].y, 0.0);
    }
    for (const auto& p : r.positions) {
        EXPECT_GE(p.x, 40.0 - 1e-9) << "t=" << p.time << ": a departing vehicle starts at the end of its first link";
        EXPECT_LE(p.x, 200.0 + 1e-9);
    }
}

TEST(NetworkLoading, TrajectoriesStartAtConfiguredStart) {
    const RoadNetwork net = chain({{40}, {1000}});
    LoadingConfig c;
    c.start = 95;
    c.trajectory_interval = 10;
    const LoadingResult r = load_network(net, {{0, 1}}, {100}, c);
    ASSERT_FALSE(r.positions.empty());
    for (const auto& p : r.positions) EXPECT_EQ((p.time - c.start) % 10, 0) << p.time;
}

TEST(NetworkLoading, VehiclesStillDrivingAtTheEndAreEnRoute) {
    const RoadNetwork net = chain({{40}, {1000}});
    LoadingConfig c = quiet_config();
    c.end = 50;
    const LoadingResult r = load_network(net, {{0, 1}, {0, 1}}, {0, 60}, c);
    EXPECT_EQ(r.departed, 1u);
    EXPECT_EQ(r.en_route, 1u);
    EXPECT_EQ(r.status[0], TripStatus::EnRoute);
    EXPECT_EQ(r.status[1], TripStatus::NotLoaded);
    EXPECT_EQ(r.arrival[0], -1);
}

TEST(NetworkLoading, ExperiencedCostsAreMeanTimesNeverBelowFreeFlow) {
    const RoadNetwork net = chain({{10}, {100, 10.0, 450}, {50}});
    const LoadingResult r = bottleneck(450, 20);
    const LinkCosts c = experienced_costs(net, r);
    EXPECT_FALSE(c.time_invariant);
    // C: every vehicle needs exactly 5 s; B: 10 s plus waiting 0, 8, …, 152 s.
    EXPECT_FLOAT_EQ(c.at(0, 2), 5.0f);
    double sum = 0.0;
    for (int k = 0; k < 20; ++k) sum += 10.0 + 8.0 * k;
    EXPECT_FLOAT_EQ(c.at(0, 1), static_cast<float>(sum / 20.0));
    // Hours nobody drove keep the free-flow time.
    EXPECT_FLOAT_EQ(c.at(5, 1), 10.0f);
    EXPECT_FLOAT_EQ(c.at(5, 2), 5.0f);
}

TEST(NetworkLoading, OnlyAJammedLinkIsPricedByItsLongestWait) {
    // Link 1 let 10 vehicles out in 20 s each while one waited 600 s to turn: it costs
    // the 20 s they drove, not the one long wait. Link 2 let nobody out that hour: it
    // costs the 900 s its queue had waited, not free flow (a jam is never cheap).
    const RoadNetwork net = chain({{10}, {100}, {50}});
    LoadingResult r;
    r.hours = 1;
    r.exits = {0, 10, 0};
    r.exit_travel_time = {0.0, 200.0, 0.0};
    r.queued_time = {0.0f, 600.0f, 900.0f};
    const LinkCosts c = experienced_costs(net, r);
    EXPECT_FLOAT_EQ(c.at(0, 1), 20.0f);
    EXPECT_FLOAT_EQ(c.at(0, 2), 900.0f);
    EXPECT_FLOAT_EQ(c.at(1, 2), c.at(5, 2)) << "later hours keep free flow";
}

}  // namespace
}  // namespace citytwin::sim
