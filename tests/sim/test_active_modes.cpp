// Walking and cycling on the path network (sim/active_modes.hpp): who goes where, what it
// costs, and that a new cycle path draws the cyclists whose way it shortens.
#include "test_networks.hpp"

#include <citytwin/geodata/edits.hpp>
#include <citytwin/sim/active_modes.hpp>
#include <citytwin/sim/demand.hpp>

#include <gtest/gtest.h>

namespace citytwin::sim {
namespace {

using namespace geodata;
using test_networks::build;

constexpr std::uint8_t both = walk_access | bike_access;

RoadWay path_way(std::int64_t id, Polyline pts, PathKind kind, std::uint8_t fwd, std::uint8_t back,
                 RoadClass cls = RoadClass::Road) {
    RoadWay w = test_networks::way(id, std::move(pts));
    w.road_class = cls;
    w.path_kind = kind;
    w.modes_forward = fwd;
    w.modes_backward = back;
    return w;
}

// A 600 m street along y = 0 and, 200 m north, a parallel footway (walk only) joined to
// it at both ends by short streets; both have a node half way. A motorway runs beside,
// for cars only.
CityModel town() {
    CityModel m;
    std::vector<RoadWay> roads{test_networks::way(1, {{0, 0}, {600, 0}}), test_networks::way(2, {{0, 0}, {0, 200}}),
                               test_networks::way(3, {{600, 0}, {600, 200}})};
    RoadWay motorway = test_networks::way(9, {{0, -50}, {600, -50}});
    motorway.road_class = RoadClass::Motorway;
    roads.push_back(motorway);
    m.roads = std::make_shared<RoadNetwork>(build(roads, false));
    std::vector<RoadWay> paths{path_way(1, {{0, 0}, {300, 0}}, PathKind::Street, both, both, RoadClass::Residential),
                               path_way(1, {{300, 0}, {600, 0}}, PathKind::Street, both, both, RoadClass::Residential),
                               path_way(2, {{0, 0}, {0, 200}}, PathKind::Street, both, both, RoadClass::Residential),
                               path_way(3, {{600, 0}, {600, 200}}, PathKind::Street, both, both, RoadClass::Residential),
                               path_way(4, {{0, 200}, {300, 200}}, PathKind::Footway, walk_access, walk_access),
                               path_way(4, {{300, 200}, {600, 200}}, PathKind::Footway, walk_access, walk_access)};
    m.paths = std::make_shared<RoadNetwork>(build(paths));
    return m;
}

Trip trip(Mode mode, Point from, Point to, std::uint32_t id = 0) {
    Trip t;
    t.id = id;
    t.mode = mode;
    t.origin = from;
    t.destination = to;
    t.departure = 8 * 3600;
    return t;
}

TEST(ActiveModes, CyclistsPushOnFootwaysAtWalkingPace) {
    const CityModel m = town();
    ChoiceConfig cfg;
    const ActiveSpeeds s = ActiveSpeeds::of(cfg);
    const LinkCosts bike = path_costs(*m.paths, Mode::Bike, s), walk = path_costs(*m.paths, Mode::Walk, s);
    for (const auto& l : m.paths->links()) {
        const double ride = l.length_m / (s.bike_kmh / 3.6), pace = l.length_m / (s.walk_kmh / 3.6);
        EXPECT_NEAR(walk.at(8, l.id.value), pace, 1e-3);
        EXPECT_NEAR(bike.at(8, l.id.value), l.path_kind == PathKind::Footway ? pace : ride, 1e-3);
    }
}

TEST(ActiveModes, NeitherNetworkHasTheOthersWays) {
    const CityModel m = town();
    for (const auto& l : m.paths->links()) EXPECT_NE(l.road_class, RoadClass::Motorway);   // no cyclist on a motorway
    for (const auto& l : m.roads->links()) EXPECT_EQ(l.active_modes, 0);                  // no car on a footway
    EXPECT_EQ(m.paths->link_count(), 12u);
}

TEST(ActiveModes, TripsAreRoutedOnLinksTheirModeMayUse) {
    CityModel m = town();
    std::vector<Trip> trips{trip(Mode::Bike, {50, 195}, {550, 195}, 0), trip(Mode::Walk, {50, 195}, {550, 195}, 1),
                            trip(Mode::Car, {50, 195}, {550, 195}, 2)};
    const ChoiceConfig cfg;
    const ActiveRoutes r = route_active_trips(m, cfg, trips);
    EXPECT_EQ(r.routed, 2u);
    EXPECT_TRUE(r.routes[2].empty());   // cars are not walked
    // The walker takes the footway (500 m, 5 m to it at each end); the cyclist pushes 50 m
    // to each corner and rides round by the street (1000 m) rather than push 500 m:
    // 100 m at 5 km/h + 1000 m at 15 km/h = 312 s against 500 m at 5 km/h = 360 s.
    EXPECT_NEAR(trips[1].offroad_distance_m, 510.0, 1.0);
    EXPECT_NEAR(trips[0].offroad_distance_m, 1110.0, 1.0);
    const ModeParameters& bike = cfg.modes[static_cast<std::size_t>(Mode::Bike)];
    EXPECT_NEAR(trips[0].offroad_time_s, 312.0 + 10.0 / (bike.speed_kmh / 3.6) + bike.wait_s, 0.5);
    bool rides_the_street = false;
    for (auto l : r.routes[0]) rides_the_street = rides_the_street || m.paths->link(LinkId(l)).source_id == 1;
    EXPECT_TRUE(rides_the_street);

    // Opening the footway to bikes: the cyclist takes it, the flows show it.
    std::vector<LinkId> footway;
    for (const auto& l : m.paths->links())
        if (l.path_kind == PathKind::Footway) footway.push_back(l.id);
    set_path_access(m, footway, std::nullopt, true);
    const ActiveRoutes after = route_active_trips(m, cfg, trips);
    EXPECT_NEAR(trips[0].offroad_distance_m, 510.0, 1.0);
    const std::vector<Seconds> departures{8 * 3600, 8 * 3600, 8 * 3600};
    const ActiveFlows flows = active_flows(m, trips, after, departures);
    std::uint32_t on_footway = 0;
    for (const LinkId l : footway) on_footway += flows.at(Mode::Bike, 8, l.value);
    EXPECT_EQ(on_footway, 2u);   // both halves, in the hour it set off
}

TEST(ActiveModes, ANewCyclePathShortensTheTripsItServes) {
    CityModel m = town();
    std::vector<Trip> trips{trip(Mode::Bike, {300, 5}, {300, 195})};
    const ChoiceConfig cfg;
    route_active_trips(m, cfg, trips);
    const float before = trips[0].offroad_time_s;
    // 300 m to a corner, 200 m up and 300 m back before: now straight across.
    const auto added = add_path(m, NewPath{{{300, 0}, {300, 200}}, "cut", PathKind::Cycleway, true, true, false, 5.0});
    EXPECT_EQ(added.size(), 2u);
    const ActiveRoutes r = route_active_trips(m, cfg, trips);
    EXPECT_LT(trips[0].offroad_time_s, before * 0.5f);
    bool uses = false;
    for (auto l : r.routes[0]) uses = uses || l == added[0].value;
    EXPECT_TRUE(uses);
}

TEST(ActiveModes, WithoutAPathNetworkTripsKeepTheirTimes) {
    CityModel m = town();
    m.paths = std::make_shared<RoadNetwork>();
    std::vector<Trip> trips{trip(Mode::Bike, {0, 0}, {600, 0})};
    trips[0].offroad_time_s = 123.0f;
    const ActiveRoutes r = route_active_trips(m, ChoiceConfig{}, trips);
    EXPECT_EQ(r.routed, 0u);
    EXPECT_EQ(trips[0].offroad_time_s, 123.0f);
}

}  // namespace
}  // namespace citytwin::sim
