// Routing throughput on a real city: every car trip of the scenario's synthetic demand
// (attached to its nearest links, as the mobility run does) routed at once, first on
// free-flow costs (time-invariant: one tree per origin serves the whole day), then on
// hour-dependent costs (one tree per origin and hour, as in the equilibrium iterations).
// Each case runs on one thread and on all cores; the peer is the node-labelled router
// that came before turns (below), on one thread.
//
//   build/bench/bench_routing [scenario.yaml=scenarios/monaco/baseline.yaml] [repeats=3]
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/spatial_index.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/router.hpp>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace gd = citytwin::geodata;
namespace sim = citytwin::sim;
using Clock = std::chrono::steady_clock;

namespace {

// The peer: the router before it honoured turns (node labels, trees per origin node and
// hour, A* for single-destination trees), kept here as the baseline the link-labelled
// search is measured against. Same requests, same costs; its routes may U-turn.
namespace node_router {

struct Workspace {
    std::vector<double> dist;
    std::vector<std::uint32_t> pred_link, target_mark, touched;
    std::uint32_t stamp = 0;
};

struct Graph {
    std::vector<std::uint32_t> first, head, link;
    std::vector<gd::Point> position;
    explicit Graph(const gd::RoadNetwork& net) {
        for (const auto& node : net.nodes()) {
            first.push_back(static_cast<std::uint32_t>(head.size()));
            for (const gd::LinkId lid : net.out_links(node.id)) {
                head.push_back(net.link(lid).to.value);
                link.push_back(lid.value);
            }
            position.push_back(node.position);
        }
        first.push_back(static_cast<std::uint32_t>(head.size()));
    }
};

struct Group {
    std::uint32_t origin, hour;
    std::vector<std::uint32_t> requests;
};

void run_group(const gd::RoadNetwork& net, const Graph& graph, const sim::LinkCosts& costs,
               const std::vector<sim::RouteRequest>& requests, const Group& g, const std::vector<double>& rate,
               Workspace& ws, std::vector<sim::Route>& routes) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::size_t n = net.node_count();
    if (ws.dist.size() != n) {
        ws.dist.assign(n, inf);
        ws.pred_link.assign(n, UINT32_MAX);
        ws.target_mark.assign(n, 0);
    }
    for (auto v : ws.touched) ws.dist[v] = inf, ws.pred_link[v] = UINT32_MAX;
    ws.touched.clear();
    ++ws.stamp;
    auto target_of = [&](std::uint32_t r) { return net.link(gd::LinkId(requests[r].to_link)).from.value; };
    std::size_t left = 0;
    for (auto r : g.requests)
        if (ws.target_mark[target_of(r)] != ws.stamp) ws.target_mark[target_of(r)] = ws.stamp, ++left;
    const bool single = left == 1;
    const gd::Point goal = graph.position[target_of(g.requests.front())];
    auto h = [&](std::uint32_t v) {
        return single ? std::hypot(graph.position[v].x - goal.x, graph.position[v].y - goal.y) * rate[g.hour] : 0.0;
    };
    const float* hc = costs.seconds.data() + g.hour * costs.link_count;
    using Entry = std::pair<double, std::uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    ws.dist[g.origin] = 0.0;
    ws.touched.push_back(g.origin);
    heap.push({h(g.origin), g.origin});
    while (!heap.empty() && left > 0) {
        const auto [key, v] = heap.top();
        heap.pop();
        const double d = ws.dist[v];
        if (key > d + h(v)) continue;
        if (ws.target_mark[v] == ws.stamp) ws.target_mark[v] = 0, --left;
        for (std::uint32_t e = graph.first[v]; e < graph.first[v + 1]; ++e) {
            const std::uint32_t w = graph.head[e];
            const double nd = d + hc[graph.link[e]];
            if (nd < ws.dist[w]) {
                if (ws.dist[w] == inf) ws.touched.push_back(w);
                ws.dist[w] = nd;
                ws.pred_link[w] = graph.link[e];
                heap.push({nd + h(w), w});
            }
        }
    }
    for (auto r : g.requests) ws.target_mark[target_of(r)] = 0;
    for (auto r : g.requests) {
        const auto& q = requests[r];
        sim::Route& route = routes[r];
        route.clear();
        if (q.from_link == q.to_link) {
            route.push_back(q.from_link);
            continue;
        }
        if (ws.dist[target_of(r)] == inf || std::isinf(hc[q.to_link])) continue;
        route.push_back(q.to_link);
        for (std::uint32_t v = target_of(r); v != g.origin;) {
            route.push_back(ws.pred_link[v]);
            v = net.link(gd::LinkId(ws.pred_link[v])).from.value;
        }
        route.push_back(q.from_link);
        std::reverse(route.begin(), route.end());
    }
}

void route_all(const gd::RoadNetwork& net, const sim::LinkCosts& costs, const std::vector<sim::RouteRequest>& requests,
               std::vector<sim::Route>& routes) {
    routes.resize(requests.size());
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
    for (std::uint32_t i = 0; i < requests.size(); ++i) {
        const auto& q = requests[i];
        const std::uint64_t hour = costs.time_invariant ? 0 : static_cast<std::uint64_t>(std::max(0, q.departure) / 3600) % 24;
        keyed.emplace_back((std::uint64_t{net.link(gd::LinkId(q.from_link)).to.value} << 8) | hour, i);
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<Group> groups;
    for (std::size_t i = 0; i < keyed.size(); ++i) {
        if (i == 0 || keyed[i].first != keyed[i - 1].first)
            groups.push_back({static_cast<std::uint32_t>(keyed[i].first >> 8), static_cast<std::uint32_t>(keyed[i].first & 0xff), {}});
        groups.back().requests.push_back(keyed[i].second);
    }
    std::vector<double> rate(24, std::numeric_limits<double>::infinity());
    for (std::size_t h = 0; h < 24; ++h) {
        for (const auto& l : net.links())
            if (l.length_m > 0.0) rate[h] = std::min(rate[h], static_cast<double>(costs.at(h, l.id.value)) / l.length_m);
        rate[h] = std::isfinite(rate[h]) ? std::max(0.0, rate[h] * (1.0 - 1e-6)) : 0.0;
    }
    const Graph graph(net);
    tbb::enumerable_thread_specific<Workspace> workspaces;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, groups.size(), 16), [&](const auto& range) {
        for (std::size_t g = range.begin(); g != range.end(); ++g)
            run_group(net, graph, costs, requests, groups[g], rate, workspaces.local(), routes);
    });
}

}  // namespace node_router

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

