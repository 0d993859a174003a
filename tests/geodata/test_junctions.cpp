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
using citytwin::testing::collection;
using citytwin::testing::feature;
using citytwin::testing::line;
using citytwin::testing::point;
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

// ---- any other source: a junctions layer, a restriction table, given greens --------
// SWEREF99 TM metres from (500000, 6600000): A(0,0) B(100,0) C(200,0) D(100,100) E(100,-100).
//  11 A-B two-way, green 5 s + 25 s for its digitised direction (A -> B)
//  12 B-C two-way; 13 B-D two-way; 15 E -> B and 16 B -> E one way each (a SUMO-like pair),
//  15 with green 40 s + 30 s.
constexpr const char* sweref = "urn:ogc:def:crs:EPSG::3006";

std::string road(int id, const std::string& oneway, const std::string& green, const std::string& coords) {
    return feature(id, R"("highway":"residential","oneway":)" + oneway + "," + green, line(coords));
}

struct GivenJunctions {
    TempDir dir;
    CityConfig config;
    GivenJunctions(const std::string& junction_features, const std::string& table_csv) {
        const std::string no_green = R"("g_start":null,"g_dur":null)";
        write_file(dir / "roads.geojson",
                   collection(sweref, road(11, "null", R"("g_start":5,"g_dur":25)", "[500000,6600000],[500100,6600000]") + "," +
                                          road(12, "null", no_green, "[500100,6600000],[500200,6600000]") + "," +
                                          road(13, "null", no_green, "[500100,6600000],[500100,6600100]") + "," +
                                          road(15, R"("yes")", R"("g_start":40,"g_dur":30)", "[500100,6599900],[500100,6600000]") + "," +
                                          road(16, R"("yes")", no_green, "[500100,6600000],[500100,6599900]")));
        write_file(dir / "junctions.geojson", collection(sweref, junction_features));
        write_file(dir / "turns.csv", table_csv);
        config.name = "given";
        config.crs = "EPSG:3006";
        RoadLayerConfig r;
        r.source = (dir / "roads.geojson").string();
        r.class_field = "highway";
        r.oneway_field = "oneway";
        r.signal_green_start_field = "g_start";
        r.signal_green_duration_field = "g_dur";
        config.roads = r;
        JunctionLayerConfig j;
        j.source = (dir / "junctions.geojson").string();
        config.junctions = j;
        TurnRestrictionTableConfig t;
        t.source = (dir / "turns.csv").string();
        config.turn_restrictions = t;
    }
};

std::string junction(int id, const std::string& control, double x, double y, const std::string& extra = "") {
    return feature(id, R"("control":")" + control + "\"" + extra, point(500000 + x, 6600000 + y));
}

const std::string good_junctions = junction(1, "signal", 101, 2, R"(,"cycle_s":90,"offset_s":10)") + "," +
                                   junction(2, "stop", 200, -3, R"(,"cycle_s":null,"offset_s":null)") + "," +
                                   junction(3, "yield", 300, 300, R"(,"cycle_s":null,"offset_s":null)");
const std::string good_table = "from_id,to_id,restriction\n11,13,no_left_turn\n12,11,only_straight_on\n";

NodeId node_near(const RoadNetwork& net, double x, double y) {
    for (const auto& n : net.nodes())
        if (std::hypot(n.position.x - 500000 - x, n.position.y - 6600000 - y) < 0.01) return n.id;
    ADD_FAILURE() << "no node at " << x << ", " << y;
    return NodeId();
}

LinkId link_of(const RoadNetwork& net, std::int64_t road, NodeId from, NodeId to) {
    for (const auto& l : net.links())
        if (l.source_id == road && l.from == from && l.to == to) return l.id;
    ADD_FAILURE() << "no link of road " << road;
    return LinkId();
}

