#include "commands.hpp"

#include <algorithm>
#include <citytwin/scenarios/memory_budget.hpp>
#include <citytwin/scenarios/run.hpp>

#include <fmt/format.h>

#include <chrono>
#include <iostream>

namespace citytwin::app {

namespace {
void print_mobility(const nlohmann::json& m, const nlohmann::json& demand);
void print_wifi(const nlohmann::json& w);

void print_text(const nlohmann::json& k) {
    fmt::print("scenario {} (seed {}, {} threads, {:.1f} s)\n", k["scenario"].get<std::string>(),
               k["run"]["seed"].get<std::uint64_t>(), k["run"]["threads"].get<int>(), k["run"]["seconds"].get<double>());
    if (!k.contains("mobility") && !k.contains("wifi")) {
        fmt::print("  no demand and no wifi in this scenario: nothing was simulated\n");
        return;
    }
    if (k.contains("mobility")) print_mobility(k["mobility"], k.value("demand", nlohmann::json::object()));
    if (k.contains("wifi")) print_wifi(k["wifi"]);
}

void print_mobility(const nlohmann::json& m, const nlohmann::json& demand) {
    // Walk and bike trips routed on the path network; the rest of the other modes (transit,
    // and walk or bike where no path served) on the straight line × detour.
    const std::size_t on_paths = demand.contains("path_network") ? demand["path_network"].value("routed_trips", std::size_t{0}) : 0;
    const std::size_t others = m["other_mode_trips"].get<std::size_t>();
    fmt::print("  trips                 {} ({} by car on the roads, {} walked or ridden on the paths, {} teleported)\n",
               m["trips"].get<std::size_t>(), m["car_trips"].get<std::size_t>(), on_paths, others - std::min(others, on_paths));
    fmt::print("  completed             {}  (unroutable {}, stuck {}, en route at end {})\n",
               m["completed"].get<std::size_t>(), m["unroutable"].get<std::size_t>(), m["stuck"].get<std::size_t>(),
               m["en_route"].get<std::size_t>());
    fmt::print("  mean travel time      {:.1f} s (delay {:.1f} s over free flow)\n", m["mean_travel_time_s"].get<double>(),
               m["mean_delay_s"].get<double>());
    fmt::print("  vehicle km / hours    {:.0f} km / {:.0f} h\n", m["vehicle_km"].get<double>(), m["vehicle_hours"].get<double>());
    fmt::print("  congested links       {:.1f} % (v/c > 0.9 in the peak hour {}:00)\n",
               100 * m["congested_link_share"].get<double>(), m["peak_hour"].get<int>());
    const double target = m.value("target_gap", 0.0);
    fmt::print("  iterations            {} (relative gap {:.4f}{})\n", m["iterations"].get<int>(), m["relative_gap"].get<double>(),
               target <= 0.0                         ? ""
               : m.value("converged", false) ? fmt::format(", at most the target {:.4f}", target)
                                                     : fmt::format(", above the target {:.4f}: not at equilibrium", target));
}

void print_wifi(const nlohmann::json& w) {
    fmt::print("  wifi                  {} access points, model {}, threshold {:.0f} dBm\n", w["aps"].get<std::size_t>(),
               w["model"].get<std::string>(), w["threshold_dbm"].get<double>());
    fmt::print("  outdoor area covered  {:.1f} %   population covered {:.1f} % (indoors)   in the streets {:.1f} %   "
               "mean SINR {:.1f} dB\n",
               100 * w["area_covered_share"].get<double>(), 100 * w["population_covered_share"].get<double>(),
               100 * w.value("outdoor_people_covered_share", 0.0), w["mean_sinr_db"].get<double>());
    for (const auto& d : w["districts"]) {
        if (d["aps"].get<std::size_t>() == 0 && d["area_covered_share"].get<double>() == 0.0 &&
            d["population"].get<double>() == 0.0)
            continue;  // empty grid squares (sea, outside the city)
        fmt::print("    {:<20} area {:5.1f} %  population {:5.1f} %  streets {:5.1f} %  APs {}\n", d["name"].get<std::string>(),
                   100 * d["area_covered_share"].get<double>(), 100 * d["population_covered_share"].get<double>(),
                   100 * d.value("outdoor_people_covered_share", 0.0), d["aps"].get<std::size_t>());
    }
}
}  // namespace

int run_run(const RunArgs& args) {
    const auto scenario = scenarios::load_scenario(args.scenario);
    if (!args.out.empty()) scenarios::check_output_path(args.out);
    scenarios::RunOptions opts;
    opts.threads = args.threads;
    if (!args.memory_limit.empty()) opts.memory_limit = scenarios::parse_memory_size(args.memory_limit, "--memory-limit");
    opts.seed = args.seed;
    opts.progress = args.progress;
    opts.plugin_dirs = args.plugin_dirs;
    opts.allow_scenario_plugins = args.allow_scenario_plugins;
    const auto run = scenarios::run_scenario(scenario, opts);
    if (!args.out.empty()) {
        const auto t0 = std::chrono::steady_clock::now();
        scenarios::write_results(run, args.out, args.driver);
        if (args.progress)
            fmt::print(stderr, "wrote {} in {:.1f} s\n", args.out,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const auto kpis = scenarios::kpis_json(run);
    if (args.json) std::cout << kpis.dump(2) << "\n";
    else print_text(kpis);
    return 0;
}

}  // namespace citytwin::app
