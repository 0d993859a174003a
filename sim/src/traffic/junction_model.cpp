#include <citytwin/sim/traffic/junction_model.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <tuple>

namespace citytwin::sim {

namespace {

using geodata::JunctionControl;
using geodata::Link;
using geodata::LinkId;
using geodata::NodeId;
using geodata::RoadNetwork;

constexpr double deg = 180.0 / std::numbers::pi;

/// Direction (radians, counter-clockwise from east) in which a link arrives at its to-node.
double arrival_bearing(const Link& l) {
    const auto& g = l.geometry;
    if (g.size() < 2) return 0.0;
    const auto& a = g[g.size() - 2];
    const auto& b = g.back();
    return std::atan2(b.y - a.y, b.x - a.x);
}

/// Direction in which a link leaves its from-node.
double departure_bearing(const Link& l) {
    const auto& g = l.geometry;
    if (g.size() < 2) return 0.0;
    return std::atan2(g[1].y - g[0].y, g[1].x - g[0].x);
}

/// Turn from in to out in degrees, (−180, 180]: negative right, positive left, 180 a U-turn.
double turn_angle(const Link& in, const Link& out) {
    double a = (departure_bearing(out) - arrival_bearing(in)) * deg;
    while (a <= -180.0) a += 360.0;
    while (a > 180.0) a -= 360.0;
    if (in.from == out.to && std::abs(a) > 170.0) a = 180.0;  // going back where it came from
    return a;
}

/// Distinct neighbour nodes: a node with two is a bend or a change of road, not a junction.
std::size_t neighbours(const RoadNetwork& net, NodeId n) {
    std::vector<std::uint32_t> ids;
    for (const LinkId l : net.in_links(n)) ids.push_back(net.link(l).from.value);
    for (const LinkId l : net.out_links(n)) ids.push_back(net.link(l).to.value);
    std::sort(ids.begin(), ids.end());
    return static_cast<std::size_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
}

std::uint8_t class_rank(geodata::RoadClass c) {
    return static_cast<std::uint8_t>(geodata::road_class_count - static_cast<std::size_t>(c));
}

double positive_fmod(double a, double m) {
    const double r = std::fmod(a, m);
    return r < 0 ? r + m : r;
}

/// Where b's traffic comes from, seen by a driver arriving on a, in degrees [−180, 180):
/// −90 from the left, +90 from the right, ±180 oncoming, 0 alongside.
double relative_approach(const Link& a, const Link& b) {
    return positive_fmod((arrival_bearing(b) - arrival_bearing(a)) * deg + 180.0, 360.0) - 180.0;
}

}  // namespace

double siegloch_capacity(double conflicting_vph, const GapAcceptance& g) {
    return 3600.0 / g.follow_up_s * std::exp(-conflicting_vph / 3600.0 * (g.critical_gap_s - g.follow_up_s / 2.0));
}

GapAcceptance gap_acceptance_for(JunctionControl control) {
    switch (control) {
        // Stop sign: HCM 2010 two-way stop control, minor-street through movement
        // (base critical headway 6.5 s, follow-up 4.0 s; 3.3–4.0 over the movements).
        case JunctionControl::Stop: return {6.5, 3.5};
        // Roundabout entry against the circulating flow: HBS 2001 / Brilon's single-lane
        // roundabout values (t_c 4.1 s, t_f 2.9 s).
        case JunctionControl::Roundabout: return {4.1, 2.9};
        // Give way / minor road at a priority junction: HBS base values for urban
        // junctions (t_c 5.5 s, t_f 2.6 s).
        default: return {5.5, 2.6};
    }
}

bool SignalTiming::is_green(double t) const {
    if (cycle_s <= 0.0) return true;
    const double in_cycle = positive_fmod(t - offset_s - green_start_s, cycle_s);
    return in_cycle < green_s;
}

std::int64_t SignalTiming::next_green(std::int64_t t) const {
    if (cycle_s <= 0.0 || green_s <= 0.0 || is_green(static_cast<double>(t))) return t;
    const double in_cycle = positive_fmod(static_cast<double>(t) - offset_s - green_start_s, cycle_s);
    auto next = static_cast<std::int64_t>(std::ceil(static_cast<double>(t) + (cycle_s - in_cycle)));
    while (!is_green(static_cast<double>(next))) ++next;  // rounding at the window's edge
    return next;
}

JunctionModel::JunctionModel(const RoadNetwork& net, const JunctionConfig& config)
    : enabled_(config.enabled), in_(net.link_count()), node_control_(net.node_count()), net_(&net) {
    for (const auto& n : net.nodes()) node_control_[n.id.value] = n.control;
    build_groups(net);
    if (!enabled_) return;
    build_signals(net, config);
    build_priorities(net);
    build_conflicts(net);
}

void JunctionModel::build_conflicts(const RoadNetwork& net) {
    conflict_offset_.assign(group_offset_.back(), 0);
    for (const Link& a : net.links()) {
        const auto in = net.in_links(a.to);
        const auto out = net.out_links(a.to);
        for (std::size_t i = 0; i < out.size(); ++i) {
            conflict_offset_[group_offset_[a.id.value] + i] = static_cast<std::uint32_t>(conflict_weight_.size());
            const double turn = turn_angle(a, net.link(out.first[i]));
            for (std::size_t j = 0; j < in.size(); ++j) {
                const Link& b = net.link(in.first[j]);
                float w = 1.0f;
                if (b.id == a.id) {
                    w = 0.0f;
                } else if (!in_[a.id.value].all_way) {
                    const double rel = relative_approach(a, b);
                    const bool oncoming = std::abs(rel) > 135.0;
                    const bool from_left = rel >= -135.0 && rel <= -45.0;
                    const bool alongside = std::abs(rel) < 45.0;
                    if (turn < -30.0) w = from_left || alongside ? 1.0f / static_cast<float>(std::max(1, b.lanes)) : 0.0f;
                    else if (turn <= 30.0) w = oncoming ? 0.0f : 1.0f;
                }
                conflict_weight_.push_back(w);
            }
        }
    }
}

void JunctionModel::build_groups(const RoadNetwork& net) {
    group_offset_.assign(net.link_count() + 1, 0);
    for (const Link& l : net.links())
        group_offset_[l.id.value + 1] = group_offset_[l.id.value] + static_cast<std::uint32_t>(net.out_links(l.to).size());
    group_by_out_.assign(group_offset_.back(), 0);
    if (!enabled_) return;
    std::vector<std::pair<double, std::size_t>> by_angle;
    for (const Link& l : net.links()) {
        const auto out = net.out_links(l.to);
        const std::size_t k = out.size();
        const std::size_t q = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, l.lanes)), 1, std::max<std::size_t>(1, k));
        in_[l.id.value].groups = static_cast<std::uint8_t>(std::min<std::size_t>(q, 255));
        if (q == 1) continue;
        by_angle.clear();
        for (std::size_t i = 0; i < k; ++i) by_angle.emplace_back(turn_angle(l, net.link(out.first[i])), i);
        std::stable_sort(by_angle.begin(), by_angle.end());  // sharpest right first, U-turn last
        for (std::size_t r = 0; r < k; ++r)
            group_by_out_[group_offset_[l.id.value] + by_angle[r].second] = static_cast<std::uint8_t>(r * q / k);
    }
}

