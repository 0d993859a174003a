// Baseline versus variant on small hand-made result GeoPackages with known answers: KPI
// deltas and relative deltas, per-link flow/speed changes with a new link, the re-routed
// figure, coverage gained/lost on shifted raster extents, district deltas, the diff
// GeoPackage read back with GDAL, exact zeros for a result compared with itself, and
// errors that name the file.
#include "../geodata/test_helpers.hpp"

#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/raster_writer.hpp>
#include <citytwin/geodata/result_reader.hpp>
#include <citytwin/scenarios/compare.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace citytwin::scenarios {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::TempDir;
using nlohmann::json;

constexpr float C = -60.0f;      // covered (threshold -75 dBm)
constexpr float U = -80.0f;      // signal, but below the threshold
constexpr float N = -9999.0f;    // no signal (nodata)
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct FlowRow {
    std::int64_t link, hour;
    double flow, speed;
};

struct DistrictRow {
    std::int64_t id;
    std::string name;
    double area_share, population_share, aps, people_per_ap;
};

enum class RasterStorage { Table, GeoTiff };

// What a `citytwin run` result holds, as far as compare reads it.
struct FakeResult {
    json kpis;
    std::vector<std::int64_t> link_ids;   ///< link i runs from (10 i, 0) to (10 i + 10, 0)
    std::vector<FlowRow> flows;
    std::vector<DistrictRow> districts;
    geodata::GridPlacement grid{4, 4, 0.0, 40.0, 10.0};
    std::vector<float> rssi;
    RasterStorage storage = RasterStorage::Table;
    bool with_link_flows = true;
};

geodata::Polyline link_line(std::int64_t id) {
    const double x = 10.0 * static_cast<double>(id);
    return {{x, 0.0}, {x + 10.0, 0.0}};
}

geodata::MultiPolygon square(double x) {
    return {geodata::Polygon{{{x, 0}, {x + 10, 0}, {x + 10, 10}, {x, 10}, {x, 0}}, {}}};
}

geodata::Table links_table(const FakeResult& r) {
    geodata::Table t;
    t.name = "links";
    t.rows = r.link_ids.size();
    for (const auto id : r.link_ids) t.lines.push_back(link_line(id));
    t.columns = {{"link_id", r.link_ids}};
    return t;
}

geodata::Table flows_table(const FakeResult& r) {
    std::vector<std::int64_t> link, hour;
    std::vector<double> flow, speed;
    for (const auto& f : r.flows) {
        link.push_back(f.link);
        hour.push_back(f.hour);
        flow.push_back(f.flow);
        speed.push_back(f.speed);
    }
    geodata::Table t;
    t.name = "link_flows";
    t.rows = link.size();
    t.columns = {{"link_id", link}, {"hour", hour}, {"flow_veh", flow}, {"mean_speed_kmh", speed}};
    return t;
}

geodata::Table districts_table(const FakeResult& r) {
    std::vector<std::int64_t> id;
    std::vector<std::string> name;
    std::vector<double> area, population, aps, per_ap;
    geodata::Table t;
    for (const auto& d : r.districts) {
        id.push_back(d.id);
        name.push_back(d.name);
        area.push_back(d.area_share);
        population.push_back(d.population_share);
        aps.push_back(d.aps);
        per_ap.push_back(d.people_per_ap);
        t.polygons.push_back(square(10.0 * static_cast<double>(d.id)));
    }
    t.name = "wifi_districts";
    t.rows = id.size();
    t.columns = {{"district_id", id}, {"name", name}, {"area_covered_share", area},
                 {"population_covered_share", population}, {"aps", aps}, {"people_per_ap", per_ap}};
    return t;
}

std::string write_result(const FakeResult& r, const fs::path& path) {
    geodata::DatasetWriter w(path.string(), "EPSG:3006");
    w.set_metadata("CITYTWIN_KPIS", r.kpis.dump());
    w.add_table(links_table(r));
    if (r.with_link_flows) w.add_table(flows_table(r));
    if (!r.districts.empty()) w.add_table(districts_table(r));
    const geodata::RasterBandInfo band{"best-server RSSI", "dBm", N};
    if (!r.rssi.empty() && r.storage == RasterStorage::Table) w.add_raster("wifi_rssi", r.grid, r.rssi, band);
    if (!r.rssi.empty() && r.storage == RasterStorage::GeoTiff) {
        fs::path tif = path;
        tif.replace_extension();
        geodata::write_geotiff(tif.string() + "-rssi.tif", "EPSG:3006", r.grid, std::span<const float>(r.rssi), band);
    }
    w.commit();
    return path.string();
}

