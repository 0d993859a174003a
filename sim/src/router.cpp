#include <citytwin/sim/router.hpp>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace citytwin::sim {

LinkCosts LinkCosts::free_flow(const geodata::RoadNetwork& net) {
    LinkCosts c;
    c.link_count = net.link_count();
    c.seconds.resize(c.link_count * hours_per_day);
    c.time_invariant = true;
    for (std::size_t h = 0; h < hours_per_day; ++h)
        for (const auto& l : net.links())
            c.seconds[h * c.link_count + l.id.value] = static_cast<float>(l.length_m / l.freeflow_speed_mps);
    return c;
}

double route_cost(const LinkCosts& costs, const Route& route, std::int32_t departure) {
    const std::size_t hour = static_cast<std::size_t>(std::max(0, departure) / 3600);
    double sum = 0.0;
    for (std::size_t i = 1; i < route.size(); ++i) sum += costs.at(hour, route[i]);
    return sum;
}

namespace {

// Per-thread Dijkstra state. Arrays are reset lazily through the touched list, so a
// small tree costs what it visits, not the size of the city.
struct Workspace {
    std::vector<double> dist;
    std::vector<std::uint32_t> pred_link;
    std::vector<std::uint32_t> target_mark;
    std::vector<std::uint32_t> touched;
    std::uint32_t stamp = 0;
};

constexpr std::uint32_t no_link = std::numeric_limits<std::uint32_t>::max();

// The graph as the search touches it: out-edges of a node contiguous, with the head node
// and link id side by side. A relaxation reads 8 bytes here instead of a whole Link
// (name, geometry …) scattered in memory.
struct SearchGraph {
    std::vector<std::uint32_t> first;   ///< node -> index of its first out-edge; size nodes + 1
    std::vector<std::uint32_t> head;    ///< edge -> node it leads to
    std::vector<std::uint32_t> link;    ///< edge -> link id
    std::vector<geodata::Point> position;

    explicit SearchGraph(const geodata::RoadNetwork& net) {
        first.reserve(net.node_count() + 1);
        for (const auto& node : net.nodes()) {
            first.push_back(static_cast<std::uint32_t>(head.size()));
            for (const geodata::LinkId lid : net.out_links(node.id)) {
                head.push_back(net.link(lid).to.value);
                link.push_back(lid.value);
            }
            position.push_back(node.position);
        }
        first.push_back(static_cast<std::uint32_t>(head.size()));
    }
};

struct Group {
    std::uint32_t origin_node;
    std::uint32_t hour;
    std::vector<std::uint32_t> requests;  ///< indices into the request list, ascending
};

void run_group(const geodata::RoadNetwork& net, const SearchGraph& graph, const LinkCosts& costs,
               const std::vector<RouteRequest>& requests, const Group& g, const std::vector<double>& min_s_per_m,
               Workspace& ws, std::vector<Route>& routes) {
    const std::size_t n = net.node_count();
    if (ws.dist.size() != n) {
        ws.dist.assign(n, std::numeric_limits<double>::infinity());
        ws.pred_link.assign(n, no_link);
        ws.target_mark.assign(n, 0);
    }
    for (auto v : ws.touched) {
        ws.dist[v] = std::numeric_limits<double>::infinity();
        ws.pred_link[v] = no_link;
    }
    ws.touched.clear();
    ++ws.stamp;
    std::size_t targets_left = 0;
    for (auto r : g.requests) {
        const std::uint32_t t = net.link(geodata::LinkId(requests[r].to_link)).from.value;
        if (ws.target_mark[t] != ws.stamp) {
            ws.target_mark[t] = ws.stamp;
            ++targets_left;
        }
    }

    // A group with a single destination runs A* toward it: straight-line distance times
    // the smallest cost per metre of this hour never overestimates the time left (links
    // are at least as long as the line between their nodes), so the path is still a
    // fastest one. A tree for several destinations runs plain Dijkstra.
    const bool single_target = targets_left == 1;
    const geodata::Point goal =
        net.node(net.link(geodata::LinkId(requests[g.requests.front()].to_link)).from).position;
    auto h = [&](std::uint32_t v) {
        if (!single_target) return 0.0;
        const geodata::Point& p = graph.position[v];
        return std::hypot(p.x - goal.x, p.y - goal.y) * min_s_per_m[g.hour];
    };
    const float* hour_costs = costs.seconds.data() + (g.hour % hours_per_day) * costs.link_count;
    // (key, node): ties settle the lower node id first, so trees are reproducible.
    using Entry = std::pair<double, std::uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    ws.dist[g.origin_node] = 0.0;
    ws.touched.push_back(g.origin_node);
    heap.push({h(g.origin_node), g.origin_node});
    while (!heap.empty() && targets_left > 0) {
        const auto [key, v] = heap.top();
        heap.pop();
        const double d = ws.dist[v];
        if (key > d + h(v)) continue;  // stale entry
        if (ws.target_mark[v] == ws.stamp) {
            ws.target_mark[v] = 0;
            --targets_left;
        }
        for (std::uint32_t e = graph.first[v]; e < graph.first[v + 1]; ++e) {
            const std::uint32_t w = graph.head[e];
            const double nd = d + hour_costs[graph.link[e]];
            if (nd < ws.dist[w]) {
                if (ws.dist[w] == std::numeric_limits<double>::infinity()) ws.touched.push_back(w);
                ws.dist[w] = nd;
                ws.pred_link[w] = graph.link[e];
                heap.push({nd + h(w), w});
            }
        }
    }
    // Unsettled targets left marked would confuse the next group using this workspace.
    for (auto r : g.requests) ws.target_mark[net.link(geodata::LinkId(requests[r].to_link)).from.value] = 0;

    for (auto r : g.requests) {
        const RouteRequest& q = requests[r];
        Route& route = routes[r];
        route.clear();
        if (q.from_link == q.to_link) {
            route.push_back(q.from_link);
            continue;
        }
        const std::uint32_t target = net.link(geodata::LinkId(q.to_link)).from.value;
        if (ws.dist[target] == std::numeric_limits<double>::infinity()) continue;  // unroutable
        if (std::isinf(hour_costs[q.to_link])) continue;   // the destination link itself is closed
        route.push_back(q.to_link);
        for (std::uint32_t v = target; v != g.origin_node;) {
            const std::uint32_t l = ws.pred_link[v];
            route.push_back(l);
            v = net.link(geodata::LinkId(l)).from.value;
        }
        route.push_back(q.from_link);
        std::reverse(route.begin(), route.end());
    }
}

}  // namespace

