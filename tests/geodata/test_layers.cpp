// End to end through load_city on tiny GeoJSON / Shapefile layers written into a temp
// folder: field mapping, height fallback chain, repair of invalid footprints,
// reprojection to a known point, and the error messages a user sees.
#include "test_helpers.hpp"

#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/data_paths.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/od_table.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

namespace citytwin::geodata {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::TempDir;
using citytwin::testing::write_file;

constexpr const char* sweref = "urn:ogc:def:crs:EPSG::3006";
constexpr const char* crs84 = "urn:ogc:def:crs:OGC:1.3:CRS84";

using citytwin::testing::collection;
using citytwin::testing::feature;
using citytwin::testing::line;
using citytwin::testing::point;
using citytwin::testing::polygon;

RoadLayerConfig road_layer(const fs::path& path) {
    RoadLayerConfig r;
    r.source = path.string();
    r.class_field = "highway";
    r.speed_field = "maxspeed";
    r.lanes_field = "lanes";
    r.oneway_field = "oneway";
    r.name_field = "name";
    return r;
}

// Four features in SWEREF99 TM around (500000, 6600000):
//  11 residential A(0,0)-B(100,0)-C(200,0), maxspeed 40, two-way, "Storgatan"
//  12 primary B-D(100,150), lanes 4, oneway no, "Kungsgatan"
//  13 tertiary D-C, oneway yes, maxspeed "30 mph"
//  14 footway (not drivable)
std::string small_town_roads() {
    return collection(
        sweref,
        feature(11, R"("highway":"residential","maxspeed":"40","lanes":null,"oneway":null,"name":"Storgatan")",
                line("[500000,6600000],[500100,6600000],[500200,6600000]")) +
            "," +
            feature(12, R"("highway":"primary","maxspeed":null,"lanes":4,"oneway":"no","name":"Kungsgatan")",
                    line("[500100,6600000],[500100,6600150]")) +
            "," +
            feature(13, R"("highway":"tertiary","maxspeed":"30 mph","lanes":null,"oneway":"yes","name":null)",
                    line("[500100,6600150],[500200,6600000]")) +
            "," +
            feature(14, R"("highway":"footway","maxspeed":null,"lanes":null,"oneway":null,"name":null)",
                    line("[500000,6600000],[500000,6600050]")));
}

CityConfig city_with_roads(const fs::path& roads, const std::string& crs = "EPSG:3006") {
    CityConfig c;
    c.name = "test";
    c.crs = crs;
    c.roads = road_layer(roads);
    return c;
}

// For layers that only have a highway field.
CityConfig city_with_class_only_roads(const fs::path& roads, const std::string& crs = "EPSG:3006") {
    CityConfig c = city_with_roads(roads, crs);
    c.roads->speed_field.clear();
    c.roads->lanes_field.clear();
    c.roads->oneway_field.clear();
    c.roads->name_field.clear();
    return c;
}

CityModel load(const CityConfig& c, LoadReport& report) { return load_city(c, LoadOptions{}, report); }

// Runs load_city and returns the Error's message ("" if it did not throw Error).
std::string load_error(const CityConfig& c) {
    LoadReport report;
    try {
        load(c, report);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(DataPaths, OnlyKnownPrefixesAreConnections) {
    for (const char* c : {"PG:dbname=city", "pg:host=x", "postgresql://u@h/db", "MySQL:db", "WFS:https://x",
                          "https://example.org/a.geojson", "/vsizip/a.zip/b.shp", "GPKG:/tmp/r.gpkg:wifi_rssi"})
        EXPECT_TRUE(is_gdal_connection(c)) << c;
    for (const char* f : {"run:3.gpkg", "data/a:b.osm.pbf", "C:/data/roads.shp", "roads.shp", "PGdump.sql"})
        EXPECT_FALSE(is_gdal_connection(f)) << f;
    // A file with a colon in its name is looked up like any other file.
    TempDir t;
    write_file((t / "a:b.csv").string(), "x\n");
    EXPECT_EQ(resolve_data_path("a:b.csv", t.path()), (t / "a:b.csv").string());
    EXPECT_THROW(resolve_data_path("c:d.csv", t.path()), Error);
}

TEST(OdTable, LinkIdsAreWholeNumbersFromZero) {
    // Before, -1 and 2.5 were cast to unsigned ids before any range check.
    TempDir t;
    for (const char* bad : {"-1", "2.5"}) {
        const std::string csv = (t / (std::string("trips") + (bad[0] == '-' ? "n" : "f") + ".csv")).string();
        write_file(csv, std::string("id,departure,origin_link,destination_link\n1,07:00,3,4\n2,07:05,") + bad + ",4\n");
        OdTableConfig cfg;
        cfg.source = csv;
        cfg.origin_link_field = "origin_link";
        cfg.destination_link_field = "destination_link";
        try {
            read_od_table(cfg, "EPSG:32632");
            ADD_FAILURE() << "accepted " << bad;
        } catch (const Error& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(csv), std::string::npos) << msg;
            EXPECT_NE(msg.find("feature 2"), std::string::npos) << msg;
            EXPECT_NE(msg.find(std::string("origin link ") + bad + " is not a link id"), std::string::npos) << msg;
        }
    }
    const std::string good = (t / "good.csv").string();
    write_file(good, "id,departure,origin_link,destination_link\n1,07:00,3,4\n");
    OdTableConfig cfg;
    cfg.source = good;
    cfg.origin_link_field = "origin_link";
    cfg.destination_link_field = "destination_link";
    const auto rows = read_od_table(cfg, "EPSG:32632");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].origin_link, 3u);
    EXPECT_EQ(rows[0].destination_link, 4u);
}

