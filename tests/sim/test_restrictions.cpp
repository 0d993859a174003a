// Closures and tolls in the simulation, with exact answers on hand-made networks:
// routing costs (apply_restrictions), timed closures in the queue model (LoadingHooks),
// a day of traffic with closures, tolls and an observer acting during the run, and the
// synthetic demand of buildings with given residents and jobs (a new district).
#include <citytwin/geodata/edits.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/link_restrictions.hpp>
#include <citytwin/sim/mobility.hpp>
#include <citytwin/sim/network_loading.hpp>

#include <tbb/global_control.h>

#include "test_networks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

namespace citytwin::sim {
namespace {

using geodata::Building;
using geodata::BuildingId;
using geodata::BuildingUse;
using geodata::CityModel;
using geodata::Link;
using geodata::LinkId;
using geodata::MultiPolygon;
using geodata::OnewayDirection;
using geodata::Point;
using geodata::RoadNetwork;
using geodata::RoadWay;

using test_networks::build;
using test_networks::way;

constexpr Seconds h = 3600;

CityModel model_of(RoadNetwork net) {
    CityModel m;
    m.name = "test";
    m.roads = std::make_shared<RoadNetwork>(std::move(net));
    return m;
}

// Every link 10 m/s with far more capacity and storage than any test needs: free-flow
// times are exact and nobody queues.
RoadNetwork at_10_mps(const RoadNetwork& built) {
    std::vector<Link> links = built.links();
    for (auto& l : links) {
        l.freeflow_speed_mps = 10.0;
        l.capacity_vph = 1e5;
        l.storage_veh = 1e5;
    }
    return RoadNetwork(built.nodes(), std::move(links));
}

// The link from a to b of this length; fails the test when there is none.
std::uint32_t link_between(const RoadNetwork& net, Point a, Point b, double length_m) {
    for (const auto& l : net.links())
        if (net.node(l.from).position == a && net.node(l.to).position == b && l.length_m == length_m) return l.id.value;
    ADD_FAILURE() << "no link (" << a.x << ", " << a.y << ") -> (" << b.x << ", " << b.y << ")";
    return 0;
}

Trip link_trip(std::uint32_t id, std::uint32_t from, std::uint32_t to, Seconds dep) {
    Trip t;
    t.id = id;
    t.person = id;
    t.departure = dep;
    t.origin_link = from;
    t.destination_link = to;
    return t;
}

MobilityConfig quiet_config(int iterations = 1, double reroute_share = 0.2) {
    MobilityConfig c;
    c.iterations = iterations;
    c.reroute_share = reroute_share;
    c.loading.trajectory_interval = 0;
    c.loading.parallel_grain = 64;  // small networks: steps still split, 1 vs 2 threads compare
    return c;
}

bool uses(const Route& r, std::uint32_t link) { return std::find(r.begin(), r.end(), link) != r.end(); }

std::size_t entries_in(const LoadingResult& r, std::size_t links, std::size_t hour, std::uint32_t link) {
    return r.entries[hour * links + link];
}

// ---------------------------------------------------------------- routing costs

// A one-way chain of four 100 m links at 10 m/s: 10 s each.
CityModel chain4() {
    std::vector<RoadWay> ways;
    for (int i = 0; i < 4; ++i) ways.push_back(way(i, {{100.0 * i, 0}, {100.0 * (i + 1), 0}}, OnewayDirection::Forward));
    return model_of(at_10_mps(build(ways, false)));
}

TEST(Restrictions, ClosedLinkIsInfiniteInEveryHourItsWindowTouches) {
    CityModel m = chain4();
    geodata::close_links(m, {LinkId(1)}, {8 * h, 9 * h}, "a");             // hour 8 only: 9:00 is not in it
    geodata::close_links(m, {LinkId(3)}, {8 * h + 1800, 9 * h + 600}, "b");  // hours 8 and 9
    LinkCosts c = LinkCosts::free_flow(*m.roads);
    apply_restrictions(m, 150.0, c);
    EXPECT_FALSE(c.time_invariant);
    const float inf = std::numeric_limits<float>::infinity();
    for (std::size_t hour = 0; hour < hours_per_day; ++hour) {
        EXPECT_EQ(c.at(hour, 0), 10.0f) << hour;
        EXPECT_EQ(c.at(hour, 1), hour == 8 ? inf : 10.0f) << hour;
        EXPECT_EQ(c.at(hour, 2), 10.0f) << hour;
        EXPECT_EQ(c.at(hour, 3), hour == 8 || hour == 9 ? inf : 10.0f) << hour;
    }
    EXPECT_EQ(never_closed(m), (std::vector<char>{1, 0, 1, 0}));
}

TEST(Restrictions, WholeDayClosureKeepsCostsTimeInvariant) {
    CityModel m = chain4();
    geodata::close_links(m, {LinkId(2)}, {}, "bridge removed");
    LinkCosts c = LinkCosts::free_flow(*m.roads);
    apply_restrictions(m, 150.0, c);
    EXPECT_TRUE(c.time_invariant);
    for (std::size_t hour = 0; hour < hours_per_day; ++hour) EXPECT_TRUE(std::isinf(c.at(hour, 2))) << hour;
    EXPECT_EQ(never_closed(m), (std::vector<char>{1, 1, 0, 1}));
}

TEST(Restrictions, TollAddsItsTimeInHoursWhoseMiddleItCovers) {
    // 150 money per hour: one money is 24 s. 5 over 07:00–09:00 covers 07:30 and 08:30
    // (+120 s in hours 7 and 8); 2 over 07:45–08:45 covers only 08:30 (+48 s in hour 8).
    CityModel m = chain4();
    geodata::add_tolls(m, {LinkId(2)}, 5.0, {7 * h, 9 * h}, "a");
    geodata::add_tolls(m, {LinkId(2)}, 2.0, {7 * h + 2700, 8 * h + 2700}, "b");
    LinkCosts c = LinkCosts::free_flow(*m.roads);
    apply_restrictions(m, 150.0, c);
    EXPECT_FALSE(c.time_invariant);
    for (std::size_t hour = 0; hour < hours_per_day; ++hour) {
        const float expected = hour == 7 ? 130.0f : hour == 8 ? 178.0f : 10.0f;
        EXPECT_EQ(c.at(hour, 2), expected) << hour;
        EXPECT_EQ(c.at(hour, 1), 10.0f) << hour;
    }
    // Tolls close nothing.
    EXPECT_EQ(never_closed(m), (std::vector<char>{1, 1, 1, 1}));
}

TEST(Restrictions, ClosureEventsAreSorted) {
    CityModel m = chain4();
    geodata::close_links(m, {LinkId(3)}, {9 * h, 10 * h}, "late");
    geodata::close_links(m, {LinkId(1), LinkId(0)}, {8 * h, 9 * h}, "early");
    const auto events = closure_events(m);
    const std::vector<LinkEvent> expected{{8 * h, 0, 1},  {8 * h, 1, 1},  {9 * h, 0, -1},
                                          {9 * h, 1, -1}, {9 * h, 3, 1}, {10 * h, 3, -1}};
    EXPECT_EQ(events, expected);
}

// ---------------------------------------------------------------- loading with events

// A chain of 40, 100 and 50 m at 10 m/s: 4, 10 and 5 s. A trip starts at the end of
// link 0, so at its departure second it crosses into link 1 when allowed.
RoadNetwork chain3() {
    return at_10_mps(build({way(0, {{0, 0}, {40, 0}}, OnewayDirection::Forward),
                            way(1, {{40, 0}, {140, 0}}, OnewayDirection::Forward),
                            way(2, {{140, 0}, {190, 0}}, OnewayDirection::Forward)},
                           false));
}

LoadingConfig loading_config(Seconds stuck_time) {
    LoadingConfig c;
    c.trajectory_interval = 0;
    c.stuck_time = stuck_time;
    return c;
}

TEST(LoadingHooks, ClosedLinkRefusesEntryUntilItReopens) {
    const RoadNetwork net = chain3();
    ASSERT_EQ(net.link(LinkId(1)).length_m, 100.0);
    LoadingHooks hooks;
    hooks.events = {{100, 1, +1}, {200, 1, -1}};
    // Vehicle 0 passes before the closure; vehicle 1 arrives at it when it starts and
    // waits 100 s at the end of link 0; vehicle 2 comes after it reopened.
    const std::vector<Route> routes(3, Route{0, 1, 2});
    const LoadingResult r = load_network(net, routes, {50, 100, 300}, loading_config(300), {}, hooks);
    ASSERT_EQ(r.arrived, 3u);
    EXPECT_EQ(r.arrival[0], 50 + 15);
    EXPECT_EQ(r.arrival[1], 200 + 15);
    EXPECT_EQ(r.arrival[2], 300 + 15);
    EXPECT_EQ(r.entries[1], 3u);
}

TEST(LoadingHooks, VehicleWaitingLongerThanStuckTimeBeforeAClosureGivesUpAndIsCounted) {
    const RoadNetwork net = chain3();
    LoadingHooks hooks;
    hooks.events = {{100, 1, +1}, {200, 1, -1}};
    const LoadingResult r = load_network(net, {Route{0, 1, 2}}, {100}, loading_config(50), {}, hooks);
    EXPECT_EQ(r.status[0], TripStatus::Stuck);
    EXPECT_EQ(r.abandoned, 1u);
    EXPECT_EQ(r.stuck, 0u);
    EXPECT_EQ(r.arrived, 0u);
    EXPECT_EQ(r.entries[1], 0u);
    EXPECT_EQ(r.arrival[0], 150);  // when it gave up: its time so far stays in the means
}

TEST(LoadingHooks, OverlappingClosuresCountUp) {
    // Two closures 100–200 and 150–250: the link is open again only at 250.
    const RoadNetwork net = chain3();
    LoadingHooks hooks;
    hooks.events = {{100, 1, +1}, {150, 1, +1}, {200, 1, -1}, {250, 1, -1}};
    const LoadingResult r = load_network(net, {Route{0, 1, 2}}, {120}, loading_config(300), {}, hooks);
    ASSERT_EQ(r.status[0], TripStatus::Arrived);
    EXPECT_EQ(r.arrival[0], 250 + 15);
}

TEST(LoadingHooks, ObserverEventsApplyFromTheNextStep) {
    // The observer closes link 1 after step 100, asking for time 0: it closes at 101, so
    // vehicle A (entering at 100) passes and vehicle B (at 101) waits; at step 110 it
    // asks to reopen at 150, when B enters.
    const RoadNetwork net = chain3();
    std::vector<Seconds> seen;
    std::vector<Seconds> closed_at;
    std::vector<int> iterations;
    LoadingHooks hooks;
    hooks.iteration = 3;
    bool closed = false, reopened = false;
    hooks.observer = [&](const StepView& v, std::vector<LinkEvent>& actions) {
        seen.push_back(v.now);
        iterations.push_back(v.iteration);
        if (v.closed(1)) closed_at.push_back(v.now);
        if (!closed) {
            actions.push_back({0, 1, +1});
            closed = true;
        } else if (!reopened && v.now >= 110) {
            EXPECT_EQ(v.vehicles_on(0), 1u) << "B waits at the end of link 0";
            actions.push_back({150, 1, -1});
            reopened = true;
        }
    };
    const std::vector<Route> routes(2, Route{0, 1, 2});
    const LoadingResult r = load_network(net, routes, {100, 101}, loading_config(300), {}, hooks);
    ASSERT_EQ(r.arrived, 2u);
    EXPECT_EQ(r.arrival[0], 115);
    EXPECT_EQ(r.arrival[1], 165);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front(), 100);
    ASSERT_FALSE(closed_at.empty());
    EXPECT_EQ(closed_at.front(), 101);
    EXPECT_EQ(closed_at.back(), 149);
    EXPECT_EQ(closed_at.size(), 49u);
    for (int it : iterations) EXPECT_EQ(it, 3);
}

TEST(LoadingHooks, ObserverEventForUnknownLinkThrows) {
    const RoadNetwork net = chain3();
    LoadingHooks hooks;
    hooks.observer = [](const StepView&, std::vector<LinkEvent>& actions) { actions.push_back({0, 3, +1}); };
    EXPECT_THROW(load_network(net, {Route{0, 1, 2}}, {0}, loading_config(300), {}, hooks), std::out_of_range);
}

// ---------------------------------------------------------------- (a) a cut network

using test_networks::grid_ways;

// Two 3 × 3 grids joined by one two-way bridge of 800 m.
struct TwoTowns {
    CityModel model;
    std::uint32_t bridge_east = 0, bridge_west = 0;
    TwoTowns() {
        std::vector<RoadWay> ways = grid_ways(3);
        for (auto& w : grid_ways(3, 1000.0, 100)) ways.push_back(w);
        ways.push_back(way(200, {{200, 100}, {1000, 100}}));
        model = model_of(build(ways));
        EXPECT_EQ(model.roads->link_count(), 50u);  // 2 × 24 in the grids + 2 on the bridge
        bridge_east = link_between(*model.roads, {200, 100}, {1000, 100}, 800);
        bridge_west = link_between(*model.roads, {1000, 100}, {200, 100}, 800);
    }
    bool bridge(std::uint32_t l) const { return l == bridge_east || l == bridge_west; }
    int town(std::uint32_t l) const { return model.roads->node(model.roads->link(LinkId(l)).from).position.x > 600 ? 1 : 0; }
};

TEST(ClosedMobility, ClosingTheOnlyBridgeMakesCrossTownTripsUnroutable) {
    const TwoTowns t;
    Demand demand;
    std::vector<char> across;
    for (std::uint32_t i = 0; i < 50; ++i) {
        const std::uint32_t from = i, to = (i * 7 + 3) % 50;
        if (t.bridge(from) || t.bridge(to) || from == to) continue;
        across.push_back(t.town(from) != t.town(to) ? 1 : 0);
        demand.trips.push_back(link_trip(static_cast<std::uint32_t>(demand.trips.size()), from, to,
                                         8 * h + 10 * static_cast<Seconds>(i)));
    }
    const std::size_t n_across = static_cast<std::size_t>(std::count(across.begin(), across.end(), 1));
    ASSERT_GT(n_across, 5u);
    ASSERT_LT(n_across, demand.trips.size());

    const MobilityResult open = run_mobility(t.model, demand, quiet_config(), 1);
    EXPECT_EQ(open.kpis.unroutable, 0u);
    EXPECT_EQ(open.kpis.closed_links, 0u);
    EXPECT_EQ(open.kpis.completed, demand.trips.size());

    CityModel closed = t.model;
    geodata::close_links(closed, {LinkId(t.bridge_east), LinkId(t.bridge_west)}, {}, "bridge works");
    const MobilityResult r = run_mobility(closed, demand, quiet_config(), 1);
    EXPECT_EQ(r.kpis.unroutable, n_across);
    EXPECT_EQ(r.kpis.closed_links, 2u);
    EXPECT_EQ(r.kpis.completed, demand.trips.size() - n_across);
    EXPECT_EQ(r.kpis.stuck, 0u);
    EXPECT_EQ(r.loading.departed, demand.trips.size() - n_across);
    for (std::size_t i = 0; i < demand.trips.size(); ++i) {
        if (across[i]) {
            EXPECT_FALSE(open.routes[i].empty()) << "trip " << i;
            EXPECT_TRUE(r.routes[i].empty()) << "trip " << i;
            EXPECT_EQ(r.loading.status[i], TripStatus::NotLoaded) << "trip " << i;
        } else {
            EXPECT_EQ(r.loading.status[i], TripStatus::Arrived) << "trip " << i;
            EXPECT_FALSE(uses(r.routes[i], t.bridge_east) || uses(r.routes[i], t.bridge_west)) << "trip " << i;
        }
    }
    const std::size_t n = closed.roads->link_count();
    for (std::size_t hour = 0; hour < r.loading.hours; ++hour) {
        EXPECT_EQ(entries_in(r.loading, n, hour, t.bridge_east), 0u);
        EXPECT_EQ(entries_in(r.loading, n, hour, t.bridge_west), 0u);
    }
}

TEST(ClosedMobility, BridgeClosedForAnHourCutsOnlyTripsRoutedInThatHour) {
    const TwoTowns t;
    // West town link 0 to an east-town link: needs the bridge.
    std::uint32_t east = 0;
    while (t.bridge(east) || t.town(east) == 0) ++east;
    ASSERT_EQ(t.town(0), 0);
    CityModel m = t.model;
    geodata::close_links(m, {LinkId(t.bridge_east)}, {8 * h, 9 * h}, "parade");
    Demand demand;
    demand.trips = {link_trip(0, 0, east, 7 * h), link_trip(1, 0, east, 8 * h + 1800), link_trip(2, 0, east, 9 * h)};
    const MobilityResult r = run_mobility(m, demand, quiet_config(), 1);
    EXPECT_EQ(r.kpis.unroutable, 1u);
    EXPECT_TRUE(r.routes[1].empty());
    EXPECT_EQ(r.loading.status[0], TripStatus::Arrived);
    EXPECT_EQ(r.loading.status[2], TripStatus::Arrived);
    EXPECT_TRUE(uses(r.routes[0], t.bridge_east));
    EXPECT_TRUE(uses(r.routes[2], t.bridge_east));
}

// ---------------------------------------------------------------- (b) scheduled closure

// From P via A to S, two ways to T and on to D, all one-way at 10 m/s:
//   short: S -> T, 600 m, 60 s;   long: S -> (0,200) -> (600,200) -> T, 1000 m, 100 s.
// From the end of A: 70 s by the short road (60 + 10 on D), 110 s by the long one.
struct TwoRoutes {
    CityModel model;
    std::uint32_t p = 0, a = 0, short_road = 0, long_road = 0, d = 0;
    TwoRoutes() {
        const Point P{-200, 0}, A{-100, 0}, S{0, 0}, T{600, 0}, D{700, 0};
        const RoadNetwork net =
            at_10_mps(build({way(1, {P, A}, OnewayDirection::Forward), way(2, {A, S}, OnewayDirection::Forward),
                             way(3, {S, T}, OnewayDirection::Forward),
                             way(4, {S, {0, 200}, {600, 200}, T}, OnewayDirection::Forward),
                             way(5, {T, D}, OnewayDirection::Forward)},
                            false));
        EXPECT_EQ(net.link_count(), 5u);
        p = link_between(net, P, A, 100);
        a = link_between(net, A, S, 100);
        short_road = link_between(net, S, T, 600);
        long_road = link_between(net, S, T, 1000);
        d = link_between(net, T, D, 100);
        model = model_of(net);
    }
};

TEST(ClosedMobility, ScheduledClosureDivertsOnlyTripsInItsHours) {
    TwoRoutes w;
    geodata::close_links(w.model, {LinkId(w.short_road)}, {8 * h, 9 * h}, "market");
    Demand demand;
    demand.trips = {link_trip(0, w.a, w.d, 7 * h), link_trip(1, w.a, w.d, 7 * h + 3000),
                    link_trip(2, w.a, w.d, 8 * h + 900), link_trip(3, w.a, w.d, 10 * h)};
    // Once with the initial routes only, once with everybody re-routed on the
    // experienced times: the closure must hold in both routings.
    for (const MobilityConfig& config : {quiet_config(1), quiet_config(2, 1.0)}) {
        const MobilityResult r = run_mobility(w.model, demand, config, 1);
        const Route by_short{w.a, w.short_road, w.d}, by_long{w.a, w.long_road, w.d};
        EXPECT_EQ(r.routes[0], by_short);
        EXPECT_EQ(r.routes[1], by_short);
        EXPECT_EQ(r.routes[2], by_long);
        EXPECT_EQ(r.routes[3], by_short);
        ASSERT_EQ(r.kpis.completed, 4u);
        EXPECT_EQ(r.loading.arrival[0], 7 * h + 70);
        EXPECT_EQ(r.loading.arrival[1], 7 * h + 3000 + 70);
        EXPECT_EQ(r.loading.arrival[2], 8 * h + 900 + 110);
        EXPECT_EQ(r.loading.arrival[3], 10 * h + 70);
        const std::size_t n = w.model.roads->link_count();
        EXPECT_EQ(entries_in(r.loading, n, 7, w.short_road), 2u);
        EXPECT_EQ(entries_in(r.loading, n, 8, w.short_road), 0u);
        EXPECT_EQ(entries_in(r.loading, n, 8, w.long_road), 1u);
        EXPECT_EQ(entries_in(r.loading, n, 10, w.short_road), 1u);
        EXPECT_EQ(r.kpis.closed_links, 1u);
        EXPECT_EQ(r.kpis.unroutable, 0u);
    }
}

TEST(ClosedMobility, VehicleReachingTheClosureWaitsAndIsStuckOrPassesWhenItReopens) {
    // Routed at 07:59:55 (hour 7: the short road is open) from the end of P; it reaches
    // the closed short road at 08:00:05 and waits at the end of A.
    TwoRoutes w;
    geodata::close_links(w.model, {LinkId(w.short_road)}, {8 * h, 9 * h}, "market");
    Demand demand;
    demand.trips = {link_trip(0, w.p, w.d, 8 * h - 5)};
    const std::size_t n = w.model.roads->link_count();

    MobilityConfig stuck = quiet_config();
    stuck.loading.stuck_time = 300;  // stuck after 300 s: at 08:05:05
    const MobilityResult a = run_mobility(w.model, demand, stuck, 1);
    EXPECT_EQ(a.routes[0], (Route{w.p, w.a, w.short_road, w.d}));
    EXPECT_EQ(a.loading.status[0], TripStatus::Stuck);
    EXPECT_EQ(a.kpis.abandoned, 1u);
    EXPECT_EQ(a.kpis.completed, 0u);
    EXPECT_EQ(a.kpis.mean_travel_time_s, 300.0 + 10.0);  // its time until it gave up is not hidden
    for (std::size_t hour = 0; hour < a.loading.hours; ++hour) EXPECT_EQ(entries_in(a.loading, n, hour, w.short_road), 0u);

    MobilityConfig patient = quiet_config();
    patient.loading.stuck_time = 2 * h;  // waits until 09:00, then 60 + 10 s
    const MobilityResult b = run_mobility(w.model, demand, patient, 1);
    ASSERT_EQ(b.loading.status[0], TripStatus::Arrived);
    EXPECT_EQ(b.loading.arrival[0], 9 * h + 70);
    EXPECT_EQ(entries_in(b.loading, n, 8, w.short_road), 0u);
    EXPECT_EQ(entries_in(b.loading, n, 9, w.short_road), 1u);
}

TEST(ClosedMobility, TripsAttachOnlyToLinksNeverClosed) {
    // (300, 1) lies on the short road; with it closed for an hour, the nearest open link
    // is the long road 199 m away (the others are 300 m away).
    TwoRoutes w;
    Demand demand;
    Trip t;
    t.departure = 7 * h;
    t.origin = {300, 1};
    t.destination = {650, 1};
    demand.trips = {t};
    const MobilityResult open = run_mobility(w.model, demand, quiet_config(), 1);
    EXPECT_EQ(open.trips[0].origin_link, w.short_road);
    EXPECT_EQ(open.trips[0].destination_link, w.d);
    geodata::close_links(w.model, {LinkId(w.short_road)}, {8 * h, 9 * h}, "market");
    const MobilityResult r = run_mobility(w.model, demand, quiet_config(), 1);
    EXPECT_EQ(r.trips[0].origin_link, w.long_road);
    EXPECT_EQ(r.trips[0].destination_link, w.d);
    EXPECT_EQ(r.loading.status[0], TripStatus::Arrived);
}

// ---------------------------------------------------------------- (c) tolls

struct TollCase {
    double amount;
    double value_of_time;
    bool diverts;   ///< amount / value_of_time exceeds the 40 s the long road costs extra
};

class TollOnTheShortRoad : public ::testing::TestWithParam<TollCase> {};

TEST_P(TollOnTheShortRoad, DivertsExactlyWhenTheTollOutweighsTheTime) {
    // The toll applies 07:00–10:00. Ten trips 08:00–08:09 and three at 11:00 (no toll).
    // A toll of a at value of time v costs a·3600/v s: it diverts when that exceeds 40 s.
    const TollCase c = GetParam();
    TwoRoutes w;
    geodata::add_tolls(w.model, {LinkId(w.short_road)}, c.amount, {7 * h, 10 * h}, "cordon");
    Demand demand;
    for (std::uint32_t i = 0; i < 10; ++i) demand.trips.push_back(link_trip(i, w.a, w.d, 8 * h + 60 * static_cast<Seconds>(i)));
    for (std::uint32_t i = 0; i < 3; ++i) demand.trips.push_back(link_trip(10 + i, w.a, w.d, 11 * h + 60 * static_cast<Seconds>(i)));
    for (const int iterations : {1, 2}) {
        MobilityConfig config = quiet_config(iterations, 1.0);
        config.value_of_time_per_hour = c.value_of_time;
        const MobilityResult r = run_mobility(w.model, demand, config, 1);
        const std::uint32_t peak_road = c.diverts ? w.long_road : w.short_road;
        for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(r.routes[i], (Route{w.a, peak_road, w.d})) << "trip " << i;
        for (std::size_t i = 10; i < 13; ++i) EXPECT_EQ(r.routes[i], (Route{w.a, w.short_road, w.d})) << "trip " << i;
        const std::size_t n = w.model.roads->link_count();
        EXPECT_EQ(entries_in(r.loading, n, 8, w.short_road), c.diverts ? 0u : 10u);
        EXPECT_EQ(entries_in(r.loading, n, 11, w.short_road), 3u);
        EXPECT_EQ(r.kpis.toll_crossings, c.diverts ? 0u : 10u);
        EXPECT_DOUBLE_EQ(r.kpis.toll_revenue, c.diverts ? 0.0 : 10.0 * c.amount);
        EXPECT_EQ(r.kpis.completed, 13u);
        EXPECT_EQ(r.kpis.closed_links, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, TollOnTheShortRoad,
                         ::testing::Values(TollCase{1.6, 150.0, false},   // 38.4 s
                                           TollCase{1.7, 150.0, true},    // 40.8 s
                                           TollCase{3.2, 300.0, false},   // 38.4 s
                                           TollCase{3.4, 300.0, true},    // 40.8 s
                                           TollCase{1.7, 300.0, false},   // 20.4 s
                                           TollCase{0.0, 150.0, false}));

TEST(TolledMobility, CrossingsCountOnlyHoursTheTollApplies) {
    // 07:45–08:45 covers the middle of hour 8 only: of trips at 07:50 and 08:20, only the
    // 08:20 one pays; both route by the short road (routing also sees no toll in hour 7,
    // and 0.5 money = 12 s in hour 8 is below 40 s).
    TwoRoutes w;
    geodata::add_tolls(w.model, {LinkId(w.short_road)}, 0.5, {7 * h + 2700, 8 * h + 2700}, "peak");
    Demand demand;
    demand.trips = {link_trip(0, w.a, w.d, 7 * h + 3000), link_trip(1, w.a, w.d, 8 * h + 1200)};
    const MobilityResult r = run_mobility(w.model, demand, quiet_config(), 1);
    EXPECT_EQ(r.routes[0], (Route{w.a, w.short_road, w.d}));
    EXPECT_EQ(r.routes[1], (Route{w.a, w.short_road, w.d}));
    EXPECT_EQ(r.kpis.toll_crossings, 1u);
    EXPECT_DOUBLE_EQ(r.kpis.toll_revenue, 0.5);
}

// ---------------------------------------------------------------- (d) observer

// A 6 × 6 grid with 600 random trips 07:00–09:00 and a steady stream of long trips
// around 08:00 (so that the network is never empty then). The observer closes one
// central link at 08:00 for the rest of the day.
struct ObservedGrid {
    CityModel model = model_of(build(grid_ways(6)));
    Demand demand;
    std::uint32_t centre = 0;
    ObservedGrid() {
        centre = link_between(*model.roads, {200, 200}, {300, 200}, 100);
        std::mt19937 rng(5);
        const auto links = static_cast<std::uint32_t>(model.roads->link_count());
        std::uniform_int_distribution<std::uint32_t> link(0, links - 1);
        std::uniform_int_distribution<Seconds> dep(7 * h, 9 * h);
        for (std::uint32_t i = 0; i < 600; ++i) demand.trips.push_back(link_trip(i, link(rng), link(rng), dep(rng)));
        const std::uint32_t corner = link_between(*model.roads, {0, 0}, {100, 0}, 100);
        const std::uint32_t far = link_between(*model.roads, {400, 500}, {500, 500}, 100);
        for (Seconds t = 8 * h - 180; t <= 8 * h + 60; t += 10)
            demand.trips.push_back(link_trip(static_cast<std::uint32_t>(demand.trips.size()), corner, far, t));
    }
};

// Closes `link` from `at` on, in every network loading of the run, and records per
// loading the last step it saw the link open and the first it saw it closed.
struct CloseAt {
    std::uint32_t link;
    Seconds at;
    std::vector<Seconds> last_open, first_closed;   ///< per iteration; -1: never seen
};

StepObserver closing_observer(CloseAt& s) {
    return [&s](const StepView& v, std::vector<LinkEvent>& actions) {
        const auto it = static_cast<std::size_t>(v.iteration);
        const bool queued = it < s.first_closed.size();
        if (!queued && v.now >= s.at - 60) {
            actions.push_back({s.at, s.link, +1});
            s.first_closed.resize(it + 1, -1);
            s.last_open.resize(it + 1, -1);
        }
        if (it >= s.first_closed.size()) return;
        if (v.closed(s.link)) {
            if (s.first_closed[it] < 0) s.first_closed[it] = v.now;
        } else {
            s.last_open[it] = v.now;
        }
    };
}

TEST(ObservedMobility, ObserverClosureStopsAllLaterEntries) {
    const ObservedGrid g;
    const std::size_t n = g.model.roads->link_count();
    const MobilityResult free = run_mobility(g.model, g.demand, quiet_config(), 3);
    std::size_t later_entries = 0;
    for (std::size_t hour = 8; hour < free.loading.hours; ++hour) later_entries += entries_in(free.loading, n, hour, g.centre);
    ASSERT_GT(later_entries, 5u) << "the centre link must carry traffic after 08:00 for the test to mean anything";

    CloseAt s{g.centre, 8 * h, {}, {}};
    const MobilityResult r = run_mobility(g.model, g.demand, quiet_config(), 3, {}, closing_observer(s));
    ASSERT_EQ(s.first_closed.size(), 1u);
    EXPECT_EQ(s.first_closed[0], 8 * h);  // the stream of long trips keeps every second busy
    EXPECT_LT(s.last_open[0], 8 * h);
    for (std::size_t hour = 8; hour < r.loading.hours; ++hour)
        EXPECT_EQ(entries_in(r.loading, n, hour, g.centre), 0u) << "hour " << hour;
    // Routing does not know of the observer's closure: routes are those of the free run;
    // whoever departs at 08:00 or later and must enter the link never arrives.
    EXPECT_EQ(r.routes, free.routes);
    std::size_t needing = 0;
    for (std::size_t i = 0; i < g.demand.trips.size(); ++i) {
        const Route& route = r.routes[i];
        if (g.demand.trips[i].departure < 8 * h || route.size() < 2) continue;
        if (std::find(route.begin() + 1, route.end(), g.centre) == route.end()) continue;
        ++needing;
        EXPECT_TRUE(r.loading.status[i] == TripStatus::Stuck || r.loading.status[i] == TripStatus::EnRoute)
            << "trip " << i;
    }
    EXPECT_GT(needing, 0u);
    EXPECT_GT(r.kpis.abandoned, 0u);
    EXPECT_LT(r.kpis.completed, free.kpis.completed);
    EXPECT_EQ(r.kpis.closed_links, 0u);  // KPIs count the model's closures, not an observer's
}

TEST(ObservedMobility, SameResultForOneAndTwoThreads) {
    const ObservedGrid g;
    auto run = [&](int threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        CloseAt s{g.centre, 8 * h, {}, {}};
        MobilityResult r = run_mobility(g.model, g.demand, quiet_config(2), 3, {}, closing_observer(s));
        // Both loadings of the run see the observer and close the link at 08:00.
        EXPECT_EQ(s.first_closed, (std::vector<Seconds>{8 * h, 8 * h})) << threads << " threads";
        return r;
    };
    const MobilityResult one = run(1), two = run(2);
    EXPECT_EQ(one.routes, two.routes);
    EXPECT_EQ(one.loading.status, two.loading.status);
    EXPECT_EQ(one.loading.arrival, two.loading.arrival);
    EXPECT_EQ(one.loading.entries, two.loading.entries);
    EXPECT_EQ(one.loading.exits, two.loading.exits);
    EXPECT_EQ(one.relative_gap, two.relative_gap);
    EXPECT_EQ(one.kpis.stuck, two.kpis.stuck);
    EXPECT_EQ(one.kpis.abandoned, two.kpis.abandoned);
    EXPECT_EQ(one.kpis.completed, two.kpis.completed);
    EXPECT_EQ(one.kpis.mean_travel_time_s, two.kpis.mean_travel_time_s);
    EXPECT_GT(one.kpis.abandoned, 0u);
}

// ---------------------------------------------------------------- (e) given residents and jobs

MultiPolygon box(double x0, double y0, double x1, double y1) {
    return {{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
}

Building building(std::uint32_t id, BuildingUse use, double floor_area, double x, double y) {
    Building b;
    b.id = BuildingId(id);
    b.use = use;
    b.footprint = box(x - 5, y - 5, x + 5, y + 5);
    b.footprint_area_m2 = 100.0;
    b.levels = floor_area / 100.0;
    b.floor_area_m2 = floor_area;
    b.centroid = {x, y};
    return b;
}

// Eight homes (16 000 m² of homes), a new residential tower with 100 residents given
// (its 40 000 m² would otherwise house 1 000), an office, a new office block with 400
// jobs given (no residents) and a mall with 0 jobs given.
constexpr std::size_t tower = 8, office = 9, new_jobs = 10, mall = 11;

CityModel district() {
    std::vector<Building> b;
    const double home_area[8] = {800, 1600, 2400, 400, 4000, 1200, 2000, 3600};
    for (std::uint32_t i = 0; i < 8; ++i)
        b.push_back(building(i, BuildingUse::Residential, home_area[i], 50.0 + 100.0 * (i % 4), 50.0 + 100.0 * (i / 4)));
    b.push_back(building(8, BuildingUse::Residential, 40000, 450, 50));
    b.back().residents = 100;
    b.push_back(building(9, BuildingUse::Commercial, 1000, 650, 50));
    b.push_back(building(10, BuildingUse::Residential, 200, 750, 50));
    b.back().residents = 0;
    b.back().jobs = 400;
    b.push_back(building(11, BuildingUse::Commercial, 5000, 850, 50));
    b.back().jobs = 0;
    CityModel m;
    m.name = "district";
    m.buildings = std::make_shared<std::vector<Building>>(std::move(b));
    return m;
}

TEST(GivenDemand, GivenResidentsAddToThePopulation) {
    const CityModel m = district();
    SyntheticDemandConfig cfg;
    cfg.population = 1000;
    for (const std::uint64_t seed : {1u, 2u, 3u}) {
        const auto r = residents_per_building(m, cfg, seed);
        ASSERT_EQ(r.size(), 12u);
        EXPECT_EQ(r[tower], 100u) << "seed " << seed;
        EXPECT_EQ(r[new_jobs], 0u) << "seed " << seed;
        EXPECT_EQ(r[office], 0u);
        EXPECT_EQ(r[mall], 0u);
        // The other homes share the 1 000 in proportion to floor area, the tower's
        // floor area not counted: each gets floor or ceil of 1000 · area / 16000.
        long others = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            const double e = 1000.0 * (*m.buildings)[i].floor_area_m2 / 16000.0;
            EXPECT_TRUE(r[i] == std::floor(e) || r[i] == std::floor(e) + 1) << "home " << i << ": " << r[i] << " for " << e;
            others += r[i];
        }
        EXPECT_LE(std::abs(others - 1000), 8);  // one rounding step per home at most
        long total = 0;
        for (auto v : r) total += v;
        EXPECT_LE(std::abs(total - 1100), 8);
    }
}

TEST(GivenDemand, GivenResidentsWithoutPopulationAndWithSample) {
    const CityModel m = district();
    SyntheticDemandConfig cfg;  // no population: 40 m² per person in the other homes
    const auto r = residents_per_building(m, cfg, 5);
    const std::uint32_t expected[12] = {20, 40, 60, 10, 100, 30, 50, 90, 100, 0, 0, 0};
    for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(r[i], expected[i]) << "building " << i;
    cfg.sample = 0.5;  // a half sample generates half of every building's persons
    EXPECT_EQ(residents_per_building(m, cfg, 5)[tower], 50u);
}

TEST(GivenDemand, GivenJobsAttractWorkTrips) {
    // Work weights: homes 5 % of floor area (0.05 · 56 000 = 2 800 with the tower), the
    // office 1 000, the new block 400 jobs · 25 m² = 10 000, the mall 0 (jobs given 0):
    // the new block draws 10 000 / 13 800 = 72.5 % of work trips.
    const CityModel m = district();
    SyntheticDemandConfig cfg;
    cfg.population = 3000;
    const Demand d = synthesize_demand(m, cfg, 7);
    std::size_t work = 0, to_new = 0, to_mall = 0, other_to_mall = 0;
    for (const Trip& t : d.trips) {
        if (t.purpose == Purpose::Work) {
            ++work;
            to_new += t.destination_building == new_jobs ? 1 : 0;
            to_mall += t.destination_building == mall ? 1 : 0;
        } else if (t.purpose == Purpose::Other) {
            other_to_mall += t.destination_building == mall ? 1 : 0;
        }
    }
    ASSERT_GT(work, 1500u);  // ~60 % of 3 100 persons
    EXPECT_NEAR(static_cast<double>(to_new) / static_cast<double>(work), 10000.0 / 13800.0, 0.04);  // sd 0.01
    EXPECT_EQ(to_mall, 0u);
    EXPECT_GT(other_to_mall, 0u) << "0 jobs makes no workplace, but the mall is still a shop";

    // Without the given jobs the block is a small home: 0.05 · 200 = 10 of 3 810.
    CityModel plain = m;
    auto b = std::make_shared<std::vector<Building>>(*m.buildings);
    (*b)[new_jobs].jobs = -1;
    plain.buildings = b;
    const Demand p = synthesize_demand(plain, cfg, 7);
    std::size_t work_p = 0, to_new_p = 0;
    for (const Trip& t : p.trips)
        if (t.purpose == Purpose::Work) {
            ++work_p;
            to_new_p += t.destination_building == new_jobs ? 1 : 0;
        }
    EXPECT_LT(static_cast<double>(to_new_p) / static_cast<double>(work_p), 0.01);
}

}  // namespace
}  // namespace citytwin::sim
