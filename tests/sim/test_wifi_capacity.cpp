// Wifi capacity on hand-made cases: people present per hour follow their trips, users
// per AP sum to active_share × people in covered buildings, SINR → MCS rate, overload flag.
#include "test_networks.hpp"

#include <citytwin/sim/active_modes.hpp>
#include <citytwin/sim/wifi_capacity.hpp>
#include <citytwin/sim/wifi_mac.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

namespace citytwin::sim::wifi {
namespace {

using geodata::Building;
using geodata::BuildingId;
using geodata::CityModel;

// Three buildings in a row of three 10 m cells; AP 0 serves cells 0 and 1 well, AP 1
// reaches cell 2 only below the -75 dBm threshold.
struct Row {
    CityModel model;
    Coverage coverage;
};

Row row_of_three() {
    Row r;
    std::vector<Building> bs(3);
    for (std::uint32_t i = 0; i < 3; ++i) {
        bs[i].id = BuildingId(i);
        bs[i].centroid = {5.0 + 10.0 * i, 5.0};
    }
    r.model.buildings = std::make_shared<std::vector<Building>>(std::move(bs));
    r.model.access_points = std::make_shared<std::vector<geodata::AccessPoint>>(2);
    auto& c = r.coverage;
    c.grid.width = 3;
    c.grid.height = 1;
    c.grid.origin_x = 0.0;
    c.grid.origin_y = 10.0;
    c.grid.cell_size = 10.0;
    c.server = {0, 0, 1};
    c.rssi_dbm = {-50.0f, -60.0f, -80.0f};
    c.sinr_db = {30.0f, 10.0f, 3.0f};
    c.servers = {1, 1, 0};
    return r;
}

TEST(WifiCapacity, McsRateAtChosenSinrs) {
    EXPECT_EQ(mcs_rate_mbps(-3.0), 6.5);   // below MCS0: still the lowest rate
    EXPECT_EQ(mcs_rate_mbps(2.0), 6.5);
    EXPECT_EQ(mcs_rate_mbps(4.9), 6.5);
    EXPECT_EQ(mcs_rate_mbps(5.0), 13.0);
    EXPECT_EQ(mcs_rate_mbps(10.0), 19.5);
    EXPECT_EQ(mcs_rate_mbps(11.0), 26.0);
    EXPECT_EQ(mcs_rate_mbps(17.0), 39.0);
    EXPECT_EQ(mcs_rate_mbps(19.0), 52.0);
    EXPECT_EQ(mcs_rate_mbps(24.9), 58.5);
    EXPECT_EQ(mcs_rate_mbps(25.0), 65.0);
    EXPECT_EQ(mcs_rate_mbps(40.0), 65.0);
}

TEST(WifiCapacity, WorkTripMovesThePersonForTheHoursAfterIt) {
    // Person 0 lives in building 0, leaves for work in building 1 at 08:00, back at 17:00.
    // Person 1 lives in building 2 and stays home.
    Demand d;
    d.persons = 2;
    d.residents = 2;
    Trip work;
    work.id = 0;
    work.person = 0;
    work.departure = 8 * 3600;
    work.destination_building = 1;
    Trip back = work;
    back.id = 1;
    back.departure = 17 * 3600;
    back.destination_building = 0;
    d.trips = {work, back};
    const std::vector<std::uint32_t> residents{1, 0, 1};
    std::vector<double> home_share;
    const auto p = people_present(residents, &d, 1.0, &home_share);
    ASSERT_EQ(p.size(), 24u * 3u);
    ASSERT_EQ(home_share.size(), 24u * 3u);
    auto at = [&](int h, int b) { return p[static_cast<std::size_t>(h) * 3 + b]; };
    auto home_at = [&](int h, int b) { return home_share[static_cast<std::size_t>(h) * 3 + b]; };
    EXPECT_EQ(home_at(6, 0), 1.0);    // at home before work…
    EXPECT_EQ(home_at(10, 1), 0.0);   // …at work in building 1 is not at home…
    EXPECT_EQ(home_at(17, 0), 1.0);   // …and home again
    EXPECT_EQ(home_at(12, 2), 1.0);
    EXPECT_EQ(at(6, 0), 1.0);
    EXPECT_EQ(at(6, 1), 0.0);
    EXPECT_EQ(at(7, 0), 1.0);    // 07:30: not yet gone
    EXPECT_EQ(at(8, 1), 1.0);    // 08:30: at work
    EXPECT_EQ(at(10, 1), 1.0);
    EXPECT_EQ(at(10, 0), 0.0);
    EXPECT_EQ(at(17, 0), 1.0);   // 17:30: home again
    for (int h = 0; h < 24; ++h) {
        EXPECT_EQ(at(h, 2), 1.0) << h;
        EXPECT_EQ(at(h, 0) + at(h, 1) + at(h, 2), 2.0) << h;
    }
    // A commuter from outside (person 2) is counted at work from 09:30 to 16:30 only; the
    // resident who works outside (person 1 now) is not counted while out.
    Demand c = d;
    c.persons = 3;
    Trip in = work;
    in.id = 2, in.person = 2, in.departure = 9 * 3600, in.external = External::Inbound;
    Trip out = in;
    out.id = 3, out.departure = 17 * 3600, out.destination_building = UINT32_MAX;
    Trip away = out;
    away.id = 4, away.person = 1, away.departure = 7 * 3600, away.external = External::Outbound;
    c.trips = {work, back, in, out, away};
    const auto q = people_present(residents, &c, 1.0);
    auto in_c = [&](int h, int b) { return q[static_cast<std::size_t>(h) * 3 + b]; };
    EXPECT_EQ(in_c(8, 1), 1.0);    // the resident only
    EXPECT_EQ(in_c(9, 1), 2.0);    // + the commuter
    EXPECT_EQ(in_c(16, 1), 2.0);   // 16:30: both still at work
    EXPECT_EQ(in_c(17, 1), 0.0);   // 17:30: one home, one gone out of the area
    EXPECT_EQ(in_c(6, 2), 1.0);
    EXPECT_EQ(in_c(7, 2), 0.0);    // 07:30: person 1 is out of the area
    // A demand whose residents do not match is ignored: all at home.
    d.persons = 5;
    d.residents = 5;
    const auto home = people_present(residents, &d, 1.0);
    EXPECT_EQ(home[10 * 3 + 0], 1.0);
    EXPECT_EQ(home[10 * 3 + 1], 0.0);
}

TEST(WifiCapacity, UsersSumToActiveShareOfPeopleInCoveredBuildings) {
    const Row r = row_of_three();
    const std::vector<std::uint32_t> residents{2, 3, 5};
    const auto present = people_present(residents, nullptr, 1.0);
    CoverageConfig cfg;
    CapacityConfig cap;
    cap.active_share = 0.5;
    cap.client_limit = 30.0;
    const auto c = wifi_capacity(r.model, r.coverage, present, cfg, cap);
    ASSERT_EQ(c.loads.size(), 2u * 24u);
    for (int h = 0; h < 24; ++h) {
        const auto& a0 = c.loads[static_cast<std::size_t>(h)];
        const auto& a1 = c.loads[24 + static_cast<std::size_t>(h)];
        EXPECT_EQ(a0.ap, 0u);
        EXPECT_EQ(a0.hour, h);
        EXPECT_EQ(a1.ap, 1u);
        EXPECT_EQ(a0.users + a1.users, 0.5 * (2 + 3));   // building 2 is below the threshold
        EXPECT_EQ(a1.users, 0.0);
        EXPECT_TRUE(std::isnan(a1.throughput_per_user_mbps));
        // Equal throughput in shared airtime: 1 user at 65 Mbit/s, 1.5 at 19.5 Mbit/s, each
        // what the MAC leaves of it.
        EXPECT_NEAR(a0.throughput_per_user_mbps,
                    1.0 / (1.0 / mac_goodput_mbps(65.0, cap.mac) + 1.5 / mac_goodput_mbps(19.5, cap.mac)), 1e-12);
        EXPECT_EQ(a0.airtime_share, 1.0);   // no other AP senses it
        EXPECT_FALSE(a0.overloaded);
    }
    EXPECT_EQ(c.peak_hour_users, 2.5);
    EXPECT_EQ(c.overloaded_aps_peak, 0u);
}

TEST(WifiCapacity, HomeAwayAndStreetEachHaveTheirShareAndTheHourItsFactor) {
    const Row r = row_of_three();
    // 2 residents of building 0 at home; building 1 holds 3 people, 1 of them at home.
    std::vector<double> present(24 * 3, 0.0), at_home(24 * 3, 0.0);
    for (int h = 0; h < 24; ++h) {
        present[h * 3 + 0] = 2.0, at_home[h * 3 + 0] = 2.0;
        present[h * 3 + 1] = 3.0, at_home[h * 3 + 1] = 1.0;
    }
    const std::vector<MovingPeople> street{{12, {15.0, 5.0}, 4.0}};   // 4 walkers in cell 1 at noon
    CoverageConfig cfg;
    CapacityConfig cap;   // defaults: home 0.005, away 0.1, street 0.1
    cap.active_by_hour[3] = 0.0;
    cap.active_by_hour[12] = 2.0;
    const auto c = wifi_capacity(r.model, r.coverage, present, cfg, cap, street, {}, &at_home);
    EXPECT_NEAR(c.loads[10].users, 0.005 * 3.0 + 0.1 * 2.0, 1e-15);
    EXPECT_EQ(c.loads[3].users, 0.0);
    EXPECT_NEAR(c.loads[12].users, 2.0 * (0.005 * 3.0 + 0.1 * 2.0 + 0.1 * 4.0), 1e-15);
    // Without at_home nobody counts as at home (the old single share).
    const auto all_away = wifi_capacity(r.model, r.coverage, present, cfg, cap);
    EXPECT_NEAR(all_away.loads[10].users, 0.1 * 5.0, 1e-15);
}

TEST(WifiCapacity, BusyUsersAreAPoissonQuantile) {
    // Smallest k with P(N <= k) >= q, N ~ Poisson(mean), summed by hand.
    EXPECT_EQ(busy_users(40.0, 0.95), 51.0);   // 40 + 1.645 √40 ≈ 50.4, rounded up to a user
    EXPECT_EQ(busy_users(10.0, 0.95), 15.0);
    EXPECT_EQ(busy_users(0.1, 0.95), 1.0);     // one user now and then
    EXPECT_EQ(busy_users(5.0, 0.5), 5.0);
    EXPECT_EQ(busy_users(0.0, 0.95), 0.0);
}

TEST(WifiCapacity, OverloadedFlagFlipsAtTheClientLimitOnTheBusyMoments) {
    const Row r = row_of_three();
    const auto present = people_present({20, 20, 0}, nullptr, 1.0);   // 40 people at AP 0
    CoverageConfig cfg;
    CapacityConfig cap;
    cap.active_share = 1.0;
    cap.client_limit = 51.0;   // 40 users on average, 51 at the 95 % busy moments: not overloaded
    auto c = wifi_capacity(r.model, r.coverage, present, cfg, cap);
    EXPECT_EQ(c.loads[12].users, 40.0);
    EXPECT_EQ(c.loads[12].peak_users, 51.0);
    EXPECT_FALSE(c.loads[12].overloaded);
    EXPECT_EQ(c.overloaded_aps_peak, 0u);
    cap.client_limit = 50.0;   // above the mean, below the busy moments: overloaded
    c = wifi_capacity(r.model, r.coverage, present, cfg, cap);
    EXPECT_TRUE(c.loads[12].overloaded);
    EXPECT_FALSE(c.loads[24 + 12].overloaded);
    EXPECT_EQ(c.overloaded_aps_peak, 1u);
}

TEST(WifiCapacity, FewerThanOneUserGetsTheMeanRate) {
    const Row r = row_of_three();
    const auto present = people_present({1, 0, 0}, nullptr, 1.0);
    CoverageConfig cfg;
    CapacityConfig cap;   // 0.1 × 1 person
    const auto c = wifi_capacity(r.model, r.coverage, present, cfg, cap);
    EXPECT_NEAR(c.loads[0].users, 0.1, 1e-15);
    EXPECT_NEAR(c.loads[0].throughput_per_user_mbps, mac_goodput_mbps(65.0, cap.mac), 1e-9);
}

TEST(WifiMac, GoodputFromThe80211Timings) {
    // One 1500 B frame a channel access (µs): DIFS 34 + back-off 67.5 + HT preamble 36 +
    // data + SIFS 16 + ACK. At 65 Mbit/s the 1538 B MPDU is 48 symbols (192 µs), the ACK
    // at 24 Mbit/s 28 µs; at 6.5 Mbit/s 475 symbols (1900 µs), the ACK at 6 Mbit/s 44 µs.
    const MacConfig plain;
    EXPECT_NEAR(mac_goodput_mbps(65.0, plain), 12000.0 / 373.5, 1e-12);    // 32.1 Mbit/s, 49 %
    EXPECT_NEAR(mac_goodput_mbps(6.5, plain), 12000.0 / 2097.5, 1e-12);    // 5.72 Mbit/s, 88 %
    // 16 frames in one A-MPDU at 65 Mbit/s: 16·4 + 15·1540 + 1538 = 24 702 B in 761 symbols
    // (3044 µs), a compressed BlockAck of 32 B in 32 µs.
    MacConfig aggregated;
    aggregated.frames_per_access = 16;
    EXPECT_NEAR(mac_goodput_mbps(65.0, aggregated), 16 * 12000.0 / 3229.5, 1e-12);   // 59.5 Mbit/s
    // No PPDU longer than 5.484 ms: at 6.5 Mbit/s only two frames fit.
    aggregated.frames_per_access = 64;
    MacConfig two;
    two.frames_per_access = 2;
    EXPECT_EQ(mac_goodput_mbps(6.5, aggregated), mac_goodput_mbps(6.5, two));
    EXPECT_GT(mac_goodput_mbps(6.5, two), mac_goodput_mbps(6.5, plain));
    MacConfig fixed;
    fixed.fixed_efficiency = 0.6;
    EXPECT_DOUBLE_EQ(mac_goodput_mbps(65.0, fixed), 39.0);
}

TEST(WifiCapacity, WalkersAreInTheStreetWhereTheirRouteIsAtHalfPast) {
    // A footway of two 1800 m links east from (0, 0); a walker (5 km/h: 1296 s a link)
    // leaves at 08:00 from the middle of the first (half its time: 648 s), so at 08:30
    // is 1152 s into the second: 1800 + 1800 × 1152 / 1296 = 3400 m east.
    std::vector<geodata::RoadWay> ways;
    for (double x : {0.0, 1800.0}) {
        geodata::RoadWay w = test_networks::way(1, {{x, 0}, {x + 1800.0, 0}});
        w.modes_forward = w.modes_backward = geodata::walk_access;
        w.path_kind = geodata::PathKind::Footway;
        ways.push_back(w);
    }
    CityModel model;
    model.paths = std::make_shared<geodata::RoadNetwork>(test_networks::build(ways));
    model.buildings = std::make_shared<std::vector<Building>>(2);
    Route east;
    for (double from_x : {0.0, 1800.0})
        for (std::uint32_t l = 0; l < model.paths->link_count(); ++l)
            if (model.paths->link(geodata::LinkId(l)).geometry.front().x == from_x &&
                model.paths->link(geodata::LinkId(l)).geometry.back().x == from_x + 1800.0)
                east.push_back(l);
    ASSERT_EQ(east.size(), 2u);
    Demand demand;
    Trip trip;
    trip.mode = Mode::Walk;
    trip.departure = 8 * 3600;
    trip.destination_building = 1;
    demand.trips = {trip};
    demand.active.routes = {east};
    demand.active.start_s = {0};
    std::vector<double> present(24 * 2, 0.0);
    for (int h = 0; h < 24; ++h) present[h * 2 + (h >= 8 ? 1 : 0)] = 2.0;
    const auto walkers = people_on_foot(model, demand, {}, 2.0, present);
    ASSERT_EQ(walkers.size(), 1u);   // 08:00 → 08:32:24: only 08:30 falls inside
    EXPECT_EQ(walkers[0].hour, 8);
    EXPECT_NEAR(walkers[0].position.x, 3400.0, 1e-6);
    EXPECT_NEAR(walkers[0].position.y, 0.0, 1e-9);
    EXPECT_EQ(walkers[0].weight, 2.0);
    EXPECT_EQ(present[8 * 2 + 1], 0.0);   // not yet at the destination at 08:30
    EXPECT_EQ(present[9 * 2 + 1], 2.0);
    // Re-timed by the traffic (a tour's later trip) to 08:10: at 08:30 it is 552 s into
    // the second link, 1800 + 1800 × 552 / 1296 ≈ 2567 m east.
    std::vector<double> later(24 * 2, 0.0);
    const auto retimed = people_on_foot(model, demand, {8 * 3600 + 600}, 1.0, later);
    ASSERT_EQ(retimed.size(), 1u);
    EXPECT_NEAR(retimed[0].position.x, 1800.0 + 1800.0 * 552.0 / 1296.0, 1e-6);
}

}  // namespace
}  // namespace citytwin::sim::wifi

