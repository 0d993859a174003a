// Demand generation: persons, tours, skims, calibration of the mode constants to target
// shares, destination and mode draws. Two cases: the real Monaco scenario, and a made-up
// 1 M-person city on a 10 km grid (issue #14's target: under 10 s on 2 cores). Each runs
// on one thread and on all cores; median of the repeats. The thread counts must give the
// same trips: it checks.
//
//   build/bench/bench_demand [scenario.yaml=scenarios/monaco/baseline.yaml] [repeats=3] [persons=1000000]
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/road_graph_builder.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/demand.hpp>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace gd = citytwin::geodata;
namespace sim = citytwin::sim;
using Clock = std::chrono::steady_clock;

namespace {

// A city of n × n blocks of 200 m: a two-way street grid, one home block per cell with
// the population spread over it, jobs and shops concentrated toward the centre.
gd::CityModel grid_city(int n) {
    std::vector<gd::RoadWay> ways;
    for (int r = 0; r <= n; ++r) {
        gd::RoadWay row, col;
        for (auto* w : {&row, &col}) {
            w->road_class = gd::RoadClass::Secondary;
            w->direction = gd::OnewayDirection::Both;
        }
        row.source_id = 2 * r;
        col.source_id = 2 * r + 1;
        for (int c = 0; c <= n; ++c) {
            row.points.push_back({200.0 * c, 200.0 * r});
            col.points.push_back({200.0 * r, 200.0 * c});
        }
        ways.push_back(row);
        ways.push_back(col);
    }
    gd::GraphBuildReport report;
    gd::CityModel m;
    m.name = "grid";
    m.roads = std::make_shared<gd::RoadNetwork>(gd::build_road_network(ways, {}, report));
    auto buildings = std::make_shared<std::vector<gd::Building>>();
    auto add = [&](gd::BuildingUse use, double area, double x, double y) {
        gd::Building b;
        b.id = gd::BuildingId(static_cast<std::uint32_t>(buildings->size()));
        b.use = use;
        b.floor_area_m2 = area;
        b.footprint_area_m2 = area / 4.0;
        b.levels = 4.0;
        b.centroid = {x, y};
        b.footprint = {{{{x - 10, y - 10}, {x + 10, y - 10}, {x + 10, y + 10}, {x - 10, y + 10}, {x - 10, y - 10}}, {}}};
        buildings->push_back(b);
    };
    const double centre = 100.0 * n;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const double x = 200.0 * i + 100.0, y = 200.0 * j + 100.0;
            const double r = std::hypot(x - centre, y - centre) / centre;
            add(gd::BuildingUse::Residential, 4000.0, x - 40.0, y);
            add(gd::BuildingUse::Commercial, 3000.0 * std::max(0.1, 1.0 - r), x + 40.0, y);
            if ((i + j) % 5 == 0) add(gd::BuildingUse::Public, 1500.0, x, y + 40.0);
        }
    m.buildings = buildings;
    m.districts = std::make_shared<std::vector<gd::District>>();
    return m;
}

struct Timing {
    double median_s = 0;
    std::size_t persons = 0, trips = 0;
    std::uint64_t fingerprint = 0;
    bool calibrated = false;
};

Timing time_it(const gd::CityModel& model, const sim::SyntheticDemandConfig& cfg, int threads, int repeats) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    std::vector<double> runs;
    Timing t;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        const sim::Demand d = sim::synthesize_demand(model, cfg, 42);
        runs.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        t.persons = d.persons;
        t.trips = d.trips.size();
        t.calibrated = d.choice && d.choice->calibrated;
        std::uint64_t h = 1469598103934665603ULL;
        for (const auto& trip : d.trips)
            h = (h ^ (static_cast<std::uint64_t>(trip.departure) * 31 + trip.destination_building * 7 +
                      static_cast<std::uint64_t>(trip.mode))) * 1099511628211ULL;
        t.fingerprint = h;
    }
    std::sort(runs.begin(), runs.end());
    t.median_s = runs[runs.size() / 2];
    return t;
}

void report(const std::string& name, const gd::CityModel& model, const sim::SyntheticDemandConfig& cfg, int repeats) {
    const int all = tbb::info::default_concurrency();
    const Timing one = time_it(model, cfg, 1, repeats);
    const Timing many = time_it(model, cfg, all, repeats);
    fmt::print("{}: {} persons, {} trips, calibrated {}\n", name, many.persons, many.trips, many.calibrated ? "yes" : "no");
    fmt::print("  1 thread {:.2f} s, {} threads {:.2f} s (median of {}), same trips: {}\n", one.median_s, all,
               many.median_s, repeats, one.fingerprint == many.fingerprint ? "yes" : "NO");
}

}  // namespace

int main(int argc, char** argv) {
    const std::string scenario_path = argc > 1 ? argv[1] : std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml";
    const int repeats = argc > 2 ? std::max(1, std::stoi(argv[2])) : 3;
    const double persons = argc > 3 ? std::stod(argv[3]) : 1e6;
    fmt::print("demand generation (persons, tours, skims, calibration, draws)\n");
    const auto scenario = citytwin::scenarios::load_scenario(scenario_path);
    gd::LoadReport load_report;
    const gd::CityModel city = citytwin::scenarios::load_scenario_city(scenario, {}, load_report);
    if (scenario.synthetic) report(scenario.name, city, *scenario.synthetic, repeats);

    sim::SyntheticDemandConfig cfg;
    cfg.population = persons;
    cfg.choice.target_shares = std::array<double, sim::mode_count>{0.34, 0.26, 0.14, 0.25};
    report(fmt::format("grid city 10 km x 10 km, {:.0f} residents", persons), grid_city(50), cfg, repeats);
    return 0;
}
