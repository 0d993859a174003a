// The `citytwin` binary as a user runs it: `info` on real sources, `info --city`,
// `export-city` to a GeoPackage checked with GDAL itself, and one clear message with
// exit code 1 for each kind of bad input.
#include "../geodata/test_helpers.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
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

std::string data(const std::string& rel) { return (data_dir() / rel).string(); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

std::string describe(const CommandResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" + r.err;
}

// Exit code 1 and exactly one message, "citytwin: error: …", containing every `part`.
// Progress lines may come before it; raw GDAL messages ("ERROR 1: …") may not.
void expect_one_error(const CommandResult& r, const std::vector<std::string>& parts) {
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    std::vector<std::string> messages;
    for (const auto& line : lines_of(r.err)) {
        if (line.rfind("citytwin:", 0) == 0) messages.push_back(line);
        EXPECT_EQ(line.find("ERROR"), std::string::npos) << "raw GDAL error on stderr: " << line;
        EXPECT_EQ(line.find("terminate"), std::string::npos) << line;
    }
    ASSERT_EQ(messages.size(), 1u) << describe(r);
    EXPECT_EQ(messages[0].rfind("citytwin: error: ", 0), 0u) << describe(r);
    for (const auto& p : parts) EXPECT_TRUE(contains(r.err, p)) << "stderr lacks '" << p << "'\n" << describe(r);
}

json parse_json(const std::string& text) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        ADD_FAILURE() << "not JSON (" << e.what() << "):\n" << text;
        return json();
    }
}

// "  layer lines: 2609 features, …" -> 2609 (or nullopt when the layer is not listed).
std::optional<long long> layer_count(const std::string& out, const std::string& layer) {
    const std::regex re("\\n  layer " + layer + ": (-?[0-9]+) features");
    std::smatch m;
    if (!std::regex_search(out, m, re)) return std::nullopt;
    return std::stoll(m[1].str());
}

TEST(CliHelp, TopLevelHelpMentionsCommands) {
    const auto r = run_citytwin({"--help"});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "export-city")) << r.out;
    EXPECT_TRUE(contains(r.out, "info")) << r.out;
}

TEST(CliHelp, InfoHelpMentionsCity) {
    const auto r = run_citytwin({"info", "--help"});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "--city")) << r.out;
    EXPECT_TRUE(contains(r.out, "--json")) << r.out;
}

TEST(CliHelp, ExportHelpMentionsOut) {
    const auto r = run_citytwin({"export-city", "--help"});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "--out")) << r.out;
}

TEST(CliUsage, NoCommandOrBothSourceAndCityIsAUsageError) {
    auto r = run_citytwin({});
    EXPECT_NE(r.exit_code, 0) << describe(r);
    r = run_citytwin({"info", data("monaco/monaco-2021.osm.pbf"), "--city", "scenarios/monaco/baseline.yaml"});
    EXPECT_NE(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.err, "either")) << describe(r);
}

TEST(CliInfo, MonacoPbfListsOsmLayersWithCounts) {
    const auto r = run_citytwin({"info", data("monaco/monaco-2021.osm.pbf")});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "driver: OSM")) << r.out;
    const auto lines = layer_count(r.out, "lines");
    const auto polys = layer_count(r.out, "multipolygons");
    ASSERT_TRUE(lines.has_value()) << r.out;
    ASSERT_TRUE(polys.has_value()) << r.out;
    // README: 2361 highway lines and 1207 buildings; the layers hold those and more.
    EXPECT_GE(*lines, 2361) << r.out;
    EXPECT_GE(*polys, 1207) << r.out;
    EXPECT_TRUE(contains(r.out, "EPSG:4326")) << r.out;
    // The project's osmconf.ini exposes the tags the loaders read.
    EXPECT_TRUE(contains(r.out, "maxspeed")) << r.out;
    EXPECT_TRUE(contains(r.out, "building_levels")) << r.out;
}

