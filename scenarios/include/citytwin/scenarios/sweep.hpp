#pragma once
// Batch runs for researchers: a base scenario, a grid of parameter values and/or named
// variants, and a list of seeds; one run per combination and one row per run with its
// parameters and every numeric KPI. Finished runs are appended to a journal as they end
// (one JSON line each, flushed), so a killed sweep loses no finished row and a re-run
// skips them. The table is written at the end under a temporary name, then renamed.
#include <citytwin/scenarios/scenario_file.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::scenarios {

struct SweepRun {
    std::size_t index = 0;
    std::string key;                 ///< "variant|car_share=0.35|count=10|seed=2": stable across re-runs
    std::string variant;             ///< "" without variants
    std::vector<std::pair<std::string, std::string>> params;   ///< grid key → YAML value, in grid order
    std::uint64_t seed = 1;
    ScenarioOverrides overrides;     ///< fixed + variant + grid values
};

struct SweepPlan {
    std::string file;                ///< the sweep file
    std::string base;                ///< the base scenario, resolved
    std::vector<std::string> parameter_keys;
    bool has_variants = false;
    std::optional<int> threads;      ///< per run (default: all cores of the process)
    std::vector<SweepRun> runs;      ///< variants × grid (last key fastest) × seeds
};

/// Reads and checks a sweep file (every run's scenario is loaded once, so a typo in a
/// key or value is reported before the first run). Errors name file:line and key.
SweepPlan load_sweep(const std::string& path);

struct SweepRow {
    std::size_t index = 0;
    std::string key;
    bool ok = false;
    std::string error;               ///< the run's error message when !ok
    std::map<std::string, double> kpis;   ///< flattened numeric KPIs ("mobility.mean_delay_s"), no timings
    double seconds = 0;              ///< wall time (journal only: not part of the result table)
    std::string to_json() const;
    static SweepRow from_json(const std::string& line);
};

/// Runs one combination. Never throws for a failing run: the row carries the error.
SweepRow run_sweep_one(const SweepPlan& plan, std::size_t index, std::optional<int> threads,
                       const std::vector<std::string>& plugin_dirs, bool allow_scenario_plugins = false);

/// The journal beside the output: "<out>.runs.jsonl".
std::string sweep_journal_path(const std::string& out);

class SweepJournal {
public:
    explicit SweepJournal(std::string path);
    /// Rows of finished runs (status ok) by key; failed runs are run again.
    std::map<std::string, SweepRow> finished() const;
    /// Appends one row and flushes it to disk.
    void append(const SweepRow& row);

private:
    std::string path_;
};

/// Writes the `runs` table: run, variant, one column per grid key, seed, status, error,
/// then every KPI (sorted by key). CSV for a .csv path, else GeoPackage (or any OGR driver).
void write_sweep_table(const SweepPlan& plan, const std::vector<SweepRow>& rows, const std::string& out);

struct SweepOptions {
    std::optional<int> threads;
    std::vector<std::string> plugin_dirs;
    bool allow_scenario_plugins = false;   ///< RunOptions
    bool progress = true;
};

/// The runs not yet in the journal, in index order.
std::vector<std::size_t> pending_runs(const SweepPlan& plan, const std::map<std::string, SweepRow>& finished);

/// All rows, in run order: finished ones, else the failure of this session, else a row
/// with ok = false and error "not run".
std::vector<SweepRow> collect_rows(const SweepPlan& plan, const std::map<std::string, SweepRow>& finished,
                                   const std::map<std::string, SweepRow>& failed = {});

/// Runs a sweep in this process (serially; each run uses TBB inside), resuming from the
/// journal; writes the table; returns how many runs were executed now.
std::size_t run_sweep(const SweepPlan& plan, const std::string& out, const SweepOptions& options);

}  // namespace citytwin::scenarios
