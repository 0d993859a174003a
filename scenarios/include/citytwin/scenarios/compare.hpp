#pragma once
// Baseline versus variant: KPI deltas, per-link flow and speed changes, per-district wifi
// changes and a coverage gained/lost raster, read from two result GeoPackages (or from
// two scenario files, which are run first), and written as a diff GeoPackage.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/geometry.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::scenarios {

/// One figure in both results. NaN stands for "absent or null"; delta is NaN when only one
/// side has the figure and 0 when neither has it (nothing changed).
struct Delta {
    double base = 0.0;
    double variant = 0.0;
    double delta = 0.0;
};

/// A numeric KPI leaf ("mobility.mean_travel_time_s"); relative = delta / |base|, NaN when
/// base is 0 or absent.
struct KpiDelta {
    std::string key;
    Delta value;
    double relative = 0.0;
};

/// Daily traffic on one link id in both results.
struct LinkChange {
    std::int64_t link_id = 0;
    std::string status;     ///< "same", "changed", "new", "removed", "no traffic" (had some, has none)
    Delta flow;             ///< vehicles entering the link over the day
    Delta speed_kmh;        ///< flow-weighted mean speed; NaN without traffic
    double peak_hour_flow_delta = 0.0;   ///< at the base's peak hour
    geodata::Polyline geometry;          ///< the variant's, else the base's
};

/// Pedestrians and cyclists on one link of the path network (matched by path_link_id).
struct PathChange {
    std::int64_t path_link_id = 0;
    std::string status;     ///< "same", "changed", "new", "removed"
    Delta pedestrians;      ///< entering the link over the day
    Delta cyclists;
    geodata::Polyline geometry;   ///< the variant's, else the base's
};

/// The wifi figures of one district (matched by district_id).
struct DistrictChange {
    std::int64_t district_id = 0;
    std::string name;
    std::string status;     ///< "same", "changed", "new", "removed"
    Delta area_covered_share;
    Delta population_covered_share;
    Delta aps;
    Delta people_per_ap;    ///< NaN where a district has no access point
    geodata::MultiPolygon area;
};

/// Headline figures of a comparison.
struct CompareSummary {
    std::size_t links_compared = 0;           ///< links in both results
    std::size_t links_new = 0, links_removed = 0;
    std::size_t links_changed_flow = 0;       ///< daily flow differs (absent counts as 0)
    double base_daily_flow = 0.0, variant_daily_flow = 0.0;
    /// Σ |Δ daily link flow| / 2: vehicle passages that moved from some links to others.
    double rerouted_passages = 0.0;
    int peak_hour = -1;                       ///< of the base (most link entries); -1 without traffic
    std::size_t path_links_new = 0, path_links_changed = 0;
    double cyclists_on_new_paths = 0.0, pedestrians_on_new_paths = 0.0;   ///< variant, over the day
    /// Σ |Δ daily cyclists per path link| / 2: bike passages that moved from some links to others.
    double moved_bike_passages = 0.0;
    bool coverage_compared = false;
    std::size_t cells_gained = 0, cells_lost = 0;
    double area_gained_m2 = 0.0, area_lost_m2 = 0.0;
    double base_threshold_dbm = 0.0, variant_threshold_dbm = 0.0;
};

struct Comparison {
    std::string base_input, variant_input;   ///< as given: scenario files or result GeoPackages
    std::string base_path, variant_path;     ///< the result GeoPackages compared ("" once removed)
    std::string base_label, variant_label;   ///< scenario names, or file names when those are equal
    std::string crs_wkt;                     ///< of the base result
    std::vector<KpiDelta> kpis;              ///< results first, then run.* (timings left out)
    std::vector<LinkChange> links;           ///< every link id of either result, by id
    std::vector<PathChange> paths;           ///< every path link id of either result, by id
    std::vector<DistrictChange> districts;   ///< by district id
    /// On the base RSSI grid: +1 coverage gained, −1 lost, 0 unchanged; nodata −9999.
    std::optional<geodata::Raster> coverage_change;
    CompareSummary summary;
};

/// Nodata of the coverage change raster.
inline constexpr float coverage_change_nodata = -9999.0f;

/// Compares two result GeoPackages of `citytwin run`. Throws geodata::Error naming the file
/// (and layer) when one is missing, not a citytwin result, or lacks what the other has.
Comparison compare_results(const std::string& base_path, const std::string& variant_path);

/// "kpis", "summary", "districts" (changed or not), "base"/"variant" labels and paths.
nlohmann::json comparison_json(const Comparison& comparison);

/// Diff GeoPackage: kpi_deltas, link_changes (only changed, new and removed links),
/// district_changes, raster table coverage_change; and `<stem>-coverage-change.tif` beside it.
void write_comparison(const Comparison& comparison, const std::string& out_path);

/// "<dir>/<stem>-coverage-change.tif" beside `out`.
std::string coverage_change_path(const std::string& out);

struct CompareOptions {
    std::optional<int> threads;          ///< for scenario inputs; overrides the scenarios
    std::optional<std::uint64_t> seed;   ///< for scenario inputs; overrides the scenarios
    std::vector<std::string> plugin_dirs;   ///< for scenario inputs: searched first for plugins
    bool allow_scenario_plugins = false;    ///< for scenario inputs (RunOptions)
    bool progress = true;
    /// Diff GeoPackage to write; empty: none. Scenario runs go beside it as
    /// `<stem>-base.gpkg` / `<stem>-variant.gpkg`, else into a temporary folder.
    std::string out;
};

/// True for a scenario file (.yaml, .yml), false for a result (.gpkg); Error otherwise.
bool is_scenario_file(const std::string& path);

/// Compares two inputs, each a scenario file (run first, with the options' threads and
/// seed) or a result GeoPackage; writes the diff when options.out is set.
Comparison compare(const std::string& base, const std::string& variant, const CompareOptions& options);

}  // namespace citytwin::scenarios
