#include <citytwin/scenarios/compare.hpp>

#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/raster_writer.hpp>
#include <citytwin/geodata/result_reader.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <unistd.h>

namespace citytwin::scenarios {

namespace fs = std::filesystem;
using geodata::Error;
using geodata::ResultReader;
using nlohmann::json;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Neither side has the figure: nothing changed (0). Only one has it: unknown (NaN).
Delta make_delta(double base, double variant) {
    return {base, variant, std::isnan(base) && std::isnan(variant) ? 0.0 : variant - base};
}

bool changed(const Delta& d) { return d.delta != 0.0; }  // NaN (one side absent) is a change

double relative_change(const Delta& d) { return std::isnan(d.base) || d.base == 0.0 ? nan : d.delta / std::abs(d.base); }

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

template <typename Map>
double value_or_nan(const Map& values, const typename Map::key_type& key) {
    const auto it = values.find(key);
    return it == values.end() ? nan : it->second;
}

json parse_kpis(const ResultReader& r) {
    json j;
    try {
        j = json::parse(r.kpis_json());
    } catch (const json::exception& e) {
        throw Error(r.path() + ": metadata CITYTWIN_KPIS is not JSON: " + e.what());
    }
    if (!j.is_object()) throw Error(r.path() + ": metadata CITYTWIN_KPIS is not a JSON object");
    return j;
}

// Wall-clock times differ between two runs of the same scenario: they are not results.
bool is_timing(const std::string& key) {
    const auto dot = key.rfind('.');
    return key.substr(dot == std::string::npos ? 0 : dot + 1) == "seconds";
}

// Numeric (and null) leaves of nested objects, keyed "mobility.trips". Arrays are left out:
// districts are compared as districts, per-iteration lists may differ in length.
void numeric_leaves(const json& j, const std::string& prefix, std::map<std::string, double>& out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) numeric_leaves(*it, key, out);
        else if (it->is_number()) out[key] = it->get<double>();
        else if (it->is_null()) out[key] = nan;
    }
}

std::vector<KpiDelta> kpi_deltas(const json& base, const json& variant) {
    std::map<std::string, double> b, v;
    numeric_leaves(base, "", b);
    numeric_leaves(variant, "", v);
    std::set<std::string> keys;
    for (const auto& [key, value] : b) keys.insert(key);
    for (const auto& [key, value] : v) keys.insert(key);
    std::vector<KpiDelta> results, how_run;  // run.* (seed, threads) describes the run: listed last
    for (const auto& key : keys) {
        if (is_timing(key)) continue;
        const Delta d = make_delta(value_or_nan(b, key), value_or_nan(v, key));
        (key.rfind("run.", 0) == 0 ? how_run : results).push_back({key, d, relative_change(d)});
    }
    results.insert(results.end(), how_run.begin(), how_run.end());
    return results;
}

struct LinkFlowRows {
    std::vector<double> link, hour, flow, speed;
};

LinkFlowRows read_link_flows(const ResultReader& r) {
    auto t = r.read_columns("link_flows", {"link_id", "hour", "flow_veh", "mean_speed_kmh"});
    return {std::move(t.numbers["link_id"]), std::move(t.numbers["hour"]), std::move(t.numbers["flow_veh"]),
            std::move(t.numbers["mean_speed_kmh"])};
}

// The hour with the most link entries (the earliest of equals); -1 without traffic.
int peak_hour(const LinkFlowRows& rows) {
    std::map<int, double> per_hour;
    for (std::size_t i = 0; i < rows.hour.size(); ++i) per_hour[static_cast<int>(rows.hour[i])] += rows.flow[i];
    int peak = -1;
    double most = 0.0;
    for (const auto& [hour, flow] : per_hour)
        if (flow > most) {
            peak = hour;
            most = flow;
        }
    return peak;
}

struct LinkTraffic {
    double flow = 0.0;         ///< entries over the day
    double flow_speed = 0.0;   ///< Σ hourly flow × hourly mean speed
    double peak_flow = 0.0;    ///< entries in the peak hour
    double mean_speed() const { return flow > 0.0 ? flow_speed / flow : nan; }
};

