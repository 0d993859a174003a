// Infrastructure edits on a tiny hand-made city: five nodes, seven links, four buildings,
// two access points. Every answer is exact, and every edit is checked to leave the
// baseline model untouched and to share the components it does not change.
#include <citytwin/geodata/edits.hpp>
#include <citytwin/geodata/junctions.hpp>
#include <citytwin/geodata/error.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace citytwin::geodata {
namespace {

// Whole-metre coordinates: every length, area and centroid below is exact in binary.
//
//   3 (0,100) <-L3- 2 (100,100)
//   |L4             ^ L2
//   v               |
//   0 (0,0)  <-L1-> 1 (100,0) <-L5/L6-> 4 (250,0)
//            -L0->
Link make_link(std::uint32_t id, std::uint32_t from, std::uint32_t to, Polyline line, std::string name) {
    Link l;
    l.id = LinkId(id);
    l.from = NodeId(from);
    l.to = NodeId(to);
    l.geometry = std::move(line);
    l.length_m = length(l.geometry);
    l.freeflow_speed_mps = 30.0 / 3.6;
    l.lanes = 1;
    l.capacity_vph = 600.0;
    l.storage_veh = l.length_m / vehicle_spacing_m;  // as the loader computes it for one lane
    l.road_class = RoadClass::Residential;
    l.name = std::move(name);
    return l;
}

MultiPolygon box(double x0, double y0, double x1, double y1) {
    return {{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
}

Building make_building(std::int64_t source_id, double x, double y) {
    Building b;
    b.source_id = source_id;
    b.footprint = box(x - 5, y - 5, x + 5, y + 5);
    b.footprint_area_m2 = 100.0;
    b.height_m = 9.0;
    b.levels = 3.0;
    b.floor_area_m2 = 300.0;
    b.centroid = {x, y};
    b.use = BuildingUse::Residential;
    return b;
}

AccessPoint make_ap(std::uint32_t id, std::string name, Point p) {
    AccessPoint ap;
    ap.id = AccessPointId(id);
    ap.source_id = 500 + id;
    ap.name = std::move(name);
    ap.position = p;
    return ap;
}

CityModel tiny_city() {
    std::vector<Node> nodes;
    for (const Point p : {Point{0, 0}, Point{100, 0}, Point{100, 100}, Point{0, 100}, Point{250, 0}})
        nodes.push_back(Node{.id = NodeId(static_cast<std::uint32_t>(nodes.size())), .position = p});
    std::vector<Link> links{
        make_link(0, 0, 1, {{0, 0}, {100, 0}}, "Main Street"),
        make_link(1, 1, 0, {{100, 0}, {0, 0}}, "Main Street"),
        make_link(2, 1, 2, {{100, 0}, {100, 100}}, "Rue du Port"),
        make_link(3, 2, 3, {{100, 100}, {0, 100}}, "Avenue de la Gare"),
        make_link(4, 3, 0, {{0, 100}, {0, 0}}, ""),
        make_link(5, 1, 4, {{100, 0}, {250, 0}}, "Quai Sud"),
        make_link(6, 4, 1, {{250, 0}, {100, 0}}, "Quai Sud"),
    };
    CityModel m;
    m.name = "tiny";
    m.crs = "EPSG:32632";
    m.roads = std::make_shared<RoadNetwork>(std::move(nodes), std::move(links));
    std::vector<Building> b;
    for (std::uint32_t i = 0; i < 4; ++i) {
        b.push_back(make_building(100 + i, 20.0 + 20.0 * i, 50.0));
        b.back().id = BuildingId(i);
    }
    m.buildings = std::make_shared<std::vector<Building>>(std::move(b));
    m.access_points = std::make_shared<std::vector<AccessPoint>>(
        std::vector<AccessPoint>{make_ap(0, "north", {50, 90}), make_ap(1, "east", {200, 10})});
    m.bounds = Box::none();
    for (const auto& n : m.roads->nodes()) m.bounds.extend(n.position);
    return m;
}

std::vector<LinkId> ids(std::initializer_list<std::uint32_t> v) {
    std::vector<LinkId> out;
    for (auto i : v) out.emplace_back(i);
    return out;
}

// The message of the Error `f` throws ("" when it throws nothing).
template <typename F>
std::string error_of(F f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// ---------------------------------------------------------------- selection

TEST(SelectLinks, ByIdSortedAndUnique) {
    const CityModel m = tiny_city();
    LinkSelection s;
    s.ids = {3, 0, 3};
    EXPECT_EQ(select_links(*m.roads, s), ids({0, 3}));
    EXPECT_TRUE(LinkSelection{}.empty());
    EXPECT_FALSE(s.empty());
}

TEST(SelectLinks, IdOutOfRangeNamesTheValidRange) {
    const CityModel m = tiny_city();
    LinkSelection s;
    s.ids = {2, 7};
    EXPECT_EQ(error_of([&] { select_links(*m.roads, s); }),
              "link id 7 does not exist (the network has 7 links, ids 0…6)");
}

TEST(SelectLinks, ByNameIsCaseInsensitiveAndSelectsBothDirections) {
    const CityModel m = tiny_city();
    for (const char* name : {"Main Street", "main street", "MAIN STREET", "mAiN sTrEeT"}) {
        LinkSelection s;
        s.names = {name};
        EXPECT_EQ(select_links(*m.roads, s), ids({0, 1})) << name;
    }
    LinkSelection two;
    two.names = {"quai sud", "rue du port"};
    EXPECT_EQ(select_links(*m.roads, two), ids({2, 5, 6}));
}

TEST(SelectLinks, NameMustMatchWhole) {
    // "Main" is part of "Main Street" but not its name; it is too far from every name
    // (7 edits, at most 2 allowed) for a suggestion.
    const CityModel m = tiny_city();
    LinkSelection s;
    s.names = {"Main"};
    EXPECT_EQ(error_of([&] { select_links(*m.roads, s); }), "no road is named 'Main'");
}

TEST(SelectLinks, UnknownNameSuggestsTheNearest) {
    const CityModel m = tiny_city();
    LinkSelection s;
    s.names = {"Rue du Prot"};  // two substitutions from "Rue du Port"
    EXPECT_EQ(error_of([&] { select_links(*m.roads, s); }), "no road is named 'Rue du Prot' (did you mean 'Rue du Port'?)");
    s.names = {"quai sd"};  // one deletion; suggested as spelled in the data
    EXPECT_EQ(error_of([&] { select_links(*m.roads, s); }), "no road is named 'quai sd' (did you mean 'Quai Sud'?)");
    // A good name before a bad one does not hide the error.
    s.names = {"Main Street", "Main Stret"};
    EXPECT_EQ(error_of([&] { select_links(*m.roads, s); }),
              "no road is named 'Main Stret' (did you mean 'Main Street'?)");
}

TEST(SelectLinks, ByAreaUsesTheLinkMidpoint) {
    const CityModel m = tiny_city();
    LinkSelection s;
    // Midpoints: L0, L1 (50,0); L2 (100,50); L3 (50,100); L4 (0,50); L5, L6 (175,0).
    s.areas = {box(40, -10, 60, 10)};
    EXPECT_EQ(select_links(*m.roads, s), ids({0, 1}));
    // Only L2's midpoint; none of its ends.
    s.areas = {box(90, 40, 110, 60)};
    EXPECT_EQ(select_links(*m.roads, s), ids({2}));
    // Node 1 (100,0) lies inside, yet no midpoint does except those of L5 and L6.
    s.areas = {box(95, -5, 200, 5)};
    EXPECT_EQ(select_links(*m.roads, s), ids({5, 6}));
}

TEST(SelectLinks, CriteriaAreUnited) {
    const CityModel m = tiny_city();
    LinkSelection s;
    s.ids = {6};
    s.names = {"avenue de la gare"};
    s.areas = {box(-10, 40, 10, 60)};
    EXPECT_EQ(select_links(*m.roads, s), ids({3, 4, 6}));
}

TEST(SelectLinks, AreaWithoutLinksIsAnError) {
    const CityModel m = tiny_city();
    LinkSelection s;
    s.areas = {box(40, -10, 60, 10), box(1000, 1000, 1100, 1100)};
    EXPECT_EQ(error_of([&] { select_links(*m.roads, s); }), "area 2 contains no road link (is it in the right CRS?)");
}

TEST(LinksEntering, SquareCordon) {
    // The square holds nodes 1 and 2 only: L0 (0->1) and L6 (4->1) enter it; L1, L5 leave
    // it, L2 runs inside, L3 leaves, L4 is outside.
    const CityModel m = tiny_city();
    EXPECT_EQ(links_entering(*m.roads, box(50, -50, 150, 150)), ids({0, 6}));
    // Everything inside: nothing enters.
    EXPECT_TRUE(links_entering(*m.roads, box(-50, -50, 300, 150)).empty());
    // Only node 4: L5 enters.
    EXPECT_EQ(links_entering(*m.roads, box(200, -50, 300, 50)), ids({5}));
}

// ---------------------------------------------------------------- closures and tolls

TEST(CloseLinks, VariantSharesEverythingButTheClosures) {
    const CityModel base = tiny_city();
    CityModel variant = base;
    close_links(variant, ids({2, 3}), {8 * 3600, 9 * 3600}, "roadworks");

    EXPECT_TRUE(base.closures->empty());
    ASSERT_EQ(variant.closures->size(), 2u);
    EXPECT_EQ((*variant.closures)[0].link, LinkId(2));
    EXPECT_EQ((*variant.closures)[1].link, LinkId(3));
    for (const auto& c : *variant.closures) {
        EXPECT_EQ(c.window.from, 8 * 3600);
        EXPECT_EQ(c.window.to, 9 * 3600);
        EXPECT_EQ(c.reason, "roadworks");
    }
    // Closing a street copies no buildings, access points or roads.
    EXPECT_EQ(variant.roads.get(), base.roads.get());
    EXPECT_EQ(variant.buildings.get(), base.buildings.get());
    EXPECT_EQ(variant.access_points.get(), base.access_points.get());
    EXPECT_EQ(variant.districts.get(), base.districts.get());
    EXPECT_EQ(variant.tolls.get(), base.tolls.get());
    EXPECT_NE(variant.closures.get(), base.closures.get());

    // A variant of the variant appends; the first variant keeps its list.
    CityModel second = variant;
    close_links(second, ids({5}), {}, "event");
    EXPECT_EQ(variant.closures->size(), 2u);
    ASSERT_EQ(second.closures->size(), 3u);
    EXPECT_EQ((*second.closures)[2].link, LinkId(5));
    EXPECT_TRUE((*second.closures)[2].window.whole_day());
}

TEST(CloseLinks, RejectsBadWindowAndUnknownLink) {
    CityModel m = tiny_city();
    const auto* before = m.closures.get();
    EXPECT_EQ(error_of([&] { close_links(m, ids({1}), {9 * 3600, 8 * 3600}, "x"); }),
              "close links: the window ends before it starts");
    EXPECT_EQ(error_of([&] { close_links(m, ids({1}), {9 * 3600, 9 * 3600}, "x"); }),
              "close links: the window ends before it starts");
    EXPECT_EQ(error_of([&] { close_links(m, ids({1, 7}), {}, "x"); }),
              "close links: link id 7 does not exist (the network has 7 links)");
    EXPECT_EQ(m.closures.get(), before);  // a failed edit changes nothing
    EXPECT_TRUE(m.closures->empty());
}

TEST(ReopenLinks, RemovesOnlyTheNamedLinksClosures) {
    CityModel m = tiny_city();
    close_links(m, ids({2}), {7 * 3600, 8 * 3600}, "a");
    close_links(m, ids({3}), {7 * 3600, 8 * 3600}, "b");
    close_links(m, ids({2}), {17 * 3600, 18 * 3600}, "c");
    const CityModel closed = m;
    EXPECT_EQ(reopen_links(m, ids({2})), 2u);
    ASSERT_EQ(m.closures->size(), 1u);
    EXPECT_EQ((*m.closures)[0].link, LinkId(3));
    EXPECT_EQ((*m.closures)[0].reason, "b");
    EXPECT_EQ(closed.closures->size(), 3u);  // the model it was copied from keeps them
    EXPECT_EQ(reopen_links(m, ids({5, 6})), 0u);
    EXPECT_EQ(m.closures->size(), 1u);
    EXPECT_EQ(m.roads.get(), closed.roads.get());
}

TEST(AddTolls, AppendsAndSharesTheRest) {
    const CityModel base = tiny_city();
    CityModel m = base;
    add_tolls(m, ids({0, 6}), 2.5, {7 * 3600, 10 * 3600}, "cordon");
    EXPECT_TRUE(base.tolls->empty());
    ASSERT_EQ(m.tolls->size(), 2u);
    EXPECT_EQ((*m.tolls)[0].link, LinkId(0));
    EXPECT_EQ((*m.tolls)[1].link, LinkId(6));
    for (const auto& t : *m.tolls) {
        EXPECT_EQ(t.amount, 2.5);
        EXPECT_EQ(t.window.from, 7 * 3600);
        EXPECT_EQ(t.window.to, 10 * 3600);
        EXPECT_EQ(t.scheme, "cordon");
    }
    EXPECT_EQ(m.roads.get(), base.roads.get());
    EXPECT_EQ(m.closures.get(), base.closures.get());
    EXPECT_EQ(m.buildings.get(), base.buildings.get());
    EXPECT_EQ(error_of([&] { add_tolls(m, ids({0}), -1.0, {}, "x"); }), "toll: the amount must be >= 0");
    EXPECT_EQ(m.tolls->size(), 2u);
}

// ---------------------------------------------------------------- speed and lanes

TEST(SetSpeed, ChangesOnlyTheChosenLinks) {
    const CityModel base = tiny_city();
    CityModel m = base;
    set_speed(m, ids({0, 1}), 54.0);
    EXPECT_EQ(m.roads->link(LinkId(0)).freeflow_speed_mps, 54.0 / 3.6);
    EXPECT_EQ(m.roads->link(LinkId(1)).freeflow_speed_mps, 54.0 / 3.6);
    for (std::uint32_t l = 2; l < 7; ++l) EXPECT_EQ(m.roads->link(LinkId(l)).freeflow_speed_mps, 30.0 / 3.6) << l;
    EXPECT_EQ(base.roads->link(LinkId(0)).freeflow_speed_mps, 30.0 / 3.6);  // baseline untouched
    EXPECT_EQ(m.buildings.get(), base.buildings.get());
    EXPECT_EQ(m.access_points.get(), base.access_points.get());
    // The rebuilt network keeps its adjacency.
    ASSERT_EQ(m.roads->out_links(NodeId(1)).size(), 3u);
    EXPECT_EQ(*m.roads->out_links(NodeId(1)).begin(), LinkId(1));
    EXPECT_EQ(error_of([&] { set_speed(m, ids({0}), 0.0); }), "set speed: speed must be > 0 and <= 200 km/h");
    EXPECT_EQ(error_of([&] { set_speed(m, ids({0}), 250.0); }), "set speed: speed must be > 0 and <= 200 km/h");
}

TEST(SetLanes, CapacityAndStorageScaleWithLanes) {
    const CityModel base = tiny_city();
    CityModel m = base;
    // L5 is 150 m: one lane stores 150 / 7.5 = 20 vehicles and passes 600 veh/h.
    ASSERT_EQ(base.roads->link(LinkId(5)).storage_veh, 20.0);
    set_lanes(m, ids({5}), 2);
    const Link& l = m.roads->link(LinkId(5));
    EXPECT_EQ(l.lanes, 2);
    EXPECT_EQ(l.capacity_vph, 1200.0);
    EXPECT_EQ(l.storage_veh, 40.0);
    EXPECT_EQ(l.length_m, 150.0);
    EXPECT_EQ(m.roads->link(LinkId(6)).capacity_vph, 600.0);  // the other direction is its own link
    EXPECT_EQ(m.roads->link(LinkId(6)).lanes, 1);
    EXPECT_EQ(base.roads->link(LinkId(5)).capacity_vph, 600.0);
    set_lanes(m, ids({5}), 3);
    EXPECT_EQ(m.roads->link(LinkId(5)).capacity_vph, 1800.0);
    EXPECT_EQ(m.roads->link(LinkId(5)).storage_veh, 60.0);
    set_lanes(m, ids({5}), 1);
    EXPECT_EQ(m.roads->link(LinkId(5)).capacity_vph, 600.0);
    EXPECT_EQ(m.roads->link(LinkId(5)).storage_veh, 20.0);
    EXPECT_EQ(error_of([&] { set_lanes(m, ids({5}), 0); }), "set lanes: lanes must be 1…10");
    EXPECT_EQ(error_of([&] { set_lanes(m, ids({5}), 11); }), "set lanes: lanes must be 1…10");
}

// ---------------------------------------------------------------- new roads

TEST(Edits, KeepJunctionDataBesideTheGraph) {
    // Edits never renumber links, so restrictions, greens and node control go along.
    CityModel m = tiny_city();
    auto net = std::make_shared<RoadNetwork>(*m.roads);
    net->set_turn_restrictions({{LinkId(0), LinkId(2), false, 7}});
    net->set_signal_greens({{LinkId(0), 5.0f, 25.0f, LinkId()}});
    std::vector<Node> nodes = net->nodes();
    nodes[1].control = JunctionControl::Signal;
    nodes[1].controller = NodeId(1);
    m.roads = std::make_shared<RoadNetwork>(with_nodes(*net, std::move(nodes)));
    set_speed(m, ids({0}), 40.0);
    NewRoad r;
    r.line = {{3, -4}, {50, -60}, {248, 2}};
    add_road(m, r);
    ASSERT_EQ(m.roads->turn_restrictions().size(), 1u);
    EXPECT_FALSE(m.roads->turn_allowed(LinkId(0), LinkId(2)));
    ASSERT_EQ(m.roads->signal_greens().size(), 1u);
    EXPECT_EQ(m.roads->signal_greens()[0].in_link, LinkId(0));
    EXPECT_EQ(m.roads->node(NodeId(1)).control, JunctionControl::Signal);
}

TEST(AddRoad, SnapsEndsToTheNearestNodesAndAppendsBothDirections) {
    const CityModel base = tiny_city();
    CityModel m = base;
    NewRoad r;
    // Starts 5 m from node 0 (0,0), bends south, ends 2.8 m from node 4 (250,0).
    r.line = {{3, -4}, {50, -60}, {248, 2}};
    r.name = "Bypass";
    r.road_class = RoadClass::Residential;
    const auto added = add_road(m, r);
    EXPECT_EQ(added, ids({7, 8}));
    ASSERT_EQ(m.roads->link_count(), 9u);
    EXPECT_EQ(m.roads->node_count(), 5u);  // no node is added: the ends join existing ones

    const Polyline forward{{0, 0}, {50, -60}, {250, 0}};
    const double len = std::hypot(50.0, 60.0) + std::hypot(200.0, 60.0);
    const Link& f = m.roads->link(LinkId(7));
    EXPECT_EQ(f.id, LinkId(7));
    EXPECT_EQ(f.from, NodeId(0));
    EXPECT_EQ(f.to, NodeId(4));
    EXPECT_EQ(f.geometry, forward);
    EXPECT_EQ(f.geometry.front(), m.roads->node(NodeId(0)).position);
    EXPECT_EQ(f.geometry.back(), m.roads->node(NodeId(4)).position);
    EXPECT_DOUBLE_EQ(f.length_m, len);
    EXPECT_FALSE(f.reversed);
    EXPECT_EQ(f.name, "Bypass");
    EXPECT_EQ(f.road_class, RoadClass::Residential);
    // Residential defaults: 30 km/h, 1 lane, 600 veh/h per lane.
    EXPECT_EQ(f.freeflow_speed_mps, 30.0 / 3.6);
    EXPECT_EQ(f.lanes, 1);
    EXPECT_EQ(f.capacity_vph, 1773.0);
    EXPECT_DOUBLE_EQ(f.storage_veh, len / 7.5);

    const Link& b = m.roads->link(LinkId(8));
    EXPECT_EQ(b.from, NodeId(4));
    EXPECT_EQ(b.to, NodeId(0));
    EXPECT_EQ(b.geometry, (Polyline{{250, 0}, {50, -60}, {0, 0}}));
    EXPECT_EQ(b.length_m, f.length_m);
    EXPECT_TRUE(b.reversed);

    // Existing links keep their ids and ends; the baseline keeps its 7 links.
    for (std::uint32_t i = 0; i < 7; ++i) {
        const Link& old = base.roads->link(LinkId(i));
        const Link& now = m.roads->link(LinkId(i));
        EXPECT_EQ(now.id, old.id);
        EXPECT_EQ(now.from, old.from);
        EXPECT_EQ(now.to, old.to);
        EXPECT_EQ(now.name, old.name);
    }
    EXPECT_EQ(base.roads->link_count(), 7u);
    // The new links are part of the graph.
    bool leaves_0 = false, enters_0 = false;
    for (const LinkId l : m.roads->out_links(NodeId(0))) leaves_0 |= l == LinkId(7);
    for (const LinkId l : m.roads->in_links(NodeId(0))) enters_0 |= l == LinkId(8);
    EXPECT_TRUE(leaves_0);
    EXPECT_TRUE(enters_0);
    // The bend at y = -60 extends the bounds; the rest is shared.
    EXPECT_EQ(m.bounds.min.y, -60.0);
    EXPECT_EQ(base.bounds.min.y, 0.0);
    EXPECT_EQ(m.buildings.get(), base.buildings.get());
    EXPECT_EQ(m.closures.get(), base.closures.get());
}

TEST(AddRoad, GivenSpeedAndLanes) {
    CityModel m = tiny_city();
    NewRoad r;
    r.line = {{100, 100}, {250, 0}};
    r.road_class = RoadClass::Primary;  // 60 km/h, 1 lane, 2 278 veh/h per lane by default
    r.speed_kmh = 45.0;
    r.lanes = 2;
    const auto added = add_road(m, r);
    ASSERT_EQ(added.size(), 2u);
    for (const LinkId id : added) {
        const Link& l = m.roads->link(id);
        EXPECT_EQ(l.freeflow_speed_mps, 45.0 / 3.6);
        EXPECT_EQ(l.lanes, 2);
        EXPECT_EQ(l.capacity_vph, 2 * 2278.0);
        EXPECT_DOUBLE_EQ(l.storage_veh, std::hypot(150.0, 100.0) * 2 / 7.5);
    }
}

TEST(AddRoad, OnewayGivesOneLink) {
    CityModel m = tiny_city();
    NewRoad r;
    r.line = {{0, 100}, {250, 0}};
    r.oneway = true;
    EXPECT_EQ(add_road(m, r), ids({7}));
    ASSERT_EQ(m.roads->link_count(), 8u);
    EXPECT_EQ(m.roads->link(LinkId(7)).from, NodeId(3));
    EXPECT_EQ(m.roads->link(LinkId(7)).to, NodeId(4));
}

TEST(AddRoad, EndTooFarFromAnyNodeNamesTheDistance) {
    CityModel m = tiny_city();
    const auto* roads = m.roads.get();
    NewRoad r;
    // The end (250,130) is 130 m from node 4 (250,0), 153 m from node 2 (100,100).
    r.line = {{0, 0}, {250, 130}};
    EXPECT_EQ(error_of([&] { add_road(m, r); }),
              "add road: its end (250, 130) is 130 m from the nearest road node (at most 100 m; raise max_snap_m or "
              "move the end)");
    r.line = {{-120, 0}, {250, 0}};
    EXPECT_EQ(error_of([&] { add_road(m, r); }),
              "add road: its start (-120, 0) is 120 m from the nearest road node (at most 100 m; raise max_snap_m or "
              "move the end)");
    EXPECT_EQ(m.roads.get(), roads);  // nothing changed
    EXPECT_EQ(m.roads->link_count(), 7u);
    // Allowed with a larger snap distance: the end joins node 4.
    r.line = {{0, 0}, {250, 130}};
    r.max_snap_m = 150.0;
    const auto added = add_road(m, r);
    ASSERT_EQ(added.size(), 2u);
    EXPECT_EQ(m.roads->link(added[0]).to, NodeId(4));
}

TEST(AddRoad, RejectsDegenerateLines) {
    CityModel m = tiny_city();
    NewRoad r;
    r.line = {{0, 0}};
    EXPECT_EQ(error_of([&] { add_road(m, r); }), "add road: the line needs at least two points");
    r.line = {{1, 1}, {30, 30}, {2, -1}};  // both ends nearest node 0
    EXPECT_EQ(error_of([&] { add_road(m, r); }),
              "add road: both ends join the same node; draw it between two different junctions");
    EXPECT_EQ(m.roads->link_count(), 7u);
}

// ---------------------------------------------------------------- buildings

TEST(AddBuildings, FillsIdsAreaCentroidFloorAreaAndBounds) {
    const CityModel base = tiny_city();
    CityModel m = base;
    Building a;
    a.footprint = box(300, 300, 320, 310);  // 200 m², centroid (310, 305)
    a.height_m = 10.0;                      // no levels: round(10 / 3) = 3
    a.residents = 40;
    Building b;
    b.footprint = box(-40, -20, -30, 0);  // 200 m²
    b.height_m = 12.0;
    b.levels = 5.0;  // given: kept
    const auto added = add_buildings(m, {a, b});
    ASSERT_EQ(added.size(), 2u);
    EXPECT_EQ(added[0], BuildingId(4));
    EXPECT_EQ(added[1], BuildingId(5));
    ASSERT_EQ(m.buildings->size(), 6u);
    const Building& na = (*m.buildings)[4];
    EXPECT_EQ(na.id, BuildingId(4));
    EXPECT_EQ(na.footprint_area_m2, 200.0);
    EXPECT_EQ(na.centroid, (Point{310, 305}));
    EXPECT_EQ(na.levels, 3.0);
    EXPECT_EQ(na.floor_area_m2, 600.0);
    EXPECT_EQ(na.residents, 40.0);
    const Building& nb = (*m.buildings)[5];
    EXPECT_EQ(nb.id, BuildingId(5));
    EXPECT_EQ(nb.centroid, (Point{-35, -10}));
    EXPECT_EQ(nb.levels, 5.0);
    EXPECT_EQ(nb.floor_area_m2, 1000.0);
    EXPECT_EQ(m.bounds.min.x, -40.0);
    EXPECT_EQ(m.bounds.min.y, -20.0);
    EXPECT_EQ(m.bounds.max.x, 320.0);
    EXPECT_EQ(m.bounds.max.y, 310.0);
    // The baseline keeps its four buildings and bounds; roads are shared.
    EXPECT_EQ(base.buildings->size(), 4u);
    EXPECT_EQ(base.bounds.max.x, 250.0);
    EXPECT_EQ(m.roads.get(), base.roads.get());
    EXPECT_EQ(m.access_points.get(), base.access_points.get());
}

TEST(AddBuildings, LowBuildingHasOneLevel) {
    CityModel m = tiny_city();
    Building a;
    a.footprint = box(0, 0, 10, 10);
    a.height_m = 1.0;  // round(1 / 3) = 0: at least one level
    add_buildings(m, {a});
    EXPECT_EQ(m.buildings->back().levels, 1.0);
    EXPECT_EQ(m.buildings->back().floor_area_m2, 100.0);
}

TEST(AddBuildings, RejectsFootprintWithoutAreaAndZeroHeight) {
    CityModel m = tiny_city();
    Building ok;
    ok.footprint = box(0, 0, 10, 10);
    ok.height_m = 6.0;
    Building flat = ok;
    flat.footprint = box(0, 0, 10, 0);
    EXPECT_EQ(error_of([&] { add_buildings(m, {ok, flat}); }), "add building 2: the footprint has no area");
    Building low = ok;
    low.height_m = 0.0;
    EXPECT_EQ(error_of([&] { add_buildings(m, {low}); }), "add building 1: height must be > 0 m");
    EXPECT_EQ(m.buildings->size(), 4u);
}

TEST(RemoveBuildings, RenumbersTheRestInOrder) {
    const CityModel base = tiny_city();
    CityModel m = base;
    EXPECT_EQ(remove_buildings(m, {BuildingId(1), BuildingId(3), BuildingId(1)}), 2u);
    ASSERT_EQ(m.buildings->size(), 2u);
    EXPECT_EQ((*m.buildings)[0].id, BuildingId(0));
    EXPECT_EQ((*m.buildings)[0].source_id, 100);
    EXPECT_EQ((*m.buildings)[1].id, BuildingId(1));
    EXPECT_EQ((*m.buildings)[1].source_id, 102);
    ASSERT_EQ(base.buildings->size(), 4u);
    for (std::uint32_t i = 0; i < 4; ++i) EXPECT_EQ((*base.buildings)[i].id, BuildingId(i));
    EXPECT_EQ(m.roads.get(), base.roads.get());
    EXPECT_EQ(error_of([&] { remove_buildings(m, {BuildingId(2)}); }),
              "remove buildings: building id 2 does not exist (the city has 2)");
    EXPECT_EQ(m.buildings->size(), 2u);
}

TEST(BuildingsIn, ByCentroid) {
    const CityModel m = tiny_city();  // centroids (20,50) (40,50) (60,50) (80,50)
    EXPECT_EQ(buildings_in(m, box(30, 0, 70, 100)), (std::vector<BuildingId>{BuildingId(1), BuildingId(2)}));
    // The footprint of building 0 reaches x = 25, its centroid does not: not in.
    EXPECT_TRUE(buildings_in(m, box(24, 0, 29, 100)).empty());
}

// ---------------------------------------------------------------- access points

TEST(AccessPoints, AddMoveRemoveWithRenumbering) {
    const CityModel base = tiny_city();
    CityModel m = base;
    AccessPoint named;
    named.name = "harbour";
    named.position = {400, 20};
    AccessPoint unnamed;
    unnamed.position = {120, -30};
    const auto added = add_access_points(m, {named, unnamed});
    EXPECT_EQ(added, (std::vector<AccessPointId>{AccessPointId(2), AccessPointId(3)}));
    ASSERT_EQ(m.access_points->size(), 4u);
    EXPECT_EQ((*m.access_points)[2].id, AccessPointId(2));
    EXPECT_EQ((*m.access_points)[2].name, "harbour");
    EXPECT_EQ((*m.access_points)[3].name, "new AP 3");
    EXPECT_EQ(m.bounds.max.x, 400.0);
    EXPECT_EQ(m.bounds.min.y, -30.0);
    EXPECT_EQ(base.access_points->size(), 2u);
    EXPECT_EQ(m.buildings.get(), base.buildings.get());
    EXPECT_EQ(m.roads.get(), base.roads.get());

    const CityModel before_move = m;
    move_access_point(m, AccessPointId(1), {210, 500});
    EXPECT_EQ((*m.access_points)[1].position, (Point{210, 500}));
    EXPECT_EQ((*m.access_points)[1].name, "east");
    EXPECT_EQ((*before_move.access_points)[1].position, (Point{200, 10}));
    EXPECT_EQ(m.bounds.max.y, 500.0);
    EXPECT_EQ(error_of([&] { move_access_point(m, AccessPointId(4), {0, 0}); }),
              "move access point: id 4 does not exist (the city has 4)");

    EXPECT_EQ(access_points_in(m, box(0, 0, 150, 100)), (std::vector<AccessPointId>{AccessPointId(0)}));
    EXPECT_EQ(access_points_in(m, box(100, -50, 450, 600)),
              (std::vector<AccessPointId>{AccessPointId(1), AccessPointId(2), AccessPointId(3)}));

    EXPECT_EQ(remove_access_points(m, {AccessPointId(0), AccessPointId(2)}), 2u);
    ASSERT_EQ(m.access_points->size(), 2u);
    EXPECT_EQ((*m.access_points)[0].id, AccessPointId(0));
    EXPECT_EQ((*m.access_points)[0].name, "east");
    EXPECT_EQ((*m.access_points)[1].id, AccessPointId(1));
    EXPECT_EQ((*m.access_points)[1].name, "new AP 3");
    EXPECT_EQ(error_of([&] { remove_access_points(m, {AccessPointId(2)}); }),
              "remove access points: id 2 does not exist (the city has 2)");
    EXPECT_EQ(before_move.access_points->size(), 4u);
}

}  // namespace
}  // namespace citytwin::geodata
