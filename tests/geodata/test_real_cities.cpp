// Invariants on every real city in ../shared/data, loaded exactly as the CLI loads it:
// scenarios/<city>/baseline.yaml -> load_scenario -> load_city. The expected figures
// come from ../shared/data/README.md (feature counts) and from the data's extent.
#include "test_helpers.hpp"

#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/road_graph_builder.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <vector>

namespace citytwin::geodata {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::data_dir;

struct CityCase {
    std::string scenario;                     ///< folder under scenarios/
    std::string crs;                          ///< expected working CRS
    std::optional<std::size_t> readme_buildings;
    std::size_t road_features;                ///< README's highway line count (1091 lines for Gothenburg)
    double min_centreline_km, max_centreline_km;
};

// Road km: sum of directed link lengths / 2 (two-way roads count once, one-way roads
// half; so this slightly underestimates centreline length). Ranges from the extent:
//  monaco          ~2.6 x 3.1 km, dense old town                     -> 30..80 km
//  helsinki-centre ~1.0 x 1.7 km box, ~10 km of street per km²        -> 10..40 km
//  liechtenstein   160 km², several towns, valley roads              -> 200..700 km
//  andorra         468 km², mountain valleys, few long roads         -> 200..700 km
//  north-bayreuth  ~10 x 10 km box of town and villages              -> 100..400 km
//  gothenburg      8.8 x 5.6 km; the shapefile's lines total 263 km,
//                  all two-way, so sum/2 <= 263 and most of it is kept -> 200..263 km
std::vector<CityCase> city_cases() {
    return {
        {"monaco", "EPSG:32632", 1207, 2361, 30, 80},
        {"helsinki-centre", "EPSG:3067", 494, 2504, 10, 40},
        {"liechtenstein", "EPSG:32632", 3723, 2751, 200, 700},
        {"andorra", "EPSG:32631", 292, 1614, 200, 700},
        {"north-bayreuth", "EPSG:32632", 4267, 2056, 100, 400},
        {"gothenburg", "EPSG:3006", std::nullopt, 1091, 200, 263},
    };
}

struct LoadedCity {
    scenarios::Scenario scenario;
    LoadReport report;
    CityModel model;
};

std::string scenario_path(const std::string& city) {
    return (fs::path(CITYTWIN_SOURCE_DIR) / "scenarios" / city / "baseline.yaml").string();
}

LoadedCity load(const std::string& city) {
    LoadedCity c;
    c.scenario = scenarios::load_scenario(scenario_path(city));
    c.model = load_city(c.scenario.city, LoadOptions{}, c.report);
    return c;
}

// Each city is loaded once for all the tests that look at it.
const LoadedCity& city(const std::string& name) {
    static std::map<std::string, std::unique_ptr<LoadedCity>> cache;
    auto& slot = cache[name];
    if (!slot) slot = std::make_unique<LoadedCity>(load(name));
    return *slot;
}

class RealCity : public ::testing::TestWithParam<CityCase> {};

TEST_P(RealCity, DataFolderHasTheCity) {
    // The scenario's sources resolve into the shared data folder the helpers found.
    const auto& c = city(GetParam().scenario);
    ASSERT_TRUE(c.scenario.city.roads.has_value());
    EXPECT_TRUE(fs::exists(c.scenario.city.roads->source)) << c.scenario.city.roads->source;
    EXPECT_EQ(fs::weakly_canonical(fs::path(c.scenario.city.roads->source)).string().rfind(
                  fs::weakly_canonical(data_dir()).string(), 0),
              0u)
        << c.scenario.city.roads->source << " is not under " << data_dir();
}

TEST_P(RealCity, WorkingCrsIsTheExpectedOne) {
    const auto& p = GetParam();
    const auto& c = city(p.scenario);
    EXPECT_EQ(c.model.crs, p.crs);
    EXPECT_FALSE(c.model.crs_wkt.empty());
}

TEST_P(RealCity, BuildingCountMatchesReadme) {
    const auto& p = GetParam();
    const auto& c = city(p.scenario);
    if (!p.readme_buildings) {
        // Gothenburg's scenario names no building layer.
        EXPECT_FALSE(c.scenario.city.buildings.has_value());
        EXPECT_TRUE(c.model.buildings->empty());
        return;
    }
    const std::size_t n = c.model.buildings->size();
    EXPECT_LE(n, *p.readme_buildings);
    EXPECT_GE(static_cast<double>(n), 0.9 * static_cast<double>(*p.readme_buildings));
    // Every building kept was read; skipped ones are the only ones missing.
    EXPECT_LE(n + c.report.buildings_skipped, c.report.building_features);
    for (const auto& b : *c.model.buildings) {
        ASSERT_GT(b.footprint_area_m2, 0.0) << "building " << b.id.value;
        ASSERT_GT(b.height_m, 0.0) << "building " << b.id.value;
        ASSERT_GE(b.floor_area_m2, b.footprint_area_m2) << "building " << b.id.value;
    }
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ((*c.model.buildings)[i].id.value, i);
}

TEST_P(RealCity, RoadFeaturesReadMatchReadme) {
    const auto& p = GetParam();
    const auto& c = city(p.scenario);
    EXPECT_EQ(c.report.road_features, p.road_features);
    EXPECT_LE(c.report.road_features_not_drivable + c.report.road_features_invalid, c.report.road_features);
}

// Tarjan's count must agree with a plain BFS over the link list, forward and backward.
TEST_P(RealCity, GraphIsStronglyConnected) {
    const auto& net = *city(GetParam().scenario).model.roads;
    ASSERT_GT(net.node_count(), 1u);
    ASSERT_GT(net.link_count(), 0u);
    std::vector<std::uint32_t> comp;
    EXPECT_EQ(strongly_connected_components(net, comp), 1u);

    std::vector<std::vector<std::uint32_t>> fwd(net.node_count()), bwd(net.node_count());
    for (const auto& l : net.links()) {
        ASSERT_LT(l.from.value, net.node_count());
        ASSERT_LT(l.to.value, net.node_count());
        fwd[l.from.value].push_back(l.to.value);
        bwd[l.to.value].push_back(l.from.value);
    }
    auto reached_from_0 = [&](const std::vector<std::vector<std::uint32_t>>& adj) {
        std::vector<char> seen(adj.size(), 0);
        std::deque<std::uint32_t> queue{0};
        seen[0] = 1;
        std::size_t count = 1;
        while (!queue.empty()) {
            const auto v = queue.front();
            queue.pop_front();
            for (auto w : adj[v])
                if (!seen[w]) {
                    seen[w] = 1;
                    ++count;
                    queue.push_back(w);
                }
        }
        return count;
    };
    EXPECT_EQ(reached_from_0(fwd), net.node_count()) << "some node is not reachable from node 0";
    EXPECT_EQ(reached_from_0(bwd), net.node_count()) << "node 0 is not reachable from some node";
}

TEST_P(RealCity, PruningReportAddsUp) {
    const auto& c = city(GetParam().scenario);
    const auto& g = c.report.graph;
    EXPECT_EQ(g.links_before_pruning - g.dropped_links, c.model.roads->link_count());
    EXPECT_EQ(g.nodes_before_pruning - g.dropped_nodes, c.model.roads->node_count());
    EXPECT_GE(g.components, 1u);
    // Pruning keeps the bulk of the network (a city is one network, not islands).
    EXPECT_GT(c.model.roads->link_count(), g.links_before_pruning * 8 / 10);
}

TEST_P(RealCity, RoadLengthIsPlausible) {
    const auto& p = GetParam();
    const auto& net = *city(p.scenario).model.roads;
    double sum_m = 0.0;
    for (const auto& l : net.links()) sum_m += l.length_m;
    const double km = sum_m / 2.0 / 1000.0;
    EXPECT_GE(km, p.min_centreline_km);
    EXPECT_LE(km, p.max_centreline_km);
}

TEST_P(RealCity, EveryLinkIsWellFormed) {
    const auto& net = *city(GetParam().scenario).model.roads;
    for (std::size_t i = 0; i < net.link_count(); ++i) {
        const Link& l = net.links()[i];
        SCOPED_TRACE("link " + std::to_string(i) + " (source " + std::to_string(l.source_id) + ")");
        ASSERT_EQ(l.id.value, i);
        ASSERT_GT(l.length_m, 0.0);
        ASSERT_GT(l.freeflow_speed_mps, 0.0);
        ASSERT_GE(l.lanes, 1);
        ASSERT_GT(l.capacity_vph, 0.0);
        ASSERT_GE(l.storage_veh, 1.0);
        ASSERT_NE(l.from, l.to);
        ASSERT_GE(l.geometry.size(), 2u);
        ASSERT_EQ(l.geometry.front(), net.node(l.from).position);
        ASSERT_EQ(l.geometry.back(), net.node(l.to).position);
        ASSERT_NEAR(l.length_m, length(l.geometry), 1e-6 * l.length_m + 1e-9);
    }
    for (std::size_t n = 0; n < net.node_count(); ++n) {
        ASSERT_EQ(net.nodes()[n].id.value, n);
        for (LinkId id : net.out_links(NodeId(static_cast<std::uint32_t>(n)))) ASSERT_EQ(net.link(id).from.value, n);
        for (LinkId id : net.in_links(NodeId(static_cast<std::uint32_t>(n)))) ASSERT_EQ(net.link(id).to.value, n);
    }
}

TEST_P(RealCity, BoundsHoldEveryNode) {
    const auto& m = city(GetParam().scenario).model;
    ASSERT_FALSE(m.bounds.empty());
    for (const auto& n : m.roads->nodes()) {
        ASSERT_GE(n.position.x, m.bounds.min.x);
        ASSERT_LE(n.position.x, m.bounds.max.x);
        ASSERT_GE(n.position.y, m.bounds.min.y);
        ASSERT_LE(n.position.y, m.bounds.max.y);
    }
}

INSTANTIATE_TEST_SUITE_P(SharedData, RealCity, ::testing::ValuesIn(city_cases()),
                         [](const ::testing::TestParamInfo<CityCase>& param_info) {
                             std::string name = param_info.param.scenario;
                             for (char& ch : name)
                                 if (ch == '-') ch = '_';
                             return name;
                         });

TEST(Monaco, HasSixDistricts) {
    const auto& m = city("monaco").model;
    ASSERT_EQ(m.districts->size(), 6u);
    for (const auto& d : *m.districts) {
        EXPECT_FALSE(d.name.empty()) << "district " << d.id.value;
        EXPECT_FALSE(d.area.empty()) << "district " << d.id.value;
        EXPECT_GT(area(d.area), 0.0) << "district " << d.id.value;
    }
}

TEST(Monaco, TerrainIsWithinTheRealRange) {
    const auto& m = city("monaco").model;
    ASSERT_NE(m.terrain, nullptr);
    const Raster& t = *m.terrain;
    ASSERT_GT(t.width, 0);
    ASSERT_GT(t.height, 0);
    ASSERT_EQ(t.values.size(), static_cast<std::size_t>(t.width) * static_cast<std::size_t>(t.height));
    EXPECT_DOUBLE_EQ(t.cell_size, 30.0);
    std::size_t valid = 0;
    float lo = 1e9f, hi = -1e9f;
    for (float v : t.values) {
        if (v == t.nodata) continue;
        ++valid;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    ASSERT_GT(valid, t.values.size() / 2) << "most of Monaco should have elevation";
    // Monaco: sea level to ~800 m on the slopes above (the clipped tile is -2…803 m).
    EXPECT_GE(lo, -10.0f);
    EXPECT_LE(hi, 900.0f);
    EXPECT_GT(hi, 100.0f) << "Monaco rises well above the sea";
    // The grid covers the study area.
    EXPECT_LE(t.origin_x, m.bounds.min.x);
    EXPECT_GE(t.origin_y, m.bounds.max.y);
    EXPECT_GE(t.origin_x + t.width * t.cell_size, m.bounds.max.x);
    EXPECT_LE(t.origin_y - t.height * t.cell_size, m.bounds.min.y);
}

const Building* building_with_source(const CityModel& m, std::int64_t source_id) {
    for (const auto& b : *m.buildings)
        if (b.source_id == source_id) return &b;
    return nullptr;
}

TEST(Monaco, TaggedHeightIsUsed) {
    const auto& m = city("monaco").model;
    // OSM way 94399424 "Europa Résidence": height=75, no building:levels.
    const Building* europa = building_with_source(m, 94399424);
    ASSERT_NE(europa, nullptr);
    EXPECT_EQ(europa->height_source, HeightSource::Height);
    EXPECT_DOUBLE_EQ(europa->height_m, 75.0);
    // OSM way 93732628 "L'Annonciade": height=111, building:levels=35.
    const Building* annonciade = building_with_source(m, 93732628);
    ASSERT_NE(annonciade, nullptr);
    EXPECT_EQ(annonciade->height_source, HeightSource::Height);
    EXPECT_DOUBLE_EQ(annonciade->height_m, 111.0);
    EXPECT_DOUBLE_EQ(annonciade->levels, 35.0);
    // README: height on 35 buildings.
    std::size_t with_height = 0;
    for (const auto& b : *m.buildings) with_height += b.height_source == HeightSource::Height;
    EXPECT_EQ(with_height, 35u);
}

// Gothenburg's classes come from KATEGORI through the scenario's class_map; check every
// link against the shapefile read independently with GDAL.
std::string expected_gothenburg_class(const std::string& kategori) {
    auto starts = [&](const char* prefix) { return kategori.rfind(prefix, 0) == 0; };
    if (starts("Motorväg")) return "motorway";
    if (starts("Motortrafikled")) return "trunk";
    if (starts("På- och avfartsväg")) return "motorway_link";
    if (starts("Allmän väg > 7 m, riksväg")) return "trunk";
    if (starts("Allmän väg > 7 m")) return "primary";
    if (starts("Allmän väg 5-7 m")) return "secondary";
    if (starts("Allmän väg < 5 m")) return "tertiary";
    if (starts("Gata, större")) return "secondary";
    if (starts("Gata")) return "residential";
    if (starts("Bilväg")) return "unclassified";
    if (starts("Sämre bilväg")) return "service";
    return "road";
}

// The April 2021 extract holds 15 traffic_signals, 3 stop and 30 give_way nodes and 45
// type=restriction relations (ogrinfo on the points / other_relations layers). The
// exact figures below are what this extract gives through the loader.
TEST(Monaco, JunctionsAndRestrictionsFromOsm) {
    const auto& c = city("monaco");
    const auto& j = c.report.junctions;
    EXPECT_EQ(j.osm.signals, 15u);
    EXPECT_EQ(j.osm.signs, 33u);
    EXPECT_EQ(j.restrictions_read, 45u);
    std::map<JunctionControl, std::size_t> n;
    for (const auto& node : c.model.roads->nodes()) ++n[node.control];
    // 3 signals and 2 signs lie farther than the join distance from any kept junction.
    EXPECT_EQ(j.osm.signals_unmatched, 3u);
    EXPECT_EQ(j.osm.signs_unmatched, 2u);
    EXPECT_EQ(n[JunctionControl::Signal], 10u);
    EXPECT_EQ(j.controllers, 8u);
    EXPECT_EQ(n[JunctionControl::Stop], 3u);
    EXPECT_EQ(n[JunctionControl::Yield], 7u);       // most give-ways sit at roundabout entries
    EXPECT_EQ(n[JunctionControl::Roundabout], 82u);
    // 5 skipped: two with a member outside the extract, two where no link pair at the via
    // follows the ways (one-way directions or links dropped from the graph), one with
    // several from members.
    EXPECT_EQ(c.model.roads->turn_restrictions().size(), 40u);
    EXPECT_EQ(j.restrictions_skipped, 5u);
    EXPECT_EQ(j.skipped.size(), 5u);
    EXPECT_GT(n[JunctionControl::Signal], 0u);
    EXPECT_GT(c.model.roads->turn_restrictions().size(), 0u);
    // Every restriction is a turn at one node: from ends where to starts.
    for (const auto& r : c.model.roads->turn_restrictions())
        EXPECT_EQ(c.model.roads->link(r.from).to, c.model.roads->link(r.to).from) << "relation " << r.source_id;
}

// Walkers and cyclists get their own network from the same extract: Monaco's 1 025
// footways, 269 flights of steps, 66 pedestrian streets, 33 paths, a track and 6 indoor
// corridors (ogrinfo on the pbf, grouped by highway), and every street they may use.
TEST(Monaco, PathNetworkHasFootwaysStepsAndStreets) {
    const auto& c = city("monaco");
    ASSERT_TRUE(c.model.paths);
    const RoadNetwork& paths = *c.model.paths;
    // The 1 400 path ways (3 of them access=no/private) and the 951 streets, less those
    // closed to walkers and cyclists (94 streets are access=no/private, foot=no or a
    // motorroad; a foot or bicycle tag may open one again).
    const std::size_t path_ways = 1025 + 269 + 66 + 33 + 1 + 6, streets = 951;
    EXPECT_GE(c.report.path_features, path_ways - 3 + streets - 94);
    EXPECT_LE(c.report.path_features, path_ways + streets);
    std::map<PathKind, std::size_t> links;
    for (const auto& l : paths.links()) {
        ++links[l.path_kind];
        ASSERT_NE(l.active_modes, 0) << "path link " << l.id.value << " nobody may use";
        ASSERT_NE(l.road_class, RoadClass::Motorway) << "path link " << l.id.value;
        // Footways and steps are walked: a cyclist pushes, never rides.
        if (l.path_kind == PathKind::Footway || l.path_kind == PathKind::Steps) {
            ASSERT_EQ(l.active_modes, walk_access) << "path link " << l.id.value;
        }
    }
    for (const PathKind k : {PathKind::Street, PathKind::Footway, PathKind::Steps, PathKind::Pedestrian, PathKind::Path})
        EXPECT_GT(links[k], 0u) << to_string(k);
    EXPECT_EQ(links[PathKind::Cycleway], 0u);   // none in the 2021 extract
    // Far denser than the car network: every footway joins it.
    EXPECT_GT(paths.link_count(), 4 * c.model.roads->link_count());
    // Cars never see a footway.
    for (const auto& l : c.model.roads->links()) ASSERT_EQ(l.path_kind, PathKind::Street) << "road link " << l.id.value;
}

TEST(Gothenburg, ClassesComeFromKategori) {
    const auto& m = city("gothenburg").model;
    std::set<std::string> classes;
    for (const auto& l : m.roads->links()) classes.insert(std::string(to_string(l.road_class)));
    EXPECT_TRUE(classes.count("motorway")) << "no motorway links";
    EXPECT_TRUE(classes.count("residential")) << "no residential links";
    EXPECT_TRUE(classes.count("motorway_link")) << "no motorway_link links";

    GDALAllRegister();
    const std::string shp = (data_dir() / "gothenburg-lantmateriet" / "vl_riks.shp").string();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(shp.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_NE(ds, nullptr) << shp;
    OGRLayer* layer = ds->GetLayer(0);
    ASSERT_NE(layer, nullptr);
    std::map<std::int64_t, std::string> kategori_by_fid;
    for (auto& f : *layer) kategori_by_fid[f->GetFID()] = f->GetFieldAsString("KATEGORI");
    ASSERT_EQ(kategori_by_fid.size(), 1091u);

    for (const auto& l : m.roads->links()) {
        const auto it = kategori_by_fid.find(l.source_id);
        ASSERT_NE(it, kategori_by_fid.end()) << "link " << l.id.value << " has source id " << l.source_id;
        ASSERT_EQ(std::string(to_string(l.road_class)), expected_gothenburg_class(it->second))
            << "link " << l.id.value << " KATEGORI '" << it->second << "'";
    }
}

TEST(Gothenburg, EveryLineIsTwoWay) {
    // No oneway attribute: every link has its reverse twin on the same source line.
    const auto& net = *city("gothenburg").model.roads;
    std::size_t forward = 0, reversed = 0;
    for (const auto& l : net.links()) (l.reversed ? reversed : forward)++;
    EXPECT_EQ(forward, reversed);
    std::set<std::tuple<std::uint32_t, std::uint32_t, std::int64_t>> seen;
    for (const auto& l : net.links()) seen.insert({l.from.value, l.to.value, l.source_id});
    for (const auto& l : net.links())
        ASSERT_TRUE(seen.count({l.to.value, l.from.value, l.source_id})) << "link " << l.id.value << " has no twin";
}

TEST(Determinism, LoadingTwiceGivesIdenticalLinks) {
    const LoadedCity a = load("monaco");
    const LoadedCity b = load("monaco");
    const auto& la = a.model.roads->links();
    const auto& lb = b.model.roads->links();
    ASSERT_EQ(la.size(), lb.size());
    ASSERT_EQ(a.model.roads->node_count(), b.model.roads->node_count());
    for (std::size_t i = 0; i < la.size(); ++i) {
        SCOPED_TRACE("link " + std::to_string(i));
        ASSERT_EQ(la[i].id, lb[i].id);
        ASSERT_EQ(la[i].from, lb[i].from);
        ASSERT_EQ(la[i].to, lb[i].to);
        ASSERT_EQ(la[i].length_m, lb[i].length_m);
        ASSERT_EQ(la[i].freeflow_speed_mps, lb[i].freeflow_speed_mps);
        ASSERT_EQ(la[i].lanes, lb[i].lanes);
        ASSERT_EQ(la[i].capacity_vph, lb[i].capacity_vph);
        ASSERT_EQ(la[i].storage_veh, lb[i].storage_veh);
        ASSERT_EQ(la[i].road_class, lb[i].road_class);
        ASSERT_EQ(la[i].name, lb[i].name);
        ASSERT_EQ(la[i].source_id, lb[i].source_id);
        ASSERT_EQ(la[i].reversed, lb[i].reversed);
        ASSERT_EQ(la[i].geometry, lb[i].geometry);
    }
    for (std::size_t n = 0; n < a.model.roads->node_count(); ++n)
        ASSERT_EQ(a.model.roads->nodes()[n].position, b.model.roads->nodes()[n].position) << "node " << n;
    ASSERT_EQ(a.model.buildings->size(), b.model.buildings->size());
    for (std::size_t i = 0; i < a.model.buildings->size(); ++i)
        ASSERT_EQ((*a.model.buildings)[i].source_id, (*b.model.buildings)[i].source_id) << "building " << i;
}

// The HSL GTFS feed (helsinki-centre/hsl-gtfs-2022-02-22.zip) through baseline.yaml. The
// expected figures were counted independently with Python's zipfile and csv modules on
// the zip: Tuesday 2022-02-22 is the feed's only service day; all 3,195 trips run that
// day; 8 of them (5 of the 1,780 frequency templates) have a single stop time inside the
// crop; the 1,775 other templates' 3,205 frequency rows give 11,376 runs.
TEST(HelsinkiTransit, FeedFiguresMatchAnIndependentCount) {
    const auto& c = city("helsinki-centre");
    ASSERT_TRUE(c.model.transit);
    const Timetable& tt = *c.model.transit;
    const GtfsLoadReport& r = c.report.transit;
    EXPECT_EQ(tt.service_date, "2022-02-22");
    EXPECT_EQ(r.stops_in_feed, 1388u);     // README: 1,388 stops
    EXPECT_EQ(r.routes_in_feed, 200u);     // README: 200 routes
    EXPECT_EQ(r.trips_in_feed, 3195u);     // README: 3,195 trips
    EXPECT_EQ(r.stop_time_rows, 62485u);   // README: 62,485 stop_times
    EXPECT_EQ(r.frequency_rows, 3226u);
    EXPECT_EQ(r.trips_on_day, 3195u);
    EXPECT_EQ(r.trips_dropped, 8u);
    EXPECT_EQ(r.dropped_by_reason.at("fewer than 2 stop times"), 8u);
    EXPECT_EQ(r.trips_from_frequencies, 11376u);
    EXPECT_EQ(tt.trips.size(), 3195u - 8u - 1775u + 11376u);
    EXPECT_EQ(r.stop_times, 226011u);
    EXPECT_EQ(tt.stops.size(), 1359u);     // 27 stations and 2 unserved stops left out
    EXPECT_EQ(tt.routes.size(), 196u);     // the 2 ferry routes and 2 bus routes have no trip inside the crop
    // Extended route types 700–704 are buses, 109 suburban rail, 0 tram, 1 metro.
    EXPECT_EQ((std::map<std::string, std::size_t>{{"bus", 159}, {"metro", 3}, {"rail", 13}, {"tram", 21}}),
              r.routes_by_mode);
}

TEST(HelsinkiTransit, StopsLieInTheCroppedAreaAroundTheCity) {
    const auto& c = city("helsinki-centre");
    ASSERT_TRUE(c.model.transit);
    // The served stops' lon/lat extent (24.850458…24.99957 E, 60.150284…60.24994 N) in
    // EPSG:3067 by gdaltransform, 60 m added for the curved edges.
    const Box feed_box{{380600.0, 6669770.0}, {389335.0, 6681245.0}};
    std::size_t in_city = 0;
    for (const auto& s : c.model.transit->stops) {
        EXPECT_TRUE(s.position.x >= feed_box.min.x && s.position.x <= feed_box.max.x &&
                    s.position.y >= feed_box.min.y && s.position.y <= feed_box.max.y)
            << s.gtfs_id << " at " << s.position.x << ", " << s.position.y;
        const Box& b = c.model.bounds;
        in_city += s.position.x >= b.min.x && s.position.x <= b.max.x && s.position.y >= b.min.y &&
                   s.position.y <= b.max.y;
    }
    // The OSM box is the city centre, inside the feed's wider crop: it holds some stops, not all.
    EXPECT_GT(in_city, 10u);
    EXPECT_LT(in_city, c.model.transit->stops.size());
}

TEST(HelsinkiTransit, EveryTripIsOrderedInTime) {
    const auto& c = city("helsinki-centre");
    ASSERT_TRUE(c.model.transit);
    const Timetable& tt = *c.model.transit;
    std::int32_t latest = 0;
    for (const auto& trip : tt.trips) {
        ASSERT_GE(trip.stop_times.size(), 2u) << trip.gtfs_id;
        ASSERT_LT(trip.route, tt.routes.size()) << trip.gtfs_id;
        for (std::size_t k = 0; k < trip.stop_times.size(); ++k) {
            const StopTime& st = trip.stop_times[k];
            ASSERT_LT(st.stop, tt.stops.size()) << trip.gtfs_id;
            ASSERT_LE(st.arrival_s, st.departure_s) << trip.gtfs_id << " stop " << k;
            if (k > 0) {
                ASSERT_LE(trip.stop_times[k - 1].departure_s, st.arrival_s) << trip.gtfs_id << " stop " << k;
            }
            latest = std::max(latest, st.arrival_s);
        }
    }
    EXPECT_GT(latest, 24 * 3600);   // the night services run past midnight
}

TEST(HelsinkiTransit, CutTripsAndFrequencyRuns) {
    const auto& c = city("helsinki-centre");
    ASSERT_TRUE(c.model.transit);
    const Timetable& tt = *c.model.transit;
    auto find = [&tt](const std::string& id) {
        return std::find_if(tt.trips.begin(), tt.trips.end(), [&](const auto& t) { return t.gtfs_id == id; });
    };
    // Cut at the crop box: its stop_sequence starts at 15, at 24:50:00 from stop 1465552.
    const auto cut = find("3002L7_20220204_Ti_2_2408");
    ASSERT_NE(cut, tt.trips.end());
    ASSERT_EQ(cut->stop_times.size(), 6u);
    EXPECT_EQ(tt.stops[cut->stop_times.front().stop].gtfs_id, "1465552");
    EXPECT_EQ(cut->stop_times.front().departure_s, 24 * 3600 + 50 * 60);
    EXPECT_EQ(cut->stop_times.back().arrival_s, 25 * 3600 + 3 * 60);
    // frequencies.txt: 05:24:00–05:48:00 every 720 s -> runs at 05:24 and 05:36 (then the
    // next row, 05:50:00–06:10:00 every 600 s, takes over); the template is no run.
    const std::string tmpl = "1001 5_20220204_Ti_1_0652";
    EXPECT_EQ(find(tmpl), tt.trips.end());
    for (const std::int32_t dep : {19440, 20160}) {
        const auto run = find(tmpl + "@" + std::to_string(dep));
        ASSERT_NE(run, tt.trips.end()) << dep;
        EXPECT_EQ(run->stop_times.front().departure_s, dep);
    }
    EXPECT_EQ(find(tmpl + "@20880"), tt.trips.end());
    std::set<std::string> modes;
    for (const auto& route : tt.routes) modes.insert(route.mode);
    EXPECT_TRUE(modes.count("tram") && modes.count("bus") && modes.count("metro"));
}

}  // namespace
}  // namespace citytwin::geodata
