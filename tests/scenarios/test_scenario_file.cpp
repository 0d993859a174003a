// Scenario files as a user writes them: strict keys with file:line and the full key
// path, types, required sections, road classes, path resolution and overrides.
#include "../geodata/test_helpers.hpp"

#include <citytwin/geodata/error.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>
#include <string>

namespace citytwin::scenarios {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::data_dir;
using citytwin::testing::TempDir;
using citytwin::testing::write_file;

std::string monaco_pbf() { return (data_dir() / "monaco" / "monaco-2021.osm.pbf").string(); }

// Writes `yaml` as scenario.yaml in `dir` and returns the error load_scenario throws
// (fails the test when it throws nothing, or something other than geodata::Error).
std::string load_error(const TempDir& dir, const std::string& yaml, std::string* file_out = nullptr) {
    const std::string file = (dir / "scenario.yaml").string();
    write_file(file, yaml);
    if (file_out) *file_out = file;
    try {
        load_scenario(file);
    } catch (const geodata::Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected geodata::Error, got another exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected load_scenario to fail for:\n" << yaml;
    return {};
}

Scenario load_ok(const TempDir& dir, const std::string& yaml) {
    const std::string file = (dir / "scenario.yaml").string();
    write_file(file, yaml);
    return load_scenario(file);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ScenarioFile, TypoKeyNamesLineKeyPathAndSuggestion) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir,
                                       "# a comment on line 1\n"
                                       "name: typo\n"
                                       "description: a misspelt key\n"
                                       "city:\n"
                                       "  name: Monaco\n"
                                       "  roads:\n"
                                       "    source: " + monaco_pbf() + "\n"
                                       "\n"
                                       "    spead_field: maxspeed\n"   // line 9
                                       "    lanes_field: lanes\n",
                                       &file);
    EXPECT_EQ(msg.rfind(file + ":9:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'city.roads.spead_field'")) << msg;
    EXPECT_TRUE(contains(msg, "did you mean 'speed_field'")) << msg;
}

TEST(ScenarioFile, TypoAtTopAndCityLevel) {
    TempDir dir;
    std::string file;
    std::string msg = load_error(dir, "name: x\ndescripton: y\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n",
                                 &file);
    EXPECT_EQ(msg.rfind(file + ":2:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'descripton'")) << msg;
    EXPECT_TRUE(contains(msg, "did you mean 'description'")) << msg;

    msg = load_error(dir, "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n  atribution: me\n", &file);
    EXPECT_EQ(msg.rfind(file + ":5:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'city.atribution'")) << msg;
    EXPECT_TRUE(contains(msg, "did you mean 'attribution'")) << msg;
}

TEST(ScenarioFile, FarOffKeyListsTheKnownKeys) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(
        dir, "name: x\ncity:\n  buildings:\n    source: " + monaco_pbf() + "\n    colour: red\n", &file);
    EXPECT_EQ(msg.rfind(file + ":5:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'city.buildings.colour'")) << msg;
    EXPECT_TRUE(contains(msg, "height_field")) << msg;
}

TEST(ScenarioFile, WrongTypeNamesLineAndKeyPath) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir,
                                       "name: wrong-type\n"
                                       "city:\n"
                                       "  roads:\n"
                                       "    source: " + monaco_pbf() + "\n"
                                       "    snap_tolerance_m: \"abc\"\n",   // line 5
                                       &file);
    EXPECT_EQ(msg.rfind(file + ":5:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'city.roads.snap_tolerance_m'")) << msg;
    EXPECT_TRUE(contains(msg, "number")) << msg;
}

TEST(ScenarioFile, SectionThatIsNotAMappingIsATypeError) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir, "name: x\ncity:\n  name: X\n  roads: [a, b]\n", &file);
    EXPECT_EQ(msg.rfind(file + ":4:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'city.roads'")) << msg;
}

TEST(ScenarioFile, ListExpectedButTextGiven) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(
        dir, "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n    access_fields: access\n", &file);
    EXPECT_EQ(msg.rfind(file + ":5:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'city.roads.access_fields'")) << msg;
}

TEST(ScenarioFile, NonPositiveSnapToleranceIsRejected) {
    TempDir dir;
    const std::string msg =
        load_error(dir, "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n    snap_tolerance_m: 0\n");
    EXPECT_TRUE(contains(msg, ":5:")) << msg;
    EXPECT_TRUE(contains(msg, "snap_tolerance_m")) << msg;
}

