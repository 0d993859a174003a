// R-tree queries: nearest link with exact distance and projection (ties by lowest id),
// buildings crossed by a segment (sorted by id) and the building containing a point.
#include <citytwin/geodata/road_graph_builder.hpp>
#include <citytwin/geodata/spatial_index.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace citytwin::geodata {
namespace {

Link make_link(std::uint32_t id, std::uint32_t from, std::uint32_t to, Polyline geom) {
    Link l;
    l.id = LinkId(id);
    l.from = NodeId(from);
    l.to = NodeId(to);
    l.length_m = length(geom);
    l.geometry = std::move(geom);
    return l;
}

// Nodes 0 (0,0), 1 (100,0), 2 (0,10), 3 (100,10). A two-way street along y=0
// (links 0 and 1 share one segment) and a one-way street along y=10 (link 2).
RoadNetwork two_streets() {
    std::vector<Node> nodes{Node{.id = NodeId(0), .position = {0, 0}}, Node{.id = NodeId(1), .position = {100, 0}},
                            Node{.id = NodeId(2), .position = {0, 10}}, Node{.id = NodeId(3), .position = {100, 10}}};
    std::vector<Link> links{make_link(0, 0, 1, {{0, 0}, {100, 0}}), make_link(1, 1, 0, {{100, 0}, {0, 0}}),
                            make_link(2, 2, 3, {{0, 10}, {40, 10}, {100, 10}})};
    return RoadNetwork(std::move(nodes), std::move(links));
}

TEST(LinkIndex, CountsSegments) {
    const RoadNetwork net = two_streets();
    const LinkIndex index(net);
    EXPECT_EQ(index.segment_count(), 4u);
}

TEST(LinkIndex, NearestGivesExactDistanceAndProjection) {
    const RoadNetwork net = two_streets();
    const LinkIndex index(net);

    auto hit = index.nearest({50, 7});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->link, LinkId(2));
    EXPECT_DOUBLE_EQ(hit->distance_m, 3.0);
    EXPECT_DOUBLE_EQ(hit->projected.x, 50.0);
    EXPECT_DOUBLE_EQ(hit->projected.y, 10.0);

    // Beyond the end of a street: the closest point is the end vertex.
    hit = index.nearest({103, 14});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->link, LinkId(2));
    EXPECT_DOUBLE_EQ(hit->distance_m, 5.0);
    EXPECT_EQ(hit->projected, (Point{100, 10}));

    // On the street itself.
    hit = index.nearest({20, 10});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->link, LinkId(2));
    EXPECT_EQ(hit->distance_m, 0.0);
    EXPECT_EQ(hit->projected, (Point{20, 10}));
}

TEST(LinkIndex, TwoWayStreetTieGoesToLowestId) {
    const RoadNetwork net = two_streets();
    const LinkIndex index(net);
    const auto hit = index.nearest({30, -4});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->link, LinkId(0));
    EXPECT_DOUBLE_EQ(hit->distance_m, 4.0);
    EXPECT_EQ(hit->projected, (Point{30, 0}));
}

TEST(LinkIndex, EquidistantStreetsTieGoesToLowestId) {
    const RoadNetwork net = two_streets();
    const LinkIndex index(net);
    const auto hit = index.nearest({60, 5});  // 5 m from both streets
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->link, LinkId(0));
    EXPECT_DOUBLE_EQ(hit->distance_m, 5.0);
    EXPECT_EQ(hit->projected, (Point{60, 0}));
}

TEST(LinkIndex, TieAmongManyLinksAtAJunctionGoesToLowestId) {
    // Twelve two-way arms meet at the origin: 24 links are all at distance 0 from it.
    std::vector<RoadWay> ways;
    for (int i = 0; i < 12; ++i) {
        const double a = 2.0 * std::numbers::pi * i / 12.0;
        RoadWay w;
        w.source_id = i;
        w.points = {{100.0 * std::cos(a), 100.0 * std::sin(a)}, {0, 0}};
        ways.push_back(w);
    }
    GraphBuildReport report;
    const RoadNetwork net = build_road_network(ways, GraphBuildOptions{}, report);
    ASSERT_EQ(net.link_count(), 24u);
    const LinkIndex index(net);
    const auto hit = index.nearest({0, 0});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->distance_m, 0.0);
    EXPECT_EQ(hit->link, LinkId(0));
}

TEST(LinkIndex, EmptyNetworkGivesNullopt) {
    const RoadNetwork net;
    const LinkIndex index(net);
    EXPECT_EQ(index.segment_count(), 0u);
    EXPECT_FALSE(index.nearest({0, 0}).has_value());
}

