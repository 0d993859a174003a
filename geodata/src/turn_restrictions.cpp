#include <citytwin/geodata/text_match.hpp>
#include <citytwin/geodata/turn_restrictions.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>
#include <unordered_map>

namespace citytwin::geodata {

namespace {

// Members and links come from the same OSM coordinates through the same transformation:
// they agree to far better than this.
constexpr double same_point_m = 0.5;
// Bearings are taken this far from the via, so a short kink at the junction does not decide.
constexpr double bearing_reach_m = 15.0;

double distance(const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); }

double distance_to(const Polyline& line, const Point& p) {
    double best = line.empty() ? INFINITY : distance(line.front(), p);
    for (std::size_t i = 1; i < line.size(); ++i) {
        const Point& a = line[i - 1];
        const Point& b = line[i];
        const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
        const double t = len2 > 0.0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
        best = std::min(best, distance({a.x + t * dx, a.y + t * dy}, p));
    }
    return best;
}

std::optional<NodeId> node_at(const RoadNetwork& net, const Point& p) {
    std::optional<NodeId> best;
    double best_d = same_point_m;
    for (const auto& n : net.nodes())
        if (const double d = distance(n.position, p); d <= best_d) {
            best = n.id;
            best_d = d;
        }
    return best;
}

// The graph node where the two ways share a vertex (the via when the relation has no node member).
std::optional<NodeId> shared_node(const RoadNetwork& net, const Polyline& a, const Polyline& b) {
    for (const auto& p : a)
        for (const auto& q : b)
            if (distance(p, q) <= same_point_m)
                if (auto n = node_at(net, p)) return n;
    return std::nullopt;
}

// A link at the via follows a member way when its vertex next to the via lies on it.
bool follows(const Link& l, bool entering, const Polyline& way) {
    const auto& g = l.geometry;
    const Point& next = entering ? g[g.size() - 2] : g[1];
    const Point& via = entering ? g.back() : g.front();
    return distance_to(way, next) <= same_point_m && distance_to(way, via) <= same_point_m;
}

// Heading change from `from` into `to`, degrees in (-180, 180]; positive is a left turn.
double turn_angle(const Link& from, const Link& to) {
    const double lf = length(from.geometry), lt = length(to.geometry);
    const Point a = point_along(from.geometry, lf - std::min(lf, bearing_reach_m));
    const Point b = point_along(to.geometry, std::min(lt, bearing_reach_m));
    const Point& v = to.geometry.front();
    const double h1 = std::atan2(v.y - a.y, v.x - a.x), h2 = std::atan2(b.y - v.y, b.x - v.x);
    double d = (h2 - h1) * 180.0 / std::numbers::pi;
    while (d <= -180.0) d += 360.0;
    while (d > 180.0) d -= 360.0;
    return d;
}

double deviation(double angle, TurnKind kind) {
    double ideal = 0.0;
    switch (kind) {
        case TurnKind::Left: ideal = 90.0; break;
        case TurnKind::Right: ideal = -90.0; break;
        case TurnKind::UTurn: ideal = 180.0; break;
        case TurnKind::Straight: ideal = 0.0; break;
        case TurnKind::Any: return 0.0;
    }
    return 180.0 - std::abs(180.0 - std::abs(angle - ideal));
}

}  // namespace

std::optional<RestrictionType> parse_restriction_type(std::string_view value) {
    const std::string v = lowercase(value);
    RestrictionType t;
    std::string_view rest;
    if (v.starts_with("no_")) rest = std::string_view(v).substr(3);
    else if (v.starts_with("only_")) {
        t.only = true;
        rest = std::string_view(v).substr(5);
    } else {
        return std::nullopt;
    }
    if (rest == "left_turn") t.kind = TurnKind::Left;
    else if (rest == "right_turn") t.kind = TurnKind::Right;
    else if (rest == "straight_on") t.kind = TurnKind::Straight;
    else if (rest == "u_turn") t.kind = TurnKind::UTurn;
    return t;
}

