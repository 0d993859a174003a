// Plugins and scenario edits as a user meets them: every way a plugin can fail gives one
// message naming it; the `edits:` list and `extends:` change exactly what they say; the
// built-in plugins act on a real run of Monaco (../shared/data), deterministically for any
// thread count; and the example scenarios run from the command line.
#include "../geodata/test_helpers.hpp"

#include <citytwin/geodata/edits.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/feature_reader.hpp>
#include <citytwin/plugin.hpp>
#include <citytwin/scenarios/plugin_abi_note.hpp>
#include <citytwin/scenarios/plugin_host.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/link_restrictions.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace citytwin::scenarios {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::run_citytwin;
using citytwin::testing::TempDir;
using citytwin::testing::write_file;

const std::string test_plugin_dir = CITYTWIN_TEST_PLUGIN_DIR;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// 1-based line of the first line of `text` containing `needle`.
int line_of(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (contains(line, needle)) return n;
    }
    ADD_FAILURE() << "'" << needle << "' is not in:\n" << text;
    return -1;
}

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

// Monaco's layers from the shared data (relative sources resolve through the data
// folders) and the seed every run here uses.
std::string monaco_city() {
    return "city:\n"
           "  name: Monaco\n"
           "  roads:\n"
           "    source: monaco/monaco-2021.osm.pbf\n"
           "  buildings:\n"
           "    source: monaco/monaco-2021.osm.pbf\n"
           "  access_points:\n"
           "    source: monaco/monaco-2021.osm.pbf\n"
           "  districts:\n"
           "    source: monaco/monaco-2021.osm.pbf\n"
           "    layer: multipolygons\n"
           "    where: \"boundary = 'administrative' AND admin_level = '10'\"\n"
           "    id_field: osm_id\n"
           "    name_field: name\n"
           "seed: 42\n";
}

// A tenth of Monaco's residents for one iteration: a day of traffic in about a second.
std::string monaco_demand() {
    return "demand:\n"
           "  synthetic:\n"
           "    population: 38000\n"
           "    sample: 0.1\n"
           "mobility:\n"
           "  iterations: 1\n";
}

std::string monaco_wifi() { return "wifi:\n  cell_size_m: 10\n"; }

RunOptions quiet(std::vector<std::string> plugin_dirs = {test_plugin_dir}, int threads = 2) {
    RunOptions o;
    o.progress = false;
    o.threads = threads;
    o.plugin_dirs = std::move(plugin_dirs);
    return o;
}

// Writes `yaml` as a scenario in its own folder and runs it.
struct ScenarioFile {
    TempDir dir;
    std::string path;
    std::string yaml;
    explicit ScenarioFile(std::string text, const std::string& name = "scenario.yaml") : yaml(std::move(text)) {
        path = (dir / name).string();
        write_file(path, yaml);
    }
    RunOutput run(const RunOptions& opts = quiet()) const { return run_scenario(load_scenario(path), opts); }
    // The geodata::Error of loading and running it (a test failure when there is none).
    std::string error(const RunOptions& opts = quiet()) const {
        try {
            run(opts);
        } catch (const geodata::Error& e) {
            return e.what();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "expected geodata::Error, got: " << e.what();
            return {};
        } catch (...) {
            ADD_FAILURE() << "expected geodata::Error, got a non-std exception";
            return {};
        }
        ADD_FAILURE() << "expected an error for:\n" << yaml;
        return {};
    }
};