TEST(LoadRoads, FieldsMapToLinks) {
    TempDir tmp;
    write_file(tmp / "roads.geojson", small_town_roads());
    LoadReport report;
    const CityModel m = load(city_with_roads(tmp / "roads.geojson"), report);

    EXPECT_EQ(m.crs, "EPSG:3006");
    EXPECT_EQ(report.road_features, 4u);
    EXPECT_EQ(report.road_features_not_drivable, 1u);
    EXPECT_EQ(report.road_features_invalid, 0u);
    EXPECT_EQ(report.graph.ways, 3u);
    EXPECT_EQ(report.graph.dropped_links, 0u);

    const RoadNetwork& net = *m.roads;
    ASSERT_EQ(net.node_count(), 4u);
    ASSERT_EQ(net.link_count(), 7u);
    EXPECT_EQ(net.node(NodeId(0)).position, (Point{500000, 6600000}));
    EXPECT_EQ(net.node(NodeId(1)).position, (Point{500100, 6600000}));
    EXPECT_EQ(net.node(NodeId(2)).position, (Point{500200, 6600000}));
    EXPECT_EQ(net.node(NodeId(3)).position, (Point{500100, 6600150}));

    // Storgatan: split at B into two pieces, both directions, 40 km/h.
    for (std::uint32_t i = 0; i < 4; ++i) {
        const Link& l = net.link(LinkId(i));
        EXPECT_EQ(l.source_id, 11) << i;
        EXPECT_EQ(l.name, "Storgatan") << i;
        EXPECT_EQ(l.road_class, RoadClass::Residential) << i;
        EXPECT_DOUBLE_EQ(l.length_m, 100.0) << i;
        EXPECT_DOUBLE_EQ(l.freeflow_speed_mps, 40.0 / 3.6) << i;
        EXPECT_EQ(l.lanes, 1) << i;
        EXPECT_DOUBLE_EQ(l.capacity_vph, 1773.0) << i;
    }
    EXPECT_EQ(net.link(LinkId(0)).from, NodeId(0));
    EXPECT_EQ(net.link(LinkId(0)).to, NodeId(1));
    EXPECT_EQ(net.link(LinkId(2)).from, NodeId(1));
    EXPECT_EQ(net.link(LinkId(2)).to, NodeId(2));

    // Kungsgatan: lanes=4 on a two-way road -> 2 per direction; primary default speed.
    for (std::uint32_t i = 4; i < 6; ++i) {
        const Link& l = net.link(LinkId(i));
        EXPECT_EQ(l.source_id, 12) << i;
        EXPECT_EQ(l.name, "Kungsgatan") << i;
        EXPECT_DOUBLE_EQ(l.length_m, 150.0) << i;
        EXPECT_DOUBLE_EQ(l.freeflow_speed_mps, 60.0 / 3.6) << i;
        EXPECT_EQ(l.lanes, 2) << i;
        EXPECT_DOUBLE_EQ(l.capacity_vph, 2 * 2278.0) << i;
        EXPECT_DOUBLE_EQ(l.storage_veh, 150.0 * 2 / 7.5) << i;
    }
    EXPECT_FALSE(net.link(LinkId(4)).reversed);
    EXPECT_TRUE(net.link(LinkId(5)).reversed);

    // The one-way tertiary: one link D->C, 30 mph.
    const Link& l6 = net.link(LinkId(6));
    EXPECT_EQ(l6.source_id, 13);
    EXPECT_EQ(l6.from, NodeId(3));
    EXPECT_EQ(l6.to, NodeId(2));
    EXPECT_NEAR(l6.length_m, std::sqrt(100.0 * 100.0 + 150.0 * 150.0), 1e-9);
    EXPECT_NEAR(l6.freeflow_speed_mps, 48.28032 / 3.6, 1e-12);
    EXPECT_EQ(l6.road_class, RoadClass::Tertiary);
    EXPECT_TRUE(l6.name.empty());

    EXPECT_EQ(m.bounds.min, (Point{500000, 6600000}));
    EXPECT_EQ(m.bounds.max, (Point{500200, 6600150}));
}