json kpis(const std::string& scenario, double car_trips, double travel_time, double stuck, double seconds) {
    return {{"scenario", scenario},
            {"run", {{"seed", 7}, {"threads", 2}, {"seconds", seconds}, {"crs", "EPSG:3006"}}},
            {"mobility",
             {{"car_trips", car_trips}, {"mean_travel_time_s", travel_time}, {"stuck", stuck},
              {"relative_gap_by_iteration", {0.5, 0.25}}, {"note", "text is not compared"}}},
            {"wifi", {{"threshold_dbm", -75.0}, {"districts", json::array()}}}};
}

// Base: links 0, 1, 2; peak hour 8 (80 entries). Link 0: 10 @ 30 km/h at 7, 30 @ 20 at 8.
FakeResult base_result() {
    FakeResult r;
    r.kpis = kpis("base", 100, 200, 0, 12.5);
    r.link_ids = {0, 1, 2};
    r.flows = {{0, 7, 10, 30}, {0, 8, 30, 20}, {1, 8, 40, 50}, {2, 8, 10, 40}, {2, 9, 10, 40}};
    r.districts = {{1, "North", 0.5, 0.625, 2, 100}, {2, "South", 0.25, 0.125, 0, nan}};
    r.rssi = {C, C, U, N,
              C, U, U, U,
              U, U, C, C,
              N, N, N, C};
    return r;
}

// Variant: link 2 carries nothing, new link 3; the raster is shifted one cell east, so the
// base's western column lies outside it.
FakeResult variant_result() {
    FakeResult r;
    r.kpis = kpis("variant", 110, 150, 2, 99.0);
    r.kpis["plugins"] = {{"toll", {{"revenue", 500}}}};
    r.link_ids = {0, 1, 2, 3};
    r.flows = {{0, 8, 20, 25}, {1, 8, 40, 50}, {3, 8, 30, 60}, {3, 9, 5, 60}};
    r.districts = {{1, "North", 0.5, 0.625, 3, 80}, {2, "South", 0.5, 0.125, 1, 50}, {3, "East", 0.75, 0.5, 1, 10}};
    r.grid.origin_x = 10.0;
    r.rssi = {C, C, U, C,
              C, U, U, C,
              U, U, C, C,
              N, N, N, C};
    r.storage = RasterStorage::GeoTiff;
    return r;
}

const KpiDelta& kpi(const Comparison& c, const std::string& key) {
    for (const auto& k : c.kpis)
        if (k.key == key) return k;
    throw std::runtime_error("no KPI " + key);
}

const LinkChange& link(const Comparison& c, std::int64_t id) {
    for (const auto& l : c.links)
        if (l.link_id == id) return l;
    throw std::runtime_error("no link " + std::to_string(id));
}

