#pragma once
// One function per `citytwin` subcommand; main.cpp wires them to CLI11.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::app {

struct InfoArgs {
    std::string source;     ///< a GDAL source, or empty with --city
    std::string city;       ///< a scenario/city file
    bool json = false;
    bool progress = true;
};
int run_info(const InfoArgs& args);

struct ExportCityArgs {
    std::string city;
    std::string out;
    std::string driver = "GPKG";
    bool progress = true;
};
int run_export_city(const ExportCityArgs& args);

struct RunArgs {
    std::string scenario;
    std::string out;
    std::string driver = "GPKG";
    std::optional<int> threads;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> plugin_dirs;
    bool allow_scenario_plugins = false;   ///< --allow-scenario-plugins
    std::string memory_limit;   ///< "4G" etc.; empty: 80 % of physical memory
    bool json = false;
    bool progress = true;
};
int run_run(const RunArgs& args);

struct CompareArgs {
    std::string base;       ///< scenario file (run first) or result GeoPackage
    std::string variant;
    std::string out;        ///< diff GeoPackage; empty: none
    std::optional<int> threads;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> plugin_dirs;
    bool allow_scenario_plugins = false;   ///< --allow-scenario-plugins
    bool json = false;
    bool progress = true;
};
int run_compare(const CompareArgs& args);

struct SweepArgs {
    std::string sweep;
    std::string out;
    std::optional<int> threads;
    std::vector<std::string> plugin_dirs;
    bool allow_scenario_plugins = false;   ///< --allow-scenario-plugins
    bool list = false;
    bool progress = true;
};
int run_sweep_command(const SweepArgs& args);

struct ViewArgs {
    std::string input;            ///< scenario (run first) or result GeoPackage
    std::string baseline;         ///< optional: compare with this one
    bool split = false;
    std::string screenshot, frames, export_path;
    std::string time = "08:00", from = "07:00", to = "09:00";
    int step = 60;
    std::string camera = "overview";
    std::string size = "1280x720";
    std::string layers;           ///< empty: all
    std::string color_by = "use"; ///< buildings by use or height
    double exit_after = 0;        ///< window: close after this many seconds (0: when closed)
    std::optional<int> threads;
    std::vector<std::string> plugin_dirs;
    bool allow_scenario_plugins = false;   ///< --allow-scenario-plugins
    bool progress = true;
};
int run_view(const ViewArgs& args);

}  // namespace citytwin::app

#ifdef CITYTWIN_WITH_MPI
#include <citytwin/scenarios/sweep.hpp>
namespace citytwin::app {
/// The sweep spread over MPI ranks (app/sweep_mpi.cpp).
int run_sweep_mpi(const scenarios::SweepPlan& plan, const std::string& out, scenarios::SweepOptions opts);
}  // namespace citytwin::app
#endif