// Rows are summed in file order, so the same file gives the same bits.
std::map<std::int64_t, LinkTraffic> traffic_per_link(const LinkFlowRows& rows, int peak) {
    std::map<std::int64_t, LinkTraffic> out;
    for (std::size_t i = 0; i < rows.link.size(); ++i) {
        LinkTraffic& t = out[static_cast<std::int64_t>(rows.link[i])];
        t.flow += rows.flow[i];
        t.flow_speed += rows.flow[i] * rows.speed[i];
        if (static_cast<int>(rows.hour[i]) == peak) t.peak_flow += rows.flow[i];
    }
    return out;
}

std::string link_status(bool in_base, bool in_variant, const LinkChange& c) {
    if (!in_base) return "new";
    if (!in_variant) return "removed";
    if (c.flow.base > 0.0 && c.flow.variant == 0.0) return "no traffic";
    if (changed(c.flow) || changed(c.speed_kmh) || c.peak_hour_flow_delta != 0.0) return "changed";
    return "same";
}

void add_to_summary(const LinkChange& c, CompareSummary& s) {
    if (c.status == "new") ++s.links_new;
    else if (c.status == "removed") ++s.links_removed;
    else ++s.links_compared;
    if (changed(c.flow)) ++s.links_changed_flow;
    s.base_daily_flow += c.flow.base;
    s.variant_daily_flow += c.flow.variant;
    s.rerouted_passages += std::abs(c.flow.delta) / 2.0;
}

// A link missing from one result carries no traffic there (flow 0, speed unknown).
void compare_links(const ResultReader& base, const ResultReader& variant, Comparison& out) {
    const LinkFlowRows base_rows = read_link_flows(base), variant_rows = read_link_flows(variant);
    const int peak = peak_hour(base_rows);
    const auto base_traffic = traffic_per_link(base_rows, peak), variant_traffic = traffic_per_link(variant_rows, peak);
    const auto base_lines = base.read_lines("links", "link_id"), variant_lines = variant.read_lines("links", "link_id");
    std::set<std::int64_t> ids;   // the links of the networks; link_flows only refers to them
    for (const auto* lines : {&base_lines, &variant_lines})
        for (const auto& [id, line] : *lines) ids.insert(id);
    out.summary.peak_hour = peak;
    for (const std::int64_t id : ids) {
        const auto b = base_traffic.count(id) ? base_traffic.at(id) : LinkTraffic{};
        const auto v = variant_traffic.count(id) ? variant_traffic.at(id) : LinkTraffic{};
        const bool in_base = base_lines.count(id) > 0, in_variant = variant_lines.count(id) > 0;
        LinkChange c;
        c.link_id = id;
        c.flow = make_delta(b.flow, v.flow);
        c.speed_kmh = make_delta(b.mean_speed(), v.mean_speed());
        c.peak_hour_flow_delta = v.peak_flow - b.peak_flow;
        c.geometry = in_variant ? variant_lines.at(id) : base_lines.at(id);
        c.status = link_status(in_base, in_variant, c);
        add_to_summary(c, out.summary);
        out.links.push_back(std::move(c));
    }
}

struct PathTraffic {
    double pedestrians = 0.0, cyclists = 0.0;
    geodata::Polyline line;
};

std::map<std::int64_t, PathTraffic> read_paths(const ResultReader& r) {
    const auto t = r.read_columns("paths", {"path_link_id", "pedestrians_day", "cyclists_day"});
    auto lines = r.read_lines("paths", "path_link_id");
    std::map<std::int64_t, PathTraffic> out;
    for (std::size_t i = 0; i < t.rows; ++i) {
        const auto id = static_cast<std::int64_t>(t.number("path_link_id")[i]);
        out[id] = {t.number("pedestrians_day")[i], t.number("cyclists_day")[i], std::move(lines[id])};
    }
    return out;
}

