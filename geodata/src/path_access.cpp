#include <citytwin/geodata/osm_values.hpp>
#include <citytwin/geodata/path_access.hpp>

namespace citytwin::geodata {

namespace {

bool denies(std::string_view v) {
    return v == "no" || v == "private" || v == "agricultural" || v == "forestry" || v == "emergency" ||
           v == "use_sidepath";   // told to use the separate way drawn beside
}
bool grants(std::string_view v) {
    return v == "yes" || v == "designated" || v == "permissive" || v == "destination" || v == "customers" ||
           v == "official";
}
// One mode's access: its own tag wins, then the general access tag, then the default.
bool allowed(std::string_view own, std::string_view access, bool by_default) {
    if (denies(own) || own == "dismount") return false;
    if (grants(own)) return true;
    if (denies(access)) return false;
    return by_default;
}

}  // namespace

std::optional<PathAccess> path_access(const PathTags& t, std::optional<RoadClass> car_class) {
    PathAccess a;
    bool walk_default = true, bike_default = true;
    if (car_class) {
        if (*car_class == RoadClass::Motorway || *car_class == RoadClass::MotorwayLink) return std::nullopt;
        if (t.motorroad == "yes") return std::nullopt;
        a.kind = PathKind::Street;
    } else if (const auto kind = path_kind_from_osm(t.highway)) {
        a.kind = *kind;
        bike_default = *kind == PathKind::Cycleway || *kind == PathKind::Path;
        // A bridleway is for horses and walkers; tracks and paths are open to all.
        if (t.highway == "bridleway") bike_default = false;
    } else {
        return std::nullopt;
    }
    if (a.kind == PathKind::Steps) bike_default = false;
    const bool walk = allowed(t.foot, t.access, walk_default);
    const bool bike = allowed(t.bicycle, t.access, bike_default);
    if (!walk && !bike) return std::nullopt;

    // Cyclists follow the way's oneway (a street's, a cycleway's own), unless exempted.
    OnewayDirection bike_dir = parse_oneway(t.oneway, t.junction, false);
    if (t.oneway_bicycle == "no" || t.cycleway.starts_with("opposite")) bike_dir = OnewayDirection::Both;
    else if (!t.oneway_bicycle.empty()) bike_dir = parse_oneway(t.oneway_bicycle, "", false);
    const std::uint8_t w = walk ? walk_access : 0;
    a.forward = w | ((bike && bike_dir != OnewayDirection::Backward) ? bike_access : 0);
    a.backward = w | ((bike && bike_dir != OnewayDirection::Forward) ? bike_access : 0);
    if (a.forward == 0 && a.backward == 0) return std::nullopt;
    return a;
}

}  // namespace citytwin::geodata
