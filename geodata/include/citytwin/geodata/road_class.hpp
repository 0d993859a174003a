#pragma once
// Road classes (OSM highway values are the vocabulary) and their documented defaults:
// free-flow speed, lanes per direction, capacity per lane. README "Road defaults"
// shows the same table; a scenario can override any value.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citytwin::geodata {

enum class RoadClass : std::uint8_t {
    Motorway,
    MotorwayLink,
    Trunk,
    TrunkLink,
    Primary,
    PrimaryLink,
    Secondary,
    SecondaryLink,
    Tertiary,
    TertiaryLink,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
    Road,
};

inline constexpr std::size_t road_class_count = 15;

struct RoadClassDefaults {
    double speed_kmh;           ///< free-flow speed when no maxspeed is known
    int lanes;                  ///< lanes per direction when no lanes tag is known
    double capacity_per_lane;   ///< veh/h per lane
};

using RoadClassTable = std::array<RoadClassDefaults, road_class_count>;

/// veh/h one lane passes at one vehicle per free-flow headway: 3600 / (1.13 s + 7.5 m / v).
double free_flow_lane_capacity(double speed_kmh);

/// The built-in defaults (README "Road defaults").
const RoadClassTable& default_road_class_table();

std::string_view to_string(RoadClass c);
/// OSM highway value -> class; nullopt for non-drivable values (footway, cycleway …).
std::optional<RoadClass> road_class_from_osm(std::string_view highway);

/// What a link of the path network (walking and cycling) is: a street walkers and cyclists
/// share with cars, or a way of their own (OSM highway=cycleway, footway, pedestrian, path
/// and its kin, steps).
enum class PathKind : std::uint8_t { Street, Cycleway, Footway, Pedestrian, Path, Steps };
inline constexpr std::size_t path_kind_count = 6;
std::string_view to_string(PathKind k);
/// OSM highway value of a way for walkers/cyclists only -> kind (footway, sidewalk-style
/// values, path, track, bridleway, cycleway, pedestrian, steps); nullopt otherwise.
std::optional<PathKind> path_kind_from_osm(std::string_view highway);

/// Who may use a link of the path network, per direction (Link::active_modes).
inline constexpr std::uint8_t walk_access = 1;   ///< on foot (always both ways)
inline constexpr std::uint8_t bike_access = 2;   ///< riding a bike (a cyclist may push it where only walking is allowed)

/// Mean length one queued vehicle occupies (m): storage = length × lanes / this.
inline constexpr double vehicle_spacing_m = 7.5;

}  // namespace citytwin::geodata