// A scenario on Monaco's roads whose mobility: section holds one line (line 6).
std::string with_mobility_line(const std::string& line) {
    return "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\nmobility:\n  " + line + "\n";
}

TEST(ScenarioFile, StuckTimeAndTheDayAreBounded) {
    TempDir dir;
    std::string file;
    for (const char* line : {"stuck_time_s: 0", "stuck_time_s: -5", "stuck_time_s: 86401"}) {
        const std::string msg = load_error(dir, with_mobility_line(line), &file);
        EXPECT_EQ(msg.rfind(file + ":6:", 0), 0u) << msg;
        EXPECT_TRUE(contains(msg, "'mobility.stuck_time_s' must be 1…86400 s")) << msg;
    }
    const std::string week = "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\ntime:\n  end: ";
    const std::string msg = load_error(dir, week + "604801\n", &file);
    EXPECT_EQ(msg.rfind(file + ":6:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'time.end' must be at most 7 days")) << msg;
    const std::string ok = (dir.path() / "ok.yaml").string();
    write_file(ok, week + "604800\n");
    EXPECT_EQ(load_scenario(ok).mobility.loading.end, 604800);
}

TEST(ScenarioFile, StuckRuleIsJumpAheadOrMoveOn) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir, with_mobility_line("stuck_rule: teleport"), &file);
    EXPECT_EQ(msg.rfind(file + ":6:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'mobility.stuck_rule'")) << msg;
    EXPECT_TRUE(contains(msg, "jump_ahead")) << msg;
    EXPECT_TRUE(contains(msg, "move_on")) << msg;
}

TEST(ScenarioFile, MinSavingAndTargetGapAreShares) {
    for (const std::string key : {"min_saving", "target_gap"}) {
        TempDir dir;
        std::string file;
        const std::string msg = load_error(dir, with_mobility_line(key + ": 1.5"), &file);
        EXPECT_EQ(msg.rfind(file + ":6:", 0), 0u) << msg;
        EXPECT_TRUE(contains(msg, "'mobility." + key + "'")) << msg;
        const std::string ok = (dir.path() / "ok.yaml").string();
        write_file(ok, with_mobility_line(key + ": 0.1"));
        const auto& m = load_scenario(ok).mobility;
        EXPECT_EQ(key == "min_saving" ? m.min_saving : m.target_gap, 0.1) << key;
    }
}

TEST(ScenarioFile, MissingSourceListsWhereItLooked) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir,
                                       "name: missing\n"
                                       "city:\n"
                                       "  roads:\n"
                                       "    source: nowhere/missing-city.osm.pbf\n",   // line 4
                                       &file);
    EXPECT_EQ(msg.rfind(file + ":4:", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "nowhere/missing-city.osm.pbf: file not found")) << msg;
    // First next to the scenario, then every data directory.
    EXPECT_TRUE(contains(msg, (dir.path() / "nowhere" / "missing-city.osm.pbf").lexically_normal().string())) << msg;
    EXPECT_TRUE(contains(msg, (fs::path(CITYTWIN_SOURCE_DIR) / "data" / "nowhere" / "missing-city.osm.pbf")
                                  .lexically_normal()
                                  .string()))
        << msg;
    EXPECT_TRUE(contains(msg, (fs::path(CITYTWIN_SOURCE_DIR).parent_path() / "shared" / "data" / "nowhere" /
                               "missing-city.osm.pbf")
                                  .lexically_normal()
                                  .string()))
        << msg;
    EXPECT_LT(msg.find(dir.path().string()), msg.find(CITYTWIN_SOURCE_DIR)) << "the scenario folder comes first: " << msg;
}

TEST(ScenarioFile, MissingAbsoluteSourceNamesIt) {
    TempDir dir;
    const std::string missing = (dir / "gone.gpkg").string();
    const std::string msg =
        load_error(dir, "name: x\ncity:\n  buildings:\n    source: " + missing + "\n");
    EXPECT_TRUE(contains(msg, ":4:")) << msg;
    EXPECT_TRUE(contains(msg, missing + ": file not found")) << msg;
}