void route_all(const geodata::RoadNetwork& net, const LinkCosts& costs, const std::vector<RouteRequest>& requests,
               std::vector<Route>& routes) {
    routes.resize(requests.size());
    // Group by (origin node, hour) in a fixed order: sort request indices by that key.
    std::vector<std::uint32_t> order;
    order.reserve(requests.size());
    for (std::uint32_t i = 0; i < requests.size(); ++i)
        if (requests[i].active) order.push_back(i);
    auto key = [&](std::uint32_t i) {
        const auto& q = requests[i];
        const std::uint64_t node = net.link(geodata::LinkId(q.from_link)).to.value;
        const std::uint64_t hour =
            costs.time_invariant ? 0 : static_cast<std::uint64_t>(std::max(0, q.departure) / 3600) % hours_per_day;
        return (node << 8) | hour;
    };
    // Sort (key, request) pairs: computing keys inside the comparator would look up a
    // Link per comparison. Pairs are unique, so the order is fixed without stability.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
    keyed.reserve(order.size());
    for (const auto i : order) keyed.emplace_back(key(i), i);
    std::sort(keyed.begin(), keyed.end());
    std::vector<Group> groups;
    for (std::size_t i = 0; i < keyed.size(); ++i) {
        const auto [k, request] = keyed[i];
        if (i == 0 || k != keyed[i - 1].first)
            groups.push_back({static_cast<std::uint32_t>(k >> 8), static_cast<std::uint32_t>(k & 0xff), {}});
        groups.back().requests.push_back(request);
    }
    // Per hour, the smallest cost per metre of any link (the A* estimate's rate), shrunk
    // by 1e-6 so float rounding of link costs cannot make the estimate exceed a true cost.
    std::vector<double> min_s_per_m(hours_per_day, std::numeric_limits<double>::infinity());
    for (std::size_t h = 0; h < hours_per_day; ++h) {
        for (const auto& l : net.links())
            if (l.length_m > 0.0)
                min_s_per_m[h] = std::min(min_s_per_m[h], static_cast<double>(costs.at(h, l.id.value)) / l.length_m);
        min_s_per_m[h] = std::isfinite(min_s_per_m[h]) ? std::max(0.0, min_s_per_m[h] * (1.0 - 1e-6)) : 0.0;
    }
    const SearchGraph graph(net);
    tbb::enumerable_thread_specific<Workspace> workspaces;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, groups.size(), 16), [&](const auto& range) {
        Workspace& ws = workspaces.local();
        for (std::size_t g = range.begin(); g != range.end(); ++g) run_group(net, graph, costs, requests, groups[g], min_s_per_m, ws, routes);
    });
}

}  // namespace citytwin::sim
