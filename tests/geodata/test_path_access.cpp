// Who may walk and ride where (geodata/path_access.hpp): OSM's access conventions as bike
// and foot routers apply them.
#include <citytwin/geodata/path_access.hpp>

#include <gtest/gtest.h>

namespace citytwin::geodata {
namespace {

constexpr std::uint8_t both = walk_access | bike_access;

std::optional<PathAccess> street(RoadClass c, PathTags t = {}) { return path_access(t, c); }
std::optional<PathAccess> way(std::string_view highway, PathTags t = {}) {
    t.highway = highway;
    return path_access(t, std::nullopt);
}

TEST(PathAccess, MotorwaysAndMotorroadsAreForMotorTrafficOnly) {
    EXPECT_FALSE(street(RoadClass::Motorway));
    EXPECT_FALSE(street(RoadClass::MotorwayLink));
    EXPECT_FALSE(street(RoadClass::Trunk, {.motorroad = "yes"}));
    const auto trunk = street(RoadClass::Trunk);
    ASSERT_TRUE(trunk);
    EXPECT_EQ(trunk->forward, both);
}

TEST(PathAccess, StreetsAreWalkedAndRiddenBothWays) {
    const auto a = street(RoadClass::Residential);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, PathKind::Street);
    EXPECT_EQ(a->forward, both);
    EXPECT_EQ(a->backward, both);
}

TEST(PathAccess, FootwaysAreWalkedAndCyclistsPush) {
    for (auto h : {"footway", "pedestrian", "steps"}) {
        const auto a = way(h);
        ASSERT_TRUE(a) << h;
        EXPECT_EQ(a->forward, walk_access) << h;
        EXPECT_EQ(a->backward, walk_access) << h;
    }
    EXPECT_EQ(way("steps")->kind, PathKind::Steps);
    EXPECT_EQ(way("footway", {.bicycle = "yes"})->forward, both);   // a shared foot- and cycleway
    EXPECT_EQ(way("footway", {.bicycle = "designated"})->backward, both);
}

TEST(PathAccess, CyclewaysAndPathsAreRidden) {
    EXPECT_EQ(way("cycleway")->forward, both);
    EXPECT_EQ(way("path")->backward, both);
    EXPECT_EQ(way("cycleway", {.foot = "no"})->forward, bike_access);
    EXPECT_EQ(way("path", {.bicycle = "no"})->forward, walk_access);
    EXPECT_EQ(way("path", {.bicycle = "dismount"})->forward, walk_access);
}

TEST(PathAccess, AccessNoShutsEveryoneOutUnlessTheirOwnTagLetsThemIn) {
    EXPECT_FALSE(street(RoadClass::Service, {.access = "private"}));
    EXPECT_FALSE(way("footway", {.access = "no"}));
    const auto a = street(RoadClass::Service, {.access = "no", .foot = "yes"});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->forward, walk_access);
    EXPECT_FALSE(way("cycleway", {.foot = "no", .bicycle = "no"}));
    EXPECT_FALSE(street(RoadClass::Primary, {.foot = "use_sidepath", .bicycle = "use_sidepath"}));
}

TEST(PathAccess, OnewayBindsCyclistsNotWalkers) {
    const auto a = street(RoadClass::Residential, {.oneway = "yes"});
    EXPECT_EQ(a->forward, both);
    EXPECT_EQ(a->backward, walk_access);
    EXPECT_EQ(street(RoadClass::Residential, {.oneway = "-1"})->forward, walk_access);
    EXPECT_EQ(street(RoadClass::Residential, {.junction = "roundabout"})->backward, walk_access);
}

TEST(PathAccess, ContraflowCyclingIsAllowedWhereTagged) {
    EXPECT_EQ(street(RoadClass::Residential, {.oneway = "yes", .oneway_bicycle = "no"})->backward, both);
    EXPECT_EQ(street(RoadClass::Residential, {.oneway = "yes", .cycleway = "opposite_lane"})->backward, both);
    // oneway:bicycle alone makes a two-way street oneway for cyclists.
    EXPECT_EQ(street(RoadClass::Residential, {.oneway_bicycle = "yes"})->backward, walk_access);
    EXPECT_EQ(way("cycleway", {.oneway = "yes"})->backward, walk_access);
}

TEST(PathAccess, WhatIsNoWayIsLeftOut) {
    EXPECT_FALSE(way("construction"));
    EXPECT_FALSE(way("platform"));
    EXPECT_FALSE(way(""));
}

}  // namespace
}  // namespace citytwin::geodata
