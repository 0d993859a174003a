#include <citytwin/geodata/road_graph_builder.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

namespace citytwin::geodata {

namespace {

// Vertices are matched on a grid of the snap tolerance: two ways meet where they share
// a vertex (same grid cell), never where their segments merely cross (bridges).
struct VertexKey {
    std::int64_t x, y;
    bool operator==(const VertexKey&) const = default;
};
struct VertexKeyHash {
    std::size_t operator()(const VertexKey& k) const noexcept {
        return std::hash<std::int64_t>{}(k.x) ^ (std::hash<std::int64_t>{}(k.y) * 0x9e3779b97f4a7c15ULL);
    }
};

VertexKey cell_of(const Point& p, double tol) { return {std::llround(p.x / tol), std::llround(p.y / tol)}; }

// Maps every vertex to a canonical key: the first vertex seen within the tolerance
// (searching the 3×3 neighbouring grid cells) gives its key to all later ones, so two
// points closer than the tolerance are one node even across a cell border.
class VertexSnapper {
public:
    explicit VertexSnapper(double tol) : tol_(tol) {}
    VertexKey key(const Point& p) {
        const VertexKey c = cell_of(p, tol_);
        for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
                const auto it = cells_.find({c.x + dx, c.y + dy});
                if (it != cells_.end() && std::hypot(it->second.x - p.x, it->second.y - p.y) <= tol_)
                    return {c.x + dx, c.y + dy};
            }
        cells_.try_emplace(c, p);
        return c;
    }

private:
    double tol_;
    std::unordered_map<VertexKey, Point, VertexKeyHash> cells_;
};

Polyline without_repeats(const Polyline& pts, VertexSnapper& snap) {
    Polyline out;
    out.reserve(pts.size());
    VertexKey last{};
    for (const auto& p : pts) {
        const VertexKey k = snap.key(p);
        if (out.empty() || !(last == k)) out.push_back(p);
        last = k;
    }
    return out;
}

bool is_path_way(const RoadWay& w) { return w.modes_forward != 0 || w.modes_backward != 0; }

Link make_link(const RoadWay& way, const RoadClassTable& table, NodeId from, NodeId to, Polyline geom,
               bool reversed) {
    const RoadClassDefaults& d = table[static_cast<std::size_t>(way.road_class)];
    Link l;
    l.from = from;
    l.to = to;
    l.length_m = length(geom);
    l.freeflow_speed_mps = way.speed_kmh.value_or(d.speed_kmh) / 3.6;
    // OSM `lanes` counts both directions; a two-way road gets half (at least one).
    int lanes = d.lanes;
    if (way.total_lanes && *way.total_lanes >= 1.0) {
        const int total = static_cast<int>(*way.total_lanes);
        lanes = way.direction == OnewayDirection::Both ? std::max(1, total / 2) : total;
    }
    l.lanes = lanes;
    l.capacity_vph = lanes * d.capacity_per_lane;
    l.storage_veh = std::max(1.0, l.length_m * lanes / vehicle_spacing_m);
    l.road_class = way.road_class;
    l.name = way.name;
    l.source_id = way.source_id;
    l.reversed = reversed;
    l.roundabout = way.roundabout;
    l.tunnel = way.tunnel;
    l.active_modes = reversed ? way.modes_backward : way.modes_forward;
    l.path_kind = way.path_kind;
    l.geometry = std::move(geom);
    return l;
}

}  // namespace