std::optional<TurnRestriction> resolve_restriction(const RoadNetwork& net, const RestrictionRelation& rel,
                                                   std::string& why) {
    const auto& ways = rel.ways;
    if (ways.empty()) return why = "no way member is in the data", std::nullopt;
    if (rel.via_points.empty() && ways.size() > 2) return why = "the via is a way (not supported)", std::nullopt;
    if (ways.size() > 2 || rel.via_points.size() > 1)
        return why = "more than one from, via or to member (not supported)", std::nullopt;
    // One way member: from and to are the same way (a U-turn), or a member is missing.
    if (ways.size() == 1 && rel.type.kind != TurnKind::UTurn)
        return why = "only one way member is in the data", std::nullopt;

    std::optional<NodeId> via;
    if (!rel.via_points.empty()) via = node_at(net, rel.via_points.front());
    else if (ways.size() == 2) via = shared_node(net, ways[0], ways[1]);
    if (!via) return why = "the via is not a node of the road graph", std::nullopt;

    // Candidate (from, to) pairs in both member orders; the best fits the named turn,
    // then member order (mappers usually write from, via, to), then the lowest ids.
    const std::size_t last = ways.size() - 1;
    using Score = std::tuple<long, int, std::uint32_t, std::uint32_t>;
    std::optional<Score> best;
    std::size_t candidates = 0;
    for (int order = 0; order < (last == 0 ? 1 : 2); ++order) {
        const Polyline& from_way = ways[order == 0 ? 0 : last];
        const Polyline& to_way = ways[order == 0 ? last : 0];
        for (LinkId f : net.in_links(*via)) {
            const Link& from = net.link(f);
            if (!follows(from, true, from_way)) continue;
            for (LinkId t : net.out_links(*via)) {
                const Link& to = net.link(t);
                if (!follows(to, false, to_way)) continue;
                const bool back = to.to == from.from && to.source_id == from.source_id;
                if (back && last != 0 && rel.type.kind != TurnKind::UTurn) continue;
                ++candidates;
                // Whole degrees: near-equal fits count as a tie and member order decides.
                const Score s{std::lround(deviation(turn_angle(from, to), rel.type.kind)), order, f.value, t.value};
                if (!best || s < *best) best = s;
            }
        }
    }
    if (!best) return why = "no link at the via follows the from and to ways", std::nullopt;
    if (rel.type.kind == TurnKind::Any && candidates > 1)
        return why = "ambiguous: several from/to links fit and the type names no direction", std::nullopt;
    return TurnRestriction{LinkId(std::get<2>(*best)), LinkId(std::get<3>(*best)), rel.type.only, rel.source_id};
}

std::vector<RoadTurnLinks> resolve_road_turns(const RoadNetwork& net, const std::vector<RoadTurn>& turns) {
    std::unordered_map<std::int64_t, std::vector<LinkId>> by_road;
    for (const auto& l : net.links()) by_road[l.source_id].push_back(l.id);
    std::vector<RoadTurnLinks> out(turns.size());
    for (std::size_t i = 0; i < turns.size(); ++i) {
        const RoadTurn& rt = turns[i];
        const auto from = by_road.find(rt.from_id), to = by_road.find(rt.to_id);
        out[i].from_known = from != by_road.end();
        out[i].to_known = to != by_road.end();
        if (!out[i].from_known || !out[i].to_known) continue;
        std::vector<TurnRestriction> u_turns;
        for (LinkId f : from->second)
            for (LinkId t : to->second) {
                const Link& a = net.link(f);
                const Link& b = net.link(t);
                if (a.to != b.from) continue;
                if (rt.from_id == rt.to_id && b.to != a.from) continue;  // same road: its U-turn
                // Two roads that are the two directions of one street (a SUMO edge pair):
                // their turn back is the U-turn, meant only when they meet no other way.
                if (rt.from_id != rt.to_id && b.to == a.from) u_turns.push_back({f, t, rt.only, rt.source_id});
                else out[i].turns.push_back({f, t, rt.only, rt.source_id});
            }
        if (out[i].turns.empty()) out[i].turns = std::move(u_turns);
    }
    return out;
}

}  // namespace citytwin::geodata
