#pragma once
// Runs a scenario: loads the city, builds the demand, simulates the day, and turns the
// results into KPIs (JSON) and a result GeoPackage.
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/mobility.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace citytwin::scenarios {

struct RunOptions {
    std::optional<int> threads;          ///< overrides the scenario; 0 = all cores
    std::optional<std::uint64_t> seed;   ///< overrides the scenario
    bool progress = true;                ///< progress on stderr
};

struct RunOutput {
    Scenario scenario;
    geodata::CityModel model;
    geodata::LoadReport report;
    sim::Demand demand;
    std::optional<sim::MobilityResult> mobility;
    std::uint64_t seed = 1;
    int threads = 0;
    double seconds = 0.0;
};

RunOutput run_scenario(const Scenario& scenario, const RunOptions& options);

/// {"mobility": {"trips": …, "car_trips": …}, "run": {…}}: keys documented in README "KPIs".
nlohmann::json kpis_json(const RunOutput& run);

/// Result GeoPackage: city layers, link_flows, trips, vehicle_positions, kpis, iterations.
void write_results(const RunOutput& run, const std::string& path, const std::string& driver = "GPKG");

}  // namespace citytwin::scenarios
