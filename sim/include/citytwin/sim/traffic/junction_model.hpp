#pragma once
// Junction control for the queue model: who may cross a node, when, and how fast.
//
// Built once per network. For every in-link it knows
//  * its turning groups: the out-links of its to-node sorted from the sharpest right to
//    the sharpest left turn and split into min(lanes, out-links) contiguous groups, one
//    queue each at the link end (SUMO meso's multi-queue), so a blocked left turn holds
//    only its own lane;
//  * its signal window (signals): green from green_start for green_s within the cycle,
//    shifted by the controller's offset;
//  * its priority rank and, when it yields, the gap-acceptance parameters that turn the
//    conflicting flow into a capacity (Siegloch 1973). Ranks follow the road class; where
//    one in-link alone has the top class, the in-link straight opposite it (the same road
//    from the other side, though its class changes here) is a main road too — SUMO
//    netconvert's rule — so it never yields to its own oncoming traffic;
//  * per movement, which streams it conflicts with (conflict_weights).
//
// Given plans: a green per in-link and/or per movement (in-link → out-link); a movement
// with its own green follows it, the others their in-link's. Generated fixed-time plans (when the data gives no greens), one documented rule:
//  approaches of a controller (in-links from outside its joined nodes) are grouped into
//  phases by the axis they come from (bearing mod 180°, within 45°: opposite approaches
//  share a phase); a controller with one axis gets a second, pedestrian phase; each
//  phase loses `lost_per_phase_s` (amber + all-red, HCM's default 4 s); the cycle is the
//  data's, else `cycle_s`; the effective green C − Σ lost is split between phases in
//  proportion to their largest approach capacity (Webster's equal-saturation rule with
//  equal demand per lane), at least `min_green_s` each.
#include <citytwin/geodata/city_model.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace citytwin::sim {

struct JunctionConfig {
    bool enabled = true;                 ///< false: every junction passes all (the old model)
    double cycle_s = 90.0;               ///< generated plans (SUMO's default cycle too)
    double lost_per_phase_s = 4.0;
    double min_green_s = 5.0;
    double pedestrian_green_s = 15.0;    ///< one-axis signals (a crossing on a straight road)
    /// veh/h per lane a queue discharges at in the green: a signalised in-link passes at most
    /// lanes × this (HCM 2010 base saturation flow: 1 900 pc/h/ln), or its capacity if lower.
    double saturation_flow_per_lane = 1900.0;
};

/// Gap acceptance of a yielding movement, per lane: critical gap and follow-up time (s).
struct GapAcceptance {
    double critical_gap_s = 0.0;
    double follow_up_s = 0.0;
};

/// Siegloch (1973) capacity of a minor stream, veh/h per lane, against a conflicting flow
/// q (veh/h): c = 3600 / t_f · exp(−q / 3600 · (t_c − t_f / 2)). As used in the German
/// HBS for unsignalised junctions and roundabouts.
double siegloch_capacity(double conflicting_vph, const GapAcceptance& g);

/// Parameters by control (HBS / HCM base values; see junction_model.cpp).
GapAcceptance gap_acceptance_for(geodata::JunctionControl control);

/// A signal window of one in-link.
struct SignalTiming {
    double cycle_s = 0.0;      ///< 0: not signalised
    double offset_s = 0.0;
    double green_start_s = 0.0;
    double green_s = 0.0;
    bool is_green(double t) const;
    /// First whole second ≥ t at which the link is green (t when it is green now).
    std::int64_t next_green(std::int64_t t) const;
};

struct InLinkControl {
    SignalTiming signal;
    std::uint8_t rank = 0;          ///< higher crosses first; yields to every higher rank at its node
    bool yields = false;            ///< capacity limited by the conflicting flow of higher ranks (or of all others: all-way)
    bool all_way = false;           ///< all-way stop / equal yield: conflicting = every other in-link
    GapAcceptance gap;
    std::uint8_t groups = 1;        ///< turning queues at the link end
};

class JunctionModel {
public:
    JunctionModel(const geodata::RoadNetwork& net, const JunctionConfig& config);

    const InLinkControl& control(std::uint32_t in_link) const { return in_[in_link]; }
    /// Turning group of the movement in_link → out_link (0 when the model is disabled).
    std::uint8_t group_of(std::uint32_t in_link, std::uint32_t out_link) const;
    /// Weight of each in-link's stream (in in_links() order of the node) in the conflicting
    /// flow of the movement in_link → out_link, whatever their ranks (right-hand traffic;
    /// HCM 2010 ch. 19, two-way stop control, conflicting flows by movement):
    ///  * a right turn merges with the near lane of the stream from its left (and of one
    ///    arriving alongside): 1 / that stream's lanes;
    ///  * straight on crosses the streams from both sides and merges with one alongside,
    ///    but not the opposing one, which passes it;
    ///  * a left turn (or U-turn) crosses every stream.
    /// All-way control: every other stream, whatever the movement.
    const float* conflict_weights(std::uint32_t in_link, std::uint32_t out_link) const;
    /// The movement's own green when the data gives one (else the in-link's applies).
    const SignalTiming* movement_signal(std::uint32_t in_link, std::uint32_t out_link) const;
    bool has_movement_signals(std::uint32_t in_link) const {
        return !movement_offset_.empty() && movement_offset_[in_link + 1] > movement_offset_[in_link];
    }
    geodata::JunctionControl node_control(std::uint32_t node) const { return node_control_[node]; }
    bool enabled() const { return enabled_; }

    /// One row per signalised in-link: the plan in force (for the result tables).
    struct PlanRow {
        std::uint32_t node, controller, in_link;
        double cycle_s, offset_s, green_start_s, green_s;
        bool generated;
        std::uint32_t to_link = UINT32_MAX;   ///< a movement's own green; UINT32_MAX: every movement
    };
    const std::vector<PlanRow>& signal_plans() const { return plans_; }

private:
    void build_signals(const geodata::RoadNetwork& net, const JunctionConfig& config);
    void build_priorities(const geodata::RoadNetwork& net);
    void build_groups(const geodata::RoadNetwork& net);
    void build_conflicts(const geodata::RoadNetwork& net);
    void promote_opposite_of_single_top(const geodata::RoadNetwork& net, geodata::RoadNetwork::Range in);

    bool enabled_ = true;
    std::vector<InLinkControl> in_;
    std::vector<geodata::JunctionControl> node_control_;
    // Per in-link, the group of each out-link of its to-node in out_links() order.
    std::vector<std::uint32_t> group_offset_;
    std::vector<std::uint8_t> group_by_out_;
    // Per (in-link, out-link) in the layout of group_by_out_: conflict_offset_ into
    // conflict_weight_, one weight per in-link of the node.
    std::vector<std::uint32_t> conflict_offset_;
    std::vector<float> conflict_weight_;
    std::vector<PlanRow> plans_;
    // Movement greens given by the data, per in-link (CSR, by out-link).
    std::vector<std::uint32_t> movement_offset_;
    std::vector<std::pair<std::uint32_t, SignalTiming>> movements_;
    const geodata::RoadNetwork* net_ = nullptr;
};

}  // namespace citytwin::sim
