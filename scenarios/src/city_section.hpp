#pragma once
// The `city:` section of a scenario file: layers, field mappings and road defaults,
// read into a geodata::CityConfig with unknown-key checks.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/scenarios/yaml_reader.hpp>

#include <filesystem>
#include <string>

namespace citytwin::scenarios {

void read_text(const YamlMap& m, const char* key, std::string& out);
void read_number(const YamlMap& m, const char* key, double& out);
/// Keys every layer section shares: source (resolved against `base`), layer, where, crs, id_field.
void read_layer(const YamlMap& m, const std::filesystem::path& base, geodata::LayerSource& out);
geodata::CityConfig read_city(const YamlMap& m, const std::filesystem::path& base);

}  // namespace citytwin::scenarios