const DistrictChange& district(const Comparison& c, std::int64_t id) {
    for (const auto& d : c.districts)
        if (d.district_id == id) return d;
    throw std::runtime_error("no district " + std::to_string(id));
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const geodata::Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a geodata::Error";
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void expect_all_zero(const Comparison& c) {
    ASSERT_FALSE(c.kpis.empty());
    for (const auto& k : c.kpis) EXPECT_EQ(k.value.delta, 0.0) << k.key;
    for (const auto& l : c.links) {
        EXPECT_EQ(l.status, "same") << l.link_id;
        EXPECT_EQ(l.flow.delta, 0.0) << l.link_id;
        EXPECT_EQ(l.speed_kmh.delta, 0.0) << l.link_id;
        EXPECT_EQ(l.peak_hour_flow_delta, 0.0) << l.link_id;
    }
    for (const auto& d : c.districts) {
        EXPECT_EQ(d.status, "same") << d.name;
        for (const Delta* x : {&d.area_covered_share, &d.population_covered_share, &d.aps, &d.people_per_ap})
            EXPECT_EQ(x->delta, 0.0) << d.name;
    }
    ASSERT_TRUE(c.coverage_change);
    for (const float v : c.coverage_change->values) EXPECT_EQ(v, 0.0f);
    EXPECT_EQ(c.summary.links_changed_flow, 0u);
    EXPECT_EQ(c.summary.rerouted_passages, 0.0);
    EXPECT_EQ(c.summary.cells_gained, 0u);
    EXPECT_EQ(c.summary.cells_lost, 0u);
}

TEST(Compare, ResultWithItselfIsExactlyZero) {
    TempDir dir;
    const auto base = write_result(base_result(), dir / "base.gpkg");
    const Comparison c = compare_results(base, base);
    expect_all_zero(c);
    EXPECT_EQ(c.links.size(), 3u);
    EXPECT_EQ(c.districts.size(), 2u);
    EXPECT_TRUE(std::isnan(district(c, 2).people_per_ap.base)) << "no AP: null, and null - null is no change";
    EXPECT_EQ(c.base_label, "base.gpkg") << "same scenario name: labelled by file";
}

TEST(Compare, KpiDeltasAndRelativeDeltas) {
    TempDir dir;
    const Comparison c =
        compare_results(write_result(base_result(), dir / "b.gpkg"), write_result(variant_result(), dir / "v.gpkg"));
    EXPECT_EQ(c.base_label, "base");
    EXPECT_EQ(c.variant_label, "variant");
    const auto& trips = kpi(c, "mobility.car_trips");
    EXPECT_EQ(trips.value.base, 100.0);
    EXPECT_EQ(trips.value.variant, 110.0);
    EXPECT_EQ(trips.value.delta, 10.0);
    EXPECT_EQ(trips.relative, 0.1);
    EXPECT_EQ(kpi(c, "mobility.mean_travel_time_s").value.delta, -50.0);
    EXPECT_EQ(kpi(c, "mobility.mean_travel_time_s").relative, -0.25);
    EXPECT_EQ(kpi(c, "mobility.stuck").value.delta, 2.0);
    EXPECT_TRUE(std::isnan(kpi(c, "mobility.stuck").relative)) << "base 0: no relative change";
    const auto& revenue = kpi(c, "plugins.toll.revenue");   // only the variant has it
    EXPECT_TRUE(std::isnan(revenue.value.base));
    EXPECT_EQ(revenue.value.variant, 500.0);
    EXPECT_TRUE(std::isnan(revenue.value.delta));
    EXPECT_EQ(kpi(c, "run.seed").value.delta, 0.0);
    EXPECT_EQ(c.kpis.back().key.rfind("run.", 0), 0u) << "how the run was made comes last";
    for (const auto& k : c.kpis) {
        EXPECT_NE(k.key, "run.seconds") << "timings are not results";
        EXPECT_NE(k.key, "mobility.note");
        EXPECT_EQ(k.key.find("relative_gap_by_iteration"), std::string::npos);
    }
}

TEST(Compare, LinkFlowsSpeedsAndReroutedPassages) {
    TempDir dir;
    const Comparison c =
        compare_results(write_result(base_result(), dir / "b.gpkg"), write_result(variant_result(), dir / "v.gpkg"));
    ASSERT_EQ(c.links.size(), 4u);
    EXPECT_EQ(c.summary.peak_hour, 8);
    const auto& l0 = link(c, 0);   // 40 vehicles at (10·30 + 30·20)/40 = 22.5 km/h -> 20 at 25
    EXPECT_EQ(l0.status, "changed");
    EXPECT_EQ(l0.flow.base, 40.0);
    EXPECT_EQ(l0.flow.variant, 20.0);
    EXPECT_EQ(l0.flow.delta, -20.0);
    EXPECT_EQ(l0.speed_kmh.base, 22.5);
    EXPECT_EQ(l0.speed_kmh.delta, 2.5);
    EXPECT_EQ(l0.peak_hour_flow_delta, -10.0);
    EXPECT_EQ(link(c, 1).status, "same");
    const auto& l2 = link(c, 2);
    EXPECT_EQ(l2.status, "no traffic");
    EXPECT_EQ(l2.flow.delta, -20.0);
    EXPECT_EQ(l2.speed_kmh.base, 40.0);
    EXPECT_TRUE(std::isnan(l2.speed_kmh.variant));
    EXPECT_EQ(l2.peak_hour_flow_delta, -10.0);
    const auto& l3 = link(c, 3);
    EXPECT_EQ(l3.status, "new");
    EXPECT_EQ(l3.flow.base, 0.0);
    EXPECT_EQ(l3.flow.delta, 35.0);
    EXPECT_EQ(l3.speed_kmh.variant, 60.0);
    EXPECT_EQ(l3.peak_hour_flow_delta, 30.0);
    EXPECT_EQ(l3.geometry, link_line(3));
    const auto& s = c.summary;
    EXPECT_EQ(s.links_compared, 3u);
    EXPECT_EQ(s.links_new, 1u);
    EXPECT_EQ(s.links_removed, 0u);
    EXPECT_EQ(s.links_changed_flow, 3u);
    EXPECT_EQ(s.base_daily_flow, 100.0);
    EXPECT_EQ(s.variant_daily_flow, 95.0);
    EXPECT_EQ(s.rerouted_passages, (20.0 + 20.0 + 35.0) / 2.0);
}

TEST(Compare, CoverageGainedAndLostOnShiftedGrids) {
    TempDir dir;
    const Comparison c =
        compare_results(write_result(base_result(), dir / "b.gpkg"), write_result(variant_result(), dir / "v.gpkg"));
    ASSERT_TRUE(c.coverage_change);
    const auto& r = *c.coverage_change;
    EXPECT_EQ(r.width, 4);
    EXPECT_EQ(r.height, 4);
    EXPECT_EQ(r.origin_x, 0.0) << "on the base grid";
    EXPECT_EQ(r.origin_y, 40.0);
    EXPECT_EQ(r.cell_size, 10.0);
    // Western column: outside the variant's grid, so covered cells are lost.
    const std::vector<float> expected = {-1, 0, +1, 0,
                                         -1, +1, 0, 0,
                                         0, 0, -1, 0,
                                         0, 0, 0, -1};
    EXPECT_EQ(r.values, expected);
    EXPECT_EQ(c.summary.cells_gained, 2u);
    EXPECT_EQ(c.summary.cells_lost, 4u);
    EXPECT_EQ(c.summary.area_gained_m2, 200.0);
    EXPECT_EQ(c.summary.area_lost_m2, 400.0);
    EXPECT_TRUE(c.summary.coverage_compared);
}

TEST(Compare, DistrictsMatchedById) {
    TempDir dir;
    const Comparison c =
        compare_results(write_result(base_result(), dir / "b.gpkg"), write_result(variant_result(), dir / "v.gpkg"));
    ASSERT_EQ(c.districts.size(), 3u);
    const auto& north = district(c, 1);
    EXPECT_EQ(north.status, "changed");
    EXPECT_EQ(north.area_covered_share.delta, 0.0);
    EXPECT_EQ(north.aps.delta, 1.0);
    EXPECT_EQ(north.people_per_ap.delta, -20.0);
    const auto& south = district(c, 2);
    EXPECT_EQ(south.area_covered_share.delta, 0.25);
    EXPECT_EQ(south.population_covered_share.delta, 0.0);
    EXPECT_TRUE(std::isnan(south.people_per_ap.delta)) << "null before (no AP), 50 after";
    const auto& east = district(c, 3);
    EXPECT_EQ(east.status, "new");
    EXPECT_EQ(east.name, "East");
    EXPECT_TRUE(std::isnan(east.aps.base));
    EXPECT_EQ(east.aps.variant, 1.0);
}

TEST(Compare, JsonHasKpisSummaryDistricts) {
    TempDir dir;
    const Comparison c =
        compare_results(write_result(base_result(), dir / "b.gpkg"), write_result(variant_result(), dir / "v.gpkg"));
    const json j = comparison_json(c);
    EXPECT_EQ(j["base"]["label"], "base");
    EXPECT_EQ(j["variant"]["result"], (dir / "v.gpkg").string());
    EXPECT_EQ(j["summary"]["rerouted_passages"], 37.5);
    EXPECT_EQ(j["summary"]["coverage_area_lost_m2"], 400.0);
    bool seen_stuck = false;
    for (const auto& k : j["kpis"])
        if (k["key"] == "mobility.stuck") {
            seen_stuck = true;
            EXPECT_TRUE(k["relative"].is_null());
            EXPECT_EQ(k["delta"], 2.0);
        }
    EXPECT_TRUE(seen_stuck);
    ASSERT_EQ(j["districts"].size(), 3u);
    EXPECT_TRUE(j["districts"][1]["people_per_ap"]["delta"].is_null());
}

using GdalDataset = std::unique_ptr<GDALDataset>;

GdalDataset open_vector(const fs::path& path) {
    GDALAllRegister();
    return GdalDataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
}

TEST(Compare, DiffGeoPackageHoldsChangesAndRaster) {
    TempDir dir;
    const Comparison c =
        compare_results(write_result(base_result(), dir / "b.gpkg"), write_result(variant_result(), dir / "v.gpkg"));
    const fs::path out = dir / "diff.gpkg";
    write_comparison(c, out.string());
    ASSERT_TRUE(fs::exists(out));
    ASSERT_TRUE(fs::exists(dir / "diff-coverage-change.tif"));
    EXPECT_EQ(coverage_change_path(out.string()), (dir / "diff-coverage-change.tif").string());

    const GdalDataset ds = open_vector(out);
    ASSERT_TRUE(ds);
    EXPECT_EQ(std::string(ds->GetMetadataItem("CITYTWIN_COMPARE_BASE")), (dir / "b.gpkg").string());
    EXPECT_EQ(std::string(ds->GetMetadataItem("CITYTWIN_COMPARE_VARIANT")), (dir / "v.gpkg").string());
    EXPECT_NE(ds->GetMetadataItem("CITYTWIN_VERSION"), nullptr);
    OGRLayer* kpi_layer = ds->GetLayerByName("kpi_deltas");
    ASSERT_TRUE(kpi_layer);
    EXPECT_EQ(kpi_layer->GetFeatureCount(), static_cast<GIntBig>(c.kpis.size()));
    OGRLayer* links = ds->GetLayerByName("link_changes");
    ASSERT_TRUE(links);
    EXPECT_EQ(wkbFlatten(links->GetGeomType()), wkbLineString);
    std::map<std::int64_t, std::string> status;   // link 1 did not change: left out
    for (auto& f : *links) {
        status[f->GetFieldAsInteger64("link_id")] = f->GetFieldAsString("status");
        ASSERT_TRUE(f->GetGeometryRef());
        if (f->GetFieldAsInteger64("link_id") == 0) {
            EXPECT_EQ(f->GetFieldAsDouble("flow_delta"), -20.0);
            EXPECT_EQ(f->GetFieldAsDouble("speed_kmh_delta"), 2.5);
            EXPECT_EQ(f->GetFieldAsDouble("peak_hour_flow_delta"), -10.0);
        }
        if (f->GetFieldAsInteger64("link_id") == 3) {
            EXPECT_TRUE(f->IsFieldNull(f->GetFieldIndex("speed_kmh_base")));
        }
    }
    EXPECT_EQ(status, (std::map<std::int64_t, std::string>{{0, "changed"}, {2, "no traffic"}, {3, "new"}}));
    OGRLayer* districts = ds->GetLayerByName("district_changes");
    ASSERT_TRUE(districts);
    EXPECT_EQ(districts->GetFeatureCount(), 3);
    EXPECT_EQ(wkbFlatten(districts->GetGeomType()), wkbMultiPolygon);

    for (const std::string& source : {"GPKG:" + out.string() + ":coverage_change", (dir / "diff-coverage-change.tif").string()}) {
        const geodata::Raster r = geodata::read_raster(source);
        EXPECT_EQ(r.values, c.coverage_change->values) << source;
        EXPECT_EQ(r.origin_x, 0.0) << source;
        EXPECT_EQ(r.nodata, coverage_change_nodata) << source;
    }
    // Only the two outputs: the temporary folder is gone.
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) names.insert(e.path().filename().string());
    EXPECT_EQ(names, (std::set<std::string>{"b.gpkg", "v.gpkg", "v-rssi.tif", "diff.gpkg", "diff-coverage-change.tif"}));
}