TEST(CliInfo, MonacoPbfJsonParses) {
    const auto r = run_citytwin({"info", "--json", data("monaco/monaco-2021.osm.pbf")});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json j = parse_json(r.out);
    ASSERT_TRUE(j.is_object()) << r.out;
    EXPECT_EQ(j.at("driver"), "OSM");
    std::set<std::string> names;
    for (const auto& l : j.at("layers")) {
        names.insert(l.at("name").get<std::string>());
        EXPECT_TRUE(l.at("fields").is_array());
        if (l.at("name") == "lines") {
            EXPECT_GE(l.at("feature_count").get<long long>(), 2361) << l.dump();
        }
        if (l.at("name") == "multipolygons") {
            EXPECT_GE(l.at("feature_count").get<long long>(), 1207) << l.dump();
        }
    }
    EXPECT_TRUE(names.count("lines"));
    EXPECT_TRUE(names.count("multipolygons"));
    EXPECT_TRUE(names.count("points"));
}

TEST(CliInfo, GothenburgShapefile) {
    const auto r = run_citytwin({"info", data("gothenburg-lantmateriet/vl_riks.shp")});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "EPSG:3006")) << r.out;
    EXPECT_EQ(layer_count(r.out, "vl_riks"), 1091) << r.out;
    EXPECT_TRUE(contains(r.out, "KATEGORI")) << r.out;

    const auto rj = run_citytwin({"info", "--json", data("gothenburg-lantmateriet/vl_riks.shp")});
    ASSERT_EQ(rj.exit_code, 0) << describe(rj);
    const json j = parse_json(rj.out);
    ASSERT_EQ(j.at("layers").size(), 1u);
    EXPECT_EQ(j["layers"][0].at("feature_count"), 1091);
    EXPECT_TRUE(contains(j["layers"][0].at("crs").get<std::string>(), "EPSG:3006"));
}

TEST(CliInfo, SrtmTileInsideZip) {
    const auto r = run_citytwin({"info", data("monaco/N43E007.hgt.zip")});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "1201 x 1201")) << r.out;

    const auto rj = run_citytwin({"info", "--json", data("monaco/N43E007.hgt.zip")});
    ASSERT_EQ(rj.exit_code, 0) << describe(rj);
    const json j = parse_json(rj.out);
    EXPECT_EQ(j.at("raster").at("width"), 1201);
    EXPECT_EQ(j.at("raster").at("height"), 1201);
    EXPECT_EQ(j.at("raster").at("bands"), 1);
}