TEST(LoadRoads, NoDrivableRoadsIsAnError) {
    TempDir tmp;
    write_file(tmp / "paths.geojson",
               collection(sweref, feature(1, R"("highway":"footway")", line("[500000,6600000],[500010,6600000]"))));
    const std::string msg = load_error(city_with_class_only_roads(tmp / "paths.geojson"));
    EXPECT_NE(msg.find("no drivable roads"), std::string::npos) << msg;
    EXPECT_NE(msg.find("paths.geojson"), std::string::npos) << msg;
}

// Buildings in SWEREF99 TM, each a 10 m square unless noted.
std::string square_at(double x0, double y0, double size) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "[[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]", x0, y0,
                  x0 + size, y0, x0 + size, y0 + size, x0, y0 + size, x0, y0);
    return buf;
}

std::string buildings_geojson() {
    const double y = 6600000;
    std::string f;
    f += feature(1, R"("building":"apartments","height":"12","building_levels":null)",
                 polygon(square_at(500000, y, 10))) + ",";
    f += feature(2, R"("building":"office","height":null,"building_levels":"4")", polygon(square_at(500020, y, 10))) + ",";
    f += feature(3, R"("building":"yes","height":null,"building_levels":null)", polygon(square_at(500040, y, 10))) + ",";
    // 10x10 with a 2x2 courtyard: 96 m².
    f += feature(4, R"("building":"school","height":"6 m","building_levels":null)",
                 polygon(square_at(500060, y, 10) + "," + square_at(500064, y + 4, 2))) + ",";
    // A bow-tie: the ring crosses itself at (500085, y+5); two triangles of 25 m² each.
    f += feature(5, R"("building":"yes","height":null,"building_levels":null)",
                 polygon("[[500080,6600000],[500090,6600010],[500090,6600000],[500080,6600010],[500080,6600000]]")) + ",";
    f += feature(6, R"("building":"no","height":null,"building_levels":null)", polygon(square_at(500100, y, 10))) + ",";
    f += feature(7, R"("building":"house","height":"20","building_levels":"5")", polygon(square_at(500120, y, 10)));
    return collection(sweref, f);
}

CityConfig city_with_buildings(const fs::path& path) {
    CityConfig c;
    c.name = "test";
    c.crs = "EPSG:3006";
    BuildingLayerConfig b;
    b.source = path.string();
    b.height_field = "height";
    b.levels_field = "building_levels";
    b.use_field = "building";
    b.level_height_m = 3.0;
    b.default_levels = 2.0;
    c.buildings = b;
    return c;
}

const Building* by_source(const std::vector<Building>& bs, std::int64_t source_id) {
    for (const auto& b : bs)
        if (b.source_id == source_id) return &b;
    return nullptr;
}

