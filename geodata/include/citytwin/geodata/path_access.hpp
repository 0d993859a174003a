#pragma once
// Who may walk and who may ride a bike on a way, in which direction, from its OSM tags
// (or the same vocabulary in other sources). The rules follow OSM's access conventions
// (wiki "Key:access", "OSM tags for routing/Access restrictions"; worldwide defaults) as
// bicycle and foot routers apply them (OSRM's bicycle and foot profiles): motorways and
// motorroads are for motor traffic only; footways, pedestrian streets, steps and
// bridleways are walked (a cyclist pushes the bike there); cycleways, paths and tracks are
// ridden and walked; `access=no|private` shuts everyone out unless `foot`/`bicycle` let
// them back in; a street's oneway binds cyclists unless `oneway:bicycle=no` or a contraflow
// `cycleway=opposite*`; walkers go both ways everywhere.
#include <citytwin/geodata/road_class.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace citytwin::geodata {

/// The tag values of one way ("" when absent).
struct PathTags {
    std::string_view highway, access, foot, bicycle, oneway, oneway_bicycle, cycleway, junction, motorroad;
};

struct PathAccess {
    PathKind kind = PathKind::Street;
    std::uint8_t forward = 0, backward = 0;   ///< walk_access | bike_access, per digitised direction
};

/// `car_class`: the way's class when cars may drive it (then it is a Street; its class
/// decides motorway exclusion), else the highway value decides. nullopt: nobody walks or
/// rides there (a motorway, a way tagged foot=no and bicycle=no, a value that is no way).
std::optional<PathAccess> path_access(const PathTags& tags, std::optional<RoadClass> car_class);

}  // namespace citytwin::geodata
