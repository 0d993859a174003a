// `citytwin compare` as a user runs it: a small Monaco scenario compared with itself (both
// runs made by compare, every delta exactly 0, the diff GeoPackage and the kept runs on
// disk), the text report on the two result files, --help, and one clear error per bad input.
#include "../geodata/test_helpers.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace citytwin::app {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::CommandResult;
using citytwin::testing::data_dir;
using citytwin::testing::run_citytwin;
using citytwin::testing::TempDir;
using citytwin::testing::write_file;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string describe(const CommandResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" + r.err;
}

// Exit 1 and a single "citytwin: error: …" line on stderr that names every part.
void expect_error(const CommandResult& r, const std::vector<std::string>& parts) {
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    std::istringstream err(r.err);
    std::vector<std::string> messages;
    for (std::string line; std::getline(err, line);)
        if (line.rfind("citytwin:", 0) == 0) messages.push_back(line);
    ASSERT_EQ(messages.size(), 1u) << describe(r);
    EXPECT_EQ(messages[0].rfind("citytwin: error: ", 0), 0u) << describe(r);
    for (const auto& p : parts) EXPECT_TRUE(contains(messages[0], p)) << "lacks '" << p << "'\n" << describe(r);
}

// Monaco with a 10 % synthetic population, one loading, and coarse wifi: a few seconds.
std::string small_monaco_yaml() {
    const std::string pbf = (data_dir() / "monaco" / "monaco-2021.osm.pbf").string();
    return "name: monaco-compare\n"
           "city:\n"
           "  crs: auto\n"
           "  roads:\n    source: " + pbf + "\n"
           "  buildings:\n    source: " + pbf + "\n"
           "  access_points:\n    source: " + pbf + "\n"
           "  districts:\n    source: " + pbf + "\n"
           "    layer: multipolygons\n"
           "    where: \"boundary = 'administrative' AND admin_level = '10'\"\n"
           "    id_field: osm_id\n"
           "    name_field: name\n"
           "seed: 7\n"
           "demand:\n"
           "  synthetic:\n"
           "    population: 38000\n"
           "    car_share: 0.35\n"
           "    sample: 0.1\n"
           "mobility:\n"
           "  iterations: 1\n"
           "wifi:\n"
           "  cell_size_m: 20\n"
           "  max_radius_m: 150\n";
}

TEST(CliCompare, HelpTeachesWithExamples) {
    const auto r = run_citytwin({"compare", "--help"});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    for (const char* part : {"base", "variant", "--out", "--json", "--threads", "--seed", "Examples", ".gpkg", ".yaml"})
        EXPECT_TRUE(contains(r.out, part)) << part << "\n" << r.out;
}

