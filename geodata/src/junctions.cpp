#include <citytwin/geodata/junctions.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <unordered_map>

namespace citytwin::geodata {

namespace {

double distance(const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Nodes bucketed on a square grid, so a radius query looks at a few cells instead of
// every node. Answers are decided by (distance, id), never by bucket order.
class NodeGrid {
public:
    NodeGrid(const std::vector<Node>& nodes, double cell) : nodes_(nodes), cell_(std::max(cell, 1.0)) {
        for (const auto& n : nodes) cells_[key(cell_of(n.position.x), cell_of(n.position.y))].push_back(n.id);
    }

    /// Nearest node within r for which accept(id) holds; ties go to the lowest id.
    template <typename Accept>
    std::optional<NodeId> nearest(const Point& p, double r, Accept accept) const {
        std::optional<NodeId> best;
        double best_d = r;
        each_within(p, r, [&](NodeId id, double d) {
            if (!accept(id)) return;
            if (!best || d < best_d || (d == best_d && id < *best)) {
                best = id;
                best_d = d;
            }
        });
        return best;
    }

    template <typename Visit>
    void each_within(const Point& p, double r, Visit visit) const {
        for (std::int64_t cx = cell_of(p.x - r); cx <= cell_of(p.x + r); ++cx)
            for (std::int64_t cy = cell_of(p.y - r); cy <= cell_of(p.y + r); ++cy) {
                const auto it = cells_.find(key(cx, cy));
                if (it == cells_.end()) continue;
                for (NodeId id : it->second) {
                    const double d = distance(p, nodes_[id.value].position);
                    if (d <= r) visit(id, d);
                }
            }
    }

private:
    std::int64_t cell_of(double v) const { return static_cast<std::int64_t>(std::floor(v / cell_)); }
    static std::uint64_t key(std::int64_t x, std::int64_t y) {
        return (static_cast<std::uint64_t>(x) << 32) ^ (static_cast<std::uint64_t>(y) & 0xffffffffULL);
    }
    const std::vector<Node>& nodes_;
    double cell_;
    std::unordered_map<std::uint64_t, std::vector<NodeId>> cells_;
};

// Which of two controls a node keeps when OSM says both (a signal wins over a sign).
int rank(JunctionControl c) {
    switch (c) {
        case JunctionControl::Signal: return 5;
        case JunctionControl::Roundabout: return 4;
        case JunctionControl::Stop: return 3;
        case JunctionControl::Yield: return 2;
        case JunctionControl::Uncontrolled: return 1;
        case JunctionControl::Priority: return 0;
    }
    return 0;
}

}  // namespace

std::size_t node_degree(const RoadNetwork& net, NodeId n) {
    std::vector<std::uint32_t> neighbours;
    for (LinkId l : net.out_links(n)) neighbours.push_back(net.link(l).to.value);
    for (LinkId l : net.in_links(n)) neighbours.push_back(net.link(l).from.value);
    std::sort(neighbours.begin(), neighbours.end());
    return static_cast<std::size_t>(std::unique(neighbours.begin(), neighbours.end()) - neighbours.begin());
}

std::size_t mark_roundabouts(const RoadNetwork& net, std::vector<Node>& nodes) {
    std::size_t marked = 0;
    for (auto& node : nodes) {
        bool ring_ends = false, other_enters = false;
        for (LinkId l : net.in_links(node.id)) (net.link(l).roundabout ? ring_ends : other_enters) = true;
        if (!ring_ends || !other_enters || node.control == JunctionControl::Signal) continue;
        node.control = JunctionControl::Roundabout;
        ++marked;
    }
    return marked;
}

void match_junction_marks(const RoadNetwork& net, std::vector<Node>& nodes, const std::vector<JunctionMark>& marks,
                          const JunctionMatchOptions& options, JunctionMatchReport& report) {
    const double max_r = std::max({options.signal_join_m, options.sign_join_m, options.on_node_m});
    const NodeGrid grid(nodes, max_r);
    std::vector<std::size_t> degree(nodes.size());
    for (const auto& n : nodes) degree[n.id.value] = node_degree(net, n.id);
    auto any = [](NodeId) { return true; };
    auto junction = [&](NodeId id) { return degree[id.value] >= 3; };

    for (const auto& mark : marks) {
        const bool signal = mark.control == JunctionControl::Signal;
        (signal ? report.signals : report.signs) += 1;
        const double r = signal ? options.signal_join_m : options.sign_join_m;
        std::optional<NodeId> target;
        if (!options.osm_rules) {
            target = grid.nearest(mark.position, r, any);
        } else {
            // On a junction: that one. On an approach: the nearest junction. Alone on a
            // plain node (a mid-block crossing signal): that node.
            const auto on = grid.nearest(mark.position, options.on_node_m, any);
            if (on && junction(*on)) target = on;
            else target = grid.nearest(mark.position, r, junction);
            if (!target) target = on;
        }
        if (!target) {
            (signal ? report.signals_unmatched : report.signs_unmatched) += 1;
            continue;
        }
        Node& node = nodes[target->value];
        if (options.osm_rules && rank(mark.control) < rank(node.control)) continue;
        node.control = mark.control;
        if (mark.cycle_s > 0.0f) node.cycle_s = mark.cycle_s;
        if (mark.offset_s != 0.0f) node.offset_s = mark.offset_s;
    }
}

std::size_t assign_signal_controllers(std::vector<Node>& nodes, double join_m) {
    // Union-find over signalised nodes; the root is always the lowest id of its group.
    std::vector<std::uint32_t> parent(nodes.size());
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&](std::uint32_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    };
    const NodeGrid grid(nodes, join_m);
    for (const auto& n : nodes) {
        if (n.control != JunctionControl::Signal) continue;
        grid.each_within(n.position, join_m, [&](NodeId other, double) {
            if (nodes[other.value].control != JunctionControl::Signal) return;
            const std::uint32_t a = find(n.id.value), b = find(other.value);
            if (a != b) parent[std::max(a, b)] = std::min(a, b);
        });
    }
    std::size_t controllers = 0;
    for (auto& n : nodes) {
        if (n.control != JunctionControl::Signal) {
            n.controller = NodeId();
            continue;
        }
        n.controller = NodeId(find(n.id.value));
        if (n.controller == n.id) ++controllers;
    }
    return controllers;
}

RoadNetwork with_nodes(const RoadNetwork& net, std::vector<Node> nodes) {
    RoadNetwork out(std::move(nodes), net.links());
    out.set_turn_restrictions(net.turn_restrictions());
    out.set_signal_greens(net.signal_greens());
    return out;
}

}  // namespace citytwin::geodata
