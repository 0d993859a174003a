#pragma once
// The plugin SDK's Parameters over a mapping of a scenario file (a plugin's `params:`
// or one entry of `edits:`): typed getters with file:line errors, and geometry read
// from inline coordinates, district names or layers, in the model's working CRS.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/plugin.hpp>
#include <citytwin/scenarios/yaml_reader.hpp>

#include <filesystem>

namespace citytwin::scenarios {

class YamlParameters final : public plugin::Parameters {
public:
    /// node may be null (no params: every getter gives nullopt). base_dir resolves sources.
    YamlParameters(YAML::Node node, std::string file, std::string key_path, std::filesystem::path base_dir);

    /// Geometry getters need the model (CRS, districts); set before before_run hooks.
    void set_model(const geodata::CityModel* model) { model_ = model; }

    void allow_only(const std::vector<std::string>& known) const override;
    bool has(const std::string& key) const override;
    std::optional<std::string> text(const std::string& key) const override;
    std::optional<double> number(const std::string& key) const override;
    std::optional<bool> flag(const std::string& key) const override;
    std::optional<std::vector<std::string>> texts(const std::string& key) const override;
    std::optional<std::vector<double>> numbers(const std::string& key) const override;
    std::optional<std::int32_t> clock(const std::string& key) const override;
    std::optional<geodata::MultiPolygon> area(const std::string& key) const override;
    std::optional<geodata::Polyline> line(const std::string& key) const override;
    std::optional<std::vector<geodata::Point>> points(const std::string& key) const override;
    std::optional<std::vector<geodata::Building>> buildings(const std::string& key) const override;
    [[noreturn]] void fail(const std::string& key, const std::string& message) const override;

private:
    const geodata::CityModel& model(const std::string& key) const;
    std::vector<geodata::Point> coordinates(const std::string& key, const YAML::Node& list) const;
    std::string working_crs(const std::string& key) const;
    /// {source, layer, where, crs} under `key`, the source resolved.
    geodata::LayerSource layer(const std::string& key, const YAML::Node& node,
                               const std::vector<std::string>& extra_keys = {}) const;

    YamlMap map_;
    std::filesystem::path base_dir_;
    const geodata::CityModel* model_ = nullptr;
};

}  // namespace citytwin::scenarios