TEST(ScenarioFile, MissingElevationSourceIsReported) {
    TempDir dir;
    const std::string msg = load_error(dir, "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() +
                                                "\n  elevation:\n    source: no-such-tile.hgt.zip\n");
    EXPECT_TRUE(contains(msg, ":6:")) << msg;
    EXPECT_TRUE(contains(msg, "no-such-tile.hgt.zip: file not found")) << msg;
}

TEST(ScenarioFile, TransitSourceResolvesAndDateIsChecked) {
    TempDir dir;
    const std::string head = "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() +
                             "\n  transit:\n    source: helsinki-centre/hsl-gtfs-2022-02-22.zip\n";
    const Scenario ok = load_ok(dir, head + "    date: 2022-02-22\n");
    ASSERT_TRUE(ok.city.transit);
    EXPECT_EQ(fs::path(ok.city.transit->source),
              (data_dir() / "helsinki-centre" / "hsl-gtfs-2022-02-22.zip").lexically_normal());
    EXPECT_EQ(ok.city.transit->date, "2022-02-22");
    EXPECT_EQ(load_ok(dir, head).city.transit->date, "");   // the feed's busiest day

    const std::string date = load_error(dir, head + "    date: 22.2.2022\n");
    EXPECT_TRUE(contains(date, ":7:")) << date;
    EXPECT_TRUE(contains(date, "'city.transit.date': '22.2.2022' is not a date in YYYY-MM-DD form")) << date;
    const std::string typo = load_error(dir, head + "    day: 2022-02-22\n");
    EXPECT_TRUE(contains(typo, "city.transit.day")) << typo;
    const std::string missing =
        load_error(dir, "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() +
                            "\n  transit:\n    source: no-such-feed.zip\n");
    EXPECT_TRUE(contains(missing, ":6:")) << missing;
    EXPECT_TRUE(contains(missing, "no-such-feed.zip: file not found")) << missing;
}

TEST(ScenarioFile, MissingCityIsAnError) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir, "name: no-city\ndescription: nothing to load\n", &file);
    EXPECT_EQ(msg.rfind(file + ":", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'city' is required")) << msg;
}

TEST(ScenarioFile, CityWithoutLayersIsAnError) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir, "name: x\ncity:\n  name: Empty\n  crs: EPSG:3006\n", &file);
    EXPECT_EQ(msg.rfind(file + ":", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "roads")) << msg;
}

TEST(ScenarioFile, SectionWithoutSourceIsAnError) {
    TempDir dir;
    const std::string msg = load_error(dir, "name: x\ncity:\n  roads:\n    layer: lines\n");
    EXPECT_TRUE(contains(msg, "'city.roads.source' is required")) << msg;
}

TEST(ScenarioFile, MissingFileAndSyntaxError) {
    TempDir dir;
    const std::string missing = (dir / "absent.yaml").string();
    try {
        load_scenario(missing);
        ADD_FAILURE() << "no error for a missing file";
    } catch (const geodata::Error& e) {
        EXPECT_TRUE(contains(e.what(), missing)) << e.what();
    }
    std::string file;
    const std::string msg = load_error(dir, "name: x\ncity:\n  roads: {source: a\n  name: [unclosed\n", &file);
    EXPECT_EQ(msg.rfind(file + ":", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "YAML")) << msg;
}

TEST(ScenarioFile, UnknownRoadClassInClassMap) {
    TempDir dir;
    std::string file;
    const std::string msg = load_error(dir,
                                       "name: classes\n"
                                       "city:\n"
                                       "  roads:\n"
                                       "    source: " + monaco_pbf() + "\n"
                                       "    class_field: highway\n"
                                       "    class_map:\n"
                                       "      \"Gata*\": residential\n"
                                       "      \"Motorväg*\": motorweg\n",
                                       &file);
    EXPECT_EQ(msg.rfind(file + ":", 0), 0u) << msg;
    EXPECT_TRUE(contains(msg, "'motorweg'")) << msg;
    EXPECT_TRUE(contains(msg, "city.roads.class_map")) << msg;
    EXPECT_TRUE(contains(msg, "motorway")) << "lists the known classes: " << msg;
}