TEST(LoadBuildings, HeightFallbackChain) {
    TempDir tmp;
    write_file(tmp / "buildings.geojson", buildings_geojson());
    LoadReport report;
    const CityModel m = load(city_with_buildings(tmp / "buildings.geojson"), report);
    const auto& bs = *m.buildings;

    const Building* h = by_source(bs, 1);
    ASSERT_NE(h, nullptr);
    EXPECT_DOUBLE_EQ(h->height_m, 12.0);
    EXPECT_EQ(h->height_source, HeightSource::Height);
    EXPECT_DOUBLE_EQ(h->levels, 4.0);  // 12 m / 3 m per level
    EXPECT_EQ(h->use, BuildingUse::Residential);
    EXPECT_EQ(h->use_tag, "apartments");

    const Building* l = by_source(bs, 2);
    ASSERT_NE(l, nullptr);
    EXPECT_DOUBLE_EQ(l->height_m, 12.0);  // 4 levels × 3 m
    EXPECT_EQ(l->height_source, HeightSource::Levels);
    EXPECT_DOUBLE_EQ(l->levels, 4.0);
    EXPECT_EQ(l->use, BuildingUse::Commercial);

    const Building* d = by_source(bs, 3);
    ASSERT_NE(d, nullptr);
    EXPECT_DOUBLE_EQ(d->height_m, 6.0);  // default_levels 2 × 3 m
    EXPECT_EQ(d->height_source, HeightSource::Default);
    EXPECT_DOUBLE_EQ(d->levels, 2.0);
    EXPECT_EQ(d->use, BuildingUse::Other);

    const Building* both = by_source(bs, 7);
    ASSERT_NE(both, nullptr);
    EXPECT_DOUBLE_EQ(both->height_m, 20.0);  // height wins over levels
    EXPECT_EQ(both->height_source, HeightSource::Height);
    EXPECT_DOUBLE_EQ(both->levels, 5.0);
}

TEST(LoadBuildings, FootprintsAreasAndCounts) {
    TempDir tmp;
    write_file(tmp / "buildings.geojson", buildings_geojson());
    LoadReport report;
    const CityModel m = load(city_with_buildings(tmp / "buildings.geojson"), report);
    const auto& bs = *m.buildings;

    EXPECT_EQ(report.building_features, 7u);
    EXPECT_EQ(bs.size(), 6u);  // building=no is not a building
    EXPECT_EQ(by_source(bs, 6), nullptr);
    for (std::uint32_t i = 0; i < bs.size(); ++i) EXPECT_EQ(bs[i].id, BuildingId(i));

    const Building* sq = by_source(bs, 1);
    ASSERT_NE(sq, nullptr);
    EXPECT_NEAR(sq->footprint_area_m2, 100.0, 1e-6);
    EXPECT_NEAR(sq->floor_area_m2, 400.0, 1e-6);
    EXPECT_NEAR(sq->centroid.x, 500005.0, 1e-6);
    EXPECT_NEAR(sq->centroid.y, 6600005.0, 1e-6);

    const Building* courtyard = by_source(bs, 4);
    ASSERT_NE(courtyard, nullptr);
    ASSERT_EQ(courtyard->footprint.size(), 1u);
    EXPECT_EQ(courtyard->footprint[0].holes.size(), 1u);
    EXPECT_NEAR(courtyard->footprint_area_m2, 96.0, 1e-6);
    EXPECT_DOUBLE_EQ(courtyard->height_m, 6.0);
    EXPECT_EQ(courtyard->height_source, HeightSource::Height);
    EXPECT_EQ(courtyard->use, BuildingUse::Public);

    // The bow-tie is repaired into its two triangles (25 m² each).
    EXPECT_EQ(report.buildings_repaired, 1u);
    EXPECT_EQ(report.buildings_skipped, 0u);
    const Building* bowtie = by_source(bs, 5);
    ASSERT_NE(bowtie, nullptr);
    EXPECT_EQ(bowtie->footprint.size(), 2u);
    EXPECT_NEAR(bowtie->footprint_area_m2, 50.0, 1e-6);
    EXPECT_NEAR(bowtie->centroid.x, 500085.0, 1e-6);
    EXPECT_NEAR(bowtie->centroid.y, 6600005.0, 1e-6);

    EXPECT_EQ(m.bounds.min, (Point{500000, 6600000}));
    EXPECT_EQ(m.bounds.max, (Point{500130, 6600010}));
}

