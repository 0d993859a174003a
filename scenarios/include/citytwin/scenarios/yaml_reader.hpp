#pragma once
// Strict reading of YAML mappings: every key must be known, every value of the right
// type, and each error names the file, line and full key path
// ("baseline.yaml:12: unknown key 'city.roads.spead_field' (did you mean 'speed_field'?)").
#include <citytwin/geodata/error.hpp>

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::scenarios {

class YamlMap {
public:
    /// node must be a mapping; key_path is its dotted path ("" at the top).
    YamlMap(YAML::Node node, std::string file, std::string key_path);

    /// Throws for any key not in `known`, suggesting the nearest known one.
    void allow_only(std::initializer_list<const char*> known) const;
    void allow_only(const std::vector<std::string>& known) const;

    bool has(const std::string& key) const;
    std::optional<std::string> text(const std::string& key) const;
    std::optional<double> number(const std::string& key) const;
    std::optional<int> integer(const std::string& key) const;
    /// `true` or `false`, nothing else.
    std::optional<bool> boolean(const std::string& key) const;
    std::optional<std::vector<std::string>> text_list(const std::string& key) const;
    /// (key, value) pairs of a nested mapping of strings, in document order.
    std::optional<std::vector<std::pair<std::string, std::string>>> text_pairs(const std::string& key) const;
    std::optional<YamlMap> map(const std::string& key) const;
    /// Keys of this mapping in document order.
    std::vector<std::string> keys() const;

    /// "file:line: " for this mapping or one of its keys.
    std::string where(const std::string& key = "") const;
    std::string path_of(const std::string& key) const;
    const std::string& file() const { return file_; }
    const std::string& key_path() const { return key_path_; }
    /// The raw value of a key (null node when absent).
    YAML::Node value(const std::string& key) const;
    const YAML::Node& node() const { return node_; }
    [[noreturn]] void type_error(const std::string& key, const char* expected) const;

private:

    YAML::Node node_;
    std::string file_, key_path_;
};

/// "file:line: " of a node.
std::string line_of(const std::string& file, const YAML::Node& node);

/// Parses a YAML file; syntax errors become geodata::Error with file:line.
YAML::Node load_yaml_file(const std::string& path);

}  // namespace citytwin::scenarios
