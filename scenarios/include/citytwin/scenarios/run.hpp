#pragma once
// Runs a scenario: loads the city, builds the demand, simulates the day, and turns the
// results into KPIs (JSON) and a result GeoPackage.
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/mobility.hpp>
#include <citytwin/sim/wifi_capacity.hpp>
#include <citytwin/sim/wifi_kpis.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace citytwin::scenarios {

struct RunOptions {
    std::optional<int> threads;          ///< overrides the scenario; 0 = all cores
    std::optional<std::uint64_t> seed;   ///< overrides the scenario
    bool progress = true;                ///< progress on stderr
    std::vector<std::string> plugin_dirs;   ///< searched first for plugins (--plugin-path)
    /// A scenario's own plugin_path: and plugins[].path may load code
    /// (--allow-scenario-plugins); off, they are an error naming the file and line.
    bool allow_scenario_plugins = false;
    /// Bytes the run may hold at once (memory_budget.hpp); 0 = default_memory_limit().
    std::uint64_t memory_limit = 0;
};

/// What a plugin added to the run's results.
struct PluginOutput {
    std::string name, path, summary;
    std::vector<std::pair<std::string, double>> kpis;   ///< in the order added
    std::vector<geodata::Table> tables;                 ///< names already prefixed "<plugin>_"
};

/// Wifi coverage of a run (scenario `wifi:` section).
struct WifiOutput {
    sim::wifi::Coverage coverage;
    sim::wifi::WifiKpis kpis;
    std::vector<double> present;      ///< people present, [hour * buildings + building]
    std::vector<double> at_home;      ///< of them in their own home, same layout
    std::vector<sim::wifi::MovingPeople> moving;   ///< car travellers at h:30, where the mobility run saw them
    std::vector<sim::wifi::MovingPeople> on_foot;  ///< walkers and cyclists at h:30, on their routes
    sim::wifi::CapacityResult capacity;
    std::string population_source;   ///< how residents per building were obtained
    double seconds = 0.0;
};

struct RunOutput {
    Scenario scenario;
    geodata::CityModel model;
    geodata::LoadReport report;
    sim::Demand demand;
    std::optional<sim::MobilityResult> mobility;
    std::optional<WifiOutput> wifi;
    std::vector<std::string> edits;        ///< one summary line per applied edit
    std::vector<PluginOutput> plugins;
    /// What the scenario has no section for and so did not run: "mobility" (no demand:),
    /// "wifi" (no wifi:). Said once on stderr and recorded in the KPIs ("skipped").
    std::vector<std::string> skipped;
    std::uint64_t seed = 1;
    int threads = 0;
    double seconds = 0.0;
};

RunOutput run_scenario(const Scenario& scenario, const RunOptions& options);

/// {"mobility": {"trips": …, "car_trips": …}, "run": {…}}: keys documented in README "KPIs".
nlohmann::json kpis_json(const RunOutput& run);

/// The result's tables as written to the GeoPackage (kpis, link_flows, trips,
/// vehicle_positions, iterations, plugin tables, wifi_districts, wifi_ap_load).
std::vector<geodata::Table> result_tables(const RunOutput& run);

/// Result GeoPackage: city layers, link_flows, trips, vehicle_positions, kpis, iterations,
/// wifi_districts, wifi_ap_load; with wifi and a file path, also the coverage GeoTIFFs of
/// wifi_raster_paths(path).
void write_results(const RunOutput& run, const std::string& path, const std::string& driver = "GPKG");

/// "<dir>/<stem>-rssi.tif", "-server.tif", "-sinr.tif", "-servers.tif" beside `out`.
std::vector<std::string> wifi_raster_paths(const std::string& out);

}  // namespace citytwin::scenarios
