#pragma once
// A scenario file as far as the city goes: name, description and the `city:` section
// (sources, layer mapping, CRS). Every key is documented in scenarios/README.md.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/od_table.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/mobility.hpp>
#include <citytwin/sim/wifi_coverage.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace citytwin::scenarios {

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
    std::string text;          ///< the file as written, recorded with results
};

/// Reads and validates a scenario (or plain city) file. Throws geodata::Error with
/// file:line and the key path for unknown keys, wrong types and missing files.
Scenario load_scenario(const std::string& path);

/// Loads the scenario's city; an error names the scenario file as well as the data
/// ("scenarios/x.yaml: city: …/roads.shp: layer 'roads': unknown field …").
geodata::CityModel load_scenario_city(const Scenario& scenario, const geodata::LoadOptions& options,
                                      geodata::LoadReport& report);

/// Throws when `path` cannot receive an output file (its folder is missing, or it is a
/// folder): checked before hours of work, not after.
void check_output_path(const std::string& path);

}  // namespace citytwin::scenarios