// SWEREF99 TM is transverse Mercator on GRS80 with central meridian 15°E, k0 0.9996 and
// false easting 500000: lon 15 lat 60 maps to x = 500000 exactly and y = 0.9996 × the
// GRS80 meridian arc from the equator to 60°N = 6651411.190 m.
constexpr double x_15_60 = 500000.000, y_15_60 = 6651411.190;

TEST(Reprojection, AccessPointLandsOnKnownSwerefCoordinates) {
    TempDir tmp;
    write_file(tmp / "aps.geojson", collection(crs84, feature(1, R"("name":"ap")", point(15.0, 60.0))));
    CityConfig c;
    c.name = "test";
    c.crs = "EPSG:3006";
    AccessPointLayerConfig a;
    a.source = (tmp / "aps.geojson").string();
    a.name_field = "name";
    c.access_points = a;
    LoadReport report;
    const CityModel m = load(c, report);
    ASSERT_EQ(m.access_points->size(), 1u);
    const AccessPoint& ap = m.access_points->front();
    EXPECT_NEAR(ap.position.x, x_15_60, 0.01);
    EXPECT_NEAR(ap.position.y, y_15_60, 0.01);
    EXPECT_EQ(ap.name, "ap");
}

TEST(Reprojection, RoadFromEpsg4326LandsOnKnownSwerefCoordinates) {
    TempDir tmp;
    write_file(tmp / "roads.geojson",
               collection("EPSG:4326", feature(1, R"("highway":"residential")", line("[15.0,60.0],[15.0,60.001]"))));
    LoadReport report;
    const CityModel m = load(city_with_class_only_roads(tmp / "roads.geojson"), report);
    ASSERT_EQ(m.roads->link_count(), 2u);
    const Point p = m.roads->node(NodeId(0)).position;
    EXPECT_NEAR(p.x, x_15_60, 0.01);
    EXPECT_NEAR(p.y, y_15_60, 0.01);
    // Along the central meridian: 0.001° of GRS80 meridian arc at 60°N (111.412 m) × 0.9996.
    EXPECT_NEAR(m.roads->link(LinkId(0)).length_m, 111.3677, 0.001);
}

TEST(Reprojection, AutoUtmZoneFromDataCentre) {
    TempDir tmp;
    write_file(tmp / "monaco.geojson",
               collection(crs84, feature(1, R"("highway":"residential")", line("[7.42,43.73],[7.421,43.73]"))));
    LoadReport report;
    const CityModel m = load(city_with_class_only_roads(tmp / "monaco.geojson", ""), report);
    EXPECT_EQ(m.crs, "EPSG:32632");
    EXPECT_NE(m.crs_wkt.find("UTM zone 32N"), std::string::npos);
    ASSERT_EQ(m.roads->link_count(), 2u);
}

