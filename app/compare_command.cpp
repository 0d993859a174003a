#include "commands.hpp"

#include <citytwin/scenarios/compare.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>

namespace citytwin::app {

namespace {

using scenarios::Comparison;
using scenarios::Delta;

// Whole numbers without decimals (trip counts), others with six significant digits.
std::string number(double v) {
    if (std::isnan(v)) return "-";
    if (v == std::floor(v) && std::abs(v) < 1e15) return fmt::format("{:.0f}", v);
    return fmt::format("{:.6g}", v);
}

std::string signed_number(double v) { return v > 0.0 ? "+" + number(v) : number(v); }

std::string percent(double relative) {
    if (std::isnan(relative)) return "-";
    return relative == 0.0 ? "0 %" : fmt::format("{:+.2f} %", 100.0 * relative);
}

void print_kpi_table(const Comparison& c) {
    std::size_t key_width = 3;
    for (const auto& k : c.kpis) key_width = std::max(key_width, k.key.size());
    fmt::print("{:<{}}  {:>14}  {:>14}  {:>14}  {:>10}\n", "KPI", key_width, "base", "variant", "Δ", "Δ %");
    bool run_rows = false;
    for (const auto& k : c.kpis) {
        if (!run_rows && k.key.rfind("run.", 0) == 0) {
            run_rows = true;
            fmt::print("(how the runs were made)\n");
        }
        fmt::print("{:<{}}  {:>14}  {:>14}  {:>14}  {:>10}\n", k.key, key_width, number(k.value.base),
                   number(k.value.variant), signed_number(k.value.delta), percent(k.relative));
    }
}

void print_summary(const Comparison& c) {
    const auto& s = c.summary;
    if (!c.links.empty()) {
        fmt::print("re-routed vehicle passages  {}  (Σ |Δ daily link flow| / 2; daily link entries {} → {})\n",
                   number(s.rerouted_passages), number(s.base_daily_flow), number(s.variant_daily_flow));
        fmt::print("links with changed flow     {} of {} compared ({} new, {} removed){}\n", s.links_changed_flow,
                   s.links_compared, s.links_new, s.links_removed,
                   s.peak_hour >= 0 ? fmt::format("; base peak hour {}:00", s.peak_hour) : std::string());
    }
    if (!c.paths.empty()) {
        fmt::print("moved bike passages         {}  (Σ |Δ daily cyclists per path link| / 2; {} path links changed)\n",
                   number(s.moved_bike_passages), s.path_links_changed);
        if (s.path_links_new)
            fmt::print("on the {} new path links     {} cyclists, {} pedestrians a day\n", s.path_links_new,
                       number(s.cyclists_on_new_paths), number(s.pedestrians_on_new_paths));
    }
    if (s.coverage_compared)
        fmt::print("coverage gained / lost      {} m² / {} m²  ({} / {} cells; threshold {} / {} dBm)\n",
                   number(s.area_gained_m2), number(s.area_lost_m2), s.cells_gained, s.cells_lost,
                   number(s.base_threshold_dbm), number(s.variant_threshold_dbm));
}

// "  area covered +1.25 pp"; nothing when unchanged, "-" when one side has no value.
std::string share_part(const char* label, const Delta& d) {
    if (d.delta == 0.0) return {};
    return fmt::format("  {} {}", label, std::isnan(d.delta) ? "-" : fmt::format("{:+.2f} pp", 100.0 * d.delta));
}

std::string count_part(const char* label, const Delta& d) {
    if (d.delta == 0.0) return {};
    return fmt::format("  {} {}", label, std::isnan(d.delta) ? "-" : signed_number(d.delta));
}

void print_districts(const Comparison& c) {
    bool header = false;
    for (const auto& d : c.districts) {
        if (d.status == "same") continue;
        if (!header) fmt::print("districts (wifi; changed only)\n");
        header = true;
        fmt::print("  {:<24} {:<8}{}{}{}{}\n", d.name, d.status, share_part("area covered", d.area_covered_share),
                   share_part("population covered", d.population_covered_share), count_part("APs", d.aps),
                   count_part("people per AP", d.people_per_ap));
    }
}

bool identical(const Comparison& c) {
    const auto same_kpi = [](const auto& k) { return k.value.delta == 0.0; };
    const auto same_row = [](const auto& row) { return row.status == "same"; };
    return std::all_of(c.kpis.begin(), c.kpis.end(), same_kpi) && std::all_of(c.links.begin(), c.links.end(), same_row) &&
           std::all_of(c.districts.begin(), c.districts.end(), same_row) && c.summary.cells_gained == 0 &&
           c.summary.cells_lost == 0;
}

void print_text(const Comparison& c) {
    fmt::print("base     {}  ({})\nvariant  {}  ({})\n\n", c.base_label, c.base_input, c.variant_label, c.variant_input);
    print_kpi_table(c);
    fmt::print("\n");
    print_summary(c);
    print_districts(c);
    if (identical(c)) fmt::print("no differences: every KPI, link, district and coverage cell is the same\n");
}

}  // namespace

int run_compare(const CompareArgs& args) {
    scenarios::CompareOptions options;
    options.threads = args.threads;
    options.seed = args.seed;
    options.plugin_dirs = args.plugin_dirs;
    options.allow_scenario_plugins = args.allow_scenario_plugins;
    options.progress = args.progress;
    options.out = args.out;
    const Comparison c = scenarios::compare(args.base, args.variant, options);
    if (!args.out.empty() && args.progress) {
        const bool tif = c.coverage_change.has_value();
        fmt::print(stderr, "wrote {}{}\n", args.out, tif ? " and " + scenarios::coverage_change_path(args.out) : "");
    }
    if (args.json) std::cout << scenarios::comparison_json(c).dump(2) << "\n";
    else print_text(c);
    return 0;
}

}  // namespace citytwin::app