TEST(ScenarioFile, UnknownDefaultClass) {
    TempDir dir;
    const std::string msg = load_error(
        dir, "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n    default_class: highway\n");
    EXPECT_TRUE(contains(msg, ":5:")) << msg;
    EXPECT_TRUE(contains(msg, "city.roads.default_class")) << msg;
    EXPECT_TRUE(contains(msg, "'highway'")) << msg;
}

TEST(ScenarioFile, SkipIsAllowedInClassMapAndOrderIsKept) {
    TempDir dir;
    const auto s = load_ok(dir,
                           "name: x\n"
                           "city:\n"
                           "  roads:\n"
                           "    source: " + monaco_pbf() + "\n"
                           "    class_field: KATEGORI\n"
                           "    class_map:\n"
                           "      \"Gata, större*\": secondary\n"
                           "      \"Gata*\": residential\n"
                           "      \"Cykel*\": skip\n"
                           "    default_class: road\n");
    ASSERT_TRUE(s.city.roads.has_value());
    const auto& r = *s.city.roads;
    ASSERT_EQ(r.class_map.size(), 3u);
    EXPECT_EQ(r.class_map[0], (std::pair<std::string, std::string>{"Gata, större*", "secondary"}));
    EXPECT_EQ(r.class_map[1], (std::pair<std::string, std::string>{"Gata*", "residential"}));
    EXPECT_EQ(r.class_map[2], (std::pair<std::string, std::string>{"Cykel*", "skip"}));
    EXPECT_EQ(r.class_field, "KATEGORI");
    EXPECT_EQ(r.default_class, "road");
}

TEST(ScenarioFile, AbsoluteSourceIsKept) {
    TempDir dir;
    const auto s = load_ok(dir, "name: abs\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n");
    ASSERT_TRUE(s.city.roads.has_value());
    EXPECT_EQ(s.city.roads->source, monaco_pbf());
}

TEST(ScenarioFile, RelativeSourceNextToTheFileWinsOverDataDirs) {
    TempDir dir;
    // The same relative path exists in the shared data; the copy next to the YAML wins.
    fs::create_directories(dir / "monaco");
    fs::copy_file(monaco_pbf(), dir / "monaco" / "monaco-2021.osm.pbf");
    const auto s = load_ok(dir, "name: rel\ncity:\n  roads:\n    source: monaco/monaco-2021.osm.pbf\n");
    ASSERT_TRUE(s.city.roads.has_value());
    EXPECT_TRUE(fs::equivalent(s.city.roads->source, dir / "monaco" / "monaco-2021.osm.pbf"))
        << s.city.roads->source;
}

TEST(ScenarioFile, RelativeSourceFallsBackToDataDirs) {
    TempDir dir;
    const auto s = load_ok(dir,
                           "name: rel\ncity:\n  roads:\n    source: monaco/monaco-2021.osm.pbf\n"
                           "  elevation:\n    source: monaco/monaco-srtm3-clip.tif\n");
    ASSERT_TRUE(s.city.roads.has_value());
    EXPECT_TRUE(fs::equivalent(s.city.roads->source, monaco_pbf())) << s.city.roads->source;
    ASSERT_TRUE(s.city.elevation.has_value());
    EXPECT_TRUE(fs::equivalent(s.city.elevation->source, data_dir() / "monaco" / "monaco-srtm3-clip.tif"))
        << s.city.elevation->source;
    EXPECT_DOUBLE_EQ(s.city.elevation->resolution_m, 30.0);
}

TEST(ScenarioFile, RelativeSourceInASubfolderOfTheScenario) {
    TempDir dir;
    fs::create_directories(dir / "sub" / "data");
    write_file(dir / "sub" / "data" / "roads.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");
    write_file(dir / "sub" / "city.yaml", "name: sub\ncity:\n  roads:\n    source: data/roads.geojson\n");
    const auto s = load_scenario((dir / "sub" / "city.yaml").string());
    ASSERT_TRUE(s.city.roads.has_value());
    EXPECT_TRUE(fs::equivalent(s.city.roads->source, dir / "sub" / "data" / "roads.geojson"))
        << s.city.roads->source;
}

TEST(ScenarioFile, GdalConnectionStringsPassThrough) {
    TempDir dir;
    const auto s = load_ok(dir, "name: x\ncity:\n  roads:\n    source: /vsigzip/somewhere/roads.osm.gz\n");
    ASSERT_TRUE(s.city.roads.has_value());
    EXPECT_EQ(s.city.roads->source, "/vsigzip/somewhere/roads.osm.gz");
}