// Roads in SWEREF99 TM (the small town) plus access points: one inside, one far away,
// one with no attributes (defaults).
TEST(LoadAccessPoints, OutsideStudyAreaIsCountedAndDefaultsApply) {
    TempDir tmp;
    write_file(tmp / "roads.geojson", small_town_roads());
    write_file(tmp / "aps.geojson",
               collection(sweref,
                          feature(1, R"("name":"lib","tx_power":"23","frequency":"5180","channel":"36","height":"10 m")",
                                  point(500050, 6600010)) +
                              "," +
                              feature(2, R"("name":"far","tx_power":null,"frequency":null,"channel":null,"height":null)",
                                      point(600000, 6700000)) +
                              "," +
                              feature(3, R"("name":null,"tx_power":null,"frequency":null,"channel":null,"height":null)",
                                      point(500150, 6600100))));
    CityConfig c = city_with_roads(tmp / "roads.geojson");
    AccessPointLayerConfig a;
    a.source = (tmp / "aps.geojson").string();
    a.name_field = "name";
    a.power_field = "tx_power";
    a.frequency_field = "frequency";
    a.channel_field = "channel";
    a.height_field = "height";
    c.access_points = a;
    LoadReport report;
    const CityModel m = load(c, report);

    EXPECT_EQ(report.access_point_features, 3u);
    EXPECT_EQ(report.access_points_outside, 1u);
    ASSERT_EQ(m.access_points->size(), 2u);
    const AccessPoint& lib = (*m.access_points)[0];
    EXPECT_EQ(lib.id, AccessPointId(0));
    EXPECT_EQ(lib.source_id, 1);
    EXPECT_EQ(lib.name, "lib");
    EXPECT_EQ(lib.position, (Point{500050, 6600010}));
    EXPECT_DOUBLE_EQ(lib.tx_power_dbm, 23.0);
    EXPECT_DOUBLE_EQ(lib.frequency_ghz, 5.18);  // 5180 read as MHz
    EXPECT_EQ(lib.channel, 36);
    EXPECT_DOUBLE_EQ(lib.height_m, 10.0);

    const AccessPoint& plain = (*m.access_points)[1];
    EXPECT_EQ(plain.id, AccessPointId(1));
    EXPECT_EQ(plain.source_id, 3);
    EXPECT_DOUBLE_EQ(plain.tx_power_dbm, 20.0);
    EXPECT_DOUBLE_EQ(plain.frequency_ghz, 2.4);
    EXPECT_EQ(plain.channel, 6);
    EXPECT_DOUBLE_EQ(plain.height_m, 4.0);

    bool warned = false;
    for (const auto& w : report.warnings) warned = warned || w.find("outside the study area") != std::string::npos;
    EXPECT_TRUE(warned);
}

// A Shapefile without .prj: a layer that really has no CRS (GeoJSON always has one).
// With with_feature false the layer has its field but no feature.
void write_shapefile_without_crs(const fs::path& path, bool with_feature = true) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    ASSERT_NE(drv, nullptr);
    GDALDataset* ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(ds, nullptr);
    OGRLayer* layer = ds->CreateLayer(path.stem().c_str(), nullptr, wkbLineString, nullptr);
    ASSERT_NE(layer, nullptr);
    OGRFieldDefn field("highway", OFTString);
    ASSERT_EQ(layer->CreateField(&field), OGRERR_NONE);
    if (with_feature) {
        OGRFeature f(layer->GetLayerDefn());
        f.SetField("highway", "residential");
        OGRLineString ls;
        ls.addPoint(500000, 6600000);
        ls.addPoint(500100, 6600000);
        f.SetGeometry(&ls);
        ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
    }
    GDALClose(GDALDataset::ToHandle(ds));
}

TEST(LoadErrors, LayerWithoutCrsNeedsOneInTheConfig) {
    TempDir tmp;
    const fs::path shp = tmp / "roads.shp";
    ASSERT_NO_FATAL_FAILURE(write_shapefile_without_crs(shp));
    ASSERT_TRUE(fs::exists(shp));
    ASSERT_FALSE(fs::exists(tmp / "roads.prj"));

    CityConfig c = city_with_class_only_roads(shp);
    const std::string msg = load_error(c);
    EXPECT_NE(msg.find("no CRS"), std::string::npos) << msg;
    EXPECT_NE(msg.find("roads.shp"), std::string::npos) << msg;

    // The same with the working CRS chosen automatically (it reads the extent first).
    CityConfig auto_crs = c;
    auto_crs.crs.clear();
    const std::string msg2 = load_error(auto_crs);
    EXPECT_NE(msg2.find("no CRS"), std::string::npos) << msg2;
    EXPECT_NE(msg2.find("roads.shp"), std::string::npos) << msg2;

    c.roads->crs = "EPSG:3006";
    LoadReport report;
    const CityModel m = load(c, report);
    ASSERT_EQ(m.roads->link_count(), 2u);
    EXPECT_EQ(m.roads->node(NodeId(0)).position, (Point{500000, 6600000}));
    EXPECT_DOUBLE_EQ(m.roads->link(LinkId(0)).length_m, 100.0);
}