std::string load_error(const std::string& path) {
    try {
        load_scenario(path);
    } catch (const geodata::Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected load_scenario to fail for " << path;
    return {};
}

std::optional<double> plugin_kpi(const RunOutput& run, const std::string& plugin, const std::string& key) {
    for (const auto& p : run.plugins)
        if (p.name == plugin)
            for (const auto& [k, v] : p.kpis)
                if (k == key) return v;
    return std::nullopt;
}

// Runs shared by several tests, computed once.
const RunOutput& monaco_city_run() {
    static const ScenarioFile file("name: city-only\n" + monaco_city());
    static const RunOutput run = file.run();
    return run;
}

const RunOutput& monaco_traffic_run() {
    static const ScenarioFile file("name: traffic\n" + monaco_city() + monaco_demand());
    static const RunOutput run = file.run();
    return run;
}

const RunOutput& monaco_wifi_run() {
    static const ScenarioFile file("name: wifi\n" + monaco_city() + monaco_wifi());
    static const RunOutput run = file.run();
    return run;
}

std::vector<std::size_t> links_named(const geodata::RoadNetwork& net, const std::string& name) {
    std::vector<std::size_t> out;
    for (const auto& l : net.links())
        if (l.name == name) out.push_back(l.id.value);
    return out;
}

// ---------------------------------------------------------------------------------------
// 1. Plugin errors: one message naming the plugin, never a crash.

// A scenario with Monaco's city and one plugin (an entry without params: is tested apart).
std::string plugin_scenario(const std::string& name, const std::string& params = "") {
    return "name: p\n" + monaco_city() + "plugins:\n  - name: " + name + "\n" +
           (params.empty() ? "    params: {}\n" : "    params:\n" + params);
}

RunOptions trusting(std::vector<std::string> plugin_dirs = {test_plugin_dir}) {
    RunOptions o = quiet(std::move(plugin_dirs));
    o.allow_scenario_plugins = true;
    return o;
}

TEST(PluginTrust, AScenarioNamesPluginFoldersOrFilesOnlyWithTheFlag) {
    // Without --allow-scenario-plugins a shared scenario cannot load code from a place it
    // names: one error with its file and line, and the flag. Nothing is loaded first.
    ScenarioFile folder("name: p\n" + monaco_city() + "plugin_path: [scenario-plugins]\nplugins:\n  - name: nosuch\n    params: {}\n");
    std::string msg = folder.error();
    EXPECT_EQ(msg.rfind(folder.path + ":" + std::to_string(line_of(folder.yaml, "plugin_path:")) + ":", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'plugin_path'")) << msg;
    EXPECT_TRUE(contains(msg, "--allow-scenario-plugins")) << msg;
    ScenarioFile file("name: p\n" + monaco_city() + "plugins:\n  - name: throwing\n    path: " + test_plugin_dir +
                      "/citytwin_throwing.so\n    params: {}\n");
    msg = file.error();
    EXPECT_EQ(msg.rfind(file.path + ":" + std::to_string(line_of(file.yaml, "path:")) + ":", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'plugins[0].path'")) << msg;
    EXPECT_FALSE(contains(msg, "boom")) << "the plugin ran:\n" << msg;
    // With the flag the plugin loads (and this one throws from its first hook).
    EXPECT_TRUE(contains(file.error(trusting()), "boom in before_run")) << file.error(trusting());
}

TEST(PluginTrust, APluginNamedLikeABuiltInIsRefused) {
    // A copy of the built-in roadworks in another folder would run instead of it.
    // (The built-in folders: an installed copy's own, then the build tree's; here the latter.)
    const auto builtin = builtin_plugin_dirs();
    const auto found = std::find_if(builtin.begin(), builtin.end(),
                                    [](const std::string& d) { return fs::exists(fs::path(d) / plugin_file_name("roadworks")); });
    ASSERT_NE(found, builtin.end());
    const fs::path original = fs::path(*found) / plugin_file_name("roadworks");
    TempDir shared;
    const fs::path copy = shared / plugin_file_name("roadworks");
    fs::copy_file(original, copy);
    ScenarioFile s(plugin_scenario("roadworks", "      streets: [\"Boulevard Albert 1er\"]\n"));
    const std::string msg = s.error(quiet({shared.path().string()}));
    EXPECT_TRUE(contains(msg, copy.string() + " would shadow the built-in " + original.string())) << msg;
}

TEST(PluginErrors, NotFoundListsEveryFolderAndTheFileName) {
    ScenarioFile s("name: p\n" + monaco_city() + "plugin_path: [scenario-plugins]\nplugins:\n  - name: nosuch\n    params: {}\n");
    const std::string cli_dir = (s.dir / "cli-plugins").string();
    const std::string msg = s.error(trusting({cli_dir}));
    EXPECT_TRUE(contains(msg, "plugin 'nosuch' not found")) << msg;
    const std::string from_cli = (fs::path(cli_dir) / "citytwin_nosuch.so").string();
    const std::string from_scenario = (s.dir.path() / "scenario-plugins" / "citytwin_nosuch.so").string();
    ASSERT_TRUE(contains(msg, from_cli)) << msg;
    ASSERT_TRUE(contains(msg, from_scenario)) << msg;
    EXPECT_LT(msg.find(from_cli), msg.find(from_scenario)) << "--plugin-path is searched first:\n" << msg;
    EXPECT_TRUE(contains(msg, "--plugin-path")) << "the message says how to add a folder:\n" << msg;
}

TEST(PluginErrors, ExplicitPathThatDoesNotExist) {
    ScenarioFile s("name: p\n" + monaco_city() + "plugins:\n  - name: mine\n    path: lib/citytwin_mine.so\n    params: {}\n");
    const std::string msg = s.error(trusting());
    EXPECT_TRUE(contains(msg, "plugin 'mine'")) << msg;
    EXPECT_TRUE(contains(msg, (s.dir.path() / "lib" / "citytwin_mine.so").string())) << msg;
    EXPECT_TRUE(contains(msg, "not found")) << msg;
}

TEST(PluginErrors, LibraryWithoutDescriptor) {
    const std::string msg = ScenarioFile(plugin_scenario("no_descriptor")).error();
    EXPECT_TRUE(contains(msg, "plugin 'no_descriptor'")) << msg;
    EXPECT_TRUE(contains(msg, (fs::path(test_plugin_dir) / "citytwin_no_descriptor.so").string())) << msg;
    EXPECT_TRUE(contains(msg, "has no symbol citytwin_plugin_descriptor")) << msg;
}

// The error of loading `name`, and whether any of the library's code ran meanwhile (its
// static constructor, tests/plugins/ran_marker.hpp, leaves a file behind).
std::pair<std::string, bool> load_and_watch(const std::string& name) {
    TempDir dir;
    const fs::path marker = dir.path() / "ran";
    ::setenv("CITYTWIN_TEST_PLUGIN_RAN", marker.c_str(), 1);
    std::string msg = ScenarioFile(plugin_scenario(name)).error();
    ::unsetenv("CITYTWIN_TEST_PLUGIN_RAN");
    return {msg, fs::exists(marker)};
}

TEST(PluginErrors, AbiMismatchNamesBothVersionsAndRunsNothing) {
    const auto [msg, ran] = load_and_watch("bad_abi");
    EXPECT_TRUE(contains(msg, "plugin 'bad_abi'")) << msg;
    EXPECT_TRUE(contains(msg, "999")) << msg;
    EXPECT_TRUE(contains(msg, "this citytwin has version " + std::to_string(plugin::abi_version))) << msg;
    EXPECT_FALSE(ran) << "the library was loaded (its static constructor ran) before the ABI check";
}

TEST(PluginErrors, OtherHeadersAreRefusedBeforeLoading) {
    const auto [msg, ran] = load_and_watch("bad_layout");
    EXPECT_TRUE(contains(msg, "plugin 'bad_layout'")) << msg;
    EXPECT_TRUE(contains(msg, (fs::path(test_plugin_dir) / "citytwin_bad_layout.so").string())) << msg;
    EXPECT_TRUE(contains(msg, "different citytwin headers")) << msg;
    EXPECT_FALSE(ran) << "the library was loaded (its static constructor ran) before the layout check";
}

TEST(PluginErrors, ALibraryWithoutAbiNoteIsNotLoaded) {
    const auto [msg, ran] = load_and_watch("no_note");
    EXPECT_TRUE(contains(msg, "plugin 'no_note'")) << msg;
    EXPECT_TRUE(contains(msg, "carries no citytwin ABI note")) << msg;
    EXPECT_FALSE(ran) << "a library without an ABI note was loaded";
}

TEST(PluginErrors, AFileThatIsNoSharedLibrary) {
    TempDir dir;
    write_file(dir.path() / plugin_file_name("fake"), "#!/bin/sh\necho not a library\n");
    const std::string msg = ScenarioFile(plugin_scenario("fake")).error(trusting({dir.path().string()}));
    EXPECT_TRUE(contains(msg, "plugin 'fake'")) << msg;
    EXPECT_TRUE(contains(msg, (dir.path() / plugin_file_name("fake")).string() + ": not a shared library")) << msg;
    // A plugin cut short (a copy interrupted): its section table lies past the end.
    std::ifstream whole((fs::path(test_plugin_dir) / "citytwin_throwing.so").string(), std::ios::binary);
    std::string head(3000, '\0');
    whole.read(head.data(), static_cast<std::streamsize>(head.size()));
    write_file(dir.path() / plugin_file_name("cut"), head);
    const std::string cut = ScenarioFile(plugin_scenario("cut")).error(trusting({dir.path().string()}));
    EXPECT_TRUE(contains(cut, "plugin 'cut'")) << cut;
    EXPECT_TRUE(contains(cut, "not a complete shared library")) << cut;
}

// What the host reads from a plugin file before loading it is what the SDK put there.
TEST(PluginAbiNote, ABuiltPluginCarriesThisBuildsVersionAndLayout) {
    const auto note = read_abi_note((fs::path(test_plugin_dir) / "citytwin_throwing.so").string());
    ASSERT_TRUE(note.has_value());
    EXPECT_EQ(note->abi_version, static_cast<std::uint32_t>(plugin::abi_version));
    EXPECT_EQ(note->layout_signature, plugin::layout_signature);
    for (const auto& dir : builtin_plugin_dirs()) {
        const fs::path roadworks = fs::path(dir) / plugin_file_name("roadworks");
        if (!fs::exists(roadworks)) continue;
        const auto builtin = read_abi_note(roadworks.string());
        ASSERT_TRUE(builtin.has_value()) << roadworks;
        EXPECT_EQ(builtin->layout_signature, plugin::layout_signature) << roadworks;
    }
    EXPECT_FALSE(read_abi_note((fs::path(test_plugin_dir) / "citytwin_no_note.so").string()).has_value());
}

TEST(PluginErrors, FileNameThatIsAnotherPlugin) {
    const std::string msg = ScenarioFile(plugin_scenario("renamed")).error();
    EXPECT_TRUE(contains(msg, "plugin 'renamed'")) << msg;
    EXPECT_TRUE(contains(msg, "citytwin_renamed.so is the plugin 'throwing'")) << msg;
}

TEST(PluginErrors, ExceptionInConstructorBeforeRunAndAfterRun) {
    const std::string path = (fs::path(test_plugin_dir) / "citytwin_throwing.so").string();
    std::string msg = ScenarioFile(plugin_scenario("throwing", "      in: constructor\n")).error();
    EXPECT_TRUE(contains(msg, "plugin 'throwing'")) << msg;
    EXPECT_TRUE(contains(msg, "boom in constructor")) << msg;

    msg = ScenarioFile(plugin_scenario("throwing", "      in: before_run\n")).error();
    EXPECT_TRUE(contains(msg, "plugin 'throwing' (" + path + "): before_run: boom in before_run")) << msg;

    // A non-std exception (throw 42) is still caught and labelled.
    msg = ScenarioFile(plugin_scenario("throwing", "      in: after_run\n")).error();
    EXPECT_TRUE(contains(msg, "plugin 'throwing' (" + path + "): after_run:")) << msg;
    EXPECT_TRUE(contains(msg, "unknown exception")) << msg;
}

TEST(PluginErrors, ExceptionInOnStepDuringTheTrafficRun) {
    ScenarioFile s("name: p\n" + monaco_city() + monaco_demand() +
                   "plugins:\n  - name: throwing\n    params: {in: on_step}\n");
    const std::string msg = s.error();
    EXPECT_TRUE(contains(msg, "plugin 'throwing'")) << msg;
    EXPECT_TRUE(contains(msg, "on_step: boom in on_step")) << msg;
}

TEST(PluginErrors, TypoInBuiltinPluginParamsNamesFileLineAndSuggests) {
    ScenarioFile s(plugin_scenario("roadworks",
                                   "      streets: [\"Boulevard Albert 1er\"]\n"
                                   "      form: \"07:00\"\n"
                                   "      to: \"19:00\"\n"));
    const std::string msg = s.error();
    const int line = line_of(s.yaml, "form:");
    EXPECT_TRUE(contains(msg, "plugin 'roadworks'")) << msg;
    EXPECT_TRUE(contains(msg, s.path + ":" + std::to_string(line) +
                                  ": unknown key 'plugins[0].params.form' (did you mean 'from'?)"))
        << msg;
}

TEST(PluginErrors, UnknownStreetSuggestsTheNearestName) {
    ScenarioFile s(plugin_scenario("roadworks", "      streets: [\"Boulevard Albert 1\"]\n"));
    const std::string msg = s.error();
    EXPECT_TRUE(contains(msg, "plugin 'roadworks'")) << msg;
    EXPECT_TRUE(contains(msg, "before_run")) << msg;
    EXPECT_TRUE(contains(msg, s.path + ":" + std::to_string(line_of(s.yaml, "streets:")) + ":")) << msg;
    EXPECT_TRUE(contains(msg, "'plugins[0].params.streets'")) << msg;
    EXPECT_TRUE(contains(msg, "no road is named 'Boulevard Albert 1'")) << msg;
    EXPECT_TRUE(contains(msg, "'Boulevard Albert 1er'")) << msg;
}

// ---------------------------------------------------------------------------------------
// 2. The `edits:` list.

TEST(Edits, EachEditChangesExactlyWhatItSays) {
    const RunOutput& base_run = monaco_city_run();
    const geodata::CityModel& base = base_run.model;
    ASSERT_EQ(base.crs, "EPSG:32632");
    ASSERT_TRUE(base.closures->empty());
    const auto& nodes = base.roads->nodes();
    const auto& buildings = *base.buildings;
    ASSERT_GT(buildings.size(), 100u);

    // A 120 m square around the building nearest the city's centre, in the working CRS.
    const geodata::Point centre{(base.bounds.min.x + base.bounds.max.x) / 2, (base.bounds.min.y + base.bounds.max.y) / 2};
    const auto dist = [](const geodata::Point& a, const geodata::Point& b) { return std::hypot(a.x - b.x, a.y - b.y); };
    const auto near_centre = *std::min_element(buildings.begin(), buildings.end(), [&](const auto& a, const auto& b) {
        return dist(a.centroid, centre) < dist(b.centroid, centre);
    });
    // Whole metres, so that the ring written to the file is exactly this one.
    const geodata::Point c{std::round(near_centre.centroid.x), std::round(near_centre.centroid.y)};
    const geodata::Polygon square{
        {{c.x - 60, c.y - 60}, {c.x + 60, c.y - 60}, {c.x + 60, c.y + 60}, {c.x - 60, c.y + 60}, {c.x - 60, c.y - 60}}, {}};
    std::vector<std::size_t> removed;
    for (const auto& b : buildings)
        if (geodata::contains(geodata::MultiPolygon{square}, b.centroid)) removed.push_back(b.id.value);
    ASSERT_GE(removed.size(), 1u);
    ASSERT_LT(removed.size(), buildings.size());

    // A new road between the node nearest the centre and one about 400 m from it.
    const auto a_it = std::min_element(nodes.begin(), nodes.end(), [&](const auto& x, const auto& y) {
        return dist(x.position, centre) < dist(y.position, centre);
    });
    const geodata::Point A = a_it->position;
    const auto b_it = std::min_element(nodes.begin(), nodes.end(), [&](const auto& x, const auto& y) {
        return std::abs(dist(x.position, A) - 400) < std::abs(dist(y.position, A) - 400);
    });
    const geodata::Point B = b_it->position;
    ASSERT_GT(dist(A, B), 300.0);

    const std::string yaml =
        "name: edits\n" + monaco_city() +
        "edits:\n"
        "  - close_links:\n"
        "      streets: [\"Boulevard Albert 1er\"]\n"
        "      from: \"07:00\"\n"
        "      to: \"19:00\"\n"
        "      reason: test closure\n"
        "  - add_access_points:\n"
        "      points: [[7.4246, 43.7384], [7.4180, 43.7310]]\n"
        "      tx_power_dbm: 23\n"
        "      channel: 11\n"
        "      frequency_ghz: 5.2\n"
        "      height_m: 6\n"
        "      name: Test AP\n"
        "  - remove_buildings:\n"
        "      crs: EPSG:32632\n"
        "      area: [[" + num(c.x - 60) + ", " + num(c.y - 60) + "], [" + num(c.x + 60) + ", " + num(c.y - 60) + "], [" +
        num(c.x + 60) + ", " + num(c.y + 60) + "], [" + num(c.x - 60) + ", " + num(c.y + 60) + "]]\n"
        "  - add_road:\n"
        "      crs: EPSG:32632\n"
        "      line: [[" + num(A.x) + ", " + num(A.y) + "], [" + num((A.x + B.x) / 2 + 20) + ", " + num((A.y + B.y) / 2) +
        "], [" + num(B.x) + ", " + num(B.y) + "]]\n"
        "      name: Test Link\n"
        "      class: secondary\n"
        "      speed_kmh: 30\n"
        "      lanes: 1\n";
    const RunOutput run = ScenarioFile(yaml).run();
    const geodata::CityModel& m = run.model;

    // close_links: every link of the street, 07:00–19:00, nothing else.
    const auto street = links_named(*base.roads, "Boulevard Albert 1er");
    ASSERT_FALSE(street.empty());
    ASSERT_EQ(m.closures->size(), street.size());
    for (std::size_t i = 0; i < street.size(); ++i) {
        const auto& cl = (*m.closures)[i];
        EXPECT_EQ(cl.link.value, street[i]);
        EXPECT_EQ(cl.window.from, 7 * 3600);
        EXPECT_EQ(cl.window.to, 19 * 3600);
        EXPECT_EQ(cl.reason, "test closure");
    }

    // add_access_points: two more at the given positions with the given radio settings.
    const auto& aps = *m.access_points;
    const std::size_t n_ap = base.access_points->size();
    ASSERT_EQ(aps.size(), n_ap + 2);
    for (std::size_t i = 0; i < n_ap; ++i) EXPECT_EQ(aps[i].position, (*base.access_points)[i].position);
    const auto expected_pos = geodata::transform_points({{7.4246, 43.7384}, {7.4180, 43.7310}}, "EPSG:4326", base.crs_wkt);
    for (std::size_t k = 0; k < 2; ++k) {
        const auto& ap = aps[n_ap + k];
        EXPECT_EQ(ap.id.value, n_ap + k);
        EXPECT_EQ(ap.tx_power_dbm, 23.0);
        EXPECT_EQ(ap.channel, 11);
        EXPECT_EQ(ap.frequency_ghz, 5.2);
        EXPECT_EQ(ap.height_m, 6.0);
        EXPECT_EQ(ap.name, "Test AP " + std::to_string(k + 1));
        EXPECT_NEAR(ap.position.x, expected_pos[k].x, 1e-6);
        EXPECT_NEAR(ap.position.y, expected_pos[k].y, 1e-6);
        // lon/lat were read in that order: the point lies in Monaco.
        EXPECT_TRUE(ap.position.x > base.bounds.min.x && ap.position.x < base.bounds.max.x) << ap.position.x;
        EXPECT_TRUE(ap.position.y > base.bounds.min.y && ap.position.y < base.bounds.max.y) << ap.position.y;
    }

    // remove_buildings: exactly those whose centroid is in the square; the rest renumbered in order.
    ASSERT_EQ(m.buildings->size(), buildings.size() - removed.size());
    const std::set<std::size_t> gone(removed.begin(), removed.end());
    std::size_t j = 0;
    for (const auto& b : buildings) {
        if (gone.count(b.id.value)) continue;
        ASSERT_LT(j, m.buildings->size());
        EXPECT_EQ((*m.buildings)[j].id.value, j);
        EXPECT_EQ((*m.buildings)[j].centroid, b.centroid);
        EXPECT_EQ((*m.buildings)[j].source_id, b.source_id);
        ++j;
    }

    // add_road: two links (both directions) named as given, between the two junctions.
    const std::size_t n_links = base.roads->link_count();
    ASSERT_EQ(m.roads->link_count(), n_links + 2);
    EXPECT_EQ(m.roads->node_count(), base.roads->node_count());
    const auto& fwd = m.roads->link(geodata::LinkId(static_cast<std::uint32_t>(n_links)));
    const auto& bwd = m.roads->link(geodata::LinkId(static_cast<std::uint32_t>(n_links + 1)));
    EXPECT_EQ(fwd.name, "Test Link");
    EXPECT_EQ(bwd.name, "Test Link");
    EXPECT_EQ(m.roads->node(fwd.from).position, A);
    EXPECT_EQ(m.roads->node(fwd.to).position, B);
    EXPECT_EQ(bwd.from, fwd.to);
    EXPECT_EQ(bwd.to, fwd.from);
    EXPECT_FALSE(fwd.reversed);
    EXPECT_TRUE(bwd.reversed);
    EXPECT_EQ(fwd.lanes, 1);
    EXPECT_NEAR(fwd.freeflow_speed_mps * 3.6, 30.0, 1e-9);
    EXPECT_EQ(fwd.road_class, geodata::RoadClass::Secondary);
    ASSERT_EQ(fwd.geometry.size(), 3u);
    EXPECT_GT(fwd.length_m, dist(A, B));
    for (std::size_t i = 0; i < n_links; ++i)
        ASSERT_EQ(m.roads->links()[i].name, base.roads->links()[i].name) << "link " << i << " changed";

    // One summary per edit, in order.
    ASSERT_EQ(run.edits.size(), 4u);
    EXPECT_EQ(run.edits[0], "close_links: closed " + std::to_string(street.size()) + " links for part of the day");
    EXPECT_EQ(run.edits[1], "add_access_points: added 2 access points");
    EXPECT_EQ(run.edits[2], "remove_buildings: removed " + std::to_string(removed.size()) + " buildings");
    EXPECT_EQ(run.edits[3], "add_road: added road 'Test Link' (2 links from id " + std::to_string(n_links) + ")");
}

TEST(Edits, UnknownKindNamesFileLineAndSuggests) {
    ScenarioFile s("name: e\n" + monaco_city() +
                   "edits:\n"
                   "  - add_access_points: {points: [7.4246, 43.7384]}\n"
                   "  - close_link:\n"
                   "      streets: [\"Boulevard Albert 1er\"]\n");
    const std::string msg = load_error(s.path);
    EXPECT_EQ(msg.rfind(s.path + ":" + std::to_string(line_of(s.yaml, "close_link:")) + ":", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'edits[1].close_link'")) << msg;
    EXPECT_TRUE(contains(msg, "did you mean 'close_links'")) << msg;
}

TEST(Edits, BadKeyInsideAnEditNamesFileLineAndKeyPath) {
    ScenarioFile s("name: e\n" + monaco_city() +
                   "edits:\n"
                   "  - add_access_points: {points: [7.4246, 43.7384]}\n"
                   "  - close_links:\n"
                   "      streets: [\"Boulevard Albert 1er\"]\n"
                   "      form: \"07:00\"\n");
    const std::string msg = s.error();
    EXPECT_EQ(msg.rfind(s.path + ":" + std::to_string(line_of(s.yaml, "form:")) +
                            ": unknown key 'edits[1].close_links.form' (did you mean 'from'?)",
                        0),
              0u)
        << msg;
}

TEST(Edits, BadValueInsideAnEditNamesFileLineAndKeyPath) {
    ScenarioFile s("name: e\n" + monaco_city() +
                   "edits:\n"
                   "  - set_speed:\n"
                   "      streets: [\"Boulevard Albert 1er\"]\n"
                   "      speed_kmh: 500\n");
    const std::string msg = s.error();
    EXPECT_EQ(msg.rfind(s.path + ":" + std::to_string(line_of(s.yaml, "speed_kmh:")) + ": 'edits[0].set_speed.speed_kmh'", 0),
              0u)
        << msg;
    EXPECT_TRUE(contains(msg, "200 km/h")) << msg;
}

TEST(Edits, BadPathEditsNameFileLineAndKey) {
    ScenarioFile kind("name: e\n" + monaco_city() +
                      "edits:\n"
                      "  - add_path:\n"
                      "      line: [[7.42619, 43.73730], [7.42217, 43.73286]]\n"
                      "      kind: bikeway\n");
    std::string msg = kind.error();
    EXPECT_EQ(msg.rfind(kind.path + ":" + std::to_string(line_of(kind.yaml, "kind:")) + ": 'edits[0].add_path.kind'", 0),
              0u)
        << msg;
    EXPECT_TRUE(contains(msg, "bikeway") && contains(msg, "cycleway")) << msg;

    ScenarioFile neither("name: e\n" + monaco_city() +
                         "edits:\n"
                         "  - path_access: {streets: [\"Boulevard Albert 1er\"]}\n");
    msg = neither.error();
    EXPECT_TRUE(contains(msg, neither.path + ":" + std::to_string(line_of(neither.yaml, "path_access:")))) << msg;
    EXPECT_TRUE(contains(msg, "'walk'") && contains(msg, "'bike'")) << msg;

    ScenarioFile far("name: e\n" + monaco_city() +
                     "edits:\n"
                     "  - add_path:\n"
                     "      line: [[7.30, 43.60], [7.31, 43.61]]\n"
                     "      max_snap_m: 50\n");
    msg = far.error();
    EXPECT_TRUE(contains(msg, "edits[0].add_path.line")) << msg;
    EXPECT_TRUE(contains(msg, "nearest path node")) << msg;
}

// ---------------------------------------------------------------------------------------
// 3. `extends:`

// Two districts over Monaco in lon/lat, written next to the base scenario.
const char* zones_geojson =
    R"({"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"name": "Zone A"}, "geometry": {"type": "Polygon", "coordinates":
  [[[7.4150, 43.7300], [7.4220, 43.7300], [7.4220, 43.7360], [7.4150, 43.7360], [7.4150, 43.7300]]]}},
{"type": "Feature", "properties": {"name": "Zone B"}, "geometry": {"type": "Polygon", "coordinates":
  [[[7.4220, 43.7360], [7.4330, 43.7360], [7.4330, 43.7460], [7.4220, 43.7460], [7.4220, 43.7360]]]}}
]}
)";

std::string extends_base_yaml() {
    return "name: base\n"
           "description: the base scenario\n"
           "city:\n"
           "  name: Monaco\n"
           "  roads:\n"
           "    source: monaco/monaco-2021.osm.pbf\n"
           "  buildings:\n"
           "    source: monaco/monaco-2021.osm.pbf\n"
           "  districts:\n"
           "    source: zones.geojson\n"    // only next to this file
           "    name_field: name\n"
           "seed: 7\n"
           "mobility:\n"
           "  iterations: 3\n"
           "  reroute_share: 0.3\n"
           "edits:\n"
           "  - remove_buildings:\n"
           "      area: {source: zones.geojson, where: \"name = 'Zone A'\"}\n"
           "plugins:\n"
           "  - name: roadworks\n"
           "    params: {streets: [\"Boulevard Albert 1er\"], from: \"10:00\", to: \"11:00\"}\n";
}

/// Writes the base scenario and its zones into `dir`; returns the "extends: <base>\n" line
/// a variant starts with.
std::string write_extends_base(const TempDir& dir) {
    write_file(dir / "zones.geojson", zones_geojson);
    write_file(dir / "base.yaml", extends_base_yaml());
    return "extends: " + (dir / "base.yaml").string() + "\n";
}

TEST(Extends, VariantInAnotherFolderOverridesAndInherits) {
    TempDir base_dir, variant_dir;
    write_file(base_dir / "zones.geojson", zones_geojson);
    const std::string base = (base_dir / "base.yaml").string();
    write_file(base, extends_base_yaml());
    const std::string variant = (variant_dir / "variant.yaml").string();
    write_file(variant, "extends: ../" + base_dir.path().filename().string() + "/base.yaml\n"
                        "name: variant\n"
                        "seed: 11\n"
                        "mobility:\n"
                        "  iterations: 1\n"
                        "edits:\n"
                        "  - set_speed: {streets: [\"Boulevard Albert 1er\"], speed_kmh: 20}\n"
                        "plugins:\n"
                        "  - name: step_closer\n"
                        "    params: {link: 3, at: \"08:00\"}\n");
    const Scenario s = load_scenario(variant);
    EXPECT_EQ(s.name, "variant");
    EXPECT_EQ(s.description, "the base scenario");
    EXPECT_EQ(s.seed, 11u);
    EXPECT_EQ(s.mobility.iterations, 1);
    EXPECT_EQ(s.mobility.reroute_share, 0.3);   // inherited beside the overridden key
    ASSERT_TRUE(s.city.districts);
    EXPECT_EQ(fs::weakly_canonical(s.city.districts->source), fs::weakly_canonical(base_dir / "zones.geojson"));
    ASSERT_EQ(s.extends.size(), 1u);
    EXPECT_EQ(fs::weakly_canonical(s.extends[0]), fs::weakly_canonical(base));
    // Base edits and plugins first, each keeping its own file.
    ASSERT_EQ(s.edits.size(), 2u);
    EXPECT_EQ(s.edits[0].kind, "remove_buildings");
    EXPECT_EQ(fs::weakly_canonical(s.edits[0].file), fs::weakly_canonical(base));
    EXPECT_EQ(s.edits[1].kind, "set_speed");
    EXPECT_EQ(s.edits[1].file, variant);
    ASSERT_EQ(s.plugins.size(), 2u);
    EXPECT_EQ(s.plugins[0].name, "roadworks");
    EXPECT_EQ(s.plugins[1].name, "step_closer");
    // The resolved configuration names the base and holds the variant's plugin.
    EXPECT_TRUE(contains(s.text, s.extends[0])) << s.text;
    EXPECT_TRUE(contains(s.text, "step_closer")) << s.text;
    EXPECT_TRUE(contains(s.text, "roadworks")) << s.text;
    EXPECT_TRUE(contains(s.text, "set_speed")) << s.text;

    // It runs: the districts and the base's edit area come from the base's folder.
    const RunOutput run = run_scenario(s, quiet());
    ASSERT_EQ(run.model.districts->size(), 2u);
    EXPECT_EQ((*run.model.districts)[0].name, "Zone A");
    ASSERT_EQ(run.edits.size(), 2u);
    EXPECT_EQ(run.edits[0].rfind("remove_buildings: removed ", 0), 0u) << run.edits[0];
    EXPECT_NE(run.edits[0], "remove_buildings: removed 0 buildings");
    EXPECT_EQ(run.edits[1].rfind("set_speed: ", 0), 0u) << run.edits[1];
    ASSERT_EQ(run.plugins.size(), 2u);
    EXPECT_EQ(run.plugins[0].name, "roadworks");
    EXPECT_EQ(run.plugins[1].name, "step_closer");
    for (const auto l : links_named(*run.model.roads, "Boulevard Albert 1er"))
        EXPECT_NEAR(run.model.roads->links()[l].freeflow_speed_mps * 3.6, 20.0, 1e-9);
}

TEST(Extends, CycleIsAnErrorNamingTheFile) {
    TempDir dir;
    const std::string a = (dir / "a.yaml").string(), b = (dir / "b.yaml").string();
    write_file(a, "extends: b.yaml\nname: a\n");
    write_file(b, "name: b\nextends: a.yaml\n" + monaco_city());
    const std::string msg = load_error(a);
    EXPECT_EQ(msg.rfind(b + ":2:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, a)) << msg;
    EXPECT_TRUE(contains(msg, "extends itself")) << msg;

    write_file(a, "extends: a.yaml\nname: a\n" + monaco_city());
    const std::string self = load_error(a);
    EXPECT_EQ(self.rfind(a + ":1:", 0), 0u) << self;
    EXPECT_TRUE(contains(self, "extends itself")) << self;
}

TEST(Extends, MissingBaseIsAnErrorNamingBothFiles) {
    TempDir dir;
    const std::string v = (dir / "variant.yaml").string();
    write_file(v, "name: v\nextends: nothere.yaml\n");
    const std::string msg = load_error(v);
    EXPECT_EQ(msg.rfind(v + ":2:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, (dir / "nothere.yaml").string() + ": file not found")) << msg;
}

TEST(Extends, TypoInTheVariantNamesTheVariantFile) {
    TempDir base_dir, variant_dir;
    const std::string extends = write_extends_base(base_dir);
    const std::string variant = (variant_dir / "variant.yaml").string();
    // In a section the base does not have: file, line, key path and suggestion.
    write_file(variant, extends + "name: variant\n"
                        "wifi:\n"
                        "  cell_size_m: 10\n"
                        "  treshold_dbm: -70\n");
    std::string msg = load_error(variant);
    EXPECT_EQ(msg.rfind(variant + ":5: unknown key 'wifi.treshold_dbm' (did you mean 'threshold_dbm'?)", 0), 0u) << msg;
    // At the top level.
    write_file(variant, extends + "name: variant\nsed: 3\n");
    msg = load_error(variant);
    EXPECT_EQ(msg.rfind(variant + ":3: unknown key 'sed' (did you mean 'seed'?)", 0), 0u) << msg;
    // In a section the base has too: ScenarioFileRegressions.VariantTypoInASectionOfTheBaseKeepsItsLine.
}

// ---------------------------------------------------------------------------------------
// Bugs found while writing these tests, fixed since: each test keeps one from coming back.

// A plugin entry without `params:` once assigned yaml-cpp's invalid node ("internal error").
TEST(ScenarioFileRegressions, PluginEntryWithoutParams) {
    ScenarioFile s("name: p\n" + monaco_city() + "plugins:\n  - name: nosuch\n");
    Scenario loaded;
    ASSERT_NO_THROW(loaded = load_scenario(s.path));
    ASSERT_EQ(loaded.plugins.size(), 1u);
    EXPECT_TRUE(contains(s.error(), "plugin 'nosuch' not found"));
}

// merge() once added the variant's keys with key nodes made by code, which have no line.
TEST(ScenarioFileRegressions, VariantTypoInASectionOfTheBaseKeepsItsLine) {
    TempDir base_dir, variant_dir;
    const std::string extends = write_extends_base(base_dir);
    const std::string variant = (variant_dir / "variant.yaml").string();
    write_file(variant, extends + "name: variant\n"
                        "mobility:\n"
                        "  iteratons: 1\n");
    const std::string msg = load_error(variant);
    EXPECT_EQ(msg.rfind(variant + ":4: unknown key 'mobility.iteratons' (did you mean 'iterations'?)", 0), 0u) << msg;
}

// Keys below the top level are checked after the merge with the variant's file name, so a
// typo in the base is reported as "variant.yaml:<line in the base>:".
TEST(ScenarioFileRegressions, TypoInTheBaseNamesTheBaseFileAndLine) {
    TempDir base_dir, variant_dir;
    const std::string base = (base_dir / "base.yaml").string();
    const std::string base_yaml = "name: base\n" + monaco_city() + "mobility:\n  reroute_shar: 0.1\n";
    write_file(base, base_yaml);
    const std::string variant = (variant_dir / "variant.yaml").string();
    write_file(variant, "extends: " + base + "\nname: variant\nseed: 3\n");
    const std::string msg = load_error(variant);
    EXPECT_TRUE(contains(msg, "unknown key 'mobility.reroute_shar'")) << msg;
    EXPECT_EQ(msg.rfind(base + ":" + std::to_string(line_of(base_yaml, "reroute_shar")) + ":", 0), 0u) << msg;
}

// ---------------------------------------------------------------------------------------
// 4. A plugin acting during the run through the step observer.

std::uint64_t entries(const sim::MobilityResult& m, std::size_t links, std::size_t link, std::size_t from_hour,
                      std::size_t to_hour) {
    std::uint64_t sum = 0;
    for (std::size_t h = from_hour; h < std::min(to_hour, m.loading.hours); ++h) sum += m.loading.entries[h * links + link];
    return sum;
}

TEST(StepObserver, StepCloserClosesABusyLinkAt0800) {
    const RunOutput& base = monaco_traffic_run();
    ASSERT_TRUE(base.mobility);
    const std::size_t n = base.model.roads->link_count();
    std::size_t busy = 0;
    std::uint64_t busy_entries = 0;
    for (std::size_t l = 0; l < n; ++l)
        if (const auto e = entries(*base.mobility, n, l, 9, 24); e > busy_entries) busy_entries = e, busy = l;
    ASSERT_GT(busy_entries, 10u) << "no busy link after 09:00 in the baseline";

    ScenarioFile s("name: closer\n" + monaco_city() + monaco_demand() +
                   "plugins:\n  - name: step_closer\n    params: {link: " + std::to_string(busy) + ", at: \"08:00\"}\n");
    const RunOutput run = s.run();
    ASSERT_TRUE(run.mobility);
    ASSERT_EQ(run.plugins.size(), 1u);
    EXPECT_GT(plugin_kpi(run, "step_closer", "steps_seen").value_or(0), 0.0);
    EXPECT_EQ(plugin_kpi(run, "step_closer", "open_after_closing").value_or(-1), 0.0);
    EXPECT_EQ(entries(*run.mobility, n, busy, 9, run.mobility->loading.hours), 0u) << "link " << busy;
    // Before the closure the link carried traffic as in the baseline.
    EXPECT_GT(entries(*run.mobility, n, busy, 0, 8), 0u);
}

// ---------------------------------------------------------------------------------------
// 5. wifi_expansion, and determinism with plugins.

TEST(WifiExpansion, RaisesCoverageExactlyAsPredicted) {
    const RunOutput& base = monaco_wifi_run();
    ASSERT_TRUE(base.wifi);
    ScenarioFile s("name: wifi-plus\n" + monaco_city() + monaco_wifi() +
                   "plugins:\n  - name: wifi_expansion\n    params: {count: 5}\n");
    const RunOutput run = s.run();
    ASSERT_TRUE(run.wifi);
    const double before = base.wifi->kpis.population_covered_share;
    const double after = run.wifi->kpis.population_covered_share;
    EXPECT_GT(after, before);
    const auto predicted = plugin_kpi(run, "wifi_expansion", "population_covered_share_predicted");
    ASSERT_TRUE(predicted);
    EXPECT_NEAR(after, *predicted, 1e-12);
    EXPECT_NEAR(plugin_kpi(run, "wifi_expansion", "population_covered_share_before").value_or(-1), before, 1e-12);
    EXPECT_EQ(plugin_kpi(run, "wifi_expansion", "placed").value_or(-1), 5.0);
    ASSERT_EQ(run.model.access_points->size(), base.model.access_points->size() + 5);
    EXPECT_EQ(run.wifi->kpis.aps, base.wifi->kpis.aps + 5);
    ASSERT_EQ(run.plugins[0].tables.size(), 1u);
    EXPECT_EQ(run.plugins[0].tables[0].name, "wifi_expansion_sites");
    EXPECT_EQ(run.plugins[0].tables[0].rows, 5u);
}

TEST(WifiExpansion, ServesTheOutdoorAreaOrBothExactlyAsPredicted) {
    const RunOutput& base = monaco_wifi_run();
    ASSERT_TRUE(base.wifi);
    auto run_serving = [&](const std::string& serve) {
        ScenarioFile s("name: wifi-" + serve + "\n" + monaco_city() + monaco_wifi() +
                       "plugins:\n  - name: wifi_expansion\n    params: {count: 5, serve: " + serve + "}\n");
        return s.run();
    };
    const RunOutput outdoor = run_serving("outdoor"), both = run_serving("both");
    for (const RunOutput* run : {&outdoor, &both}) {
        ASSERT_TRUE(run->wifi);
        const auto& k = run->wifi->kpis;
        EXPECT_NEAR(plugin_kpi(*run, "wifi_expansion", "area_covered_share_before").value_or(-1),
                    base.wifi->kpis.area_covered_share, 1e-12);
        EXPECT_NEAR(plugin_kpi(*run, "wifi_expansion", "area_covered_share_predicted").value_or(-1), k.area_covered_share, 1e-12);
        EXPECT_NEAR(plugin_kpi(*run, "wifi_expansion", "population_covered_share_predicted").value_or(-1),
                    k.population_covered_share, 1e-12);
        EXPECT_GT(k.area_covered_share, base.wifi->kpis.area_covered_share);
        ASSERT_EQ(run->plugins[0].tables.size(), 1u);
        EXPECT_EQ(run->plugins[0].tables[0].columns.size(), 5u);   // with outdoor_cells_gained
    }
    // Aiming at the streets covers more of them than aiming at homes, and less of the homes.
    const RunOutput& homes = [&]() -> const RunOutput& {
        static const RunOutput r = run_serving("residents");
        return r;
    }();
    EXPECT_GT(outdoor.wifi->kpis.area_covered_share, homes.wifi->kpis.area_covered_share);
    EXPECT_LT(outdoor.wifi->kpis.population_covered_share, homes.wifi->kpis.population_covered_share);
    EXPECT_GE(both.wifi->kpis.area_covered_share, homes.wifi->kpis.area_covered_share);
    EXPECT_FALSE(plugin_kpi(homes, "wifi_expansion", "area_covered_share_predicted"));
    ScenarioFile typo("name: wifi-typo\n" + monaco_city() + monaco_wifi() +
                      "plugins:\n  - name: wifi_expansion\n    params: {count: 5, serve: streets}\n");
    const std::string msg = typo.error();
    EXPECT_TRUE(contains(msg, "'plugins[0].params.serve'")) << msg;
    EXPECT_TRUE(contains(msg, "'streets' is none of residents, outdoor, both")) << msg;
}

TEST(WifiExpansion, CapacityDiscountsSitesOverTheClientLimit) {
    // Residents at home using the public wifi at 0.2 (not 0.005) load every site heavily.
    auto run_with = [&](const std::string& capacity, const std::string& limit) {
        ScenarioFile s("name: wifi-cap\n" + monaco_city() + "wifi:\n  cell_size_m: 10\n  active_share_home: 0.2\n"
                       "  client_limit: " + limit + "\nplugins:\n  - name: wifi_expansion\n    params: {count: 8, capacity: " +
                       capacity + "}\n");
        return s.run();
    };
    auto sites = [](const RunOutput& r) {
        std::vector<std::pair<double, double>> out;
        for (const auto& p : r.plugins[0].tables[0].points) out.emplace_back(p.x, p.y);
        return out;
    };
    const RunOutput plain = run_with("false", "30"), limited = run_with("true", "30"), unlimited = run_with("true", "1000000");
    // Without a binding limit the discount changes nothing; with one it changes the choice.
    EXPECT_EQ(sites(unlimited), sites(plain));
    EXPECT_NE(sites(limited), sites(plain));
    // The coverage prediction stays exact, and the table says which sites are over the limit.
    EXPECT_NEAR(plugin_kpi(limited, "wifi_expansion", "population_covered_share_predicted").value_or(-1),
                limited.wifi->kpis.population_covered_share, 1e-12);
    const auto& t = limited.plugins[0].tables[0];
    const auto& busy = std::get<std::vector<double>>(t.columns.back().values);
    ASSERT_EQ(t.columns.back().name, "busy_users_predicted");
    ASSERT_EQ(busy.size(), 8u);
    const auto over = static_cast<double>(std::count_if(busy.begin(), busy.end(), [](double b) { return b > 30.0; }));
    EXPECT_EQ(plugin_kpi(limited, "wifi_expansion", "sites_over_client_limit").value_or(-1), over);
    EXPECT_GT(over, 0.0);
    EXPECT_EQ(plugin_kpi(unlimited, "wifi_expansion", "sites_over_client_limit").value_or(-1), 0.0);
    EXPECT_FALSE(plugin_kpi(plain, "wifi_expansion", "sites_over_client_limit"));
}

TEST(WifiExpansion, CountZeroIsAnErrorNamingCount) {
    ScenarioFile s("name: wifi-plus\n" + monaco_city() + monaco_wifi() +
                   "plugins:\n  - name: wifi_expansion\n    params:\n      count: 0\n");
    const std::string msg = s.error();
    EXPECT_TRUE(contains(msg, "plugin 'wifi_expansion'")) << msg;
    EXPECT_TRUE(contains(msg, s.path + ":" + std::to_string(line_of(s.yaml, "count:")) + ": 'plugins[0].params.count'"))
        << msg;
}

TEST(Determinism, PluginsGiveTheSameKpisForOneAndTwoThreads) {
    ScenarioFile s("name: both\n" + monaco_city() + monaco_demand() + monaco_wifi() +
                   "plugins:\n"
                   "  - name: congestion_charge\n"
                   "    params: {area: Monte-Carlo, amount: 20, from: \"07:00\", to: \"19:00\"}\n"
                   "  - name: wifi_expansion\n"
                   "    params: {count: 5}\n");
    auto kpis = [&](int threads) {
        nlohmann::json j = kpis_json(s.run(quiet({test_plugin_dir}, threads)));
        EXPECT_EQ(j["run"]["threads"].get<int>(), threads);
        j["run"].erase("seconds");
        j["run"].erase("threads");
        return j;
    };
    const nlohmann::json one = kpis(1), two = kpis(2);
    ASSERT_TRUE(one.contains("plugins"));
    EXPECT_TRUE(one["plugins"].contains("congestion_charge"));
    EXPECT_TRUE(one["plugins"].contains("wifi_expansion"));
    EXPECT_GT(one["mobility"]["toll_crossings"].get<double>(), 0.0);
    EXPECT_EQ(one.dump(), two.dump());
}

// ---------------------------------------------------------------------------------------
// 6. congestion_charge.

TEST(CongestionCharge, FewerVehiclesEnterWhileCharged) {
    const RunOutput& base = monaco_traffic_run();
    ScenarioFile s("name: charge\n" + monaco_city() + monaco_demand() +
                   "plugins:\n"
                   "  - name: congestion_charge\n"
                   "    params: {area: Monte-Carlo, amount: 20, from: \"07:00\", to: \"19:00\"}\n");
    const RunOutput run = s.run();
    ASSERT_TRUE(run.mobility && base.mobility);
    const auto& k = run.mobility->kpis;
    EXPECT_GT(k.toll_crossings, 0u);
    EXPECT_DOUBLE_EQ(k.toll_revenue, 20.0 * static_cast<double>(k.toll_crossings));
    const double charged = plugin_kpi(run, "congestion_charge", "charged_entries").value_or(-1);
    EXPECT_EQ(charged, static_cast<double>(k.toll_crossings));
    EXPECT_DOUBLE_EQ(plugin_kpi(run, "congestion_charge", "revenue").value_or(-1), 20.0 * charged);
    EXPECT_EQ(base.mobility->kpis.toll_crossings, 0u);

    // The charged links: every link entering Monte-Carlo, tolled 07:00–19:00.
    const auto district = std::find_if(base.model.districts->begin(), base.model.districts->end(),
                                       [](const auto& d) { return d.name == "Monte-Carlo"; });
    ASSERT_NE(district, base.model.districts->end());
    const auto entering = geodata::links_entering(*base.model.roads, district->area);
    ASSERT_FALSE(entering.empty());
    ASSERT_EQ(run.model.tolls->size(), entering.size());
    EXPECT_EQ(plugin_kpi(run, "congestion_charge", "entry_links").value_or(-1), static_cast<double>(entering.size()));
    const std::size_t n = base.model.roads->link_count();
    ASSERT_EQ(run.model.roads->link_count(), n);
    auto charged_hour_entries = [&](const sim::MobilityResult& m) {
        std::uint64_t sum = 0;
        for (const auto& t : *run.model.tolls)
            for (std::size_t h = 0; h < std::min<std::size_t>(m.loading.hours, 24); ++h)
                if (sim::toll_applies(t, h)) sum += m.loading.entries[h * n + t.link.value];
        return sum;
    };
    const std::uint64_t with = charged_hour_entries(*run.mobility), without = charged_hour_entries(*base.mobility);
    EXPECT_EQ(with, k.toll_crossings);
    EXPECT_LT(with, without);
}

// ---------------------------------------------------------------------------------------
// 7. The command line and the example scenarios.

std::vector<std::string> monaco_examples() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(fs::path(CITYTWIN_SOURCE_DIR) / "scenarios" / "monaco"))
        if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(ExampleScenarios, MonacoHasTheDocumentedVariants) {
    const auto names = monaco_examples();
    for (const char* expected : {"baseline", "roadworks", "new-link", "wifi-expansion", "new-district", "congestion-charge"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
}

class MonacoExample : public ::testing::TestWithParam<std::string> {};

TEST_P(MonacoExample, RunsFromTheCommandLine) {
    const std::string file = "scenarios/monaco/" + GetParam() + ".yaml";
    const Scenario s = load_scenario(std::string(CITYTWIN_SOURCE_DIR) + "/" + file);
    const auto r = run_citytwin({"-q", "run", file, "--json", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["scenario"], s.name);
    ASSERT_TRUE(j.contains("mobility")) << r.out;
    EXPECT_GT(j["mobility"]["completed"].get<double>(), 0.0);
    if (s.plugins.empty()) {
        EXPECT_FALSE(j.contains("plugins")) << r.out;
        return;
    }
    ASSERT_TRUE(j.contains("plugins")) << r.out;
    for (const auto& p : s.plugins) {
        ASSERT_TRUE(j["plugins"].contains(p.name)) << p.name << "\n" << r.out;
        EXPECT_TRUE(j["plugins"][p.name].is_object());
        EXPECT_FALSE(j["plugins"][p.name].empty()) << p.name;
    }
    const auto& pj = j["plugins"];
    if (pj.contains("roadworks")) {
        EXPECT_GT(pj["roadworks"]["closed_links"].get<double>(), 0.0);
        EXPECT_EQ(pj["roadworks"]["entries_while_closed"].get<double>(), 0.0);
    }
    if (pj.contains("congestion_charge")) {
        const auto& c = pj["congestion_charge"];
        EXPECT_DOUBLE_EQ(c["revenue"].get<double>(), c["charged_entries"].get<double>() * c["amount"].get<double>());
    }
    if (pj.contains("wifi_expansion")) {
        EXPECT_GT(pj["wifi_expansion"]["placed"].get<double>(), 0.0);
    }
    if (pj.contains("new_link")) {
        EXPECT_EQ(pj["new_link"]["links_added"].get<double>(), 2.0);
    }
    if (pj.contains("new_district")) {
        EXPECT_GT(pj["new_district"]["buildings"].get<double>(), 0.0);
    }
}

INSTANTIATE_TEST_SUITE_P(Monaco, MonacoExample, ::testing::ValuesIn(monaco_examples()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             std::string name = param_info.param;
                             for (auto& ch : name)
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return name;
                         });

// On Monaco's residents alone (light traffic) the closure adds delay. With the commuters the
// morning is congested and the trips the closure leaves without a route are not loaded, so
// the mean delay of the others falls (README "Scenarios"): checked here on what is certain.
TEST(CompareCli, RoadworksDelayAndReroutedTraffic) {
    TempDir dir;
    write_file(dir / "roadworks-residents.yaml",
               "extends: " + (fs::path(CITYTWIN_SOURCE_DIR) / "scenarios/monaco/roadworks.yaml").string() +
                   "\ndemand:\n  external: {inbound_commuters: 0, outbound_commuters: 0}\n");
    const auto r = run_citytwin({"-q", "compare", "scenarios/monaco/residents-only.yaml",
                                 (dir / "roadworks-residents.yaml").string(), "--json", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    std::optional<double> delay_delta;
    for (const auto& k : j["kpis"])
        if (k["key"] == "mobility.mean_delay_s") delay_delta = k["delta"].get<double>();
    ASSERT_TRUE(delay_delta) << r.out;
    EXPECT_GT(*delay_delta, 0.0);
    for (const auto& k : j["kpis"])
        if (k["key"] == "mobility.unroutable") {
            EXPECT_GT(k["delta"].get<double>(), 100.0) << "the port is cut off";
        }
    EXPECT_GT(j["summary"]["rerouted_passages"].get<double>(), 0.0);
    EXPECT_GT(j["summary"]["links_with_changed_flow"].get<double>(), 0.0);
}

// Sets an environment variable for one scope.
class EnvOverride {
public:
    EnvOverride(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~EnvOverride() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }
    EnvOverride(const EnvOverride&) = delete;
    EnvOverride& operator=(const EnvOverride&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

void collect_sources(const YAML::Node& node, std::set<std::string>& out) {
    if (node.IsMap()) {
        for (const auto& kv : node) {
            if (kv.first.as<std::string>() == "source" && kv.second.IsScalar()) out.insert(kv.second.as<std::string>());
            else collect_sources(kv.second, out);
        }
    } else if (node.IsSequence()) {
        for (const auto& item : node) collect_sources(item, out);
    }
}

TEST(ExampleScenarios, MalmoFilesParseWithPlaceholderData) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(CITYTWIN_SOURCE_DIR) / "scenarios" / "malmo"))
        if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
    TempDir data;
    std::set<std::string> sources;
    for (const auto& f : files) collect_sources(YAML::LoadFile(f.string()), sources);
    ASSERT_TRUE(sources.count("malmo/malmo.osm.pbf"));
    for (const auto& src : sources) {
        if (fs::path(src).is_absolute()) continue;
        fs::create_directories((data.path() / src).parent_path());
        write_file(data.path() / src, "");
    }
    const EnvOverride env("CITYTWIN_DATA_DIR", data.path().string());
    const auto search = plugin_search_path({});
    for (const auto& f : files) {
        SCOPED_TRACE(f.string());
        Scenario s;
        try {
            s = load_scenario(f.string());
        } catch (const std::exception& e) {
            ADD_FAILURE() << e.what();
            continue;
        }
        EXPECT_FALSE(s.name.empty());
        ASSERT_TRUE(s.city.roads);
        EXPECT_EQ(fs::path(s.city.roads->source), (data.path() / "malmo" / "malmo.osm.pbf").lexically_normal());
        // The plugins' constructors check their parameter keys without the city.
        for (const auto& spec : s.plugins) {
            YamlParameters params(spec.params, spec.file, spec.key_path, fs::path(spec.file).parent_path());
            try {
                LoadedPlugin plugin(spec.name, spec.path, search, params);
                EXPECT_EQ(plugin.name(), spec.name);
            } catch (const std::exception& e) {
                ADD_FAILURE() << e.what();
            }
        }
    }
    // The same check catches a typo in such a file.
    const auto baseline =
        std::find(files.begin(), files.end(), fs::path(CITYTWIN_SOURCE_DIR) / "scenarios" / "malmo" / "baseline.yaml");
    ASSERT_NE(baseline, files.end());
    std::stringstream original;
    original << std::ifstream(*baseline).rdbuf();
    std::string text = original.str();
    const auto at = text.find("\nseed:");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 6, "\nsead:");
    const fs::path typo = data / "typo.yaml";
    write_file(typo, text);
    const std::string msg = load_error(typo.string());
    EXPECT_TRUE(contains(msg, "unknown key 'sead' (did you mean 'seed'?)")) << msg;
}

}  // namespace
}  // namespace citytwin::scenarios