TEST(ScenarioFile, CrsAutoIsEmpty) {
    TempDir dir;
    auto s = load_ok(dir, "name: x\ncity:\n  crs: auto\n  roads:\n    source: " + monaco_pbf() + "\n");
    EXPECT_TRUE(s.city.crs.empty()) << s.city.crs;
    s = load_ok(dir, "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n");
    EXPECT_TRUE(s.city.crs.empty()) << s.city.crs;
    s = load_ok(dir, "name: x\ncity:\n  crs: EPSG:3006\n  roads:\n    source: " + monaco_pbf() + "\n");
    EXPECT_EQ(s.city.crs, "EPSG:3006");
}

TEST(ScenarioFile, NamesAndFieldsReachTheConfig) {
    TempDir dir;
    const auto s = load_ok(dir,
                           "name: monaco-test\n"
                           "description: a test\n"
                           "city:\n"
                           "  attribution: \"© OpenStreetMap contributors\"\n"
                           "  roads:\n"
                           "    source: " + monaco_pbf() + "\n"
                           "    layer: lines\n"
                           "    where: \"highway IS NOT NULL\"\n"
                           "    speed_field: maxspeed\n"
                           "    access_fields: [access, motorcar]\n"
                           "    snap_tolerance_m: 0.5\n"
                           "  buildings:\n"
                           "    source: " + monaco_pbf() + "\n"
                           "    level_height_m: 3.5\n"
                           "    default_levels: 4\n"
                           "  access_points:\n"
                           "    source: " + monaco_pbf() + "\n"
                           "    default_channel: 11\n"
                           "    default_power_dbm: 17\n");
    EXPECT_EQ(s.name, "monaco-test");
    EXPECT_EQ(s.description, "a test");
    EXPECT_EQ(s.city.name, "monaco-test") << "city.name defaults to the scenario name";
    EXPECT_EQ(s.city.attribution, "© OpenStreetMap contributors");
    ASSERT_TRUE(s.city.roads && s.city.buildings && s.city.access_points);
    EXPECT_FALSE(s.city.districts.has_value());
    EXPECT_FALSE(s.city.elevation.has_value());
    EXPECT_EQ(s.city.roads->layer, "lines");
    EXPECT_EQ(s.city.roads->where, "highway IS NOT NULL");
    EXPECT_EQ(s.city.roads->speed_field, "maxspeed");
    EXPECT_EQ(s.city.roads->access_fields, (std::vector<std::string>{"access", "motorcar"}));
    EXPECT_DOUBLE_EQ(s.city.roads->snap_tolerance_m, 0.5);
    EXPECT_DOUBLE_EQ(s.city.buildings->level_height_m, 3.5);
    EXPECT_DOUBLE_EQ(s.city.buildings->default_levels, 4.0);
    EXPECT_EQ(s.city.access_points->default_channel, 11);
    EXPECT_DOUBLE_EQ(s.city.access_points->default_power_dbm, 17.0);
}

TEST(ScenarioFile, JunctionKeysReachTheConfig) {
    TempDir dir;
    write_file(dir / "j.geojson", "{}");
    write_file(dir / "t.csv", "a,b,c\n");
    const auto s = load_ok(dir,
                           "name: junctions\n"
                           "city:\n"
                           "  roads:\n"
                           "    source: " + monaco_pbf() + "\n"
                           "    signal_green_start_field: green_start\n"
                           "    signal_green_duration_field: green_duration\n"
                           "    signal_join_distance_m: 12\n"
                           "    sign_join_distance_m: 8\n"
                           "  junctions:\n"
                           "    source: j.geojson\n"
                           "    control_field: type\n"
                           "    cycle_field: cycle\n"
                           "    offset_field: offset\n"
                           "    join_distance_m: 3\n"
                           "  turn_restrictions:\n"
                           "    source: t.csv\n"
                           "    from_field: a\n"
                           "    to_field: b\n"
                           "    type_field: c\n");
    ASSERT_TRUE(s.city.roads && s.city.junctions && s.city.turn_restrictions);
    EXPECT_EQ(s.city.roads->signal_green_start_field, "green_start");
    EXPECT_EQ(s.city.roads->signal_green_duration_field, "green_duration");
    EXPECT_DOUBLE_EQ(s.city.roads->signal_join_distance_m, 12.0);
    EXPECT_DOUBLE_EQ(s.city.roads->sign_join_distance_m, 8.0);
    EXPECT_EQ(s.city.junctions->control_field, "type");
    EXPECT_EQ(s.city.junctions->cycle_field, "cycle");
    EXPECT_EQ(s.city.junctions->offset_field, "offset");
    EXPECT_DOUBLE_EQ(s.city.junctions->join_distance_m, 3.0);
    EXPECT_EQ(s.city.turn_restrictions->from_field, "a");
    EXPECT_EQ(s.city.turn_restrictions->to_field, "b");
    EXPECT_EQ(s.city.turn_restrictions->type_field, "c");
    EXPECT_TRUE(contains(s.city.turn_restrictions->source, "t.csv"));
}