TEST(CliInfo, MonacoCityJson) {
    const auto r = run_citytwin({"info", "--city", "scenarios/monaco/baseline.yaml", "--json"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json j = parse_json(r.out);
    ASSERT_TRUE(j.is_object()) << r.out;
    EXPECT_EQ(j.at("crs"), "EPSG:32632");
    EXPECT_GT(j.at("roads").at("links").get<long long>(), 0);
    EXPECT_GT(j.at("roads").at("nodes").get<long long>(), 0);
    EXPECT_EQ(j.at("roads").at("features"), 2361);
    const long long buildings = j.at("buildings").at("count").get<long long>();
    EXPECT_LE(buildings, 1207);
    EXPECT_GE(buildings, 1087);
    EXPECT_EQ(j.at("districts").at("count"), 6);
    EXPECT_FALSE(j.at("terrain").is_null());
    // The walking and cycling network: denser than the roads, footways and steps walked only.
    const auto& paths = j.at("paths");
    EXPECT_GT(paths.at("links").get<long long>(), 4 * j.at("roads").at("links").get<long long>());
    const auto& km = paths.at("km_by_kind");
    for (const char* kind : {"street", "footway", "steps", "pedestrian", "path"})
        EXPECT_GT(km.at(kind).get<double>(), 0.0) << kind;
    // Footways, steps and pedestrian streets are walked only; a one-way street is ridden one
    // way but walked both (Monaco: 99 km rideable of 129 km of street and path links).
    EXPECT_LT(paths.at("km_rideable").get<double>(), km.at("street").get<double>() + km.at("path").get<double>());
    EXPECT_GT(paths.at("km_rideable").get<double>(), 0.5 * km.at("street").get<double>());
    const double all_km = km.at("street").get<double>() + km.at("path").get<double>() +
                          km.at("footway").get<double>() + km.at("steps").get<double>() +
                          km.at("pedestrian").get<double>();
    // Walkers may use nearly everything (51 ways, most of them tunnels, are foot=no: ridden only).
    EXPECT_LT(paths.at("km_walkable").get<double>(), all_km);
    EXPECT_GT(paths.at("km_walkable").get<double>(), 0.95 * all_km);
}

// The hand-made OSM junctions (tests/geodata/junctions.osm): info reports them and the
// export carries them, as GDAL reads them back.
std::string junction_scenario(const TempDir& t) {
    const fs::path yaml = t / "junctions.yaml";
    write_file(yaml, "name: junctions\ncity:\n  crs: EPSG:32631\n  roads:\n    source: " +
                         (fs::path(CITYTWIN_SOURCE_DIR) / "tests" / "geodata" / "junctions.osm").string() + "\n");
    return yaml.string();
}

TEST(CliInfo, JunctionsAndRestrictionsJsonAndText) {
    TempDir t;
    const std::string yaml = junction_scenario(t);
    auto r = run_citytwin({"-q", "info", "--city", yaml, "--json"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const json j = parse_json(r.out);
    const auto& by = j.at("junctions").at("by_control");
    EXPECT_EQ(by.at("signal"), 2);
    EXPECT_EQ(by.at("stop"), 1);
    EXPECT_EQ(by.at("roundabout"), 2);
    EXPECT_EQ(by.at("priority"), 6);
    EXPECT_EQ(by.at("yield"), 0);
    EXPECT_EQ(j.at("junctions").at("signal_controllers"), 1);
    EXPECT_EQ(j.at("turn_restrictions").at("count"), 2);
    EXPECT_EQ(j.at("turn_restrictions").at("osm_relations_read"), 3);
    EXPECT_EQ(j.at("turn_restrictions").at("osm_relations_skipped"), 1);
    r = run_citytwin({"-q", "info", "--city", yaml});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "signal 2")) << r.out;
    EXPECT_TRUE(contains(r.out, "1 controller(s)")) << r.out;
    EXPECT_TRUE(contains(r.out, "2 turn restriction(s); OSM relations 3 read, 1 skipped")) << r.out;
}

TEST(CliExport, JunctionLayerAndRestrictionTable) {
    TempDir t;
    const fs::path out = t / "j.gpkg";
    const auto r = run_citytwin({"-q", "export-city", junction_scenario(t), "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::FromHandle(
        GDALOpenEx(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    ASSERT_NE(ds, nullptr);
    OGRLayer* junctions = ds->GetLayerByName("junctions");
    ASSERT_NE(junctions, nullptr);
    // J, K, S (three or more neighbours) and the two roundabout entries.
    EXPECT_EQ(junctions->GetFeatureCount(TRUE), 5);
    std::map<std::string, int> controls;
    std::set<long long> controllers;
    for (auto& f : *junctions) {
        ++controls[f->GetFieldAsString("control")];
        if (f->IsFieldSetAndNotNull(f->GetFieldIndex("controller")))
            controllers.insert(f->GetFieldAsInteger64("controller"));
    }
    EXPECT_EQ(controls, (std::map<std::string, int>{{"roundabout", 2}, {"signal", 2}, {"stop", 1}}));
    EXPECT_EQ(controllers.size(), 1u);
    OGRLayer* turns = ds->GetLayerByName("turn_restrictions");
    ASSERT_NE(turns, nullptr);
    EXPECT_EQ(turns->GetGeomType(), wkbNone);
    EXPECT_EQ(turns->GetFeatureCount(TRUE), 2);
    int only = 0;
    for (auto& f : *turns) only += f->GetFieldAsInteger("only");
    EXPECT_EQ(only, 1);
}

TEST(CliInfo, MonacoCityText) {
    const auto r = run_citytwin({"-q", "info", "--city", "scenarios/monaco/baseline.yaml"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.out, "working CRS EPSG:32632")) << r.out;
    EXPECT_TRUE(contains(r.out, "districts     6")) << r.out;
    EXPECT_TRUE(contains(r.out, "2361 read")) << r.out;
}

struct GpkgLayerCheck {
    std::string name;
    long long expected;
};

// Opens the GeoPackage with GDAL and checks layers, counts and a projected SRS.
void check_gpkg(const fs::path& file, const std::string& epsg, const std::vector<GpkgLayerCheck>& layers) {
    GDALAllRegister();
    const char* const drivers[] = {"GPKG", nullptr};
    std::unique_ptr<GDALDataset> ds(GDALDataset::FromHandle(
        GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr)));
    ASSERT_NE(ds, nullptr) << "GDAL cannot open " << file << " as GPKG";
    for (const auto& l : layers) {
        SCOPED_TRACE("layer " + l.name);
        OGRLayer* layer = ds->GetLayerByName(l.name.c_str());
        ASSERT_NE(layer, nullptr);
        EXPECT_EQ(layer->GetFeatureCount(TRUE), l.expected);
        const OGRSpatialReference* srs = layer->GetSpatialRef();
        ASSERT_NE(srs, nullptr);
        EXPECT_TRUE(srs->IsProjected());
        const char* code = srs->GetAuthorityCode(nullptr);
        ASSERT_NE(code, nullptr);
        EXPECT_EQ(std::string(code), epsg);
    }
}

void export_and_check(const std::string& scenario, const std::string& epsg) {
    const auto info = run_citytwin({"info", "--city", scenario, "--json"});
    ASSERT_EQ(info.exit_code, 0) << describe(info);
    const json j = parse_json(info.out);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j.at("crs"), "EPSG:" + epsg);

    TempDir t;
    const fs::path out = t / "city.gpkg";
    const auto r = run_citytwin({"export-city", scenario, "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_TRUE(contains(r.err, "wrote")) << describe(r);
    // Written under a temporary name and renamed: nothing else is left in the folder.
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{"city.gpkg"}));
    check_gpkg(out, epsg,
               {{"links", j["roads"]["links"].get<long long>()},
                {"nodes", j["roads"]["nodes"].get<long long>()},
                {"buildings", j["buildings"]["count"].get<long long>()},
                {"access_points", j["access_points"]["count"].get<long long>()},
                {"districts", j["districts"]["count"].get<long long>()}});
}

TEST(CliExport, MonacoGeoPackage) { export_and_check("scenarios/monaco/baseline.yaml", "32632"); }

TEST(CliExport, GothenburgGeoPackage) { export_and_check("scenarios/gothenburg/baseline.yaml", "3006"); }

TEST(CliExport, AColonInAFileNameIsStillAFile) {
    // Before, any ':' made a path a database connection: written in place (not atomic),
    // its folder unchecked. Only PG:, postgresql://, MySQL: … are connections now.
    TempDir t;
    const fs::path out = t / "run:3.gpkg";
    const auto r = run_citytwin({"-q", "export-city", "scenarios/monaco/baseline.yaml", "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{"run:3.gpkg"}));   // staged, then renamed
    expect_one_error(run_citytwin({"-q", "export-city", "scenarios/monaco/baseline.yaml", "--out",
                                   (t / "no-such-folder" / "a:b.gpkg").string()}),
                     {"no-such-folder"});
}

TEST(CliExport, LinkAttributesInTheGeoPackage) {
    TempDir t;
    const fs::path out = t / "m.gpkg";
    const auto r = run_citytwin({"-q", "export-city", "scenarios/monaco/baseline.yaml", "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::FromHandle(GDALOpenEx(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    ASSERT_NE(ds, nullptr);
    OGRLayer* links = ds->GetLayerByName("links");
    ASSERT_NE(links, nullptr);
    std::size_t n = 0;
    for (auto& f : *links) {
        ++n;
        ASSERT_GT(f->GetFieldAsDouble("length_m"), 0.0);
        ASSERT_GT(f->GetFieldAsDouble("speed_kmh"), 0.0);
        ASSERT_GT(f->GetFieldAsDouble("capacity_vph"), 0.0);
        ASSERT_NE(f->GetFieldAsInteger("from_node"), f->GetFieldAsInteger("to_node"));
        ASSERT_NE(f->GetGeometryRef(), nullptr);
    }
    EXPECT_GT(n, 0u);
    // The attribution travels with the data.
    const char* attribution = ds->GetMetadataItem("CITYTWIN_ATTRIBUTION");
    ASSERT_NE(attribution, nullptr);
    EXPECT_TRUE(contains(attribution, "OpenStreetMap")) << attribution;
}

TEST(CliExport, OverwritesAnExistingFile) {
    TempDir t;
    const fs::path out = t / "m.gpkg";
    write_file(out, "old contents, not a GeoPackage");
    const auto r = run_citytwin({"-q", "export-city", "scenarios/gothenburg/baseline.yaml", "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{"m.gpkg"}));
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::FromHandle(GDALOpenEx(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    ASSERT_NE(ds, nullptr);
    EXPECT_NE(ds->GetLayerByName("links"), nullptr);
}

// ---- bad inputs: exit 1, one message naming the file ----

TEST(CliErrors, MissingScenarioFile) {
    TempDir t;
    const std::string missing = (t / "no-such-scenario.yaml").string();
    expect_one_error(run_citytwin({"info", "--city", missing}), {missing});
    expect_one_error(run_citytwin({"export-city", missing, "--out", (t / "x.gpkg").string()}), {missing});
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{}));
}

TEST(CliErrors, WifiCellsBeyondTheMemoryLimitStopBeforeTheRun) {
    // Before: `wifi.cell_size_m: 0.001` ended in "internal error: std::bad_alloc" (exit 2).
    TempDir t;
    const std::string tiny = (t / "tiny.yaml").string(), fine = (t / "fine.yaml").string();
    write_file(tiny, "extends: " + std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml\nwifi:\n  cell_size_m: 0.001\n");
    expect_one_error(run_citytwin({"-q", "run", tiny}), {tiny, "'wifi.cell_size_m' 0.001 m", "more than a raster can hold"});
    write_file(fine, "extends: " + std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml\nwifi:\n  cell_size_m: 0.5\n");
    expect_one_error(run_citytwin({"-q", "run", fine, "--memory-limit", "1G"}),
                     {fine, "'wifi.cell_size_m' 0.5 m", "over the memory limit of 1.0 GiB", "--memory-limit"});
    expect_one_error(run_citytwin({"-q", "run", fine, "--memory-limit", "lots"}), {"--memory-limit 'lots' is not a size"});
}

TEST(CliRun, AScenarioWithOnlyACitySaysWhatItSkippedOnce) {
    TempDir t;
    const fs::path yaml = t / "town.yaml";
    write_file(yaml, "name: town\ncity:\n  roads:\n    source: monaco/monaco-2021.osm.pbf\n"
                     "  buildings:\n    source: monaco/monaco-2021.osm.pbf\n");
    auto r = run_citytwin({"-q", "run", yaml.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["skipped"], nlohmann::json::array({"mobility", "wifi"}));
    EXPECT_FALSE(j.contains("mobility"));
    EXPECT_FALSE(j.contains("wifi"));
    const std::string note = "citytwin: note: " + yaml.string() + ": no 'demand:' section, so no traffic";
    ASSERT_NE(r.err.find(note), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(note, r.err.find(note) + 1), std::string::npos) << "said once:\n" << r.err;
    EXPECT_NE(r.err.find("no 'wifi:' section, so no coverage (add wifi: {}"), std::string::npos) << r.err;
    // With both sections nothing is skipped and nothing is said.
    const fs::path small = t / "small.yaml";
    write_file(small, "extends: " + std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml" +
                          "\ndemand:\n  synthetic: {sample: 0.05}\nmobility: {iterations: 1}\nwifi: {cell_size_m: 20}\n");
    r = run_citytwin({"-q", "run", small.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["skipped"], nlohmann::json::array());
    EXPECT_EQ(r.err.find("citytwin: note:"), std::string::npos) << r.err;
}

TEST(CliErrors, MissingSourceFile) {
    TempDir t;
    const std::string missing = (t / "nothing-here.osm.pbf").string();
    expect_one_error(run_citytwin({"info", missing}), {missing});
}

TEST(CliErrors, MissingDataFileReferencedByScenario) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: lost/roads-that-are-not-here.osm.pbf\n");
    const auto r = run_citytwin({"info", "--city", yaml.string()});
    expect_one_error(r, {yaml.string() + ":4:", "roads-that-are-not-here.osm.pbf", "looked in"});
}

TEST(CliErrors, CorruptPbf) {
    TempDir t;
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 251));
    const fs::path pbf = t / "x.osm.pbf";
    write_file(pbf, garbage);
    expect_one_error(run_citytwin({"info", pbf.string()}), {pbf.string()});

    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  crs: EPSG:32632\n  roads:\n    source: x.osm.pbf\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}), {pbf.string()});
}

TEST(CliErrors, CorruptGeoPackage) {
    TempDir t;
    std::string garbage = "SQLite format 3";   // looks like the start of a GeoPackage, then noise
    for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 31 + 7) % 253));
    const fs::path gpkg = t / "x.gpkg";
    write_file(gpkg, garbage);
    expect_one_error(run_citytwin({"info", gpkg.string()}), {gpkg.string()});

    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  crs: EPSG:3006\n  buildings:\n    source: x.gpkg\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}), {gpkg.string()});
}

TEST(CliErrors, UnknownLayerNamesItAndListsLayers) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: gothenburg-lantmateriet/vl_riks.shp\n"
                     "    layer: roadz\n    class_field: KATEGORI\n    default_class: road\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}), {"vl_riks.shp", "'roadz'", "vl_riks)"});

    write_file(yaml, "name: x\ncity:\n  roads:\n    source: monaco/monaco-2021.osm.pbf\n    layer: highways\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}),
                     {"monaco-2021.osm.pbf", "'highways'", "lines", "multipolygons"});
}

