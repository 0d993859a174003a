// Junction control and turn restrictions through load_city: the hand-made OSM file
// tests/geodata/junctions.osm (signals, a stop sign, a roundabout, restriction
// relations), a GeoJSON junctions layer with a CSV restriction table, the errors a user
// sees, and the pure matching functions on tiny cases.
#include "test_helpers.hpp"

#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/feature_reader.hpp>
#include <citytwin/geodata/junctions.hpp>
#include <citytwin/geodata/turn_restrictions.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>

namespace citytwin::geodata {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::TempDir;
using citytwin::testing::write_file;

// ---- the OSM fixture -------------------------------------------------------------
// Metres east/north of (3.0 E, 0.01 N), as the comments in junctions.osm give them:
//   J (0,0)    + junction of West, North, South and East
//   signal     on West at (-10,0): not a graph node, 10 m from J
//   K (12,0)   T junction (East continues, Side goes north), signal on the node
//   S (0,-100) T junction of South and Cross; stop sign on South at (0,-92)
//   R1 (130,0), R3 (170,0): where East and Exit meet the roundabout ring
// Relations: 201 no_left_turn West -> North (members written to, via, from),
// 202 only_straight_on North -> South, 203 no_right_turn with a via way (not supported).
const fs::path osm_fixture = fs::path(CITYTWIN_SOURCE_DIR) / "tests" / "geodata" / "junctions.osm";

Point lonlat_of(double east_m, double north_m) { return {3.0 + east_m / 111320.0, 0.01 + north_m / 110574.0}; }

struct OsmJunctions {
    LoadReport report;
    CityModel model;
    NodeId at(double east_m, double north_m) const {
        const Point p = transform_points({lonlat_of(east_m, north_m)}, "EPSG:4326", model.crs).front();
        for (const auto& n : model.roads->nodes())
            if (std::hypot(n.position.x - p.x, n.position.y - p.y) < 1.0) return n.id;
        ADD_FAILURE() << "no node at " << east_m << ", " << north_m;
        return NodeId();
    }
    const Node& node(double east_m, double north_m) const { return model.roads->node(at(east_m, north_m)); }
    // The link of OSM way `way` that runs from node a to node b.
    LinkId link(long way, NodeId a, NodeId b) const {
        for (const auto& l : model.roads->links())
            if (l.source_id == way && l.from == a && l.to == b) return l.id;
        ADD_FAILURE() << "no link of way " << way << " from " << a.value << " to " << b.value;
        return LinkId();
    }
};

OsmJunctions load_osm(double signal_join_m = 20.0) {
    CityConfig c;
    c.name = "junctions";
    c.crs = "EPSG:32631";  // UTM 31N: 3° E is its central meridian
    RoadLayerConfig roads;
    roads.source = osm_fixture.string();
    roads.signal_join_distance_m = signal_join_m;
    c.roads = roads;
    OsmJunctions out;
    out.model = load_city(c, {}, out.report);
    return out;
}

std::map<JunctionControl, int> count_controls(const RoadNetwork& net) {
    std::map<JunctionControl, int> n;
    for (const auto& node : net.nodes()) ++n[node.control];
    return n;
}

TEST(OsmJunctions, ControlsPerNode) {
    const auto j = load_osm();
    ASSERT_EQ(j.model.roads->node_count(), 11u);  // J K S R1 R3 and six dead ends
    const auto n = count_controls(*j.model.roads);
    EXPECT_EQ(n.at(JunctionControl::Signal), 2);
    EXPECT_EQ(n.at(JunctionControl::Stop), 1);
    EXPECT_EQ(n.at(JunctionControl::Roundabout), 2);
    EXPECT_EQ(n.at(JunctionControl::Priority), 6);
    EXPECT_EQ(j.node(0, 0).control, JunctionControl::Signal);     // from the approach signal
    EXPECT_EQ(j.node(12, 0).control, JunctionControl::Signal);    // its own signal
    EXPECT_EQ(j.node(0, -100).control, JunctionControl::Stop);    // the sign 8 m up South
    EXPECT_EQ(j.node(130, 0).control, JunctionControl::Roundabout);
    EXPECT_EQ(j.node(170, 0).control, JunctionControl::Roundabout);
    EXPECT_EQ(j.node(-100, 0).control, JunctionControl::Priority);
    const auto& r = j.report.junctions.osm;
    EXPECT_EQ(r.signals, 2u);
    EXPECT_EQ(r.signals_unmatched, 0u);
    EXPECT_EQ(r.signs, 1u);
    EXPECT_EQ(j.report.junctions.roundabout_nodes, 2u);
}

TEST(OsmJunctions, SignalsTwelveMetresApartShareTheLowestIdAsController) {
    const auto j = load_osm();
    const NodeId J = j.at(0, 0), K = j.at(12, 0);
    const NodeId lowest = std::min(J, K);
    EXPECT_EQ(j.model.roads->node(J).controller, lowest);
    EXPECT_EQ(j.model.roads->node(K).controller, lowest);
    EXPECT_FALSE(j.node(0, -100).controller.valid());
    EXPECT_EQ(j.report.junctions.controllers, 1u);
}

TEST(OsmJunctions, JoinDistanceIsConfigurable) {
    // 5 m: the approach signal reaches no junction and sits on no node; K stays alone.
    const auto j = load_osm(5.0);
    EXPECT_EQ(j.node(0, 0).control, JunctionControl::Priority);
    EXPECT_EQ(j.node(12, 0).control, JunctionControl::Signal);
    EXPECT_EQ(j.report.junctions.osm.signals_unmatched, 1u);
    EXPECT_EQ(j.report.junctions.controllers, 1u);
}

TEST(OsmJunctions, RestrictionRelationsResolveToLinks) {
    const auto j = load_osm();
    const NodeId J = j.at(0, 0), W = j.at(-100, 0), N = j.at(0, 100), S = j.at(0, -100), K = j.at(12, 0);
    const auto& rs = j.model.roads->turn_restrictions();
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(j.report.junctions.restrictions_read, 3u);
    EXPECT_EQ(j.report.junctions.restrictions_skipped, 1u);
    ASSERT_EQ(j.report.junctions.skipped.size(), 1u);
    EXPECT_NE(j.report.junctions.skipped[0].find("relation 203"), std::string::npos);
    EXPECT_NE(j.report.junctions.skipped[0].find("via is a way"), std::string::npos);

    // 201 lists `to` first: the left turn (bearings) decides that West is `from`.
    const LinkId west_in = j.link(101, W, J), north_out = j.link(102, J, N);
    const auto no_left = std::find_if(rs.begin(), rs.end(), [](const auto& r) { return r.source_id == 201; });
    ASSERT_NE(no_left, rs.end());
    EXPECT_EQ(no_left->from, west_in);
    EXPECT_EQ(no_left->to, north_out);
    EXPECT_FALSE(no_left->only);

    const LinkId north_in = j.link(102, N, J), south_out = j.link(103, J, S);
    const auto straight = std::find_if(rs.begin(), rs.end(), [](const auto& r) { return r.source_id == 202; });
    ASSERT_NE(straight, rs.end());
    EXPECT_EQ(straight->from, north_in);
    EXPECT_EQ(straight->to, south_out);
    EXPECT_TRUE(straight->only);

    const auto& net = *j.model.roads;
    EXPECT_FALSE(net.turn_allowed(west_in, north_out));
    EXPECT_TRUE(net.turn_allowed(west_in, j.link(104, J, K)));
    EXPECT_TRUE(net.turn_allowed(north_in, south_out));
    EXPECT_FALSE(net.turn_allowed(north_in, j.link(104, J, K)));
}

TEST(OsmJunctions, RoundaboutLinksAreFlagged) {
    const auto j = load_osm();
    std::size_t ring = 0;
    for (const auto& l : j.model.roads->links()) {
        EXPECT_EQ(l.roundabout, l.source_id == 108) << "link " << l.id.value;
        ring += l.roundabout;
    }
    EXPECT_EQ(ring, 2u);  // R1 -> R3 and R3 -> R1, one way round
}

// ---- pure functions on tiny cases ------------------------------------------------

TEST(RestrictionType, ParsesNoAndOnly) {
    EXPECT_EQ(parse_restriction_type("no_left_turn")->kind, TurnKind::Left);
    EXPECT_FALSE(parse_restriction_type("no_left_turn")->only);
    EXPECT_EQ(parse_restriction_type("Only_Straight_On")->kind, TurnKind::Straight);
    EXPECT_TRUE(parse_restriction_type("only_straight_on")->only);
    EXPECT_EQ(parse_restriction_type("no_u_turn")->kind, TurnKind::UTurn);
    EXPECT_EQ(parse_restriction_type("no_entry")->kind, TurnKind::Any);
    EXPECT_FALSE(parse_restriction_type("give_way"));
    EXPECT_FALSE(parse_restriction_type(""));
}

TEST(SignalControllers, JoinTransitivelyAndLeaveOthersAlone) {
    // Signals at x = 0, 15, 30 (chain of 15 m steps) and 100; a stop at 5.
    std::vector<Node> nodes;
    for (double x : {30.0, 0.0, 15.0, 100.0, 5.0}) nodes.push_back({NodeId(static_cast<std::uint32_t>(nodes.size())), {x, 0}});
    for (int i : {0, 1, 2, 3}) nodes[i].control = JunctionControl::Signal;
    nodes[4].control = JunctionControl::Stop;
    EXPECT_EQ(assign_signal_controllers(nodes, 20.0), 2u);
    EXPECT_EQ(nodes[0].controller, NodeId(0));
    EXPECT_EQ(nodes[1].controller, NodeId(0));
    EXPECT_EQ(nodes[2].controller, NodeId(0));
    EXPECT_EQ(nodes[3].controller, NodeId(3));
    EXPECT_FALSE(nodes[4].controller.valid());
}

}  // namespace
}  // namespace citytwin::geodata