TEST(GivenJunctions, LayerPointsGoToTheNearestNode) {
    GivenJunctions g(good_junctions, good_table);
    LoadReport report;
    const auto model = load_city(g.config, {}, report);
    const auto& net = *model.roads;
    const Node& b = net.node(node_near(net, 100, 0));
    EXPECT_EQ(b.control, JunctionControl::Signal);
    EXPECT_FLOAT_EQ(b.cycle_s, 90.0f);
    EXPECT_FLOAT_EQ(b.offset_s, 10.0f);
    EXPECT_EQ(b.controller, b.id);
    EXPECT_EQ(net.node(node_near(net, 200, 0)).control, JunctionControl::Stop);
    EXPECT_EQ(net.node(node_near(net, 0, 0)).control, JunctionControl::Priority);
    EXPECT_EQ(report.junctions.layer.signals, 1u);
    EXPECT_EQ(report.junctions.layer.signs, 2u);
    EXPECT_EQ(report.junctions.layer.signs_unmatched, 1u);  // the yield 300 m away
    ASSERT_FALSE(report.warnings.empty());
    EXPECT_NE(report.warnings.back().find("1 junction point(s)"), std::string::npos);
}

TEST(GivenJunctions, TableRestrictionsAreTurnsAtTheSharedNode) {
    GivenJunctions g(good_junctions, good_table);
    LoadReport report;
    const auto net = *load_city(g.config, {}, report).roads;
    const NodeId A = node_near(net, 0, 0), B = node_near(net, 100, 0), C = node_near(net, 200, 0),
                 D = node_near(net, 100, 100);
    const auto& rs = net.turn_restrictions();
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(report.junctions.restriction_rows, 2u);
    const LinkId ab = link_of(net, 11, A, B), bd = link_of(net, 13, B, D), cb = link_of(net, 12, C, B),
                 ba = link_of(net, 11, B, A);
    EXPECT_FALSE(net.turn_allowed(ab, bd));
    EXPECT_TRUE(net.turn_allowed(ab, link_of(net, 12, B, C)));
    EXPECT_TRUE(net.turn_allowed(cb, ba));
    EXPECT_FALSE(net.turn_allowed(cb, bd));
}

TEST(GivenJunctions, GreensGoToTheDigitisedDirection) {
    GivenJunctions g(good_junctions, good_table);
    LoadReport report;
    const auto net = *load_city(g.config, {}, report).roads;
    const NodeId A = node_near(net, 0, 0), B = node_near(net, 100, 0), E = node_near(net, 0 + 100, -100);
    const auto& greens = net.signal_greens();
    ASSERT_EQ(greens.size(), 2u);
    EXPECT_EQ(report.junctions.signal_greens, 2u);
    std::map<std::uint32_t, std::pair<float, float>> by_link;
    for (const auto& gr : greens) by_link[gr.in_link.value] = {gr.start_s, gr.duration_s};
    EXPECT_EQ(by_link.at(link_of(net, 11, A, B).value), std::make_pair(5.0f, 25.0f));
    EXPECT_EQ(by_link.at(link_of(net, 15, E, B).value), std::make_pair(40.0f, 30.0f));
    EXPECT_EQ(by_link.count(link_of(net, 11, B, A).value), 0u);
}

// A movement green table: 11 (A -> B) turning into 13 (B -> D) has its own green.
void add_movement_greens(GivenJunctions& g, const std::string& csv) {
    write_file(g.dir / "greens.csv", csv);
    SignalGreenTableConfig t;
    t.source = (g.dir / "greens.csv").string();
    g.config.signal_greens = t;
}

TEST(GivenJunctions, MovementGreensGoToTheTurnAtTheSharedNode) {
    GivenJunctions g(good_junctions, good_table);
    add_movement_greens(g, "from_id,to_id,green_start_s,green_duration_s\n11,13,50,20\n");
    LoadReport report;
    const auto net = *load_city(g.config, {}, report).roads;
    const NodeId A = node_near(net, 0, 0), B = node_near(net, 100, 0), D = node_near(net, 100, 100);
    std::vector<SignalGreen> movements;
    for (const auto& gr : net.signal_greens())
        if (gr.to_link.valid()) movements.push_back(gr);
    ASSERT_EQ(movements.size(), 1u);
    EXPECT_EQ(movements[0].in_link, link_of(net, 11, A, B));
    EXPECT_EQ(movements[0].to_link, link_of(net, 13, B, D));
    EXPECT_FLOAT_EQ(movements[0].start_s, 50.0f);
    EXPECT_FLOAT_EQ(movements[0].duration_s, 20.0f);
    EXPECT_EQ(net.signal_greens().size(), 3u);  // and the two greens of the roads layer
}