// A path link missing from one result carries nobody there.
void compare_paths(const ResultReader& base, const ResultReader& variant, Comparison& out) {
    const auto b = read_paths(base), v = read_paths(variant);
    std::set<std::int64_t> ids;
    for (const auto* side : {&b, &v})
        for (const auto& [id, traffic] : *side) ids.insert(id);
    auto& s = out.summary;
    for (const std::int64_t id : ids) {
        const bool in_base = b.count(id) > 0, in_variant = v.count(id) > 0;
        static const PathTraffic none;
        const PathTraffic& x = in_base ? b.at(id) : none;
        const PathTraffic& y = in_variant ? v.at(id) : none;
        PathChange c;
        c.path_link_id = id;
        c.pedestrians = make_delta(x.pedestrians, y.pedestrians);
        c.cyclists = make_delta(x.cyclists, y.cyclists);
        c.geometry = in_variant ? y.line : x.line;
        c.status = !in_base ? "new" : !in_variant ? "removed"
                 : (changed(c.pedestrians) || changed(c.cyclists)) ? "changed" : "same";
        if (c.status == "new") {
            ++s.path_links_new;
            s.cyclists_on_new_paths += y.cyclists;
            s.pedestrians_on_new_paths += y.pedestrians;
        }
        if (c.status == "changed") ++s.path_links_changed;
        s.moved_bike_passages += std::abs(c.cyclists.delta) / 2.0;
        out.paths.push_back(std::move(c));
    }
}

struct DistrictFigures {
    std::string name;
    double area_covered_share = nan, population_covered_share = nan, aps = nan, people_per_ap = nan;
    geodata::MultiPolygon area;
};

std::map<std::int64_t, DistrictFigures> read_districts(const ResultReader& r) {
    const auto t = r.read_columns("wifi_districts",
                                  {"district_id", "area_covered_share", "population_covered_share", "aps", "people_per_ap"},
                                  {"name"});
    auto areas = r.read_polygons("wifi_districts", "district_id");
    std::map<std::int64_t, DistrictFigures> out;
    for (std::size_t i = 0; i < t.rows; ++i) {
        const auto id = static_cast<std::int64_t>(t.number("district_id")[i]);
        out[id] = {t.text("name")[i], t.number("area_covered_share")[i], t.number("population_covered_share")[i],
                   t.number("aps")[i], t.number("people_per_ap")[i], std::move(areas[id])};
    }
    return out;
}

std::string district_status(bool in_base, bool in_variant, const DistrictChange& d) {
    if (!in_base) return "new";
    if (!in_variant) return "removed";
    for (const Delta* x : {&d.area_covered_share, &d.population_covered_share, &d.aps, &d.people_per_ap})
        if (changed(*x)) return "changed";
    return "same";
}

void compare_districts(const ResultReader& base, const ResultReader& variant, Comparison& out) {
    const auto b = read_districts(base), v = read_districts(variant);
    std::set<std::int64_t> ids;
    for (const auto* side : {&b, &v})
        for (const auto& [id, figures] : *side) ids.insert(id);
    for (const std::int64_t id : ids) {
        static const DistrictFigures absent;   // every figure NaN
        const bool in_base = b.count(id) > 0, in_variant = v.count(id) > 0;
        const DistrictFigures& x = in_base ? b.at(id) : absent;
        const DistrictFigures& y = in_variant ? v.at(id) : absent;
        DistrictChange d;
        d.district_id = id;
        d.name = in_variant ? y.name : x.name;
        d.area_covered_share = make_delta(x.area_covered_share, y.area_covered_share);
        d.population_covered_share = make_delta(x.population_covered_share, y.population_covered_share);
        d.aps = make_delta(x.aps, y.aps);
        d.people_per_ap = make_delta(x.people_per_ap, y.people_per_ap);
        d.area = in_variant ? y.area : x.area;
        d.status = district_status(in_base, in_variant, d);
        out.districts.push_back(std::move(d));
    }
}

double threshold_dbm(const json& kpis, const std::string& path) {
    const auto wifi = kpis.find("wifi");
    if (wifi == kpis.end() || !wifi->contains("threshold_dbm") || !(*wifi)["threshold_dbm"].is_number())
        throw Error(path + ": no wifi results (KPI wifi.threshold_dbm), but the other result has them");
    return (*wifi)["threshold_dbm"].get<double>();
}