// A scenario on Monaco's roads with `roads_extra` under roads and `city_extra` under city.
std::string monaco_roads_yaml(const std::string& roads_extra, const std::string& city_extra) {
    return "name: junctions\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n" + roads_extra + city_extra;
}

TEST(ScenarioFile, JunctionKeyTyposAndDefaults) {
    TempDir dir;
    write_file(dir / "j.geojson", "{}");
    std::string msg = load_error(dir, monaco_roads_yaml("", "  junctions:\n    source: j.geojson\n"
                                                            "    control_feild: type\n"));
    EXPECT_TRUE(contains(msg, "city.junctions.control_feild")) << msg;
    EXPECT_TRUE(contains(msg, "did you mean 'control_field'")) << msg;
    msg = load_error(dir, monaco_roads_yaml("    signal_green_start_field: s\n", ""));
    EXPECT_TRUE(contains(msg, "signal_green_duration_field")) << msg;
    const auto s = load_ok(dir, monaco_roads_yaml("", "  junctions:\n    source: j.geojson\n"
                                                      "  turn_restrictions:\n    source: j.geojson\n"));
    EXPECT_EQ(s.city.junctions->control_field, "control");
    EXPECT_DOUBLE_EQ(s.city.junctions->join_distance_m, 5.0);
    EXPECT_DOUBLE_EQ(s.city.roads->signal_join_distance_m, 20.0);
    EXPECT_DOUBLE_EQ(s.city.roads->sign_join_distance_m, 15.0);
    EXPECT_EQ(s.city.turn_restrictions->from_field, "from_id");
    EXPECT_EQ(s.city.turn_restrictions->to_field, "to_id");
    EXPECT_EQ(s.city.turn_restrictions->type_field, "restriction");
}

TEST(ScenarioFile, RoadDefaultsOverrideReachesTheConfig) {
    TempDir dir;
    const auto s = load_ok(dir,
                           "name: x\n"
                           "city:\n"
                           "  roads:\n"
                           "    source: " + monaco_pbf() + "\n"
                           "  road_defaults:\n"
                           "    residential: {speed_kmh: 30, lanes: 1, capacity_per_lane: 600}\n"
                           "    primary:\n"
                           "      speed_kmh: 40\n");
    ASSERT_EQ(s.city.road_defaults.size(), 2u);
    const auto& res = s.city.road_defaults.at(geodata::RoadClass::Residential);
    EXPECT_DOUBLE_EQ(res.speed_kmh, 30.0);
    EXPECT_EQ(res.lanes, 1);
    EXPECT_DOUBLE_EQ(res.capacity_per_lane, 600.0);
    // A partial override keeps the built-in values it does not name.
    const auto& builtin = geodata::default_road_class_table()[static_cast<std::size_t>(geodata::RoadClass::Primary)];
    const auto& pri = s.city.road_defaults.at(geodata::RoadClass::Primary);
    EXPECT_DOUBLE_EQ(pri.speed_kmh, 40.0);
    EXPECT_EQ(pri.lanes, builtin.lanes);
    EXPECT_DOUBLE_EQ(pri.capacity_per_lane, builtin.capacity_per_lane);
}