TEST(Compare, SameScenarioNamesAreLabelledByFile) {
    TempDir dir;
    FakeResult variant = variant_result();
    variant.kpis["scenario"] = "base";
    const Comparison c =
        compare_results(write_result(base_result(), dir / "one.gpkg"), write_result(variant, dir / "two.gpkg"));
    EXPECT_EQ(c.base_label, "one.gpkg");
    EXPECT_EQ(c.variant_label, "two.gpkg");
}

TEST(CompareErrors, MissingFileIsNamed) {
    TempDir dir;
    const auto base = write_result(base_result(), dir / "b.gpkg");
    const std::string missing = (dir / "nothing.gpkg").string();
    const std::string msg = error_of([&] { compare_results(base, missing); });
    EXPECT_TRUE(contains(msg, missing)) << msg;
    EXPECT_TRUE(contains(msg, "not found")) << msg;
}

TEST(CompareErrors, GeoPackageThatIsNoResult) {
    TempDir dir;
    const fs::path city = dir / "city.gpkg";
    {
        geodata::DatasetWriter w(city.string(), "EPSG:3006");
        w.add_table(links_table(base_result()));
        w.commit();
    }
    const std::string msg = error_of([&] { compare_results(write_result(base_result(), dir / "b.gpkg"), city.string()); });
    EXPECT_TRUE(contains(msg, city.string())) << msg;
    EXPECT_TRUE(contains(msg, "not a citytwin result")) << msg;
}