// The RSSI raster: the GeoPackage's own table, else the GeoTIFF `citytwin run` wrote beside it.
geodata::Raster rssi_raster(const ResultReader& r) {
    if (r.has_raster_table("wifi_rssi")) return r.read_raster_table("wifi_rssi");
    const std::string tif = wifi_raster_paths(r.path()).front();
    if (!fs::exists(tif))
        throw Error(r.path() + ": no coverage raster: neither a raster table 'wifi_rssi' nor " + tif);
    return geodata::read_raster(tif);
}

// Cell holding p (not interpolated: a cell is covered or not); NaN outside the grid.
float cell_at(const geodata::Raster& r, const geodata::Point& p) {
    const double col = std::floor((p.x - r.origin_x) / r.cell_size);
    const double row = std::floor((r.origin_y - p.y) / r.cell_size);
    if (col < 0 || row < 0 || col >= r.width || row >= r.height) return std::numeric_limits<float>::quiet_NaN();
    return r.values[static_cast<std::size_t>(row) * static_cast<std::size_t>(r.width) + static_cast<std::size_t>(col)];
}

bool covered(float rssi, const geodata::Raster& r, double threshold) {
    return !std::isnan(rssi) && rssi != r.nodata && rssi >= threshold;
}

// On the base grid; the variant is looked up at each base cell's centre, so grids of other
// extents (a new district grows the city) compare; outside the variant's grid: no signal.
geodata::Raster coverage_change(const geodata::Raster& base, double base_threshold, const geodata::Raster& variant,
                                double variant_threshold, CompareSummary& s) {
    geodata::Raster out{base.width, base.height, base.origin_x, base.origin_y, base.cell_size,
                        coverage_change_nodata, std::vector<float>(base.values.size(), 0.0f)};
    for (int row = 0; row < base.height; ++row)
        for (int col = 0; col < base.width; ++col) {
            const std::size_t i = static_cast<std::size_t>(row) * static_cast<std::size_t>(base.width) + col;
            const geodata::Point centre{base.origin_x + (col + 0.5) * base.cell_size,
                                        base.origin_y - (row + 0.5) * base.cell_size};
            const bool before = covered(base.values[i], base, base_threshold);
            const bool after = covered(cell_at(variant, centre), variant, variant_threshold);
            out.values[i] = static_cast<float>(after) - static_cast<float>(before);
            s.cells_gained += after && !before;
            s.cells_lost += before && !after;
        }
    const double cell_area = base.cell_size * base.cell_size;
    s.area_gained_m2 = static_cast<double>(s.cells_gained) * cell_area;
    s.area_lost_m2 = static_cast<double>(s.cells_lost) * cell_area;
    return out;
}

void compare_wifi(const ResultReader& base, const json& base_kpis, const ResultReader& variant,
                  const json& variant_kpis, Comparison& out) {
    auto& s = out.summary;
    s.base_threshold_dbm = threshold_dbm(base_kpis, base.path());
    s.variant_threshold_dbm = threshold_dbm(variant_kpis, variant.path());
    compare_districts(base, variant, out);
    out.coverage_change = coverage_change(rssi_raster(base), s.base_threshold_dbm, rssi_raster(variant),
                                          s.variant_threshold_dbm, s);
    s.coverage_compared = true;
}

