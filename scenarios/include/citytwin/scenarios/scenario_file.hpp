#pragma once
// A scenario file as far as the city goes: name, description and the `city:` section
// (sources, layer mapping, CRS). Every key is documented in scenarios/README.md.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/od_table.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/mobility.hpp>
#include <citytwin/sim/wifi_coverage.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::scenarios {

/// One entry of `edits:` ({kind: {params}}), with where it was written.
struct EditSpec {
    std::string kind;
    YAML::Node params;
    std::string file, key_path;
};

/// One entry of `plugins:` ({name, path, params}).
struct PluginSpec {
    std::string name;
    std::string path;            ///< explicit library file; empty: search the plugin path
    YAML::Node params;
    std::string file, key_path;
    std::string path_where;      ///< "file:line: " of its path: key (empty without one)
};

struct Scenario {
    std::string path;          ///< the file it was read from
    std::string name;
    std::string description;
    geodata::CityConfig city;  ///< sources resolved to existing paths
    std::uint64_t seed = 1;
    int threads = 0;           ///< 0: all cores
    /// Demand: synthetic population, or a trip table; neither: no mobility run.
    std::optional<sim::SyntheticDemandConfig> synthetic;
    std::optional<geodata::OdTableConfig> trip_table;
    sim::MobilityConfig mobility;
    /// Wifi coverage settings; absent: no coverage computed.
    std::optional<sim::wifi::CoverageConfig> wifi;
    bool wifi_rasters_in_geopackage = true;   ///< also write the coverage rasters as GeoPackage tables
    bool write_routes = false;   ///< mobility.write_routes: the trips table lists each route's links
    std::vector<EditSpec> edits;       ///< base scenario's first (extends), then this file's
    std::vector<PluginSpec> plugins;
    std::vector<std::string> plugin_path;   ///< folders from the files' plugin_path:, resolved
    std::string plugin_path_where;          ///< "file:line: " of the first plugin_path: key
    std::vector<std::string> extends;       ///< the chain of files this one extends, nearest first
    std::string text;          ///< the resolved configuration (YAML), recorded with results
};

/// Changes on top of a scenario file, as if written in one more file extending it (from
/// Python, or one run of a sweep). Values are YAML text: "0.4", "[1, 2]", "{a: 1}", "07:00".
struct ScenarioOverrides {
    /// Key path → value: "demand.synthetic.car_share", "plugins[0].params.count",
    /// "edits[1].close_links.from". Checked like keys of the file itself.
    std::vector<std::pair<std::string, std::string>> values;
    std::vector<std::pair<std::string, std::string>> edits;     ///< (kind, YAML parameters) appended
    std::vector<std::pair<std::string, std::string>> plugins;   ///< (name, YAML parameters) appended
    bool empty() const { return values.empty() && edits.empty() && plugins.empty(); }
};

/// Reads and validates a scenario (or plain city) file. Throws geodata::Error with
/// file:line and the key path for unknown keys, wrong types and missing files.
Scenario load_scenario(const std::string& path, const ScenarioOverrides& overrides = {});

/// Loads the scenario's city; an error names the scenario file as well as the data
/// ("scenarios/x.yaml: city: …/roads.shp: layer 'roads': unknown field …").
geodata::CityModel load_scenario_city(const Scenario& scenario, const geodata::LoadOptions& options,
                                      geodata::LoadReport& report);

/// Throws when `path` cannot receive an output file (its folder is missing, or it is a
/// folder): checked before hours of work, not after.
void check_output_path(const std::string& path);

}  // namespace citytwin::scenarios
