#pragma once
// Turn restrictions from data resolved to links of a built RoadNetwork: OSM
// type=restriction relations (member geometries without roles, as GDAL's OSM driver
// gives them) and tables that name road feature ids. Pure functions: no files, no GDAL.
#include <citytwin/geodata/city_model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citytwin::geodata {

/// The manoeuvre a restriction names; Any for no_entry/no_exit-like values.
enum class TurnKind : std::uint8_t { Left, Right, Straight, UTurn, Any };

struct RestrictionType {
    bool only = false;
    TurnKind kind = TurnKind::Any;
};
/// "no_left_turn", "only_straight_on", "no_u_turn" … (any case); nullopt unless no_* or only_*.
std::optional<RestrictionType> parse_restriction_type(std::string_view value);

/// One restriction relation: its members' geometries in member order, in the working CRS.
struct RestrictionRelation {
    std::int64_t source_id = -1;
    RestrictionType type;
    std::vector<Point> via_points;    ///< node members (the via)
    std::vector<Polyline> ways;       ///< way members (from, to; order not guaranteed)
};

/// The links of `net` the relation means, or nullopt with the reason in `why`.
/// The via is the point member (else the node the two ways share); from/to are the links
/// at the via whose geometry follows a way member. When both orders fit, the turn the
/// type names (left/right/straight/u, by bearings) decides; when that ties, member order.
std::optional<TurnRestriction> resolve_restriction(const RoadNetwork& net, const RestrictionRelation& relation,
                                                   std::string& why);

/// A restriction given by road feature ids (Link::source_id), e.g. a table row.
struct RoadTurn {
    std::int64_t from_id = -1;
    std::int64_t to_id = -1;
    bool only = false;
    std::int64_t source_id = -1;   ///< row
};
struct RoadTurnLinks {
    bool from_known = false, to_known = false;   ///< the network has a link of that road
    std::vector<TurnRestriction> turns;          ///< empty when the roads do not meet
};
/// Per road turn: from a link of `from_id` into a link of `to_id`, at each node where one
/// ends and the other starts (never straight back along the same road unless from == to).
std::vector<RoadTurnLinks> resolve_road_turns(const RoadNetwork& net, const std::vector<RoadTurn>& turns);

}  // namespace citytwin::geodata