TEST(LoadErrors, UnknownLayerListsLayers) {
    TempDir tmp;
    write_file(tmp / "roads.geojson", small_town_roads());
    CityConfig c = city_with_roads(tmp / "roads.geojson");
    c.roads->layer = "streets";
    const std::string msg = load_error(c);
    EXPECT_NE(msg.find("unknown layer 'streets'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("layers: roads"), std::string::npos) << msg;
    EXPECT_NE(msg.find("roads.geojson"), std::string::npos) << msg;
}

TEST(LoadErrors, UnknownFieldNamesFieldAndListsFields) {
    TempDir tmp;
    write_file(tmp / "roads.geojson", small_town_roads());
    CityConfig c = city_with_roads(tmp / "roads.geojson");
    c.roads->speed_field = "max_speed";
    const std::string msg = load_error(c);
    EXPECT_NE(msg.find("unknown field 'max_speed'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("fields: highway, maxspeed, lanes, oneway, name"), std::string::npos) << msg;
    EXPECT_NE(msg.find("roads.geojson"), std::string::npos) << msg;
}

TEST(LoadErrors, EmptyLayer) {
    // A layer with a schema but no feature.
    TempDir tmp;
    const fs::path shp = tmp / "roads.shp";
    ASSERT_NO_FATAL_FAILURE(write_shapefile_without_crs(shp, false));
    CityConfig c = city_with_class_only_roads(shp);
    c.roads->crs = "EPSG:3006";
    const std::string msg = load_error(c);
    EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
    EXPECT_NE(msg.find("roads.shp"), std::string::npos) << msg;
}

TEST(LoadErrors, EmptyLayerWithAutomaticCrs) {
    // The working CRS is chosen from the layer's extent; an empty layer has none, and
    // the user should still be told the layer is empty.
    TempDir tmp;
    const fs::path shp = tmp / "roads.shp";
    ASSERT_NO_FATAL_FAILURE(write_shapefile_without_crs(shp, false));
    CityConfig c = city_with_class_only_roads(shp, "");
    c.roads->crs = "EPSG:3006";
    const std::string msg = load_error(c);
    EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
    EXPECT_NE(msg.find("roads.shp"), std::string::npos) << msg;
}

TEST(LoadErrors, EmptyGeoJsonLayer) {
    // An empty GeoJSON FeatureCollection has no fields at all: the message must say the
    // layer is empty, not that a mapped field is unknown.
    TempDir tmp;
    write_file(tmp / "roads.geojson", collection(sweref, ""));
    const std::string msg = load_error(city_with_roads(tmp / "roads.geojson"));
    EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
    EXPECT_NE(msg.find("roads.geojson"), std::string::npos) << msg;
    // The same when the working CRS is to be chosen from the (missing) extent.
    const std::string msg_auto = load_error(city_with_roads(tmp / "roads.geojson", ""));
    EXPECT_NE(msg_auto.find("empty"), std::string::npos) << msg_auto;
    EXPECT_NE(msg_auto.find("roads.geojson"), std::string::npos) << msg_auto;
}

TEST(LoadErrors, FilterMatchingNothing) {
    TempDir tmp;
    write_file(tmp / "roads.geojson", small_town_roads());
    CityConfig c = city_with_roads(tmp / "roads.geojson");
    c.roads->where = "highway = 'motorway'";
    const std::string msg = load_error(c);
    EXPECT_NE(msg.find("no feature matches the filter"), std::string::npos) << msg;
    EXPECT_NE(msg.find("highway = 'motorway'"), std::string::npos) << msg;
}

TEST(LoadErrors, MissingFile) {
    TempDir tmp;
    const std::string msg = load_error(city_with_roads(tmp / "nowhere.geojson"));
    EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
    EXPECT_NE(msg.find("nowhere.geojson"), std::string::npos) << msg;
}

TEST(LoadErrors, CorruptFileNamesTheFile) {
    TempDir tmp;
    std::string garbage = "SQLite format 3";
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 251);
    write_file(tmp / "city.gpkg", garbage);
    const std::string msg = load_error(city_with_roads(tmp / "city.gpkg"));
    EXPECT_FALSE(msg.empty());
    EXPECT_NE(msg.find("city.gpkg"), std::string::npos) << msg;
}

TEST(LoadErrors, WorkingCrsMustBeProjected) {
    TempDir tmp;
    write_file(tmp / "roads.geojson", small_town_roads());
    const std::string msg = load_error(city_with_roads(tmp / "roads.geojson", "EPSG:4326"));
    EXPECT_NE(msg.find("not projected"), std::string::npos) << msg;
}

}  // namespace
}  // namespace citytwin::geodata
