#include <citytwin/scenarios/yaml_parameters.hpp>

#include <citytwin/geodata/data_paths.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/feature_reader.hpp>
#include <citytwin/geodata/text_match.hpp>
#include <citytwin/sim/clock.hpp>

#include <cctype>

namespace citytwin::scenarios {

using geodata::Error;

namespace {
YAML::Node or_empty_map(YAML::Node n) { return n && n.IsMap() ? n : YAML::Node(YAML::NodeType::Map); }

bool is_pair(const YAML::Node& n) { return n.IsSequence() && n.size() == 2 && n[0].IsScalar() && n[1].IsScalar(); }

// Runs `read`; a data error (missing file, empty layer …) is reported at the key.
template <typename Read>
auto at_key(const YamlParameters& p, const std::string& key, Read read) {
    try {
        return read();
    } catch (const Error& e) {
        p.fail(key, e.what());
    }
}
}  // namespace

YamlParameters::YamlParameters(YAML::Node node, std::string file, std::string key_path, std::filesystem::path base_dir)
    : map_((node && !node.IsMap() && !node.IsNull()) ? throw Error(line_of(file, node) + "'" + key_path + "' must be a mapping of keys")
                                                     : or_empty_map(node),
           std::move(file), std::move(key_path)),
      base_dir_(std::move(base_dir)) {}

void YamlParameters::allow_only(const std::vector<std::string>& known) const {
    // `crs` belongs to the inline coordinates of any section.
    std::vector<std::string> all = known;
    all.push_back("crs");
    map_.allow_only(all);
}
bool YamlParameters::has(const std::string& key) const { return map_.has(key); }
std::optional<std::string> YamlParameters::text(const std::string& key) const { return map_.text(key); }
std::optional<double> YamlParameters::number(const std::string& key) const { return map_.number(key); }

std::optional<bool> YamlParameters::flag(const std::string& key) const {
    const auto t = map_.text(key);
    if (!t) return std::nullopt;
    if (*t == "true" || *t == "yes") return true;
    if (*t == "false" || *t == "no") return false;
    map_.type_error(key, "true or false");
}

std::optional<std::vector<std::string>> YamlParameters::texts(const std::string& key) const {
    const YAML::Node v = map_.value(key);
    if (!v) return std::nullopt;
    if (v.IsScalar()) return std::vector<std::string>{v.as<std::string>()};
    return map_.text_list(key);
}

std::optional<std::vector<double>> YamlParameters::numbers(const std::string& key) const {
    const YAML::Node v = map_.value(key);
    if (!v) return std::nullopt;
    std::vector<double> out;
    try {
        if (v.IsScalar()) return std::vector<double>{v.as<double>()};
        if (!v.IsSequence()) map_.type_error(key, "a number or a list of numbers");
        for (const auto& item : v) out.push_back(item.as<double>());
    } catch (const YAML::Exception&) {
        map_.type_error(key, "a number or a list of numbers");
    }
    return out;
}

std::optional<std::int32_t> YamlParameters::clock(const std::string& key) const {
    const auto t = map_.text(key);
    if (!t) return std::nullopt;
    const auto s = sim::parse_clock(*t);
    if (!s) map_.type_error(key, "a time like \"07:30\" or a number of seconds");
    return *s;
}

void YamlParameters::fail(const std::string& key, const std::string& message) const {
    throw Error(map_.where(key) + "'" + (key.empty() ? map_.key_path() : map_.path_of(key)) + "': " + message);
}

const geodata::CityModel& YamlParameters::model(const std::string& key) const {
    if (!model_) fail(key, "geometry can only be read once the city is loaded (in before_run, not in the constructor)");
    return *model_;
}

std::vector<geodata::Point> YamlParameters::coordinates(const std::string& key, const YAML::Node& list) const {
    std::vector<geodata::Point> pts;
    for (const auto& item : list) {
        if (!is_pair(item)) fail(key, "expected coordinate pairs [x, y] (lon, lat unless 'crs' says otherwise)");
        try {
            pts.push_back({item[0].as<double>(), item[1].as<double>()});
        } catch (const YAML::Exception&) {
            fail(key, "coordinates must be numbers");
        }
    }
    const std::string crs = map_.text("crs").value_or("EPSG:4326");
    try {
        return geodata::transform_points(pts, crs, working_crs(key));
    } catch (const std::exception& e) {
        fail(key, e.what());
    }
}

std::string YamlParameters::working_crs(const std::string& key) const {
    const auto& m = model(key);
    return m.crs_wkt.empty() ? m.crs : m.crs_wkt;
}

geodata::LayerSource YamlParameters::layer(const std::string& key, const YAML::Node& node,
                                           const std::vector<std::string>& extra_keys) const {
    const YamlMap m(node, map_.file(), map_.path_of(key));
    std::vector<std::string> known{"source", "layer", "where", "crs"};
    known.insert(known.end(), extra_keys.begin(), extra_keys.end());
    m.allow_only(known);
    const auto source = m.text("source");
    if (!source) fail(key, "a layer needs 'source'");
    geodata::LayerSource s;
    try {
        s.source = geodata::resolve_data_path(*source, base_dir_);
    } catch (const std::exception& e) {
        fail(key, e.what());
    }
    s.layer = m.text("layer").value_or("");
    s.where = m.text("where").value_or("");
    s.crs = m.text("crs").value_or("");
    return s;
}

std::optional<geodata::MultiPolygon> YamlParameters::area(const std::string& key) const {
    const YAML::Node v = map_.value(key);
    if (!v) return std::nullopt;
    const auto& m = model(key);
    if (v.IsScalar()) {  // a district of the city, by name
        const std::string name = v.as<std::string>();
        std::vector<std::string> names;
        for (const auto& d : *m.districts) {
            if (geodata::lowercase(d.name) == geodata::lowercase(name)) return d.area;
            names.push_back(d.name);
        }
        std::string msg = "no district is named '" + name + "'";
        const auto near = geodata::closest_names(name, names);
        if (!near.empty()) msg += " (did you mean '" + near.front() + "'?)";
        else if (names.empty()) msg += " (the city has no districts layer)";
        fail(key, msg);
    }
    if (v.IsMap())
        return at_key(*this, key, [&] {
            geodata::MultiPolygon all;
            for (auto& mp : geodata::read_polygons(layer(key, v), working_crs(key))) all.insert(all.end(), mp.begin(), mp.end());
            return std::optional<geodata::MultiPolygon>(std::move(all));
        });
    if (!v.IsSequence() || v.size() < 3) fail(key, "an area is a district name, a ring [[lon, lat], …] of at least 3 points, or {source, layer}");
    geodata::Polygon poly;
    poly.outer = coordinates(key, v);
    if (geodata::area(poly) <= 0.0) fail(key, "the ring has no area");
    return geodata::MultiPolygon{poly};
}

std::optional<geodata::Polyline> YamlParameters::line(const std::string& key) const {
    const YAML::Node v = map_.value(key);
    if (!v) return std::nullopt;
    if (v.IsMap())
        return at_key(*this, key, [&] { return std::optional(geodata::read_lines(layer(key, v), working_crs(key)).front()); });
    if (!v.IsSequence() || v.size() < 2) fail(key, "a line is [[lon, lat], [lon, lat], …] (two points at least) or {source, layer}");
    return coordinates(key, v);
}

std::optional<std::vector<geodata::Point>> YamlParameters::points(const std::string& key) const {
    const YAML::Node v = map_.value(key);
    if (!v) return std::nullopt;
    if (v.IsMap())
        return at_key(*this, key, [&] { return std::optional(geodata::read_points(layer(key, v), working_crs(key))); });
    if (is_pair(v)) {
        YAML::Node one(YAML::NodeType::Sequence);
        one.push_back(v);
        return coordinates(key, one);
    }
    if (!v.IsSequence()) fail(key, "points are [lon, lat], a list of them, or {source, layer}");
    return coordinates(key, v);
}

std::optional<std::vector<geodata::Building>> YamlParameters::buildings(const std::string& key) const {
    const YAML::Node v = map_.value(key);
    if (!v) return std::nullopt;
    if (v.IsMap()) {
        const YamlMap lm(v, map_.file(), map_.path_of(key));
        geodata::BuildingLayerConfig c;
        static_cast<geodata::LayerSource&>(c) =
            layer(key, v, {"id_field", "height_field", "levels_field", "use_field", "residents_field", "jobs_field",
                           "level_height_m", "default_levels"});
        c.id_field = lm.text("id_field").value_or("");
        c.height_field = lm.text("height_field").value_or("");
        c.levels_field = lm.text("levels_field").value_or("");
        c.use_field = lm.text("use_field").value_or("");
        c.residents_field = lm.text("residents_field").value_or("");
        c.jobs_field = lm.text("jobs_field").value_or("");
        c.level_height_m = lm.number("level_height_m").value_or(c.level_height_m);
        c.default_levels = lm.number("default_levels").value_or(c.default_levels);
        return at_key(*this, key, [&] { return std::optional(geodata::read_building_layer(c, working_crs(key))); });
    }
    if (!v.IsSequence()) fail(key, "buildings are {source, layer, …fields} or a list of {footprint, height_m, …}");
    std::vector<geodata::Building> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        YamlParameters item(v[i], map_.file(), map_.path_of(key) + "[" + std::to_string(i) + "]", base_dir_);
        item.set_model(model_);
        item.allow_only({"footprint", "height_m", "levels", "use", "residents", "jobs"});
        const auto ring = item.area("footprint");
        if (!ring) item.fail("footprint", "is required: [[lon, lat], …]");
        geodata::Building b;
        b.footprint = *ring;
        b.levels = item.number("levels").value_or(0.0);
        b.height_m = item.number("height_m").value_or(b.levels * 3.0);
        if (!(b.height_m > 0.0)) item.fail("height_m", "give height_m or levels (> 0)");
        b.use_tag = item.text("use").value_or("residential");
        b.use = geodata::building_use_of(b.use_tag);
        b.residents = item.number("residents").value_or(-1.0);
        b.jobs = item.number("jobs").value_or(-1.0);
        if (item.has("residents") && b.residents < 0) item.fail("residents", "must be >= 0");
        if (item.has("jobs") && b.jobs < 0) item.fail("jobs", "must be >= 0");
        out.push_back(std::move(b));
    }
    return out;
}

}  // namespace citytwin::scenarios