TEST(CliErrors, UnknownFieldNamesItAndListsFields) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: gothenburg-lantmateriet/vl_riks.shp\n"
                     "    class_field: KATEGORY\n    default_class: road\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}), {"vl_riks.shp", "'KATEGORY'", "KATEGORI"});
}

TEST(CliErrors, EmptyLayer) {
    TempDir t;
    write_file(t / "empty.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  crs: EPSG:3006\n  roads:\n    source: empty.geojson\n    default_class: road\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}), {"empty.geojson", "is empty"});
}

TEST(CliErrors, FilterMatchingNoRoad) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: gothenburg-lantmateriet/vl_riks.shp\n"
                     "    where: \"KATEGORI = 'Flygväg'\"\n    class_field: KATEGORI\n    default_class: road\n");
    expect_one_error(run_citytwin({"-q", "info", "--city", yaml.string()}), {"vl_riks.shp"});
}

TEST(CliErrors, ShapefileWithoutCrs) {
    TempDir t;
    // The Gothenburg shapefile without its .prj: same data, no CRS.
    for (const char* ext : {".shp", ".shx", ".dbf", ".cpg"})
        fs::copy_file(data_dir() / "gothenburg-lantmateriet" / (std::string("vl_riks") + ext),
                      t / (std::string("noprj") + ext));
    ASSERT_FALSE(fs::exists(t / "noprj.prj"));
    const auto info = run_citytwin({"info", (t / "noprj.shp").string()});
    ASSERT_EQ(info.exit_code, 0) << describe(info);
    EXPECT_TRUE(contains(info.out, "CRS none")) << info.out;

    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: noprj.shp\n    class_field: KATEGORI\n"
                     "    default_class: road\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}), {"noprj.shp", "CRS", "crs:"});
    // Naming the CRS in the layer section fixes it.
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: noprj.shp\n    crs: EPSG:3006\n"
                     "    class_field: KATEGORI\n    default_class: road\n");
    const auto ok = run_citytwin({"-q", "info", "--city", yaml.string(), "--json"});
    ASSERT_EQ(ok.exit_code, 0) << describe(ok);
    const json j = parse_json(ok.out);
    EXPECT_EQ(j.at("roads").at("features"), 1091);
    // crs: auto -> the UTM zone of the data's centre, 12.007°E 57.706°N: zone 33N.
    EXPECT_EQ(j.at("crs"), "EPSG:32633");
}