TEST(CompareErrors, UnknownExtension) {
    TempDir dir;
    const std::string csv = (dir / "flows.csv").string();
    const std::string msg = error_of([&] { compare(csv, csv, {}); });
    EXPECT_TRUE(contains(msg, csv)) << msg;
    EXPECT_TRUE(contains(msg, ".yaml")) << msg;
    EXPECT_TRUE(contains(msg, ".gpkg")) << msg;
}

TEST(CompareErrors, MissingLayerNamesFileAndLayer) {
    TempDir dir;
    FakeResult variant = variant_result();
    variant.with_link_flows = false;
    const auto v = write_result(variant, dir / "v.gpkg");
    const std::string msg = error_of([&] { compare_results(write_result(base_result(), dir / "b.gpkg"), v); });
    EXPECT_TRUE(contains(msg, v)) << msg;
    EXPECT_TRUE(contains(msg, "'link_flows'")) << msg;
}

TEST(CompareErrors, MissingRasterNamesBothPlacesLooked) {
    TempDir dir;
    FakeResult variant = variant_result();
    variant.rssi.clear();
    const auto v = write_result(variant, dir / "v.gpkg");
    const std::string msg = error_of([&] { compare_results(write_result(base_result(), dir / "b.gpkg"), v); });
    EXPECT_TRUE(contains(msg, v)) << msg;
    EXPECT_TRUE(contains(msg, "wifi_rssi")) << msg;
    EXPECT_TRUE(contains(msg, "v-rssi.tif")) << msg;
}

