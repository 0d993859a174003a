#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/text_match.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

namespace citytwin::geodata {

namespace {
// CSR adjacency: ids grouped by node, in link-id order within each node (counting sort).
void build_csr(std::size_t node_count, const std::vector<Link>& links, bool outgoing,
               std::vector<std::uint32_t>& offsets, std::vector<LinkId>& ids) {
    offsets.assign(node_count + 1, 0);
    for (const auto& l : links) ++offsets[(outgoing ? l.from : l.to).value + 1];
    for (std::size_t i = 1; i < offsets.size(); ++i) offsets[i] += offsets[i - 1];
    ids.resize(links.size());
    std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (const auto& l : links) ids[fill[(outgoing ? l.from : l.to).value]++] = l.id;
}
}  // namespace

RoadNetwork::RoadNetwork(std::vector<Node> nodes, std::vector<Link> links)
    : nodes_(std::move(nodes)), links_(std::move(links)) {
    build_csr(nodes_.size(), links_, true, out_offsets_, out_ids_);
    build_csr(nodes_.size(), links_, false, in_offsets_, in_ids_);
}

RoadNetwork::Range RoadNetwork::out_links(NodeId n) const {
    return {out_ids_.data() + out_offsets_[n.value], out_ids_.data() + out_offsets_[n.value + 1]};
}

RoadNetwork::Range RoadNetwork::in_links(NodeId n) const {
    return {in_ids_.data() + in_offsets_[n.value], in_ids_.data() + in_offsets_[n.value + 1]};
}

void RoadNetwork::set_turn_restrictions(std::vector<TurnRestriction> r) {
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) {
        return std::tie(a.from, a.to, a.only) < std::tie(b.from, b.to, b.only);
    });
    restrictions_ = std::move(r);
}

void RoadNetwork::set_signal_greens(std::vector<SignalGreen> g) {
    std::stable_sort(g.begin(), g.end(), [](const auto& a, const auto& b) { return a.in_link < b.in_link; });
    greens_ = std::move(g);
}

bool RoadNetwork::turn_allowed(LinkId from, LinkId to) const {
    auto it = std::lower_bound(restrictions_.begin(), restrictions_.end(), from,
                               [](const TurnRestriction& r, LinkId f) { return r.from < f; });
    bool has_only = false, only_match = false;
    for (; it != restrictions_.end() && it->from == from; ++it) {
        if (it->only) {
            has_only = true;
            only_match = only_match || it->to == to;
        } else if (it->to == to) {
            return false;
        }
    }
    return !has_only || only_match;
}

std::string_view to_string(JunctionControl c) {
    switch (c) {
        case JunctionControl::Priority: return "priority";
        case JunctionControl::Uncontrolled: return "uncontrolled";
        case JunctionControl::Signal: return "signal";
        case JunctionControl::Stop: return "stop";
        case JunctionControl::Yield: return "yield";
        case JunctionControl::Roundabout: return "roundabout";
    }
    return "priority";
}

std::optional<JunctionControl> junction_control_from(std::string_view text) {
    const std::string t = lowercase(text);
    if (t == "signal" || t == "signals" || t == "traffic_signals" || t == "traffic_light") return JunctionControl::Signal;
    if (t == "priority" || t == "major") return JunctionControl::Priority;
    if (t == "stop" || t == "all_stop" || t == "allway_stop") return JunctionControl::Stop;
    if (t == "yield" || t == "give_way") return JunctionControl::Yield;
    if (t == "roundabout") return JunctionControl::Roundabout;
    if (t == "uncontrolled" || t == "none" || t == "right_before_left") return JunctionControl::Uncontrolled;
    return std::nullopt;
}

std::string_view to_string(BuildingUse u) {
    switch (u) {
        case BuildingUse::Residential: return "residential";
        case BuildingUse::Commercial: return "commercial";
        case BuildingUse::Industrial: return "industrial";
        case BuildingUse::Public: return "public";
        case BuildingUse::Other: return "other";
    }
    return "other";
}

std::string_view to_string(HeightSource s) {
    switch (s) {
        case HeightSource::Height: return "height";
        case HeightSource::Levels: return "levels";
        case HeightSource::Default: return "default";
    }
    return "default";
}

bool Raster::contains(const Point& p) const {
    return p.x >= origin_x && p.x < origin_x + width * cell_size && p.y <= origin_y &&
           p.y > origin_y - height * cell_size;
}

float Raster::sample(const Point& p) const {
    // Cell centres are at origin + (i + 0.5) × size; interpolate between the four around p.
    const double fx = (p.x - origin_x) / cell_size - 0.5;
    const double fy = (origin_y - p.y) / cell_size - 0.5;
    const int x0 = static_cast<int>(std::floor(fx)), y0 = static_cast<int>(std::floor(fy));
    auto at = [&](int x, int y) {
        x = std::clamp(x, 0, width - 1);
        y = std::clamp(y, 0, height - 1);
        return values[static_cast<std::size_t>(y) * width + x];
    };
    if (!contains(p) || width == 0 || height == 0) return nodata;
    const float v00 = at(x0, y0), v10 = at(x0 + 1, y0), v01 = at(x0, y0 + 1), v11 = at(x0 + 1, y0 + 1);
    if (v00 == nodata || v10 == nodata || v01 == nodata || v11 == nodata) return nodata;
    const double tx = fx - x0, ty = fy - y0;
    return static_cast<float>((v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty);
}

}  // namespace citytwin::geodata