TEST(CliErrors, UnknownConfigKeyGivesFileAndLine) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\n"
                     "city:\n"
                     "  roads:\n"
                     "    source: monaco/monaco-2021.osm.pbf\n"
                     "    spead_field: maxspeed\n");
    expect_one_error(run_citytwin({"info", "--city", yaml.string()}),
                     {yaml.string() + ":5:", "city.roads.spead_field", "did you mean 'speed_field'"});
    expect_one_error(run_citytwin({"export-city", yaml.string(), "--out", (t / "m.gpkg").string()}),
                     {yaml.string() + ":5:", "city.roads.spead_field"});
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{"city.yaml"}));
}

TEST(CliErrors, ExportToMissingFolder) {
    TempDir t;
    const fs::path out = t / "no-such-folder" / "m.gpkg";
    expect_one_error(run_citytwin({"export-city", "scenarios/gothenburg/baseline.yaml", "--out", out.string()}),
                     {out.string(), "no-such-folder"});
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(t / "no-such-folder"));
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{}));
}

TEST(CliErrors, FailedExportLeavesNoFile) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: gothenburg-lantmateriet/vl_riks.shp\n"
                     "    class_field: KATEGORI\n    speed_field: HASTIGHET\n    default_class: road\n");
    const fs::path out = t / "g.gpkg";
    expect_one_error(run_citytwin({"export-city", yaml.string(), "--out", out.string()}), {"'HASTIGHET'"});
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{"city.yaml"})) << "no output or temporary file";
}

