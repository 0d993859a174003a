// Road polylines -> directed graph: splitting at shared vertices only, directions,
// per-link attributes from the class table, SCC pruning and deterministic ids.
#include <citytwin/geodata/road_graph_builder.hpp>

#include <gtest/gtest.h>

#include <cmath>

#include <algorithm>
#include <vector>

namespace citytwin::geodata {
namespace {

RoadWay way(std::int64_t id, Polyline pts, OnewayDirection dir = OnewayDirection::Both,
            RoadClass cls = RoadClass::Residential) {
    RoadWay w;
    w.source_id = id;
    w.road_class = cls;
    w.direction = dir;
    w.points = std::move(pts);
    w.name = "way " + std::to_string(id);
    return w;
}

GraphBuildOptions no_pruning() {
    GraphBuildOptions o;
    o.keep_largest_scc = false;
    return o;
}

RoadNetwork build(const std::vector<RoadWay>& ways, const GraphBuildOptions& o = {}) {
    GraphBuildReport report;
    return build_road_network(ways, o, report);
}

std::vector<std::uint32_t> ids(RoadNetwork::Range r) {
    std::vector<std::uint32_t> out;
    for (LinkId id : r) out.push_back(id.value);
    return out;
}

std::size_t scc_count(const RoadNetwork& net) {
    std::vector<std::uint32_t> comp;
    return strongly_connected_components(net, comp);
}

TEST(RoadGraph, OnewayForwardMakesOneLink) {
    GraphBuildReport report;
    const auto net = build_road_network({way(7, {{0, 0}, {50, 0}, {100, 0}}, OnewayDirection::Forward)},
                                        no_pruning(), report);
    ASSERT_EQ(net.node_count(), 2u);
    ASSERT_EQ(net.link_count(), 1u);
    const Link& l = net.link(LinkId(0));
    EXPECT_EQ(net.node(l.from).position, (Point{0, 0}));
    EXPECT_EQ(net.node(l.to).position, (Point{100, 0}));
    EXPECT_DOUBLE_EQ(l.length_m, 100.0);
    EXPECT_FALSE(l.reversed);
    EXPECT_EQ(l.source_id, 7);
    EXPECT_EQ(l.name, "way 7");
    EXPECT_EQ(l.geometry, (Polyline{{0, 0}, {50, 0}, {100, 0}}));
    EXPECT_EQ(report.ways, 1u);
    EXPECT_EQ(report.links_before_pruning, 1u);
    EXPECT_EQ(report.nodes_before_pruning, 2u);
}

TEST(RoadGraph, TwoWayMakesTwoLinksWithReversedGeometry) {
    const auto net = build({way(1, {{0, 0}, {30, 40}, {30, 100}})});
    ASSERT_EQ(net.node_count(), 2u);
    ASSERT_EQ(net.link_count(), 2u);
    const Link& fwd = net.link(LinkId(0));
    const Link& back = net.link(LinkId(1));
    EXPECT_EQ(fwd.from, NodeId(0));
    EXPECT_EQ(fwd.to, NodeId(1));
    EXPECT_FALSE(fwd.reversed);
    EXPECT_EQ(fwd.geometry, (Polyline{{0, 0}, {30, 40}, {30, 100}}));
    EXPECT_EQ(back.from, NodeId(1));
    EXPECT_EQ(back.to, NodeId(0));
    EXPECT_TRUE(back.reversed);
    EXPECT_EQ(back.geometry, (Polyline{{30, 100}, {30, 40}, {0, 0}}));
    EXPECT_DOUBLE_EQ(fwd.length_m, 110.0);
    EXPECT_DOUBLE_EQ(back.length_m, 110.0);
}

TEST(RoadGraph, BackwardRunsAgainstDigitisedDirection) {
    const auto net = build({way(3, {{0, 0}, {0, 20}, {10, 20}}, OnewayDirection::Backward)}, no_pruning());
    ASSERT_EQ(net.node_count(), 2u);
    ASSERT_EQ(net.link_count(), 1u);
    const Link& l = net.link(LinkId(0));
    EXPECT_EQ(net.node(l.from).position, (Point{10, 20}));
    EXPECT_EQ(net.node(l.to).position, (Point{0, 0}));
    EXPECT_TRUE(l.reversed);
    EXPECT_EQ(l.geometry, (Polyline{{10, 20}, {0, 20}, {0, 0}}));
    EXPECT_DOUBLE_EQ(l.length_m, 30.0);
}

// Two two-way streets crossing at a shared vertex (0,0): four arms.
std::vector<RoadWay> cross() {
    return {way(1, {{-100, 0}, {0, 0}, {100, 0}}), way(2, {{0, -50}, {0, 0}, {0, 50}})};
}

TEST(RoadGraph, SharedMiddleVertexSplitsIntoFourArms) {
    GraphBuildReport report;
    const auto net = build_road_network(cross(), GraphBuildOptions{}, report);
    ASSERT_EQ(net.node_count(), 5u);
    ASSERT_EQ(net.link_count(), 8u);
    // Node ids in order of first appearance.
    EXPECT_EQ(net.node(NodeId(0)).position, (Point{-100, 0}));
    EXPECT_EQ(net.node(NodeId(1)).position, (Point{0, 0}));
    EXPECT_EQ(net.node(NodeId(2)).position, (Point{100, 0}));
    EXPECT_EQ(net.node(NodeId(3)).position, (Point{0, -50}));
    EXPECT_EQ(net.node(NodeId(4)).position, (Point{0, 50}));
    // Links in way order, forward before reverse, piece by piece.
    const std::vector<std::pair<std::uint32_t, std::uint32_t>> want{{0, 1}, {1, 0}, {1, 2}, {2, 1},
                                                                    {3, 1}, {1, 3}, {1, 4}, {4, 1}};
    const std::vector<double> want_len{100, 100, 100, 100, 50, 50, 50, 50};
    for (std::uint32_t i = 0; i < 8; ++i) {
        const Link& l = net.link(LinkId(i));
        EXPECT_EQ(l.id, LinkId(i));
        EXPECT_EQ(l.from.value, want[i].first) << "link " << i;
        EXPECT_EQ(l.to.value, want[i].second) << "link " << i;
        EXPECT_DOUBLE_EQ(l.length_m, want_len[i]) << "link " << i;
        EXPECT_EQ(l.geometry.size(), 2u) << "link " << i;
    }
    EXPECT_EQ(report.components, 1u);
    EXPECT_EQ(report.dropped_links, 0u);
    EXPECT_EQ(report.dropped_nodes, 0u);
    EXPECT_EQ(scc_count(net), 1u);
}

TEST(RoadGraph, OutAndInLinksOfEachNode) {
    const auto net = build(cross());
    EXPECT_EQ(ids(net.out_links(NodeId(1))), (std::vector<std::uint32_t>{1, 2, 5, 6}));
    EXPECT_EQ(ids(net.in_links(NodeId(1))), (std::vector<std::uint32_t>{0, 3, 4, 7}));
    EXPECT_EQ(ids(net.out_links(NodeId(0))), (std::vector<std::uint32_t>{0}));
    EXPECT_EQ(ids(net.in_links(NodeId(0))), (std::vector<std::uint32_t>{1}));
    EXPECT_EQ(ids(net.out_links(NodeId(2))), (std::vector<std::uint32_t>{3}));
    EXPECT_EQ(ids(net.in_links(NodeId(2))), (std::vector<std::uint32_t>{2}));
    EXPECT_EQ(ids(net.out_links(NodeId(3))), (std::vector<std::uint32_t>{4}));
    EXPECT_EQ(ids(net.in_links(NodeId(4))), (std::vector<std::uint32_t>{6}));
    EXPECT_EQ(net.out_links(NodeId(4)).size(), 1u);
    // Every link appears exactly once as an out-link of its from and an in-link of its to.
    std::size_t outs = 0, ins = 0;
    for (const Node& n : net.nodes()) {
        for (LinkId id : net.out_links(n.id)) {
            EXPECT_EQ(net.link(id).from, n.id);
            ++outs;
        }
        for (LinkId id : net.in_links(n.id)) {
            EXPECT_EQ(net.link(id).to, n.id);
            ++ins;
        }
    }
    EXPECT_EQ(outs, 8u);
    EXPECT_EQ(ins, 8u);
}

TEST(RoadGraph, TJunctionAtInteriorVertexSplits) {
    // Way 2 ends on an interior vertex of way 1.
    const auto net = build({way(1, {{0, 0}, {60, 0}, {100, 0}}), way(2, {{60, 0}, {60, 80}})});
    EXPECT_EQ(net.node_count(), 4u);
    ASSERT_EQ(net.link_count(), 6u);
    EXPECT_DOUBLE_EQ(net.link(LinkId(0)).length_m, 60.0);
    EXPECT_DOUBLE_EQ(net.link(LinkId(2)).length_m, 40.0);
    EXPECT_DOUBLE_EQ(net.link(LinkId(4)).length_m, 80.0);
    EXPECT_EQ(net.out_links(NodeId(1)).size(), 3u);
}

TEST(RoadGraph, CrossingWithoutSharedVertexIsABridge) {
    // Segments cross at (0,0) but neither way has a vertex there.
    const std::vector<RoadWay> ways{way(1, {{-100, 0}, {100, 0}}), way(2, {{0, -50}, {0, 50}})};
    GraphBuildReport report;
    const auto net = build_road_network(ways, no_pruning(), report);
    EXPECT_EQ(net.node_count(), 4u);
    ASSERT_EQ(net.link_count(), 4u);
    EXPECT_DOUBLE_EQ(net.link(LinkId(0)).length_m, 200.0);
    EXPECT_DOUBLE_EQ(net.link(LinkId(2)).length_m, 100.0);
    EXPECT_EQ(scc_count(net), 2u);
}

TEST(RoadGraph, VertexOnOnlyOneOfTwoCrossingWaysDoesNotSplit) {
    // Way 1 has a vertex at (0,0); way 2 passes over it without one (a bridge).
    const std::vector<RoadWay> ways{way(1, {{-100, 0}, {0, 0}, {100, 0}}), way(2, {{0, -50}, {0, 50}})};
    const auto net = build(ways, no_pruning());
    EXPECT_EQ(net.node_count(), 4u);
    ASSERT_EQ(net.link_count(), 4u);
    EXPECT_EQ(net.link(LinkId(0)).geometry, (Polyline{{-100, 0}, {0, 0}, {100, 0}}));
}

TEST(RoadGraph, PruningKeepsLargestComponentTieToLowestNode) {
    // Two disconnected two-way streets of equal size: the one holding node 0 is kept.
    const std::vector<RoadWay> ways{way(1, {{-100, 0}, {100, 0}}), way(2, {{0, -50}, {0, 50}})};
    GraphBuildReport report;
    const auto net = build_road_network(ways, GraphBuildOptions{}, report);
    EXPECT_EQ(report.components, 2u);
    EXPECT_EQ(report.dropped_links, 2u);
    EXPECT_EQ(report.dropped_nodes, 2u);
    ASSERT_EQ(net.link_count(), 2u);
    EXPECT_EQ(net.link(LinkId(0)).source_id, 1);
    EXPECT_EQ(net.link(LinkId(1)).source_id, 1);
}

TEST(RoadGraph, OnewayDeadEndSpurIsDropped) {
    // Two-way street A-B-C, plus a one-way B->D that cannot be left.
    const std::vector<RoadWay> ways{way(1, {{0, 0}, {100, 0}, {200, 0}}),
                                    way(2, {{100, 0}, {100, 100}}, OnewayDirection::Forward)};
    GraphBuildReport report;
    const auto net = build_road_network(ways, GraphBuildOptions{}, report);
    EXPECT_EQ(report.links_before_pruning, 5u);
    EXPECT_EQ(report.nodes_before_pruning, 4u);
    EXPECT_EQ(report.components, 2u);
    EXPECT_EQ(report.dropped_links, 1u);
    EXPECT_EQ(report.dropped_nodes, 1u);
    ASSERT_EQ(net.node_count(), 3u);
    ASSERT_EQ(net.link_count(), 4u);
    for (const Link& l : net.links()) EXPECT_EQ(l.source_id, 1);
    for (const Node& n : net.nodes()) EXPECT_NE(n.position, (Point{100, 100}));
    // Ids stay dense and consistent after pruning.
    for (std::uint32_t i = 0; i < net.link_count(); ++i) EXPECT_EQ(net.link(LinkId(i)).id, LinkId(i));
    for (std::uint32_t i = 0; i < net.node_count(); ++i) EXPECT_EQ(net.node(NodeId(i)).id, NodeId(i));
    EXPECT_EQ(scc_count(net), 1u);
}

TEST(RoadGraph, OnewayUnreachableSourceSpurIsDropped) {
    // A one-way D->B into the network: D can be left but never reached.
    const std::vector<RoadWay> ways{way(1, {{0, 0}, {100, 0}, {200, 0}}),
                                    way(2, {{100, 100}, {100, 0}}, OnewayDirection::Forward)};
    GraphBuildReport report;
    const auto net = build_road_network(ways, GraphBuildOptions{}, report);
    EXPECT_EQ(report.dropped_links, 1u);
    EXPECT_EQ(report.dropped_nodes, 1u);
    EXPECT_EQ(net.link_count(), 4u);
    EXPECT_EQ(net.node_count(), 3u);
    EXPECT_EQ(scc_count(net), 1u);
}

TEST(RoadGraph, OnewayLoopIsKept) {
    // A one-way triangle is strongly connected on its own.
    const std::vector<RoadWay> ways{way(1, {{0, 0}, {100, 0}}, OnewayDirection::Forward),
                                    way(2, {{100, 0}, {50, 80}}, OnewayDirection::Forward),
                                    way(3, {{50, 80}, {0, 0}}, OnewayDirection::Forward)};
    GraphBuildReport report;
    const auto net = build_road_network(ways, GraphBuildOptions{}, report);
    EXPECT_EQ(report.components, 1u);
    EXPECT_EQ(report.dropped_links, 0u);
    EXPECT_EQ(net.link_count(), 3u);
    EXPECT_EQ(net.node_count(), 3u);
}

TEST(StronglyConnectedComponents, CountsAndLabels) {
    const std::vector<RoadWay> ways{way(1, {{0, 0}, {100, 0}, {200, 0}}),
                                    way(2, {{100, 0}, {100, 100}}, OnewayDirection::Forward)};
    const auto net = build(ways, no_pruning());
    ASSERT_EQ(net.node_count(), 4u);
    std::vector<std::uint32_t> comp;
    EXPECT_EQ(strongly_connected_components(net, comp), 2u);
    ASSERT_EQ(comp.size(), 4u);
    // Nodes 0 (0,0), 1 (100,0), 2 (200,0) together; node 3 (100,100) alone.
    EXPECT_EQ(comp[0], comp[1]);
    EXPECT_EQ(comp[1], comp[2]);
    EXPECT_NE(comp[3], comp[0]);

    std::vector<std::uint32_t> empty_comp{1, 2, 3};
    EXPECT_EQ(strongly_connected_components(RoadNetwork{}, empty_comp), 0u);
    EXPECT_TRUE(empty_comp.empty());
}

TEST(RoadGraph, ClassDefaultsGiveCapacityStorageAndSpeed) {
    const RoadClassTable& t = default_road_class_table();
    const auto net = build({way(1, {{0, 0}, {150, 0}}, OnewayDirection::Both, RoadClass::Residential)});
    ASSERT_EQ(net.link_count(), 2u);
    const Link& l = net.link(LinkId(0));
    const auto& d = t[static_cast<std::size_t>(RoadClass::Residential)];
    EXPECT_EQ(l.road_class, RoadClass::Residential);
    EXPECT_EQ(l.lanes, d.lanes);
    EXPECT_EQ(l.lanes, 1);
    EXPECT_DOUBLE_EQ(l.capacity_vph, 1 * d.capacity_per_lane);
    EXPECT_DOUBLE_EQ(l.capacity_vph, 1773.0);  // 3600 / (1.13 + 7.5 / (30 / 3.6)), rounded
    EXPECT_DOUBLE_EQ(l.storage_veh, 150.0 * 1 / 7.5);
    EXPECT_DOUBLE_EQ(l.freeflow_speed_mps, d.speed_kmh / 3.6);
    EXPECT_DOUBLE_EQ(l.freeflow_speed_mps, 30.0 / 3.6);
}

// A lane passes one vehicle per free-flow headway (SUMO meso's 1.13 s + 7.5 m at the class
// speed): the junction model takes the junctions' toll, so the defaults must not count it
// again (MATSim's "planning" 600 veh/h per residential lane did).
TEST(RoadGraph, DefaultLaneCapacityIsOneVehiclePerFreeFlowHeadway) {
    for (const auto& d : default_road_class_table()) {
        EXPECT_DOUBLE_EQ(d.capacity_per_lane, std::round(3600.0 / (1.13 + 7.5 / (d.speed_kmh / 3.6)))) << d.speed_kmh;
        EXPECT_GT(d.capacity_per_lane, 900.0);
        EXPECT_LT(d.capacity_per_lane, 2700.0);
    }
    EXPECT_NEAR(free_flow_lane_capacity(50.0), 2156.0, 1.0);
}

TEST(RoadGraph, MotorwayDefaultsTwoLanes) {
    const auto net = build({way(1, {{0, 0}, {300, 0}}, OnewayDirection::Forward, RoadClass::Motorway)}, no_pruning());
    ASSERT_EQ(net.link_count(), 1u);
    const Link& l = net.link(LinkId(0));
    EXPECT_EQ(l.lanes, 2);
    EXPECT_DOUBLE_EQ(l.capacity_vph, 2 * 2617.0);
    EXPECT_DOUBLE_EQ(l.storage_veh, 300.0 * 2 / 7.5);
    EXPECT_DOUBLE_EQ(l.freeflow_speed_mps, 110.0 / 3.6);
}

TEST(RoadGraph, SpeedTagOverridesClassDefault) {
    RoadWay w = way(1, {{0, 0}, {100, 0}}, OnewayDirection::Both, RoadClass::Primary);
    w.speed_kmh = 50.0;
    const auto net = build({w});
    ASSERT_EQ(net.link_count(), 2u);
    for (const Link& l : net.links()) EXPECT_DOUBLE_EQ(l.freeflow_speed_mps, 50.0 / 3.6);
}

TEST(RoadGraph, OsmLanesOnTwoWayRoadAreSplitPerDirection) {
    RoadWay w = way(1, {{0, 0}, {75, 0}}, OnewayDirection::Both, RoadClass::Primary);
    w.total_lanes = 4.0;
    const auto net = build({w});
    ASSERT_EQ(net.link_count(), 2u);
    for (const Link& l : net.links()) {
        EXPECT_EQ(l.lanes, 2);
        EXPECT_DOUBLE_EQ(l.capacity_vph, 2 * 2278.0);  // primary: 60 km/h, 2 278 veh/h per lane
        EXPECT_DOUBLE_EQ(l.storage_veh, 75.0 * 2 / 7.5);
    }
}

TEST(RoadGraph, OsmLanesOnOnewayRoadAreAllInOneDirection) {
    RoadWay w = way(1, {{0, 0}, {75, 0}}, OnewayDirection::Forward, RoadClass::Secondary);
    w.total_lanes = 3.0;
    const auto net = build({w}, no_pruning());
    ASSERT_EQ(net.link_count(), 1u);
    EXPECT_EQ(net.link(LinkId(0)).lanes, 3);
    EXPECT_DOUBLE_EQ(net.link(LinkId(0)).capacity_vph, 3 * 2156.0);
}

TEST(RoadGraph, OneLaneTwoWayRoadKeepsOneLanePerDirection) {
    RoadWay w = way(1, {{0, 0}, {75, 0}});
    w.total_lanes = 1.0;
    const auto net = build({w});
    ASSERT_EQ(net.link_count(), 2u);
    for (const Link& l : net.links()) EXPECT_EQ(l.lanes, 1);
}

TEST(RoadGraph, ClassTableOverrideIsUsed) {
    GraphBuildOptions o;
    o.class_table[static_cast<std::size_t>(RoadClass::Residential)] = {45.0, 2, 700.0};
    const auto net = build({way(1, {{0, 0}, {30, 0}})}, o);
    ASSERT_EQ(net.link_count(), 2u);
    const Link& l = net.link(LinkId(0));
    EXPECT_EQ(l.lanes, 2);
    EXPECT_DOUBLE_EQ(l.capacity_vph, 1400.0);
    EXPECT_DOUBLE_EQ(l.freeflow_speed_mps, 45.0 / 3.6);
    EXPECT_DOUBLE_EQ(l.storage_veh, 30.0 * 2 / 7.5);
}

TEST(RoadGraph, SnapToleranceMergesVerticesOneMillimetreApart) {
    // Way 2 starts 1 mm from way 1's end: with the default 1 cm tolerance they meet.
    const std::vector<RoadWay> ways{way(1, {{0, 0}, {100, 0}}), way(2, {{100.001, 0}, {100, 100}})};
    GraphBuildReport report;
    const auto net = build_road_network(ways, GraphBuildOptions{}, report);
    EXPECT_EQ(report.nodes_before_pruning, 3u);
    EXPECT_EQ(report.dropped_links, 0u);
    EXPECT_EQ(net.node_count(), 3u);
    ASSERT_EQ(net.link_count(), 4u);
    EXPECT_EQ(net.link(LinkId(0)).to, net.link(LinkId(2)).from);

    // With a 0.1 mm tolerance they stay apart.
    GraphBuildOptions fine = no_pruning();
    fine.snap_tolerance_m = 0.0001;
    EXPECT_EQ(build(ways, fine).node_count(), 4u);
}

TEST(RoadGraph, SnapToleranceMergesCloseVerticesOnAnyGridPosition) {
    // RoadLayerConfig::snap_tolerance_m: "vertices closer than this are one node".
    // 100.0049 and 100.0051 are 0.2 mm apart, well within 1 cm, wherever they lie.
    const std::vector<RoadWay> ways{way(1, {{0, 0}, {100.0049, 0}}), way(2, {{100.0051, 0}, {100, 100}})};
    GraphBuildReport report;
    const auto net = build_road_network(ways, no_pruning(), report);
    EXPECT_EQ(report.nodes_before_pruning, 3u);
    EXPECT_EQ(net.node_count(), 3u);
}

TEST(RoadGraph, RepeatedVerticesAreRemovedAndDegenerateWaysSkipped) {
    const std::vector<RoadWay> ways{way(1, {{0, 0}, {0, 0}, {50, 0}, {50.001, 0}, {100, 0}}),
                                    way(2, {{5, 5}, {5.001, 5}})};  // collapses to one point
    const auto net = build(ways, no_pruning());
    EXPECT_EQ(net.node_count(), 2u);
    ASSERT_EQ(net.link_count(), 2u);
    EXPECT_EQ(net.link(LinkId(0)).geometry, (Polyline{{0, 0}, {50, 0}, {100, 0}}));
}

TEST(RoadGraph, SameInputGivesSameLinksInSameOrder) {
    std::vector<RoadWay> ways = cross();
    ways.push_back(way(3, {{100, 0}, {100, 50}, {0, 50}}, OnewayDirection::Forward, RoadClass::Tertiary));
    ways.push_back(way(4, {{-100, 0}, {-100, -50}, {0, -50}}, OnewayDirection::Backward, RoadClass::Service));
    const auto a = build(ways);
    const auto b = build(ways);
    ASSERT_EQ(a.node_count(), b.node_count());
    ASSERT_EQ(a.link_count(), b.link_count());
    EXPECT_EQ(a.link_count(), 10u);
    for (std::uint32_t i = 0; i < a.node_count(); ++i) EXPECT_EQ(a.nodes()[i].position, b.nodes()[i].position);
    for (std::uint32_t i = 0; i < a.link_count(); ++i) {
        const Link &x = a.links()[i], &y = b.links()[i];
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.from, y.from);
        EXPECT_EQ(x.to, y.to);
        EXPECT_EQ(x.source_id, y.source_id);
        EXPECT_EQ(x.reversed, y.reversed);
        EXPECT_EQ(x.geometry, y.geometry);
        EXPECT_EQ(x.length_m, y.length_m);
        EXPECT_EQ(x.capacity_vph, y.capacity_vph);
    }
}

TEST(RoadGraph, EmptyInputGivesEmptyNetwork) {
    GraphBuildReport report;
    const auto net = build_road_network({}, GraphBuildOptions{}, report);
    EXPECT_EQ(net.node_count(), 0u);
    EXPECT_EQ(net.link_count(), 0u);
    EXPECT_EQ(report.components, 0u);
}

}  // namespace
}  // namespace citytwin::geodata