using RouteAll = void (*)(const gd::RoadNetwork&, const sim::LinkCosts&, const std::vector<sim::RouteRequest>&,
                         std::vector<sim::Route>&);

void link_router(const gd::RoadNetwork& net, const sim::LinkCosts& costs, const std::vector<sim::RouteRequest>& q,
                 std::vector<sim::Route>& routes) {
    sim::route_all(net, costs, q, routes);
}

// Best of `repeats` wall times of a router on `threads` threads.
double time_routing(RouteAll route_all, const gd::RoadNetwork& net, const sim::LinkCosts& costs,
                    const std::vector<sim::RouteRequest>& q, int threads, int repeats, std::size_t& unroutable) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        std::vector<sim::Route> routes;
        const auto t0 = Clock::now();
        route_all(net, costs, q, routes);
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

    const gd::LinkIndex index(net, sim::enterable_links(net));   // as the mobility run attaches trips
    std::vector<sim::RouteRequest> q;
    for (const auto& t : demand.trips) {
        if (!t.by_car()) continue;
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
        std::size_t unroutable = 0, peer_unroutable = 0;
        const double peer = time_routing(node_router::route_all, net, *costs, q, 1, repeats, peer_unroutable);
        const double one = time_routing(link_router, net, *costs, q, 1, repeats, unroutable);
        const double all = time_routing(link_router, net, *costs, q, cores, repeats, unroutable);
        fmt::print("  {:<9}  turns: 1 thread {:.3f} s, {} threads {:.3f} s (x{:.2f}); unroutable {}\n", label, one, cores,
                   all, one / all, unroutable);
        fmt::print("  {:<9}  node labels, no turns (peer): 1 thread {:.3f} s; turns / peer x{:.2f}; unroutable {}\n", "",
                   peer, one / peer, peer_unroutable);
    }
}