TEST(CliCompare, ScenarioWithItselfGivesZeroDeltas) {
    TempDir t;
    const fs::path yaml = t / "same.yaml";
    write_file(yaml, small_monaco_yaml());
    const fs::path out = t / "d.gpkg";
    const auto r = run_citytwin({"-q", "compare", yaml.string(), yaml.string(), "--out", out.string(), "--json",
                                 "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json j = json::parse(r.out);
    ASSERT_GT(j["kpis"].size(), 20u) << r.out;
    for (const auto& k : j["kpis"]) EXPECT_EQ(k["delta"], 0.0) << k.dump();
    const auto& s = j["summary"];
    EXPECT_EQ(s["rerouted_passages"], 0.0);
    EXPECT_EQ(s["links_with_changed_flow"], 0);
    EXPECT_GT(s["links_compared"].get<int>(), 1000);
    EXPECT_GT(s["base_daily_flow_veh"].get<double>(), 0.0) << "the scenario has traffic";
    EXPECT_EQ(s["coverage_compared"], true);
    EXPECT_EQ(s["coverage_cells_gained"], 0);
    EXPECT_EQ(s["coverage_cells_lost"], 0);
    ASSERT_FALSE(j["districts"].empty());
    for (const auto& d : j["districts"]) {
        EXPECT_EQ(d["status"], "same") << d.dump();
        for (const char* key : {"area_covered_share", "population_covered_share", "aps", "people_per_ap"})
            EXPECT_EQ(d[key]["delta"], 0.0) << d.dump();
    }
    EXPECT_EQ(j["base"]["label"], "same.yaml");
    for (const char* name : {"d.gpkg", "d-coverage-change.tif", "d-base.gpkg", "d-variant.gpkg", "d-base-rssi.tif"})
        EXPECT_TRUE(fs::exists(t / name)) << name;

    GDALAllRegister();
    std::unique_ptr<GDALDataset> diff(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(diff);
    for (const char* layer : {"kpi_deltas", "link_changes", "district_changes"})
        EXPECT_TRUE(diff->GetLayerByName(layer)) << layer;
    EXPECT_EQ(diff->GetLayerByName("link_changes")->GetFeatureCount(), 0) << "nothing changed";
    EXPECT_EQ(std::string(diff->GetMetadataItem("CITYTWIN_COMPARE_BASE")), yaml.string());

    // The two results it kept compare the same way, and the text report says so.
    const auto text = run_citytwin({"compare", (t / "d-base.gpkg").string(), (t / "d-variant.gpkg").string()});
    ASSERT_EQ(text.exit_code, 0) << describe(text);
    for (const char* part : {"KPI", "mobility.car_trips", "re-routed vehicle passages  0", "coverage gained / lost",
                             "no differences"})
        EXPECT_TRUE(contains(text.out, part)) << part << "\n" << text.out;
    EXPECT_FALSE(contains(text.out, "run.seconds")) << "timings are not results";
}

// A planner's bike bridge across Port Hercule (scenarios/monaco/bike-bridge.yaml, on the
// small Monaco): cyclists and walkers ride it, the bike share does not fall, cars barely move.
TEST(CliCompare, ABikeBridgeDrawsCyclistsAndWalkers) {
    TempDir t;
    const fs::path base = t / "base.yaml", bridge = t / "bridge.yaml";
    write_file(base, small_monaco_yaml());
    write_file(bridge, small_monaco_yaml() +
                           "edits:\n"
                           "  - add_path:\n"
                           "      line: [[7.42619, 43.73730], [7.42217, 43.73286]]\n"
                           "      name: Passerelle du Port\n"
                           "      kind: cycleway\n");
    const fs::path out = t / "d.gpkg";
    const auto r = run_citytwin({"-q", "compare", base.string(), bridge.string(), "--out", out.string(), "--json",
                                 "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json j = json::parse(r.out);
    const auto& s = j["summary"];
    EXPECT_EQ(s["path_links_new"], 2) << s.dump();   // one each way
    EXPECT_GT(s["cyclists_on_new_paths"].get<double>(), 10.0) << s.dump();
    EXPECT_GT(s["pedestrians_on_new_paths"].get<double>(), 0.0) << s.dump();
    EXPECT_GT(s["moved_bike_passages"].get<double>(), 0.0) << s.dump();
    std::map<std::string, json> kpi;
    for (const auto& k : j["kpis"]) kpi[k["key"].get<std::string>()] = k;
    EXPECT_GE(kpi.at("demand.mode_share.bike")["delta"].get<double>(), 0.0) << kpi.at("demand.mode_share.bike").dump();
    EXPECT_LT(kpi.at("demand.mean_trip_km.bike")["delta"].get<double>(), 0.0) << "the bridge is a short cut";
    EXPECT_EQ(kpi.at("city.path_links")["delta"].get<double>(), 2.0);
    EXPECT_EQ(kpi.at("city.links")["delta"].get<double>(), 0.0) << "no car may use it";

    GDALAllRegister();
    std::unique_ptr<GDALDataset> diff(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(diff);
    ASSERT_TRUE(diff->GetLayerByName("path_changes"));
    EXPECT_GT(diff->GetLayerByName("path_changes")->GetFeatureCount(), 2);
    std::unique_ptr<GDALDataset> variant(
        GDALDataset::Open((t / "d-variant.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(variant);
    OGRLayer* paths = variant->GetLayerByName("paths");
    ASSERT_TRUE(paths);
    paths->SetAttributeFilter("name = 'Passerelle du Port'");
    EXPECT_EQ(paths->GetFeatureCount(), 2);
    std::int64_t cyclists = 0;
    for (auto& f : *paths) cyclists += f->GetFieldAsInteger64("cyclists_day");
    EXPECT_EQ(static_cast<double>(cyclists), s["cyclists_on_new_paths"].get<double>());
    EXPECT_TRUE(variant->GetLayerByName("path_flows"));
    // Walk and bike trips say they were routed on the paths, and over how many links.
    OGRLayer* trips = variant->GetLayerByName("trips");
    ASSERT_TRUE(trips);
    trips->SetAttributeFilter("mode = 'bike' AND status = 'path_routed' AND route_links > 0");
    EXPECT_GT(trips->GetFeatureCount(), 100);
    trips->SetAttributeFilter("mode = 'transit' AND status <> 'teleported'");
    EXPECT_EQ(trips->GetFeatureCount(), 0);
}

// Feedback rounds: destinations and modes chosen again on the congested car times. The run
// reports the car share of each round; 1 and 2 threads give the same result.
TEST(CliRun, FeedbackRoundsAreReportedAndDeterministic) {
    TempDir t;
    const fs::path yaml = t / "feedback.yaml";
    // demand.choice.feedback_rounds, placed before the `mobility:` section.
    const auto with_rounds = [](const std::string& rounds) {
        std::string text = small_monaco_yaml();
        return text.replace(text.find("mobility:"), 0, "  choice:\n    feedback_rounds: " + rounds + "\n");
    };
    write_file(yaml, with_rounds("1"));
    const fs::path out1 = t / "one.gpkg", out2 = t / "two.gpkg";
    const auto one = run_citytwin({"-q", "run", yaml.string(), "--out", out1.string(), "--json", "--threads", "1"});
    ASSERT_EQ(one.exit_code, 0) << describe(one);
    const auto two = run_citytwin({"-q", "run", yaml.string(), "--out", out2.string(), "--json", "--threads", "2"});
    ASSERT_EQ(two.exit_code, 0) << describe(two);
    json a = json::parse(one.out), b = json::parse(two.out);
    const auto& fb = a["demand"]["feedback"];
    EXPECT_EQ(fb["rounds"], 1) << a["demand"].dump();
    ASSERT_EQ(fb["car_share_by_round"].size(), 2u);
    EXPECT_EQ(fb["car_share_by_round"][1], a["demand"]["mode_share"]["car"]) << "the last round is the result";
    for (auto* j : {&a, &b}) (*j)["run"].erase("seconds"), (*j)["run"].erase("threads");
    EXPECT_EQ(a.dump(), b.dump());

    write_file(yaml, with_rounds("40"));
    expect_error(run_citytwin({"-q", "run", yaml.string(), "--json"}), {yaml.string(), "feedback_rounds", "0…10"});
}

// The Monaco baseline carries its 36 700 cross-border commuters (issue 14) and its morning
// clears: before the junction toll was counted once, space shared by capacity and stuck
// vehicles jumped ahead, 35 568 of its 51 735 car trips were still on the road at 30:00.
TEST(CliRun, MonacoBaselineCarriesItsCommutersAndClears) {
    const auto r = run_citytwin({"-q", "run", "scenarios/monaco/baseline.yaml", "--json", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json j = json::parse(r.out);
    const auto& d = j["demand"];
    EXPECT_EQ(d["external"]["trips"]["inbound"], 2 * 36700) << d.dump();
    EXPECT_EQ(d["persons"].get<double>() - d["residents"].get<double>(), 36700.0);
    for (const char* mode : {"car", "bike", "walk", "transit"}) EXPECT_GT(d["mode_share"][mode].get<double>(), 0.1) << mode;
    const auto& m = j["mobility"];
    const double cars = m["car_trips"].get<double>();
    EXPECT_GT(cars, 45000.0);
    EXPECT_GT(m["completed"].get<double>(), 0.97 * cars) << m.dump();
    EXPECT_LT(m["en_route"].get<double>(), 0.002 * cars) << m.dump();
    EXPECT_LT(m["not_started"].get<double>(), 0.02 * cars) << m.dump();
    EXPECT_EQ(m["completed"].get<double>() + m["unroutable"].get<double>() + m["abandoned"].get<double>() +
                  m["en_route"].get<double>() + m["not_started"].get<double>(),
              cars)
        << "every car trip is counted once";
    EXPECT_LT(m["stuck"].get<double>(), 0.05 * cars) << m.dump();
    EXPECT_LT(m["mean_travel_time_s"].get<double>(), 3600.0) << m.dump();
    EXPECT_EQ(m["peak_hour"], 7) << "the commuters make the morning the peak";
}

// A second city with four modes (scenarios/helsinki-centre/transit.yaml): the shares reach
// their targets within a point, transit trips ride HSL's timetable, and the ridership
// layers add up to the boardings KPI.
TEST(CliRun, HelsinkiWithItsTimetableReachesItsSharesAndCountsRiders) {
    TempDir t;
    const fs::path out = t / "helsinki.gpkg";
    const std::string scenario = (fs::path(CITYTWIN_SOURCE_DIR) / "scenarios/helsinki-centre/transit.yaml").string();
    const auto r = run_citytwin({"-q", "run", scenario, "--out", out.string(), "--json", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    json j = json::parse(r.out);
    // One thread: the same day, trip for trip.
    const auto single = run_citytwin({"-q", "run", scenario, "--json", "--threads", "1"});
    ASSERT_EQ(single.exit_code, 0) << describe(single);
    json one = json::parse(single.out);
    for (auto* k : {&j, &one}) (*k)["run"].erase("seconds"), (*k)["run"].erase("threads");
    EXPECT_EQ(j.dump(), one.dump());
    const auto& d = j["demand"];
    EXPECT_EQ(d["calibration"]["calibrated"], true);
    const std::map<std::string, double> target{{"walk", 0.34}, {"transit", 0.32}, {"car", 0.22}, {"bike", 0.11}};
    for (const auto& [mode, share] : target)
        EXPECT_NEAR(d["mode_share"][mode].get<double>(), share / 0.99, 0.01) << mode;
    const auto& tr = d["transit"];
    EXPECT_EQ(tr["service_date"], "2022-02-22");
    EXPECT_GT(tr["routed_trips"].get<int>(), 1000) << tr.dump();
    EXPECT_GE(tr["boardings"].get<int>(), tr["routed_trips"].get<int>());
    EXPECT_LT(tr["no_connection_trips"].get<int>(), tr["routed_trips"].get<int>() / 10);

    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(ds);
    for (const char* layer : {"transit_stops", "transit_routes", "transit_ridership"}) ASSERT_TRUE(ds->GetLayerByName(layer)) << layer;
    auto sum = [&](const char* layer, const char* field, const std::string& filter = "") {
        OGRLayer* l = ds->GetLayerByName(layer);
        l->SetAttributeFilter(filter.empty() ? nullptr : filter.c_str());
        std::int64_t s = 0;
        for (auto& f : *l) s += f->GetFieldAsInteger64(field);
        return s;
    };
    const std::int64_t boardings = tr["boardings"].get<std::int64_t>();
    EXPECT_EQ(sum("transit_routes", "boardings"), boardings);
    EXPECT_EQ(sum("transit_ridership", "boardings"), boardings);
    EXPECT_EQ(sum("transit_stops", "boardings"), boardings);
    EXPECT_EQ(sum("transit_stops", "alightings"), boardings);
    EXPECT_GT(sum("transit_routes", "boardings", "mode = 'tram'"), 0) << "the inner city rides its trams";
    OGRLayer* trips = ds->GetLayerByName("trips");
    trips->SetAttributeFilter("mode = 'transit' AND status = 'transit_routed' AND route_links > 0");
    EXPECT_EQ(trips->GetFeatureCount(), tr["routed_trips"].get<std::int64_t>());
}

TEST(CliCompareErrors, MissingFile) {
    TempDir t;
    const std::string missing = (t / "gone.gpkg").string();
    expect_error(run_citytwin({"compare", missing, missing}), {missing, "not found"});
    const std::string missing_yaml = (t / "gone.yaml").string();
    expect_error(run_citytwin({"compare", missing_yaml, missing_yaml}), {missing_yaml});
}

TEST(CliCompareErrors, GeoPackageThatIsNoResult) {
    TempDir t;
    const fs::path gpkg = t / "plain.gpkg";
    GDALAllRegister();
    {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        std::unique_ptr<GDALDataset> ds(driver->Create(gpkg.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        ASSERT_TRUE(ds);
        ASSERT_TRUE(ds->CreateLayer("roads", nullptr, wkbNone, nullptr));
    }
    expect_error(run_citytwin({"compare", gpkg.string(), gpkg.string()}), {gpkg.string(), "not a citytwin result"});
}

TEST(CliCompareErrors, UnknownExtension) {
    TempDir t;
    const std::string csv = (t / "flows.csv").string();
    write_file(csv, "link_id,flow\n");
    expect_error(run_citytwin({"compare", csv, csv}), {csv, ".yaml", ".gpkg"});
}

}  // namespace
}  // namespace citytwin::app