RoadNetwork build_road_network(const std::vector<RoadWay>& ways, const GraphBuildOptions& options,
                               GraphBuildReport& report) {
    const double tol = options.snap_tolerance_m > 0.0 ? options.snap_tolerance_m : 1e-6;
    report.ways = ways.size();

    VertexSnapper snap(tol);
    std::vector<Polyline> clean(ways.size());
    std::unordered_map<VertexKey, std::uint32_t, VertexKeyHash> uses;
    for (std::size_t w = 0; w < ways.size(); ++w) {
        clean[w] = without_repeats(ways[w].points, snap);
        for (const auto& p : clean[w]) ++uses[snap.key(p)];
    }

    // Nodes: way ends, and vertices used more than once (shared with another way or a
    // loop of the same way). Ids in order of first appearance keep the build deterministic.
    std::unordered_map<VertexKey, NodeId, VertexKeyHash> node_of;
    std::vector<Node> nodes;
    auto node_at = [&](const Point& p) {
        auto [it, inserted] = node_of.try_emplace(snap.key(p), NodeId(static_cast<std::uint32_t>(nodes.size())));
        if (inserted) nodes.push_back(Node{.id = it->second, .position = p});
        return it->second;
    };

    std::vector<Link> links;
    for (std::size_t w = 0; w < ways.size(); ++w) {
        const Polyline& pts = clean[w];
        if (pts.size() < 2) continue;
        const RoadWay& way = ways[w];
        NodeId start = node_at(pts.front());
        Polyline piece{pts.front()};
        for (std::size_t i = 1; i < pts.size(); ++i) {
            piece.push_back(pts[i]);
            const bool is_node = (i + 1 == pts.size()) || uses[snap.key(pts[i])] > 1;
            if (!is_node) continue;
            const NodeId end = node_at(pts[i]);
            if (end != start) {  // a closed piece (from == to) cannot carry a trip
                const bool path = is_path_way(way);
                if (path ? way.modes_forward != 0 : way.direction != OnewayDirection::Backward)
                    links.push_back(make_link(way, options.class_table, start, end, piece, false));
                if (path ? way.modes_backward != 0 : way.direction != OnewayDirection::Forward) {
                    Polyline rev(piece.rbegin(), piece.rend());
                    links.push_back(make_link(way, options.class_table, end, start, std::move(rev), true));
                }
            }
            start = end;
            piece = {pts[i]};
        }
    }
    for (std::size_t i = 0; i < links.size(); ++i) links[i].id = LinkId(static_cast<std::uint32_t>(i));
    report.links_before_pruning = links.size();
    report.nodes_before_pruning = nodes.size();

    RoadNetwork full(std::move(nodes), std::move(links));
    if (!options.keep_largest_scc || full.node_count() == 0) {
        report.components = full.node_count() ? 1 : 0;
        return full;
    }

    std::vector<std::uint32_t> comp;
    report.components = strongly_connected_components(full, comp);
    std::vector<std::size_t> size(report.components, 0);
    for (auto c : comp) ++size[c];
    // Largest component; ties go to the one holding the lowest node id (first seen).
    std::uint32_t best = comp[0];
    for (std::size_t n = 0; n < comp.size(); ++n)
        if (size[comp[n]] > size[best]) best = comp[n];

    std::vector<NodeId> new_id(full.node_count());
    std::vector<Node> kept_nodes;
    for (const auto& n : full.nodes()) {
        if (comp[n.id.value] != best) continue;
        new_id[n.id.value] = NodeId(static_cast<std::uint32_t>(kept_nodes.size()));
        Node kept = n;  // junction control travels with the node
        kept.id = new_id[n.id.value];
        kept_nodes.push_back(kept);
    }
    for (Node& n : kept_nodes)
        if (n.controller.valid()) n.controller = new_id[n.controller.value];  // invalid when its head was dropped
    std::vector<Link> kept_links;
    for (const auto& l : full.links()) {
        if (comp[l.from.value] != best || comp[l.to.value] != best) continue;
        Link k = l;
        k.id = LinkId(static_cast<std::uint32_t>(kept_links.size()));
        k.from = new_id[l.from.value];
        k.to = new_id[l.to.value];
        kept_links.push_back(std::move(k));
    }
    report.dropped_links = full.link_count() - kept_links.size();
    report.dropped_nodes = full.node_count() - kept_nodes.size();
    return RoadNetwork(std::move(kept_nodes), std::move(kept_links));
}

std::size_t strongly_connected_components(const RoadNetwork& net, std::vector<std::uint32_t>& component) {
    // Iterative Tarjan: city graphs are deep enough to overflow a recursive one.
    const std::size_t n = net.node_count();
    constexpr std::uint32_t unvisited = UINT32_MAX;
    std::vector<std::uint32_t> index(n, unvisited), low(n, 0);
    std::vector<char> on_stack(n, 0);
    std::vector<std::uint32_t> stack;
    component.assign(n, unvisited);
    std::uint32_t next_index = 0, next_comp = 0;

    struct Frame {
        std::uint32_t node;
        std::size_t edge;
    };
    std::vector<Frame> call;
    for (std::uint32_t root = 0; root < n; ++root) {
        if (index[root] != unvisited) continue;
        call.push_back({root, 0});
        index[root] = low[root] = next_index++;
        stack.push_back(root);
        on_stack[root] = 1;
        while (!call.empty()) {
            Frame& f = call.back();
            const auto out = net.out_links(NodeId(f.node));
            if (f.edge < out.size()) {
                const std::uint32_t w = net.link(out.first[f.edge]).to.value;
                ++f.edge;
                if (index[w] == unvisited) {
                    index[w] = low[w] = next_index++;
                    stack.push_back(w);
                    on_stack[w] = 1;
                    call.push_back({w, 0});
                } else if (on_stack[w]) {
                    low[f.node] = std::min(low[f.node], index[w]);
                }
                continue;
            }
            const std::uint32_t v = f.node;
            call.pop_back();
            if (!call.empty()) low[call.back().node] = std::min(low[call.back().node], low[v]);
            if (low[v] == index[v]) {
                std::uint32_t w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    on_stack[w] = 0;
                    component[w] = next_comp;
                } while (w != v);
                ++next_comp;
            }
        }
    }
    return next_comp;
}

}  // namespace citytwin::geodata