std::string load_error(const GivenJunctions& g) {
    try {
        LoadReport report;
        load_city(g.config, {}, report);
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an error";
    return {};
}

TEST(GivenJunctions, UnknownControlNamesFileLayerFeatureAndField) {
    const GivenJunctions g(junction(1, "signal", 101, 2) + "," + junction(7, "flashing", 200, 0), good_table);
    const std::string e = load_error(g);
    EXPECT_NE(e.find("junctions.geojson"), std::string::npos) << e;
    EXPECT_NE(e.find("layer 'junctions'"), std::string::npos) << e;
    EXPECT_NE(e.find("feature 7"), std::string::npos) << e;
    EXPECT_NE(e.find("field 'control'"), std::string::npos) << e;
    EXPECT_NE(e.find("'flashing'"), std::string::npos) << e;
}

TEST(GivenJunctions, UnknownFieldIsAnError) {
    GivenJunctions g(good_junctions, good_table);
    g.config.junctions->control_field = "kontroll";
    const std::string e = load_error(g);
    EXPECT_NE(e.find("kontroll"), std::string::npos) << e;
    EXPECT_NE(e.find("junctions.geojson"), std::string::npos) << e;
}

TEST(GivenJunctions, UnknownRoadIdNamesTheRowAndField) {
    const GivenJunctions g(good_junctions, "from_id,to_id,restriction\n11,13,no_left_turn\n12,99,no_right_turn\n");
    const std::string e = load_error(g);
    EXPECT_NE(e.find("turns.csv"), std::string::npos) << e;
    EXPECT_NE(e.find("feature 2"), std::string::npos) << e;
    EXPECT_NE(e.find("field 'to_id'"), std::string::npos) << e;
    EXPECT_NE(e.find("road id 99"), std::string::npos) << e;
}

TEST(GivenJunctions, MovementGreenErrorsNameTheRowAndField) {
    GivenJunctions g(good_junctions, good_table);
    add_movement_greens(g, "from_id,to_id,green_start_s,green_duration_s\n11,13,50,20\n11,12,0,0\n");
    std::string e = load_error(g);
    EXPECT_NE(e.find("greens.csv"), std::string::npos) << e;
    EXPECT_NE(e.find("feature 2"), std::string::npos) << e;
    EXPECT_NE(e.find("green_duration_s"), std::string::npos) << e;
    add_movement_greens(g, "from_id,to_id,green_start_s,green_duration_s\n11,77,50,20\n");
    e = load_error(g);
    EXPECT_NE(e.find("field 'to_id'"), std::string::npos) << e;
    EXPECT_NE(e.find("road id 77"), std::string::npos) << e;
}

TEST(GivenJunctions, EmptyJunctionLayerIsAnError) {
    const GivenJunctions g("", good_table);
    const std::string e = load_error(g);
    EXPECT_NE(e.find("junctions.geojson"), std::string::npos) << e;
    EXPECT_NE(e.find("empty"), std::string::npos) << e;
}

TEST(GivenJunctions, BadRestrictionTypeNamesTheRow) {
    const GivenJunctions g(good_junctions, "from_id,to_id,restriction\n11,13,maybe_left\n");
    const std::string e = load_error(g);
    EXPECT_NE(e.find("turns.csv"), std::string::npos) << e;
    EXPECT_NE(e.find("field 'restriction'"), std::string::npos) << e;
    EXPECT_NE(e.find("maybe_left"), std::string::npos) << e;
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
    for (double x : {30.0, 0.0, 15.0, 100.0, 5.0}) {
        Node n;
        n.id = NodeId(static_cast<std::uint32_t>(nodes.size()));
        n.position = {x, 0};
        nodes.push_back(n);
    }
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
