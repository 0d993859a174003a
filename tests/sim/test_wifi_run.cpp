// Wifi through the scenario: the `wifi:` keys (strict, file:line), and the Monaco run end
// to end — KPIs in the JSON, the wifi_districts layer, and GeoTIFFs that GDAL opens with
// the working CRS and the study area's extent.
#include "../geodata/test_helpers.hpp"

#include <citytwin/geodata/error.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace citytwin::scenarios {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::data_dir;
using citytwin::testing::TempDir;
using citytwin::testing::write_file;

std::string city_yaml() {
    return "name: w\n"
           "city:\n"
           "  buildings:\n"
           "    source: " + (data_dir() / "monaco" / "monaco-2021.osm.pbf").string() + "\n";
}

std::string load_error(const TempDir& dir, const std::string& yaml) {
    const std::string file = (dir / "s.yaml").string();
    write_file(file, yaml);
    try {
        load_scenario(file);
    } catch (const geodata::Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an error for:\n" << yaml;
    return {};
}

TEST(WifiScenario, ReadsEveryKey) {
    TempDir dir;
    const std::string file = (dir / "s.yaml").string();
    write_file(file, city_yaml() +
                         "wifi:\n"
                         "  model: log_distance\n"
                         "  nlos_environment: residential\n"
                         "  line_of_sight: exact\n"
                         "  cell_size_m: 2\n"
                         "  max_radius_m: 150\n"
                         "  receiver_height_m: 1.2\n"
                         "  threshold_dbm: -70\n"
                         "  noise_floor_dbm: -90\n"
                         "  entry_loss_db: 12\n"
                         "  log_distance_exponent: 3.5\n"
                         "  log_distance_reference_loss_db: 41\n"
                         "  use_terrain: false\n"
                         "  active_share: 0.25\n"
                         "  active_share_home: 0.01\n"
                         "  active_share_street: 0.3\n"
                         "  active_by_hour: [0, 0, 0, 0, 0, 0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5]\n"
                         "  client_limit: 50\n"
                         "  channel_plan: data\n"
                         "  auto_channels_2g4: [1, 5, 9, 13]\n"
                         "  auto_channels_5g: [36, 52]\n"
                         "  cca_preamble_dbm: -85\n"
                         "  cca_energy_dbm: -65\n"
                         "  mac_frame_bytes: 1200\n"
                         "  mac_frames_per_access: 8\n"
                         "  mac_efficiency: 0.7\n");
    const Scenario s = load_scenario(file);
    ASSERT_TRUE(s.wifi);
    EXPECT_EQ(s.wifi->propagation.model, sim::wifi::PathLossModel::LogDistance);
    EXPECT_EQ(s.wifi->propagation.nlos_environment, sim::wifi::NlosEnvironment::Residential);
    EXPECT_EQ(s.wifi->line_of_sight, sim::wifi::LineOfSightMethod::Exact);
    EXPECT_EQ(s.wifi->cell_size_m, 2.0);
    EXPECT_EQ(s.wifi->max_radius_m, 150.0);
    EXPECT_EQ(s.wifi->receiver_height_m, 1.2);
    EXPECT_EQ(s.wifi->threshold_dbm, -70.0);
    EXPECT_EQ(s.wifi->noise_floor_dbm, -90.0);
    EXPECT_EQ(s.wifi->propagation.entry_loss_db, 12.0);
    EXPECT_EQ(s.wifi->propagation.log_distance_exponent, 3.5);
    EXPECT_EQ(s.wifi->propagation.log_distance_reference_loss_db, 41.0);
    EXPECT_FALSE(s.wifi->use_terrain);
    EXPECT_EQ(s.wifi->capacity.active_share, 0.25);
    EXPECT_EQ(s.wifi->capacity.client_limit, 50.0);
    EXPECT_EQ(s.wifi->capacity.active_share_home, 0.01);
    EXPECT_EQ(s.wifi->capacity.active_share_street, 0.3);
    EXPECT_EQ(s.wifi->capacity.active_by_hour[0], 0.0);
    EXPECT_EQ(s.wifi->capacity.active_by_hour[6], 0.5);
    EXPECT_EQ(s.wifi->capacity.active_by_hour[12], 1.0);
    EXPECT_EQ(s.wifi->channel_plan, sim::wifi::ChannelPlan::Data);
    EXPECT_EQ(s.wifi->auto_channels_2g4, (std::vector<int>{1, 5, 9, 13}));
    EXPECT_EQ(s.wifi->auto_channels_5g, (std::vector<int>{36, 52}));
    EXPECT_EQ(s.wifi->cca_preamble_dbm, -85.0);
    EXPECT_EQ(s.wifi->cca_energy_dbm, -65.0);
    EXPECT_EQ(s.wifi->capacity.mac.frame_bytes, 1200);
    EXPECT_EQ(s.wifi->capacity.mac.frames_per_access, 8);
    EXPECT_EQ(s.wifi->capacity.mac.fixed_efficiency, 0.7);
}

TEST(WifiScenario, DefaultsAndAbsence) {
    TempDir dir;
    const std::string file = (dir / "s.yaml").string();
    write_file(file, city_yaml());
    EXPECT_FALSE(load_scenario(file).wifi);
    write_file(file, city_yaml() + "wifi: {}\n");
    const Scenario s = load_scenario(file);
    ASSERT_TRUE(s.wifi);
    EXPECT_EQ(s.wifi->propagation.model, sim::wifi::PathLossModel::P1411);
    EXPECT_EQ(s.wifi->line_of_sight, sim::wifi::LineOfSightMethod::Viewshed);
    EXPECT_EQ(s.wifi->cell_size_m, 5.0);
    EXPECT_EQ(s.wifi->max_radius_m, 300.0);
    EXPECT_EQ(s.wifi->receiver_height_m, 1.5);
    EXPECT_EQ(s.wifi->threshold_dbm, -75.0);
    EXPECT_EQ(s.wifi->noise_floor_dbm, -95.0);
    EXPECT_EQ(s.wifi->propagation.entry_loss_db, 0.0);
    EXPECT_EQ(s.wifi->capacity.active_share, 0.1);
    EXPECT_EQ(s.wifi->capacity.client_limit, 30.0);
    // Access points whose data gives no channel field get the automatic plan.
    EXPECT_EQ(s.wifi->channel_plan, sim::wifi::ChannelPlan::Auto);
    EXPECT_EQ(s.wifi->auto_channels_2g4, (std::vector<int>{1, 6, 11}));
    EXPECT_EQ(s.wifi->capacity.mac.frames_per_access, 1);
    EXPECT_EQ(s.wifi->capacity.mac.fixed_efficiency, 0.0);
    // A scenario states coverage at 90 % of locations, indoors behind P.2109.
    EXPECT_EQ(s.wifi->propagation.location_probability, 0.9);
    EXPECT_EQ(s.wifi->propagation.entry_loss_model, sim::wifi::EntryLossModel::P2109);
    EXPECT_EQ(s.wifi->default_building_type, sim::wifi::BuildingEntryType::Traditional);
    EXPECT_TRUE(s.wifi->thermally_efficient_uses.empty());
    EXPECT_EQ(s.wifi->propagation.beyond_validity, sim::wifi::BeyondValidity::Extrapolate);
    // entry_loss_db alone keeps the fixed model it always meant.
    write_file(file, city_yaml() + "wifi: {entry_loss_db: 12}\n");
    EXPECT_EQ(load_scenario(file).wifi->propagation.entry_loss_model, sim::wifi::EntryLossModel::Fixed);
}

TEST(WifiScenario, ReadsTheRealismKeys) {
    TempDir dir;
    const std::string file = (dir / "s.yaml").string();
    write_file(file, city_yaml() +
                         "wifi:\n"
                         "  location_probability: 0.75\n"
                         "  entry_loss: p2109\n"
                         "  building_type: thermally_efficient\n"
                         "  thermally_efficient_uses: [commercial, public]\n"
                         "  shadowing_sigma_db: 6\n"
                         "  beyond_validity: free_space\n");
    const Scenario s = load_scenario(file);
    ASSERT_TRUE(s.wifi);
    EXPECT_EQ(s.wifi->propagation.location_probability, 0.75);
    EXPECT_EQ(s.wifi->propagation.entry_loss_model, sim::wifi::EntryLossModel::P2109);
    EXPECT_EQ(s.wifi->default_building_type, sim::wifi::BuildingEntryType::ThermallyEfficient);
    ASSERT_EQ(s.wifi->thermally_efficient_uses.size(), 2u);
    EXPECT_EQ(s.wifi->thermally_efficient_uses[1], geodata::BuildingUse::Public);
    EXPECT_EQ(s.wifi->propagation.shadowing_sigma_db, 6.0);
    EXPECT_EQ(s.wifi->propagation.beyond_validity, sim::wifi::BeyondValidity::FreeSpace);

    std::string msg = load_error(dir, city_yaml() + "wifi:\n  location_probability: 1\n");
    EXPECT_NE(msg.find("wifi.location_probability"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  entry_loss: itu\n");
    EXPECT_NE(msg.find("p2109, fixed"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  entry_loss: p2109\n  entry_loss_db: 10\n");
    EXPECT_NE(msg.find("wifi.entry_loss_db"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  building_type: glass\n");
    EXPECT_NE(msg.find("traditional, thermally_efficient"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  thermally_efficient_uses: [offices]\n");
    EXPECT_NE(msg.find("'offices'"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  beyond_validity: ignore\n");
    EXPECT_NE(msg.find("extrapolate, free_space, log_distance, refuse"), std::string::npos) << msg;
}

TEST(WifiScenario, BadKeysNameFileLineAndKey) {
    TempDir dir;
    std::string msg = load_error(dir, city_yaml() + "wifi:\n  model: p1411\n  treshold_dbm: -70\n");
    EXPECT_NE(msg.find("s.yaml:7:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("wifi.treshold_dbm"), std::string::npos) << msg;
    EXPECT_NE(msg.find("threshold_dbm"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  model: hata\n");
    EXPECT_NE(msg.find("s.yaml:6:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("free_space, log_distance, p1411"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  nlos_environment: rural\n");
    EXPECT_NE(msg.find("urban, residential"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  line_of_sight: raytrace\n");
    EXPECT_NE(msg.find("wifi.line_of_sight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("viewshed, exact"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  cell_size_m: 0\n");
    EXPECT_NE(msg.find("wifi.cell_size_m"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  active_share: 1.5\n");
    EXPECT_NE(msg.find("wifi.active_share"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  client_limit: -1\n");
    EXPECT_NE(msg.find("wifi.client_limit"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  threshold_dbm: loud\n");
    EXPECT_NE(msg.find("wifi.threshold_dbm"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  active_by_hour: [1, 1]\n");
    EXPECT_NE(msg.find("wifi.active_by_hour' needs 24 factors (hours 0-23), not 2"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  active_share_street: 1.2\n");
    EXPECT_NE(msg.find("wifi.active_share_street' must be between 0 and 1"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  channel_plan: greedy\n");
    EXPECT_NE(msg.find("wifi.channel_plan"), std::string::npos) << msg;
    EXPECT_NE(msg.find("data, auto"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  auto_channels_2g4: [1, 6, 15]\n");
    EXPECT_NE(msg.find("s.yaml:6:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'15' is no channel number (1-14)"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  auto_channels_5g: []\n");
    EXPECT_NE(msg.find("wifi.auto_channels_5g' needs at least one channel"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  cca_energy_dbm: -90\n");
    EXPECT_NE(msg.find("wifi.cca_energy_dbm' must be at least cca_preamble_dbm"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  mac_frames_per_access: 0\n");
    EXPECT_NE(msg.find("wifi.mac_frames_per_access' must be 1-64"), std::string::npos) << msg;
    msg = load_error(dir, city_yaml() + "wifi:\n  mac_efficiency: 2\n");
    EXPECT_NE(msg.find("wifi.mac_efficiency"), std::string::npos) << msg;
}

TEST(WifiScenario, BeyondTheFitsRangeWarnsOrRefuses) {
    // P.1411's residential NLoS fit holds to 170 m; the default radius is 300 m.
    TempDir dir;
    const std::string file = (dir / "s.yaml").string();
    RunOptions opts;
    opts.progress = false;
    const std::string aps = "  access_points:\n    source: " + (data_dir() / "monaco" / "monaco-2021.osm.pbf").string() + "\n";
    write_file(file, city_yaml() + aps + "wifi:\n  nlos_environment: residential\n  cell_size_m: 10\n  beyond_validity: refuse\n");
    try {
        (void)run_scenario(load_scenario(file), opts);
        ADD_FAILURE() << "expected the run to refuse";
    } catch (const geodata::Error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("s.yaml"), std::string::npos) << msg;
        EXPECT_NE(msg.find("NLoS residential to 170 m"), std::string::npos) << msg;
        EXPECT_NE(msg.find("'wifi.beyond_validity' is refuse"), std::string::npos) << msg;
    }
    // Extrapolating (the default) runs and counts the links.
    write_file(file, city_yaml() + aps + "wifi:\n  nlos_environment: residential\n  cell_size_m: 10\n");
    const RunOutput run = run_scenario(load_scenario(file), opts);
    ASSERT_TRUE(run.wifi);
    EXPECT_GT(run.wifi->kpis.beyond_validity_ap_cells, 0u);
    EXPECT_EQ(kpis_json(run)["wifi"]["beyond_validity_ap_cells"].get<std::uint64_t>(), run.wifi->kpis.beyond_validity_ap_cells);
}

TEST(WifiMonaco, RunGivesKpisDistrictsAndGeoTiffs) {
    const Scenario scenario = load_scenario(CITYTWIN_SOURCE_DIR "/scenarios/monaco/baseline.yaml");
    ASSERT_TRUE(scenario.wifi);
    RunOptions opts;
    opts.progress = false;
    const RunOutput run = run_scenario(scenario, opts);
    const auto j = kpis_json(run);
    ASSERT_TRUE(j.contains("wifi"));
    const auto& w = j["wifi"];
    EXPECT_EQ(w["aps"].get<std::size_t>(), 9u);
    EXPECT_EQ(w["line_of_sight"].get<std::string>(), "viewshed");   // how it was computed
    for (const char* key : {"area_covered_share", "population_covered_share", "outdoor_people_covered_share"}) {
        EXPECT_GT(w[key].get<double>(), 0.0) << key;
        EXPECT_LT(w[key].get<double>(), 1.0) << key;
    }
    EXPECT_GT(w["mean_sinr_db"].get<double>(), 0.0);
    // Stated at 90 % of locations, residents indoors behind P.2109's entry loss.
    EXPECT_EQ(w["location_probability"].get<double>(), 0.9);
    EXPECT_EQ(w["entry_loss_model"].get<std::string>(), "p2109");
    EXPECT_EQ(w["indoor_population_covered_share"].get<double>(), w["population_covered_share"].get<double>());
    EXPECT_EQ(w["beyond_validity_ap_cells"].get<std::uint64_t>(), 0u);   // urban NLoS holds to 715 m
    EXPECT_NEAR(w["population"].get<double>(), 38000.0, 200.0);   // the scenario's population
    ASSERT_EQ(w["districts"].size(), 6u);                           // Monaco's quarters
    std::size_t aps_in_districts = 0;
    for (const auto& d : w["districts"]) {
        aps_in_districts += d["aps"].get<std::size_t>();
        EXPECT_GE(d["area_covered_share"].get<double>(), 0.0);
        EXPECT_LE(d["area_covered_share"].get<double>(), 1.0);
    }
    EXPECT_GT(aps_in_districts, 0u);
    // Capacity: people present per hour come from the synthetic demand's trips.
    ASSERT_TRUE(w.contains("overloaded_aps_peak"));
    EXPECT_LE(w["overloaded_aps_peak"].get<std::size_t>(), 9u);
    EXPECT_GT(w["peak_hour_users"].get<double>(), 0.0);
    // OpenStreetMap gives no channels: the automatic plan spreads the APs over 1/6/11, and
    // each AP's airtime share is 1 unless it senses another.
    EXPECT_EQ(w["channel_plan"].get<std::string>(), "auto");
    std::set<int> channels;
    for (const auto& ap : *run.model.access_points) channels.insert(ap.channel);
    EXPECT_GT(channels.size(), 1u);
    for (const int ch : channels) EXPECT_TRUE(ch == 1 || ch == 6 || ch == 11) << ch;
    for (const auto& l : run.wifi->capacity.loads) {
        EXPECT_GT(l.airtime_share, 0.0);
        EXPECT_LE(l.airtime_share, 1.0);
        if (run.wifi->coverage.senses[l.ap].empty()) EXPECT_EQ(l.airtime_share, 1.0);
    }
    EXPECT_GT(w["peak_hour_throughput_per_user_mbps"].get<double>(), 0.0);
    EXPECT_LT(w["peak_hour_throughput_per_user_mbps"].get<double>(), 65.0);
    EXPECT_GE(w["peak_hour"].get<int>(), 7);    // the city's wifi peaks in the day…
    EXPECT_LE(w["peak_hour"].get<int>(), 21);   // …not at night
    // Walkers and cyclists in the streets, from the walk and bike trips' routes.
    EXPECT_GT(w["street_person_hours"].get<double>(), 1000.0);
    EXPECT_FALSE(run.wifi->on_foot.empty());
    ASSERT_EQ(run.wifi->capacity.loads.size(), 24u * 9u);
    for (int h = 0; h < 24; ++h) {   // every hour: users = active_share × people in covered places
        double users = 0.0, people = 0.0;
        for (std::size_t a = 0; a < 9; ++a) users += run.wifi->capacity.loads[a * 24 + h].users;
        const std::size_t nb = run.model.buildings->size();
        for (std::size_t b = 0; b < nb; ++b) people += run.wifi->present[h * nb + b];
        for (const auto* travellers : {&run.wifi->on_foot, &run.wifi->moving})
            for (const auto& m : *travellers) people += m.hour == h ? m.weight : 0.0;
        EXPECT_GT(users, 0.0) << h;
        EXPECT_LE(users, 0.1 * people * (1 + 1e-9)) << h;
    }

    TempDir dir;
    const std::string out = (dir / "m.gpkg").string();
    write_results(run, out);
    const auto rasters = wifi_raster_paths(out);
    ASSERT_EQ(rasters.size(), 4u);
    EXPECT_EQ(rasters[0], (dir / "m-rssi.tif").string());
    GDALAllRegister();
    for (const auto& path : rasters) {
        ASSERT_TRUE(fs::exists(path)) << path;
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        ASSERT_TRUE(ds) << path;
        const OGRSpatialReference* srs = ds->GetSpatialRef();
        ASSERT_TRUE(srs) << path;
        EXPECT_STREQ(srs->GetAuthorityCode(nullptr), "32632") << path;
        double gt[6];
        ASSERT_EQ(ds->GetGeoTransform(gt), CE_None);
        EXPECT_EQ(gt[1], 5.0);
        EXPECT_EQ(gt[5], -5.0);
        const double west = gt[0], north = gt[3];
        const double east = west + gt[1] * ds->GetRasterXSize(), south = north + gt[5] * ds->GetRasterYSize();
        // The study area (roads and buildings), snapped outward to whole 5 m cells.
        const auto& b = run.model.bounds;
        EXPECT_LE(west, b.min.x);
        EXPECT_GT(west, b.min.x - 5.0);
        EXPECT_GE(north, b.max.y);
        EXPECT_LT(north, b.max.y + 5.0);
        EXPECT_GE(east, b.max.x);
        EXPECT_LT(east, b.max.x + 5.0);
        EXPECT_LE(south, b.min.y);
        EXPECT_GT(south, b.min.y - 5.0);
        int has_nodata = 0;
        ds->GetRasterBand(1)->GetNoDataValue(&has_nodata);
        EXPECT_TRUE(has_nodata) << path;
    }
    // Right next to an access point the signal is strong: the raster is placed right.
    {
        std::unique_ptr<GDALDataset> ds(GDALDataset::Open(rasters[0].c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        double gt[6];
        ds->GetGeoTransform(gt);
        const auto& ap = run.model.access_points->front().position;
        float v = 0;
        const int col = static_cast<int>((ap.x - gt[0]) / gt[1]), row = static_cast<int>((ap.y - gt[3]) / gt[5]);
        ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, col, row, 1, 1, &v, 1, 1, GDT_Float32, 0, 0, nullptr), CE_None);
        // (−57 dBm: this AP's cell lies in the building it is mounted on, behind P.2109's
        // entry loss at 90 %; 300 m away it would be below −90 dBm.)
        EXPECT_GT(v, -65.0f);
    }
    std::unique_ptr<GDALDataset> gpkg(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    ASSERT_TRUE(gpkg);
    OGRLayer* layer = gpkg->GetLayerByName("wifi_districts");
    ASSERT_TRUE(layer);
    EXPECT_EQ(layer->GetFeatureCount(), 6);
    EXPECT_EQ(wkbFlatten(layer->GetGeomType()), wkbMultiPolygon);
    for (const char* field : {"area_covered_share", "population_covered_share", "people_per_ap"})
        EXPECT_GE(layer->GetLayerDefn()->GetFieldIndex(field), 0) << field;
    OGRLayer* load = gpkg->GetLayerByName("wifi_ap_load");
    ASSERT_TRUE(load);
    EXPECT_EQ(load->GetFeatureCount(), 24 * 9);   // every AP and hour, also without users
    for (const char* field : {"ap_id", "hour", "users", "throughput_per_user_mbps", "overloaded"})
        EXPECT_GE(load->GetLayerDefn()->GetFieldIndex(field), 0) << field;
    // Every building with what its residents receive indoors; the covered ones' residents
    // are the KPI's share.
    OGRLayer* homes = gpkg->GetLayerByName("wifi_buildings");
    ASSERT_TRUE(homes);
    EXPECT_EQ(homes->GetFeatureCount(), static_cast<GIntBig>(run.wifi->kpis.buildings.size()));
    EXPECT_EQ(wkbFlatten(homes->GetGeomType()), wkbMultiPolygon);
    double residents = 0.0, covered_residents = 0.0;
    std::size_t indoors = 0;
    for (auto& f : *homes) {
        residents += f->GetFieldAsDouble("residents");
        if (f->GetFieldAsInteger("covered")) {
            covered_residents += f->GetFieldAsDouble("residents");
            EXPECT_GE(f->GetFieldAsDouble("rssi_dbm"), scenario.wifi->threshold_dbm);
        }
        indoors += f->GetFieldAsInteger("indoors") ? 1 : 0;
    }
    EXPECT_NEAR(residents, w["population"].get<double>(), 1e-6);
    EXPECT_NEAR(covered_residents / residents, w["population_covered_share"].get<double>(), 1e-12);
    EXPECT_GT(indoors, run.wifi->kpis.buildings.size() * 9 / 10);   // most buildings hold a cell

    // The same rasters as GeoPackage raster tables: same grid, same cells as the GeoTIFFs.
    const std::vector<std::pair<std::string, std::string>> tables = {
        {"wifi_rssi", rasters[0]}, {"wifi_server", rasters[1]}, {"wifi_sinr", rasters[2]}, {"wifi_servers", rasters[3]}};
    for (const auto& [table, tif] : tables) {
        const std::string option = "TABLE=" + table;
        const char* open_options[] = {option.c_str(), nullptr};
        std::unique_ptr<GDALDataset> in_gpkg(GDALDataset::Open(out.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr,
                                                               open_options, nullptr));
        ASSERT_TRUE(in_gpkg) << table;
        std::unique_ptr<GDALDataset> geotiff(GDALDataset::Open(tif.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        ASSERT_EQ(in_gpkg->GetRasterXSize(), geotiff->GetRasterXSize()) << table;
        ASSERT_EQ(in_gpkg->GetRasterYSize(), geotiff->GetRasterYSize()) << table;
        double a[6], b[6];
        in_gpkg->GetGeoTransform(a);
        geotiff->GetGeoTransform(b);
        for (int i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(a[i], b[i]) << table << " geotransform " << i;
        const int cols = in_gpkg->GetRasterXSize(), rows = in_gpkg->GetRasterYSize();
        std::vector<float> va(static_cast<std::size_t>(cols) * rows), vb(va.size());
        ASSERT_EQ(in_gpkg->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, cols, rows, va.data(), cols, rows, GDT_Float32, 0, 0, nullptr), CE_None);
        ASSERT_EQ(geotiff->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, cols, rows, vb.data(), cols, rows, GDT_Float32, 0, 0, nullptr), CE_None);
        int has_a = 0, has_b = 0;
        const double nodata_a = in_gpkg->GetRasterBand(1)->GetNoDataValue(&has_a);
        const double nodata_b = geotiff->GetRasterBand(1)->GetNoDataValue(&has_b);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < va.size(); ++i) {
            const bool none_a = has_a && va[i] == static_cast<float>(nodata_a);
            const bool none_b = has_b && vb[i] == static_cast<float>(nodata_b);
            if (none_a != none_b || (!none_a && va[i] != vb[i])) ++differing;
        }
        EXPECT_EQ(differing, 0u) << table;
    }
}

}  // namespace
}  // namespace citytwin::scenarios