TEST(CliErrors, FailedExportKeepsAnOlderFileUntouched) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  roads:\n    source: gothenburg-lantmateriet/vl_riks.shp\n"
                     "    class_field: KATEGORY\n    default_class: road\n");
    const fs::path out = t / "g.gpkg";
    write_file(out, "previous export");
    expect_one_error(run_citytwin({"export-city", yaml.string(), "--out", out.string()}), {"'KATEGORY'"});
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{"city.yaml", "g.gpkg"}));
    EXPECT_EQ(fs::file_size(out), std::string("previous export").size());
}

TEST(CliErrors, ExportOntoAFolder) {
    // --out names an existing folder: a clear error, and the temporary file is removed.
    TempDir t;
    fs::create_directory(t / "out.gpkg");
    const auto r = run_citytwin({"-q", "export-city", "scenarios/gothenburg/baseline.yaml", "--out",
                                 (t / "out.gpkg").string()});
    expect_one_error(r, {"out.gpkg"});
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{"out.gpkg"})) << "temporary file left behind";
    EXPECT_TRUE(fs::is_empty(t / "out.gpkg"));
}

TEST(CliErrors, SingleLayerDriverFailsCleanly) {
    // GeoJSON holds one layer; the city has seven.
    TempDir t;
    const fs::path out = t / "g.geojson";
    expect_one_error(run_citytwin({"-q", "export-city", "scenarios/gothenburg/baseline.yaml", "--out", out.string(),
                                   "--driver", "GeoJSON"}),
                     {out.string(), "one layer per file"});
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{}));
}