std::string scenario_name(const json& kpis) {
    const auto it = kpis.find("scenario");
    return it != kpis.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void set_labels(Comparison& c, const json& base_kpis, const json& variant_kpis) {
    c.base_label = scenario_name(base_kpis);
    c.variant_label = scenario_name(variant_kpis);
    if (c.base_label == c.variant_label) {  // the same name (or none): tell them apart by file
        c.base_label = fs::path(c.base_input).filename().string();
        c.variant_label = fs::path(c.variant_input).filename().string();
    }
}

Comparison compare_files(const std::string& base_path, const std::string& variant_path, const std::string& base_input,
                         const std::string& variant_input) {
    const ResultReader base(base_path), variant(variant_path);
    const json base_kpis = parse_kpis(base), variant_kpis = parse_kpis(variant);
    Comparison c;
    c.base_input = base_input;
    c.variant_input = variant_input;
    c.base_path = base_path;
    c.variant_path = variant_path;
    set_labels(c, base_kpis, variant_kpis);
    c.crs_wkt = base.crs_wkt();
    c.kpis = kpi_deltas(base_kpis, variant_kpis);
    // A section is compared when either result has it; the other then must have it too.
    if (base.has_layer("link_flows") || variant.has_layer("link_flows")) compare_links(base, variant, c);
    if (base.has_layer("paths") && variant.has_layer("paths")) compare_paths(base, variant, c);
    if (base_kpis.contains("wifi") || variant_kpis.contains("wifi")) compare_wifi(base, base_kpis, variant, variant_kpis, c);
    return c;
}

// A folder under the system temp dir, removed with what is in it.
class ScratchFolder {
public:
    ScratchFolder() {
        std::string templ = (fs::temp_directory_path() / "citytwin-compare-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw Error(templ + ": cannot create a temporary folder");
        path_ = templ;
    }
    ~ScratchFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string run_into(const Scenario& scenario, const std::string& result, const CompareOptions& options) {
    if (options.progress) std::fprintf(stderr, "compare: running %s -> %s\n", scenario.path.c_str(), result.c_str());
    RunOptions run_options;
    run_options.threads = options.threads;
    run_options.seed = options.seed;
    run_options.plugin_dirs = options.plugin_dirs;
    run_options.allow_scenario_plugins = options.allow_scenario_plugins;
    run_options.progress = options.progress;
    write_results(run_scenario(scenario, run_options), result);
    return result;
}

std::string lower_extension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return ext;
}

geodata::Table empty_table(std::string name, std::size_t rows) {
    geodata::Table t;
    t.name = std::move(name);
    t.rows = rows;
    return t;
}

template <typename Row>
void add_delta_columns(geodata::Table& t, const std::string& name, const std::vector<const Row*>& rows,
                       Delta Row::*member) {
    std::vector<double> base, variant, delta;
    for (const Row* r : rows) {
        base.push_back((r->*member).base);
        variant.push_back((r->*member).variant);
        delta.push_back((r->*member).delta);
    }
    t.columns.push_back({name + "_base", std::move(base)});
    t.columns.push_back({name + "_variant", std::move(variant)});
    t.columns.push_back({name + "_delta", std::move(delta)});
}

geodata::Table kpi_table(const Comparison& c) {
    std::vector<std::string> key;
    std::vector<double> base, variant, delta, relative;
    for (const auto& k : c.kpis) {
        key.push_back(k.key);
        base.push_back(k.value.base);
        variant.push_back(k.value.variant);
        delta.push_back(k.value.delta);
        relative.push_back(k.relative);
    }
    geodata::Table t = empty_table("kpi_deltas", key.size());
    t.columns = {{"key", std::move(key)}, {"base", std::move(base)}, {"variant", std::move(variant)},
                 {"delta", std::move(delta)}, {"relative", std::move(relative)}};
    return t;
}

geodata::Table link_table(const Comparison& c) {
    std::vector<const LinkChange*> rows;
    for (const auto& l : c.links)
        if (l.status != "same") rows.push_back(&l);
    geodata::Table t = empty_table("link_changes", rows.size());
    std::vector<std::int64_t> id;
    std::vector<std::string> status;
    std::vector<double> peak;
    for (const LinkChange* l : rows) {
        id.push_back(l->link_id);
        status.push_back(l->status);
        peak.push_back(l->peak_hour_flow_delta);
        t.lines.push_back(l->geometry);
    }
    t.columns = {{"link_id", std::move(id)}, {"status", std::move(status)}};
    add_delta_columns(t, "flow", rows, &LinkChange::flow);
    add_delta_columns(t, "speed_kmh", rows, &LinkChange::speed_kmh);
    t.columns.push_back({"peak_hour_flow_delta", std::move(peak)});
    return t;
}

geodata::Table path_change_table(const Comparison& c) {
    std::vector<const PathChange*> rows;
    for (const auto& p : c.paths)
        if (p.status != "same") rows.push_back(&p);
    geodata::Table t = empty_table("path_changes", rows.size());
    std::vector<std::int64_t> id;
    std::vector<std::string> status;
    for (const PathChange* p : rows) {
        id.push_back(p->path_link_id);
        status.push_back(p->status);
        t.lines.push_back(p->geometry);
    }
    t.columns = {{"path_link_id", std::move(id)}, {"status", std::move(status)}};
    add_delta_columns(t, "pedestrians", rows, &PathChange::pedestrians);
    add_delta_columns(t, "cyclists", rows, &PathChange::cyclists);
    return t;
}

geodata::Table district_table(const Comparison& c) {
    std::vector<const DistrictChange*> rows;
    for (const auto& d : c.districts) rows.push_back(&d);
    geodata::Table t = empty_table("district_changes", rows.size());
    std::vector<std::int64_t> id;
    std::vector<std::string> name, status;
    for (const DistrictChange* d : rows) {
        id.push_back(d->district_id);
        name.push_back(d->name);
        status.push_back(d->status);
        t.polygons.push_back(d->area);
    }
    t.columns = {{"district_id", std::move(id)}, {"name", std::move(name)}, {"status", std::move(status)}};
    add_delta_columns(t, "area_covered_share", rows, &DistrictChange::area_covered_share);
    add_delta_columns(t, "population_covered_share", rows, &DistrictChange::population_covered_share);
    add_delta_columns(t, "aps", rows, &DistrictChange::aps);
    add_delta_columns(t, "people_per_ap", rows, &DistrictChange::people_per_ap);
    return t;
}

json delta_json(const Delta& d) {
    return {{"base", number_or_null(d.base)}, {"variant", number_or_null(d.variant)}, {"delta", number_or_null(d.delta)}};
}

json summary_json(const CompareSummary& s) {
    return {{"links_compared", s.links_compared},
            {"links_new", s.links_new},
            {"links_removed", s.links_removed},
            {"links_with_changed_flow", s.links_changed_flow},
            {"base_daily_flow_veh", s.base_daily_flow},
            {"variant_daily_flow_veh", s.variant_daily_flow},
            {"rerouted_passages", s.rerouted_passages},
            {"peak_hour", s.peak_hour < 0 ? json(nullptr) : json(s.peak_hour)},
            {"path_links_new", s.path_links_new},
            {"path_links_with_changed_flow", s.path_links_changed},
            {"cyclists_on_new_paths", s.cyclists_on_new_paths},
            {"pedestrians_on_new_paths", s.pedestrians_on_new_paths},
            {"moved_bike_passages", s.moved_bike_passages},
            {"coverage_compared", s.coverage_compared},
            {"coverage_cells_gained", s.cells_gained},
            {"coverage_cells_lost", s.cells_lost},
            {"coverage_area_gained_m2", s.area_gained_m2},
            {"coverage_area_lost_m2", s.area_lost_m2},
            {"base_threshold_dbm", s.base_threshold_dbm},
            {"variant_threshold_dbm", s.variant_threshold_dbm}};
}

}  // namespace

json comparison_json(const Comparison& c) {
    json kpis = json::array();
    for (const auto& k : c.kpis)
        kpis.push_back({{"key", k.key},
                        {"base", number_or_null(k.value.base)},
                        {"variant", number_or_null(k.value.variant)},
                        {"delta", number_or_null(k.value.delta)},
                        {"relative", number_or_null(k.relative)}});
    json districts = json::array();
    for (const auto& d : c.districts)
        districts.push_back({{"id", d.district_id},
                             {"name", d.name},
                             {"status", d.status},
                             {"area_covered_share", delta_json(d.area_covered_share)},
                             {"population_covered_share", delta_json(d.population_covered_share)},
                             {"aps", delta_json(d.aps)},
                             {"people_per_ap", delta_json(d.people_per_ap)}});
    const auto side = [](const std::string& label, const std::string& input, const std::string& result) {
        return json{{"label", label}, {"input", input}, {"result", result.empty() ? json(nullptr) : json(result)}};
    };
    return {{"base", side(c.base_label, c.base_input, c.base_path)},
            {"variant", side(c.variant_label, c.variant_input, c.variant_path)},
            {"kpis", kpis},
            {"summary", summary_json(c.summary)},
            {"districts", districts}};
}

std::string coverage_change_path(const std::string& out) {
    fs::path stem(out);
    stem.replace_extension();
    return stem.string() + "-coverage-change.tif";
}

void write_comparison(const Comparison& c, const std::string& out_path) {
    check_output_path(out_path);
    geodata::DatasetWriter writer(out_path, c.crs_wkt);
    writer.set_metadata("CITYTWIN_VERSION", CITYTWIN_VERSION);
    writer.set_metadata("CITYTWIN_COMPARE_BASE", c.base_input);
    writer.set_metadata("CITYTWIN_COMPARE_VARIANT", c.variant_input);
    writer.set_metadata("CITYTWIN_COMPARE_BASE_RESULT", c.base_path);
    writer.set_metadata("CITYTWIN_COMPARE_VARIANT_RESULT", c.variant_path);
    writer.set_metadata("CITYTWIN_COMPARISON", comparison_json(c).dump());
    writer.add_table(kpi_table(c));
    if (!c.links.empty()) writer.add_table(link_table(c));
    if (!c.paths.empty()) writer.add_table(path_change_table(c));
    if (!c.districts.empty()) writer.add_table(district_table(c));
    if (const auto& r = c.coverage_change) {
        const geodata::GridPlacement grid{r->width, r->height, r->origin_x, r->origin_y, r->cell_size};
        const geodata::RasterBandInfo band{"coverage change: +1 gained, -1 lost, 0 unchanged", "",
                                           coverage_change_nodata};
        // The GeoTIFF before the GeoPackage gets its name: its appearance means all is written.
        geodata::write_geotiff(coverage_change_path(out_path), c.crs_wkt, grid, std::span<const float>(r->values), band);
        writer.add_raster("coverage_change", grid, r->values, band);
    }
    writer.commit();
}

bool is_scenario_file(const std::string& path) {
    const std::string ext = lower_extension(path);
    if (ext == ".yaml" || ext == ".yml") return true;
    if (ext == ".gpkg") return false;
    throw Error(path + ": cannot compare a '" + ext +
                "' file: give a scenario file (.yaml, .yml) or a result GeoPackage (.gpkg) of `citytwin run`");
}

Comparison compare_results(const std::string& base_path, const std::string& variant_path) {
    return compare_files(base_path, variant_path, base_path, variant_path);
}

Comparison compare(const std::string& base, const std::string& variant, const CompareOptions& options) {
    const bool base_is_scenario = is_scenario_file(base), variant_is_scenario = is_scenario_file(variant);
    if (!options.out.empty()) check_output_path(options.out);
    // Both scenarios are read before either runs: a typo in the variant fails at once,
    // not after the base's run.
    const std::optional<Scenario> base_scenario = base_is_scenario ? std::optional(load_scenario(base)) : std::nullopt;
    const std::optional<Scenario> variant_scenario =
        variant_is_scenario ? std::optional(load_scenario(variant)) : std::nullopt;
    std::optional<ScratchFolder> scratch;
    auto result_path = [&](const std::string& role) {
        if (!options.out.empty()) {
            fs::path stem(options.out);
            stem.replace_extension();
            return stem.string() + "-" + role + ".gpkg";
        }
        if (!scratch) scratch.emplace();
        return (scratch->path() / (role + ".gpkg")).string();
    };
    const std::string base_result = base_scenario ? run_into(*base_scenario, result_path("base"), options) : base;
    const std::string variant_result =
        variant_scenario ? run_into(*variant_scenario, result_path("variant"), options) : variant;
    Comparison c = compare_files(base_result, variant_result, base, variant);
    if (!options.out.empty()) write_comparison(c, options.out);
    if (scratch) {  // those runs are removed with the folder: no path to point at
        if (base_scenario) c.base_path.clear();
        if (variant_scenario) c.variant_path.clear();
    }
    return c;
}

}  // namespace citytwin::scenarios
