// Routing throughput on a real city: every car trip of the scenario's synthetic demand
// (attached to its nearest links, as the mobility run does) routed at once, first on
// free-flow costs (time-invariant: one tree per origin serves the whole day), then on
// hour-dependent costs (one tree per origin and hour, as in the equilibrium iterations).
// Each case runs on one thread and on all cores; the ratio between them is the peer.
//
//   build/bench/bench_routing [scenario.yaml=scenarios/monaco/baseline.yaml] [repeats=3]
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/spatial_index.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/router.hpp>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace gd = citytwin::geodata;
namespace sim = citytwin::sim;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Best of `repeats` wall times of route_all on `threads` threads.
double time_routing(const gd::RoadNetwork& net, const sim::LinkCosts& costs, const std::vector<sim::RouteRequest>& q,
                    int threads, int repeats, std::size_t& unroutable) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        std::vector<sim::Route> routes;
        const auto t0 = Clock::now();
        sim::route_all(net, costs, q, routes);
        best = std::min(best, seconds_since(t0));
        unroutable = static_cast<std::size_t>(std::count_if(routes.begin(), routes.end(), [](const auto& r) { return r.empty(); }));
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : CITYTWIN_SOURCE_DIR "/scenarios/monaco/baseline.yaml";
    const int repeats = argc > 2 ? std::max(1, std::stoi(argv[2])) : 3;
    const auto s = citytwin::scenarios::load_scenario(path);
    gd::LoadReport report;
    const gd::CityModel model = gd::load_city(s.city, {}, report);
    const gd::RoadNetwork& net = *model.roads;
    const sim::Demand demand = sim::synthesize_demand(model, s.synthetic.value_or(sim::SyntheticDemandConfig{}), s.seed);

    const gd::LinkIndex index(net);
    std::vector<sim::RouteRequest> q;
    for (const auto& t : demand.trips) {
        if (!t.by_car) continue;
        const auto o = index.nearest(t.origin), d = index.nearest(t.destination);
        if (o && d) q.push_back({o->link.value, d->link.value, t.departure, true});
    }
    const sim::LinkCosts ff = sim::LinkCosts::free_flow(net);
    // Hour-dependent costs: free flow times a fixed pseudo-random factor in [1, 3).
    sim::LinkCosts hourly = ff;
    hourly.time_invariant = false;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> factor(1.0f, 3.0f);
    for (auto& c : hourly.seconds) c *= factor(rng);

    const int cores = tbb::info::default_concurrency();
    fmt::print("{}: {} nodes, {} links, {} turn restrictions, {} car trips; best of {}\n", s.name, net.node_count(),
               net.link_count(), net.turn_restrictions().size(), q.size(), repeats);
    for (const auto& [label, costs] : {std::pair<const char*, const sim::LinkCosts*>{"free flow", &ff}, {"hourly", &hourly}}) {
        std::size_t unroutable = 0;
        const double one = time_routing(net, *costs, q, 1, repeats, unroutable);
        const double all = time_routing(net, *costs, q, cores, repeats, unroutable);
        fmt::print("  {:<9}  1 thread {:.3f} s, {} threads {:.3f} s (x{:.2f}); unroutable {}\n", label, one, cores, all,
                   one / all, unroutable);
    }
}
