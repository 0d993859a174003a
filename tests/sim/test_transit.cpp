// Public transport on a timetable (sim/transit): RAPTOR's journeys on a small hand-made
// timetable whose answers are known by hand — a direct ride, a change that is caught or
// missed by the change time, an express that overtakes, walking when it is faster — then
// transit trips, skims and ridership.
#include "../geodata/test_helpers.hpp"

#include <citytwin/geodata/gtfs_loader.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/transit/raptor.hpp>
#include <citytwin/sim/transit/transit_trips.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace citytwin::sim::transit {
namespace {

using geodata::Point;
using geodata::StopTime;
using geodata::Timetable;

constexpr std::int32_t h8 = 8 * 3600;

// Line A (bus) east along y = 0: S0 (0,0) → S1 (1000,0) → S2 (2000,0), 2 min a hop, every
// 10 min from 08:00 to 08:50. Line B (tram) north from S2: S2 → S3 (2000,1000), 2 min, at
// 08:05, 08:15 … 08:55. Line C (express, the same stops as A): leaves S0 at 08:01, at S2
// at 08:03 — it overtakes A's 08:00.
Timetable town() {
    Timetable t;
    t.source = "hand-made";
    const Point p[] = {{0, 0}, {1000, 0}, {2000, 0}, {2000, 1000}};
    for (std::uint32_t s = 0; s < 4; ++s) t.stops.push_back({s, "S" + std::to_string(s), "S" + std::to_string(s), p[s]});
    t.routes.push_back({0, "A", "A", "", 3, "bus"});
    t.routes.push_back({1, "B", "B", "", 0, "tram"});
    t.routes.push_back({2, "C", "C", "", 3, "bus"});
    for (int m = 0; m < 60; m += 10) {
        const std::int32_t d = h8 + m * 60;
        t.trips.push_back({0, "A" + std::to_string(m), {{0, d, d}, {1, d + 120, d + 120}, {2, d + 240, d + 240}}});
        const std::int32_t b = d + 300;
        t.trips.push_back({1, "B" + std::to_string(m), {{2, b, b}, {3, b + 120, b + 120}}});
    }
    t.trips.push_back({2, "C", {{0, h8 + 60, h8 + 60}, {1, h8 + 110, h8 + 110}, {2, h8 + 180, h8 + 180}}});
    return t;
}

TransitParameters no_walk_detour() {
    TransitParameters p;
    p.walk_kmh = 3.6;   // 1 m/s: a walk of x m takes x × detour s
    p.walk_detour = 1.0;
    p.change_s = 60.0;
    return p;
}

// The choice model's walk at 1 m/s on the straight line, as no_walk_detour().
ChoiceConfig walking_at_1_mps() {
    ChoiceConfig cfg;
    cfg.modes[static_cast<std::size_t>(Mode::Walk)].speed_kmh = 3.6;
    cfg.modes[static_cast<std::size_t>(Mode::Walk)].detour = 1.0;
    return cfg;
}

TEST(Transit, PatternsKeepTripsThatNeverOvertake) {
    const Timetable t = town();
    const TransitNetwork net(t, no_walk_detour());
    // A's six trips; B's six; C overtakes A's 08:00 on A's stops: a pattern of its own.
    ASSERT_EQ(net.patterns().size(), 3u);
    std::size_t trips = 0;
    for (const auto& p : net.patterns()) {
        trips += p.trips;
        for (std::uint32_t k = 0; k < p.stops; ++k)
            for (std::uint32_t i = 1; i < p.trips; ++i) EXPECT_LE(net.departure(p, i - 1, k), net.departure(p, i, k));
    }
    EXPECT_EQ(trips, t.trips.size());
    const auto near = net.stops_near({10, 0});
    ASSERT_FALSE(near.empty());
    EXPECT_EQ(near.front().first, 0u);
    EXPECT_FLOAT_EQ(near.front().second, 10.0f);
}

TEST(Transit, DirectRideChangeAndMissedChangeGiveTheTimetablesTimes) {
    const Timetable t = town();
    TransitParameters p = no_walk_detour();
    const TransitNetwork net(t, p);
    Raptor raptor(net);
    const std::vector<StopWalk> at_s0{{0, 0.0f}}, at_s1{{1, 0.0f}}, at_s3{{3, 0.0f}};
    // 08:02 at S0: A's next run leaves 08:10, arrives S1 08:12.
    Journey j = raptor.journey(at_s0, at_s1, h8 + 120, 1e9);
    ASSERT_TRUE(j.found);
    EXPECT_EQ(j.arrival, h8 + 720);
    ASSERT_EQ(j.rides.size(), 1u);
    EXPECT_NEAR(j.ride_m, 1000.0, 1e-9);
    // 07:59 at S0 to S3: the express (08:01, at S2 08:03), change 60 s, B at 08:05, S3 08:07.
    j = raptor.journey(at_s0, at_s3, h8 - 60, 1e9);
    ASSERT_TRUE(j.found);
    EXPECT_EQ(j.arrival, h8 + 420);
    ASSERT_EQ(j.rides.size(), 2u);
    EXPECT_EQ(t.trips[net.trip_of(net.patterns()[j.rides[0].pattern], j.rides[0].trip)].gtfs_id, "C");
    // A change of 3 min misses the 08:05: the 08:15 tram, at S3 08:17.
    p.change_s = 180.0;
    const TransitNetwork slow(t, p);
    Raptor slow_raptor(slow);
    j = slow_raptor.journey(at_s0, at_s3, h8 - 60, 1e9);
    ASSERT_TRUE(j.found);
    EXPECT_EQ(j.arrival, h8 + 1020);
    // After the last run there is none.
    EXPECT_FALSE(raptor.journey(at_s0, at_s3, h8 + 3600, 1e9).found);
}

TEST(Transit, WalkingWinsWhenItIsFasterAndCountsTowardTheStops) {
    const Timetable t = town();
    const TransitNetwork net(t, no_walk_detour());
    Raptor raptor(net);
    // From 50 m west of S0 to 100 m east of S1 at 08:00: A's 08:00 has left when the walker
    // reaches S0 at 08:00:50; the express leaves 08:01, reaches S1 08:01:50, then 100 m: 08:03:30.
    const std::vector<StopWalk> from{{0, 50.0f}}, to{{1, 100.0f}};
    Journey j = raptor.journey(from, to, h8, 1200.0);
    ASSERT_TRUE(j.found);
    EXPECT_EQ(j.arrival, h8 + 210);
    EXPECT_NEAR(j.walk_s, 150.0, 1e-6);
    // The same door pair with a 150 s walk between them: walking.
    j = raptor.journey(from, to, h8, 150.0);
    ASSERT_TRUE(j.found);
    EXPECT_TRUE(j.rides.empty());
    EXPECT_EQ(j.arrival, h8 + 150);
}

TEST(Transit, TripsAreRoutedAndRidershipCountsTheirBoardings) {
    geodata::CityModel m;
    m.transit = std::make_shared<Timetable>(town());
    const ChoiceConfig cfg = walking_at_1_mps();
    std::vector<Trip> trips(3);
    for (auto& t : trips) t.mode = Mode::Transit, t.offroad_time_s = 999.0f;
    trips[0].origin = {0, 0}, trips[0].destination = {2000, 1000}, trips[0].departure = h8 + 120;   // A 08:10, B 08:15
    trips[1].origin = {500, 0}, trips[1].destination = {1500, 0}, trips[1].departure = h8;          // walks: 1000 s < 1340 s
    trips[2].origin = {9000, 9000}, trips[2].destination = {0, 0}, trips[2].departure = h8;         // no stop near: not walked 12.7 km
    const TransitRoutes r = route_transit_trips(m, cfg, trips);
    EXPECT_EQ(r.routed, 1u);
    EXPECT_EQ(r.walked, 1u);
    EXPECT_EQ(r.no_connection, 1u);
    EXPECT_EQ(r.rides, 2u);
    EXPECT_FLOAT_EQ(trips[0].offroad_time_s, 1020.0f - 120.0f);   // 08:02 → 08:17
    EXPECT_FLOAT_EQ(trips[1].offroad_time_s, 1000.0f);
    EXPECT_FLOAT_EQ(trips[2].offroad_time_s, 999.0f);              // kept
    ASSERT_EQ(r.legs[0].size(), 2u);
    EXPECT_EQ(r.legs[0][0].board_s, h8 + 600);
    EXPECT_EQ(r.legs[0][1].alight_stop, 3u);
    const Ridership rides = ridership(*m.transit, r);
    EXPECT_EQ(rides.route_boardings[8 * rides.routes + 0], 1u);
    EXPECT_EQ(rides.route_boardings[8 * rides.routes + 1], 1u);
    EXPECT_EQ(rides.stop_boardings[0], 1u);
    EXPECT_EQ(rides.stop_boardings[2], 1u);
    EXPECT_EQ(rides.stop_alightings[3], 1u);
}

TEST(Transit, SkimsAverageTheWaitOverTheHour) {
    geodata::CityModel m;
    m.transit = std::make_shared<Timetable>(town());
    const ChoiceConfig cfg = walking_at_1_mps();
    Zones zones;
    zones.size_m = 500;
    zones.centre = {{0, 0}, {1000, 0}, {5000, 5000}};
    Skims s;
    s.zones = 3;
    for (std::size_t k = 0; k < mode_count; ++k) s.time_s[k].assign(9, 1.0f), s.distance_m[k].assign(9, 1.0f), s.money[k].assign(9, 0.0f);
    transit::skim_transit(m, zones, cfg, s);
    const auto& time = s.time_s[static_cast<std::size_t>(Mode::Transit)];
    // S0 → S1 at 08:00, :10 … :50: A leaves as the traveller arrives, 120 s each, except at
    // 08:00 when the express (leaving 08:01) is at S1 at 08:01:50. Back: no line runs west.
    EXPECT_FLOAT_EQ(time[0 * 3 + 1], (110.0f + 5 * 120.0f) / 6);
    EXPECT_FALSE(std::isfinite(time[1 * 3 + 0]));
    EXPECT_FALSE(std::isfinite(time[0 * 3 + 2])) << "no stop near the third zone";
    EXPECT_FLOAT_EQ(time[0], 1.0f) << "intrazonal kept";
}

// On HSL's real timetable (2022-02-22): with one ride allowed, RAPTOR's arrival between two
// stops equals the earliest arrival a brute-force scan of every run of the day finds; with
// changes allowed it is never later.
TEST(TransitHsl, OneRideJourneysMatchABruteForceScanOfTheTimetable) {
    geodata::TransitConfig cfg;
    cfg.source = (testing::data_dir() / "helsinki-centre" / "hsl-gtfs-2022-02-22.zip").string();
    cfg.date = "2022-02-22";
    geodata::GtfsLoadReport report;
    const Timetable t = geodata::load_gtfs(cfg, "EPSG:3067", report);
    ASSERT_GT(t.trips.size(), 10000u);
    TransitParameters one = no_walk_detour();
    one.max_rides = 1;
    const TransitNetwork net1(t, one), net5(t, no_walk_detour());
    Raptor direct(net1), any(net5);
    // Stop pairs from every 97th run: its 2nd stop to its last, leaving 5 min before it.
    std::size_t checked = 0, faster_with_changes = 0;
    for (std::size_t k = 0; k < t.trips.size(); k += 97) {
        const auto& run = t.trips[k].stop_times;
        if (run.size() < 3) continue;
        const std::uint32_t from = run[1].stop, to = run.back().stop;
        const std::int32_t leave = run[1].departure_s - 300;
        std::int32_t best = never;   // brute force: board any run at `from` after `leave` that later calls at `to`
        for (const auto& other : t.trips) {
            const auto& st = other.stop_times;
            for (std::size_t a = 0; a < st.size(); ++a) {
                if (st[a].stop != from || st[a].departure_s < leave) continue;
                for (std::size_t b = a + 1; b < st.size(); ++b)
                    if (st[b].stop == to) best = std::min(best, st[b].arrival_s);
            }
        }
        ASSERT_NE(best, never) << t.trips[k].gtfs_id;
        const std::vector<StopWalk> a{{from, 0.0f}}, b{{to, 0.0f}};
        const Journey j1 = direct.journey(a, b, leave, 1e9), j5 = any.journey(a, b, leave, 1e9);
        ASSERT_TRUE(j1.found && j5.found) << t.trips[k].gtfs_id;
        EXPECT_EQ(j1.arrival, best) << t.trips[k].gtfs_id << " from " << t.stops[from].name << " to " << t.stops[to].name;
        EXPECT_LE(j5.arrival, j1.arrival);
        faster_with_changes += j5.arrival < j1.arrival;
        ++checked;
    }
    EXPECT_GT(checked, 100u);
    RecordProperty("faster_with_changes", static_cast<int>(faster_with_changes));
}

}  // namespace
}  // namespace citytwin::sim::transit