std::uint8_t JunctionModel::group_of(std::uint32_t in_link, std::uint32_t out_link) const {
    if (in_[in_link].groups <= 1) return 0;
    const auto out = net_->out_links(net_->link(LinkId(in_link)).to);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (out.first[i].value == out_link) return group_by_out_[group_offset_[in_link] + i];
    return 0;
}

const float* JunctionModel::conflict_weights(std::uint32_t in_link, std::uint32_t out_link) const {
    const auto out = net_->out_links(net_->link(LinkId(in_link)).to);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (out.first[i].value == out_link) return conflict_weight_.data() + conflict_offset_[group_offset_[in_link] + i];
    return nullptr;
}

const SignalTiming* JunctionModel::movement_signal(std::uint32_t in_link, std::uint32_t out_link) const {
    if (!has_movement_signals(in_link)) return nullptr;
    for (std::uint32_t i = movement_offset_[in_link]; i < movement_offset_[in_link + 1]; ++i)
        if (movements_[i].first == out_link) return &movements_[i].second;
    return nullptr;
}

void JunctionModel::build_signals(const RoadNetwork& net, const JunctionConfig& config) {
    auto controller_of = [&](NodeId n) {
        const auto& node = net.node(n);
        if (node.control != JunctionControl::Signal) return NodeId();
        return node.controller.valid() ? node.controller : n;
    };
    std::map<std::uint32_t, std::vector<std::uint32_t>> approaches;  // controller → in-links from outside
    for (const auto& node : net.nodes()) {
        const NodeId c = controller_of(node.id);
        if (!c.valid()) continue;
        for (const LinkId l : net.in_links(node.id))
            if (controller_of(net.link(l).from) != c) approaches[c.value].push_back(l.value);
    }
    std::vector<const geodata::SignalGreen*> given(net.link_count(), nullptr);
    std::vector<std::vector<const geodata::SignalGreen*>> given_movements(net.link_count());
    for (const auto& g : net.signal_greens()) {
        if (g.in_link.value >= given.size()) continue;
        if (g.to_link.valid()) given_movements[g.in_link.value].push_back(&g);
        else given[g.in_link.value] = &g;
    }
    std::vector<std::vector<std::pair<std::uint32_t, SignalTiming>>> movements(net.link_count());

    for (auto& [controller, links] : approaches) {
        const auto& head = net.node(NodeId(controller));
        const double cycle = head.cycle_s > 0 ? head.cycle_s : config.cycle_s;
        const double offset = head.offset_s;
        const bool has_given = std::any_of(links.begin(), links.end(),
                                           [&](auto l) { return given[l] != nullptr || !given_movements[l].empty(); });
        auto set = [&](std::uint32_t l, double start, double green, bool generated) {
            SignalTiming& s = in_[l].signal;
            s = {cycle, offset, start, std::min(green, cycle)};
            plans_.push_back({net.link(LinkId(l)).to.value, controller, l, cycle, offset, start, s.green_s, generated});
        };
        if (has_given) {
            for (const auto l : links) {
                if (given[l]) set(l, given[l]->start_s, given[l]->duration_s, false);
                for (const auto* g : given_movements[l]) {
                    const SignalTiming t{cycle, offset, g->start_s, std::min<double>(g->duration_s, cycle)};
                    movements[l].emplace_back(g->to_link.value, t);
                    plans_.push_back({net.link(LinkId(l)).to.value, controller, l, cycle, offset, t.green_start_s,
                                      t.green_s, false, g->to_link.value});
                }
            }
            continue;
        }
        // Phases by approach axis (bearing mod 180°).
        std::vector<std::pair<double, std::uint32_t>> axes;
        for (const auto l : links) axes.emplace_back(positive_fmod(arrival_bearing(net.link(LinkId(l))) * deg, 180.0), l);
        std::sort(axes.begin(), axes.end());
        std::vector<std::vector<std::uint32_t>> phases;
        double phase_axis = -1e9;
        for (const auto& [axis, l] : axes) {
            if (phases.empty() || axis - phase_axis > 45.0) {
                phases.emplace_back();
                phase_axis = axis;
            }
            phases.back().push_back(l);
        }
        if (phases.size() > 1 && axes.front().first + 180.0 - phase_axis <= 45.0) {  // wraps round to the first
            phases.front().insert(phases.front().end(), phases.back().begin(), phases.back().end());
            phases.pop_back();
        }
        const bool pedestrian = phases.size() == 1;
        const double lost = config.lost_per_phase_s * static_cast<double>(phases.size() + (pedestrian ? 1 : 0));
        const double effective = std::max(config.min_green_s * static_cast<double>(phases.size()),
                                          cycle - lost - (pedestrian ? config.pedestrian_green_s : 0.0));
        std::vector<double> weight;
        double total = 0.0;
        for (const auto& p : phases) {
            double w = 0.0;
            for (const auto l : p) w = std::max(w, net.link(LinkId(l)).capacity_vph);
            weight.push_back(std::max(w, 1.0));
            total += weight.back();
        }
        double start = 0.0;
        for (std::size_t i = 0; i < phases.size(); ++i) {
            const double green = std::max(config.min_green_s, effective * weight[i] / total);
            for (const auto l : phases[i]) set(l, start, green, true);
            start += green + config.lost_per_phase_s;
        }
    }
    std::sort(plans_.begin(), plans_.end(),
              [](const PlanRow& a, const PlanRow& b) { return std::tie(a.in_link, a.to_link) < std::tie(b.in_link, b.to_link); });
    movement_offset_.assign(net.link_count() + 1, 0);
    for (std::size_t l = 0; l < movements.size(); ++l) {
        movement_offset_[l + 1] = movement_offset_[l] + static_cast<std::uint32_t>(movements[l].size());
        movements_.insert(movements_.end(), movements[l].begin(), movements[l].end());
    }
}

