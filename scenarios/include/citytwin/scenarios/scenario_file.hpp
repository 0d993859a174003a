#pragma once
// A scenario file as far as the city goes: name, description and the `city:` section
// (sources, layer mapping, CRS). Every key is documented in scenarios/README.md.
#include <citytwin/geodata/city_config.hpp>

#include <string>

namespace citytwin::scenarios {

struct Scenario {
    std::string path;          ///< the file it was read from
    std::string name;
    std::string description;
    geodata::CityConfig city;  ///< sources resolved to existing paths
};

/// Reads and validates a scenario (or plain city) file. Throws geodata::Error with
/// file:line and the key path for unknown keys, wrong types and missing files.
Scenario load_scenario(const std::string& path);

}  // namespace citytwin::scenarios