Building box_building(std::uint32_t id, double x0, double y0, double x1, double y1) {
    Building b;
    b.id = BuildingId(id);
    b.footprint = {Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
    return b;
}

// Left box [0,10]x[0,10] has id 1 and comes first in the vector; right box
// [20,30]x[0,10] has id 0: results must come back sorted by id, not by position.
std::vector<Building> two_boxes() { return {box_building(1, 0, 0, 10, 10), box_building(0, 20, 0, 30, 10)}; }

std::vector<std::uint32_t> values(const std::vector<BuildingId>& ids) {
    std::vector<std::uint32_t> out;
    for (auto id : ids) out.push_back(id.value);
    return out;
}

TEST(BuildingIndex, SegmentThroughOne) {
    const auto buildings = two_boxes();
    const BuildingIndex index(buildings);
    EXPECT_EQ(values(index.crossed_by({-5, 5}, {15, 5})), (std::vector<std::uint32_t>{1}));
    EXPECT_EQ(values(index.crossed_by({25, -5}, {25, 15})), (std::vector<std::uint32_t>{0}));
}

TEST(BuildingIndex, SegmentThroughBothIsSortedById) {
    const auto buildings = two_boxes();
    const BuildingIndex index(buildings);
    EXPECT_EQ(values(index.crossed_by({-5, 5}, {35, 5})), (std::vector<std::uint32_t>{0, 1}));
    EXPECT_EQ(values(index.crossed_by({35, 5}, {-5, 5})), (std::vector<std::uint32_t>{0, 1}));
}

TEST(BuildingIndex, SegmentMissingBoth) {
    const auto buildings = two_boxes();
    const BuildingIndex index(buildings);
    EXPECT_TRUE(index.crossed_by({-5, 20}, {35, 20}).empty());
    // Between the two boxes.
    EXPECT_TRUE(index.crossed_by({15, -5}, {15, 15}).empty());
    // The segment's envelope overlaps the left box, the segment itself does not:
    // y = x + 15 stays above y = 10 for x in [-10, 5].
    EXPECT_TRUE(index.crossed_by({-10, 5}, {5, 20}).empty());
}

TEST(BuildingIndex, SegmentTouchingAnEdgeCounts) {
    const auto buildings = two_boxes();
    const BuildingIndex index(buildings);
    EXPECT_EQ(values(index.crossed_by({10, -5}, {10, 15})), (std::vector<std::uint32_t>{1}));
    // Ending inside a building.
    EXPECT_EQ(values(index.crossed_by({15, 5}, {22, 5})), (std::vector<std::uint32_t>{0}));
}

TEST(BuildingIndex, SegmentInsideAHoleDoesNotCross) {
    Building courtyard = box_building(0, 50, 0, 70, 20);
    courtyard.footprint[0].holes.push_back({{55, 5}, {55, 15}, {65, 15}, {65, 5}, {55, 5}});
    const BuildingIndex index(std::vector<Building>{courtyard});
    EXPECT_TRUE(index.crossed_by({57, 10}, {63, 10}).empty());
    EXPECT_EQ(values(index.crossed_by({57, 10}, {75, 10})), (std::vector<std::uint32_t>{0}));
    EXPECT_FALSE(index.containing({60, 10}).has_value());
    EXPECT_EQ(index.containing({52, 10}), BuildingId(0));
}

TEST(BuildingIndex, Containing) {
    const auto buildings = two_boxes();
    const BuildingIndex index(buildings);
    EXPECT_EQ(index.containing({5, 5}), BuildingId(1));
    EXPECT_EQ(index.containing({29, 1}), BuildingId(0));
    EXPECT_FALSE(index.containing({15, 5}).has_value());
    EXPECT_FALSE(index.containing({5, 11}).has_value());
}

TEST(BuildingIndex, ContainingOverlapGivesLowestId) {
    // Building 4 is listed first and overlaps building 2 on [5,10]x[5,10].
    const std::vector<Building> buildings{box_building(4, 5, 5, 15, 15), box_building(2, 0, 0, 10, 10)};
    const BuildingIndex index(buildings);
    EXPECT_EQ(index.containing({7, 7}), BuildingId(2));
    EXPECT_EQ(index.containing({12, 12}), BuildingId(4));
    EXPECT_EQ(index.containing({2, 2}), BuildingId(2));
}

TEST(BuildingIndex, PointOnTheOutlineIsContained) {
    // The footprint test is covered_by (boundary included): a point on a wall belongs
    // to the building, also where the wall is the edge of the R-tree box.
    const auto buildings = two_boxes();
    const BuildingIndex index(buildings);
    EXPECT_EQ(index.containing({0, 5}), BuildingId(1));
    EXPECT_EQ(index.containing({30, 10}), BuildingId(0));
}

TEST(BuildingIndex, EmptyIndex) {
    const BuildingIndex index(std::vector<Building>{});
    EXPECT_TRUE(index.crossed_by({0, 0}, {10, 10}).empty());
    EXPECT_FALSE(index.containing({0, 0}).has_value());
}

}  // namespace
}  // namespace citytwin::geodata