// One in-link alone has the top class: the one straight opposite it (within 45°) is the
// same main road from the other side, whatever its class here (SUMO netconvert's rule).
void JunctionModel::promote_opposite_of_single_top(const RoadNetwork& net, geodata::RoadNetwork::Range in) {
    std::uint8_t top = 0;
    for (const LinkId l : in) top = std::max(top, in_[l.value].rank);
    LinkId main;
    std::size_t at_top = 0;
    for (const LinkId l : in)
        if (in_[l.value].rank == top) {
            main = l;
            ++at_top;
        }
    if (at_top != 1) return;
    LinkId opposite;
    double best = 45.0;  // degrees off exactly oncoming
    for (const LinkId l : in) {
        if (l == main) continue;
        const double off = 180.0 - std::abs(relative_approach(net.link(main), net.link(l)));
        if (off < best) {
            best = off;
            opposite = l;
        }
    }
    if (opposite.valid()) in_[opposite.value].rank = top;
}

void JunctionModel::build_priorities(const RoadNetwork& net) {
    for (const auto& node : net.nodes()) {
        const auto in = net.in_links(node.id);
        if (in.size() < 2 || node.control == JunctionControl::Signal || node.control == JunctionControl::Uncontrolled)
            continue;
        if (neighbours(net, node.id) < 3) continue;  // a bend or a change of road: nothing conflicts
        if (node.control == JunctionControl::Roundabout) {
            // Circulating links (flagged, or coming from another roundabout node) have priority.
            bool any_flag = false;
            for (const LinkId l : in) any_flag = any_flag || net.link(l).roundabout;
            for (const LinkId l : in) {
                const Link& link = net.link(l);
                const bool circulating =
                    any_flag ? link.roundabout : net.node(link.from).control == JunctionControl::Roundabout;
                in_[l.value].rank = circulating ? 1 : 0;
            }
        } else {
            for (const LinkId l : in) in_[l.value].rank = class_rank(net.link(l).road_class);
            promote_opposite_of_single_top(net, in);
        }
        std::uint8_t top = 0, bottom = 255;
        for (const LinkId l : in) {
            top = std::max(top, in_[l.value].rank);
            bottom = std::min(bottom, in_[l.value].rank);
        }
        const GapAcceptance gap = gap_acceptance_for(node.control);
        if (top == bottom) {
            // Equal approaches: a priority junction of equals is first come, first served
            // (capacity-weighted shares); equal signs make every approach yield to all others.
            if (node.control == JunctionControl::Stop || node.control == JunctionControl::Yield)
                for (const LinkId l : in) in_[l.value] = {{}, 0, true, true, gap, in_[l.value].groups};
            else
                for (const LinkId l : in) in_[l.value].rank = 0;
            continue;
        }
        for (const LinkId l : in)
            if (in_[l.value].rank < top) {
                in_[l.value].yields = true;
                in_[l.value].gap = gap;
            }
    }
}

}  // namespace citytwin::sim