namespace citytwin::sim::wifi {
namespace {

// One person drives from building 0 at 08:00 to building 1 and arrives at 08:45: at 08:30
// they are on the road where the mobility run sampled the car, not yet in building 1.
TEST(WifiCapacity, CarTravellersAreOnTheRoadNotAtTheirDestination) {
    Demand demand;
    Trip trip;
    trip.id = 0;
    trip.person = 0;
    trip.departure = 8 * 3600;
    trip.mode = Mode::Car;
    trip.destination_building = 1;
    demand.trips.push_back(trip);
    demand.persons = 1;
    LoadingResult loading;
    loading.arrival = {8 * 3600 + 45 * 60};
    loading.positions = {{0, 8 * 3600 + 1790, 3, 10.0, 20.0}, {0, 8 * 3600 + 1800, 3, 11.0, 21.0}};
    const std::size_t buildings = 2;
    std::vector<double> present(24 * buildings, 0.0);
    for (int h = 0; h < 24; ++h) present[h * buildings + (h >= 8 ? 1 : 0)] = 2.0;  // weight 2: a 50 % sample
    const auto moving = people_on_the_move(demand, loading, buildings, 2.0, present);
    ASSERT_EQ(moving.size(), 1u);
    EXPECT_EQ(moving[0].hour, 8);
    EXPECT_EQ(moving[0].position.x, 11.0);   // the sample at 08:30, not the one before
    EXPECT_EQ(moving[0].position.y, 21.0);
    EXPECT_EQ(moving[0].weight, 2.0);
    EXPECT_EQ(present[8 * buildings + 1], 0.0);   // taken out of the destination at 08:30
    EXPECT_EQ(present[9 * buildings + 1], 2.0);   // arrived by 09:30
    EXPECT_EQ(present[7 * buildings + 0], 2.0);   // at home before leaving
}

}  // namespace
}  // namespace citytwin::sim::wifi