TEST(CliErrors, UnknownDriver) {
    TempDir t;
    expect_one_error(run_citytwin({"-q", "export-city", "scenarios/gothenburg/baseline.yaml", "--out",
                                   (t / "g.xyz").string(), "--driver", "NoSuchDriver"}),
                     {"'NoSuchDriver'"});
    EXPECT_EQ(files_in(t.path()), (std::set<std::string>{}));
}

TEST(CliExport, MultiFileDriverLeavesNoTemporaryFiles) {
    // A driver that writes one file per layer (Shapefile) must either give a complete
    // export that GDAL reads back, or fail with one message and leave nothing behind.
    TempDir t;
    const fs::path out = t / "g.shp";
    const auto r = run_citytwin({"-q", "export-city", "scenarios/gothenburg/baseline.yaml", "--out", out.string(),
                                 "--driver", "ESRI Shapefile"});
    for (const auto& name : files_in(t.path()))
        EXPECT_EQ(name.find(".tmp"), std::string::npos) << "temporary file left behind: " << name;
    if (r.exit_code != 0) {
        expect_one_error(r, {"g.shp"});
        EXPECT_EQ(files_in(t.path()), (std::set<std::string>{}));
        return;
    }
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::FromHandle(
        GDALOpenEx(out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    ASSERT_NE(ds, nullptr) << "the export says it wrote " << out << " but GDAL cannot open it";
    EXPECT_EQ(ds->GetLayer(0)->GetFeatureCount(TRUE), 2448) << "the links of the Gothenburg graph";
}

TEST(CliErrors, UnknownCrsInScenario) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  crs: EPSG:999999\n  roads:\n    source: gothenburg-lantmateriet/vl_riks.shp\n"
                     "    class_field: KATEGORI\n    default_class: road\n");
    expect_one_error(run_citytwin({"-q", "info", "--city", yaml.string()}), {"EPSG:999999", yaml.string()});
}

TEST(CliErrors, GeographicWorkingCrsIsRejected) {
    TempDir t;
    const fs::path yaml = t / "city.yaml";
    write_file(yaml, "name: x\ncity:\n  crs: EPSG:4326\n  roads:\n    source: gothenburg-lantmateriet/vl_riks.shp\n"
                     "    class_field: KATEGORI\n    default_class: road\n");
    expect_one_error(run_citytwin({"-q", "info", "--city", yaml.string()}), {"EPSG:4326", "projected"});
}

}  // namespace
}  // namespace citytwin::app
