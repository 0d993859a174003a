#include <citytwin/scenarios/yaml_reader.hpp>

#include <citytwin/geodata/text_match.hpp>

#include <algorithm>
#include <filesystem>
#include <numeric>

namespace citytwin::scenarios {

using geodata::Error;

namespace {
std::string line_prefix(const std::string& file, const YAML::Mark& mark) {
    // Nodes made by code (overrides from Python or a sweep) have no line.
    return file + (mark.line >= 0 ? ":" + std::to_string(mark.line + 1) + ": " : std::string(": override: "));
}
}  // namespace

YAML::Node load_yaml_file(const std::string& path) {
    if (!std::filesystem::exists(path)) throw Error(path + ": file not found");
    try {
        YAML::Node root = YAML::LoadFile(path);
        if (!root.IsMap()) throw Error(path + ": expected a YAML mapping of keys at the top");
        return root;
    } catch (const YAML::Exception& e) {
        throw Error(line_prefix(path, e.mark) + "YAML syntax error: " + e.msg);
    }
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string key_path)
    : node_(std::move(node)), file_(std::move(file)), key_path_(std::move(key_path)) {
    if (!node_.IsMap())
        throw Error(line_prefix(file_, node_.Mark()) + "'" + key_path_ + "' must be a mapping of keys");
}

void YamlMap::allow_only(std::initializer_list<const char*> known) const {
    allow_only(std::vector<std::string>(known.begin(), known.end()));
}

void YamlMap::allow_only(const std::vector<std::string>& known) const {
    for (const auto& kv : node_) {
        const std::string key = kv.first.as<std::string>();
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string best;
        std::size_t best_d = 3;  // suggest only near misses
        for (const auto& k : known) {
            const std::size_t d = geodata::edit_distance(key, k);
            if (d < best_d) best_d = d, best = k;
        }
        std::string msg = line_prefix(file_, kv.first.Mark()) + "unknown key '" + path_of(key) + "'";
        if (!best.empty()) msg += " (did you mean '" + best + "'?)";
        else {
            msg += " (known here:";
            for (const auto& k : known) msg += " " + k;
            msg += ")";
        }
        throw Error(msg);
    }
}

bool YamlMap::has(const std::string& key) const { return static_cast<bool>(node_[key]); }

YAML::Node YamlMap::value(const std::string& key) const { return node_[key]; }

std::string YamlMap::path_of(const std::string& key) const {
    return key_path_.empty() ? key : key_path_ + "." + key;
}

std::string YamlMap::where(const std::string& key) const {
    return line_prefix(file_, key.empty() || !has(key) ? node_.Mark() : value(key).Mark());
}

std::string line_of(const std::string& file, const YAML::Node& node) { return line_prefix(file, node.Mark()); }

void YamlMap::type_error(const std::string& key, const char* expected) const {
    throw Error(where(key) + "'" + path_of(key) + "' must be " + expected);
}

std::optional<std::string> YamlMap::text(const std::string& key) const {
    const YAML::Node v = value(key);
    if (!v) return std::nullopt;
    if (!v.IsScalar()) type_error(key, "a text value");
    return v.as<std::string>();
}

std::optional<double> YamlMap::number(const std::string& key) const {
    const YAML::Node v = value(key);
    if (!v) return std::nullopt;
    try {
        if (v.IsScalar()) return v.as<double>();
    } catch (const YAML::Exception&) {
    }
    type_error(key, "a number");
}

std::optional<int> YamlMap::integer(const std::string& key) const {
    const YAML::Node v = value(key);
    if (!v) return std::nullopt;
    try {
        if (v.IsScalar()) return v.as<int>();
    } catch (const YAML::Exception&) {
    }
    type_error(key, "a whole number");
}

std::optional<bool> YamlMap::boolean(const std::string& key) const {
    const YAML::Node v = value(key);
    if (!v) return std::nullopt;
    if (v.IsScalar()) {
        const std::string t = v.Scalar();
        if (t == "true") return true;
        if (t == "false") return false;
    }
    type_error(key, "true or false");
}

std::optional<std::vector<std::string>> YamlMap::text_list(const std::string& key) const {
    const YAML::Node v = value(key);
    if (!v) return std::nullopt;
    if (!v.IsSequence()) type_error(key, "a list of text values");
    std::vector<std::string> out;
    for (const auto& item : v) {
        if (!item.IsScalar()) type_error(key, "a list of text values");
        out.push_back(item.as<std::string>());
    }
    return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> YamlMap::text_pairs(const std::string& key) const {
    const YAML::Node v = value(key);
    if (!v) return std::nullopt;
    if (!v.IsMap()) type_error(key, "a mapping of text to text");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : v) {
        if (!kv.second.IsScalar()) type_error(key, "a mapping of text to text");
        out.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
    }
    return out;
}

std::optional<YamlMap> YamlMap::map(const std::string& key) const {
    const YAML::Node v = value(key);
    if (!v) return std::nullopt;
    if (!v.IsMap()) type_error(key, "a mapping of keys");
    return YamlMap(v, file_, path_of(key));
}

std::vector<std::string> YamlMap::keys() const {
    std::vector<std::string> out;
    for (const auto& kv : node_) out.push_back(kv.first.as<std::string>());
    return out;
}

}  // namespace citytwin::scenarios