TEST(ScenarioFile, RoadDefaultsErrors) {
    TempDir dir;
    const std::string head = "name: x\ncity:\n  roads:\n    source: " + monaco_pbf() + "\n  road_defaults:\n";
    std::string msg = load_error(dir, head + "    residentail: {speed_kmh: 30}\n");   // line 6
    EXPECT_TRUE(contains(msg, ":6:")) << msg;
    EXPECT_TRUE(contains(msg, "'residentail'")) << msg;
    EXPECT_TRUE(contains(msg, "city.road_defaults")) << msg;

    msg = load_error(dir, head + "    residential:\n      sped_kmh: 30\n");   // line 7
    EXPECT_TRUE(contains(msg, ":7:")) << msg;
    EXPECT_TRUE(contains(msg, "'city.road_defaults.residential.sped_kmh'")) << msg;
    EXPECT_TRUE(contains(msg, "did you mean 'speed_kmh'")) << msg;

    msg = load_error(dir, head + "    residential: {speed_kmh: -5}\n");
    EXPECT_TRUE(contains(msg, "city.road_defaults.residential")) << msg;
    EXPECT_TRUE(contains(msg, "positive")) << msg;

    msg = load_error(dir, head + "    residential: {lanes: two}\n");
    EXPECT_TRUE(contains(msg, ":6:")) << msg;
    EXPECT_TRUE(contains(msg, "'city.road_defaults.residential.lanes'")) << msg;
}

TEST(ScenarioFile, EveryBundledScenarioLoads) {
    // The real scenarios (Malmö needs a download first, so it is not in the list).
    for (const char* city : {"monaco", "helsinki-centre", "liechtenstein", "andorra", "north-bayreuth", "gothenburg"}) {
        SCOPED_TRACE(city);
        const auto path = fs::path(CITYTWIN_SOURCE_DIR) / "scenarios" / city / "baseline.yaml";
        const auto s = load_scenario(path.string());
        ASSERT_TRUE(s.city.roads.has_value());
        EXPECT_TRUE(fs::exists(s.city.roads->source)) << s.city.roads->source;
        EXPECT_FALSE(s.city.name.empty());
        EXPECT_FALSE(s.city.attribution.empty());
    }
    const auto g = load_scenario((fs::path(CITYTWIN_SOURCE_DIR) / "scenarios/gothenburg/baseline.yaml").string());
    EXPECT_EQ(g.city.crs, "EPSG:3006");
    EXPECT_EQ(g.city.roads->class_field, "KATEGORI");
    ASSERT_FALSE(g.city.roads->class_map.empty());
    EXPECT_EQ(g.city.roads->class_map.front(), (std::pair<std::string, std::string>{"Motorväg*", "motorway"}));
    EXPECT_EQ(g.city.roads->default_class, "road");
    const auto m = load_scenario((fs::path(CITYTWIN_SOURCE_DIR) / "scenarios/monaco/baseline.yaml").string());
    EXPECT_TRUE(m.city.crs.empty()) << "monaco uses crs: auto";
    ASSERT_TRUE(m.city.districts.has_value());
    EXPECT_EQ(m.city.districts->layer, "multipolygons");
    EXPECT_EQ(m.city.districts->name_field, "name");
}

}  // namespace
}  // namespace citytwin::scenarios

namespace citytwin::scenarios {
namespace {

// The Malmö baseline's population must be the SCB figure for the latest year in the
// shared CSV, not a number typed from memory.
TEST(ScenarioFile, MalmoPopulationIsTheLatestScbYear) {
    const auto csv = citytwin::testing::data_dir() / "malmo" / "malmo-population-by-age-scb.csv";
    std::ifstream in(csv);
    ASSERT_TRUE(in) << csv;
    std::string line;
    std::getline(in, line);  // header: Kommun,Civilstånd,Ålder,Kön,År,Antal
    std::map<int, long> by_year;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
        ASSERT_EQ(cells.size(), 6u) << line;
        by_year[std::stoi(cells[4])] += std::stol(cells[5]);
    }
    ASSERT_FALSE(by_year.empty());
    const auto [year, total] = *by_year.rbegin();
    EXPECT_EQ(year, 2020);

    std::ifstream yaml(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/malmo/baseline.yaml");
    std::stringstream text;
    text << yaml.rdbuf();
    const auto root = YAML::Load(text.str());
    EXPECT_EQ(root["demand"]["synthetic"]["population"].as<long>(), total);
    EXPECT_EQ(root["city"]["crs"].as<std::string>(), "EPSG:3006");
}

}  // namespace
}  // namespace citytwin::scenarios