TEST(ResultReader, ColumnsLinesAndMissingFields) {
    TempDir dir;
    const auto path = write_result(base_result(), dir / "b.gpkg");
    const geodata::ResultReader reader(path);
    EXPECT_TRUE(contains(reader.kpis_json(), "\"scenario\":\"base\""));
    EXPECT_TRUE(contains(reader.crs_wkt(), "3006"));
    const auto t = reader.read_columns("wifi_districts", {"district_id", "people_per_ap"}, {"name"});
    ASSERT_EQ(t.rows, 2u);
    EXPECT_EQ(t.number("district_id"), (std::vector<double>{1, 2}));
    EXPECT_EQ(t.number("people_per_ap")[0], 100.0);
    EXPECT_TRUE(std::isnan(t.number("people_per_ap")[1])) << "null reads as NaN";
    EXPECT_EQ(t.text("name"), (std::vector<std::string>{"North", "South"}));
    const auto lines = reader.read_lines("links", "link_id");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines.at(2), link_line(2));
    EXPECT_TRUE(reader.has_raster_table("wifi_rssi"));
    EXPECT_FALSE(reader.has_raster_table("wifi_sinr"));
    EXPECT_EQ(reader.read_raster_table("wifi_rssi").values, base_result().rssi);

    std::string msg = error_of([&] { reader.read_columns("link_flows", {"flow_veh", "flow_vph"}); });
    EXPECT_TRUE(contains(msg, path) && contains(msg, "'link_flows'") && contains(msg, "'flow_vph'")) << msg;
    msg = error_of([&] { reader.read_columns("wifi_districts", {"name"}); });
    EXPECT_TRUE(contains(msg, path) && contains(msg, "'name'") && contains(msg, "not numeric")) << msg;
    msg = error_of([&] { reader.read_columns("trips", {"trip_id"}); });
    EXPECT_TRUE(contains(msg, path) && contains(msg, "'trips'")) << msg;
    msg = error_of([&] { reader.read_raster_table("wifi_sinr"); });
    EXPECT_TRUE(contains(msg, path) && contains(msg, "'wifi_sinr'")) << msg;
}

}  // namespace
}  // namespace citytwin::scenarios
