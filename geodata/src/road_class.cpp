#include <citytwin/geodata/road_class.hpp>

#include <cmath>
#include <utility>

namespace citytwin::geodata {

namespace {
struct ClassName {
    RoadClass cls;
    std::string_view osm;
};
constexpr std::array<ClassName, road_class_count> class_names{{
    {RoadClass::Motorway, "motorway"},       {RoadClass::MotorwayLink, "motorway_link"},
    {RoadClass::Trunk, "trunk"},             {RoadClass::TrunkLink, "trunk_link"},
    {RoadClass::Primary, "primary"},         {RoadClass::PrimaryLink, "primary_link"},
    {RoadClass::Secondary, "secondary"},     {RoadClass::SecondaryLink, "secondary_link"},
    {RoadClass::Tertiary, "tertiary"},       {RoadClass::TertiaryLink, "tertiary_link"},
    {RoadClass::Unclassified, "unclassified"}, {RoadClass::Residential, "residential"},
    {RoadClass::LivingStreet, "living_street"}, {RoadClass::Service, "service"},
    {RoadClass::Road, "road"},
}};
}  // namespace

double free_flow_lane_capacity(double speed_kmh) {
    constexpr double headway_s = 1.13;   // SUMO meso's free-flow headway tau_ff
    constexpr double vehicle_m = 7.5;    // vehicle length + gap, as the storage
    return 3600.0 / (headway_s + vehicle_m / (speed_kmh / 3.6));
}

const RoadClassTable& default_road_class_table() {
    // speed km/h, lanes per direction, capacity veh/h per lane. The capacity is what a lane
    // passes when nothing at its end holds it up: one vehicle per free-flow headway,
    // 3600 / (1.13 s + 7.5 m / v) (SUMO meso's; 1 773 at 30 km/h, 2 278 at 60 km/h, near
    // HCM 2010's base saturation flow of 1 900 pc/h/ln). Junctions take their own toll
    // (signals: green share and saturation flow; minor roads: gap acceptance), so these are
    // not the lower "planning" capacities of models without junctions (MATSim's 600 veh/h
    // for a residential lane), which counted the junctions twice: Monaco with its
    // commuters locked up with them. The README table is this one.
    static const RoadClassTable table = [] {
        RoadClassTable t{{
            {110.0, 2, 0.0},  // motorway
            {60.0, 1, 0.0},   // motorway_link
            {90.0, 2, 0.0},   // trunk
            {50.0, 1, 0.0},   // trunk_link
            {60.0, 1, 0.0},   // primary
            {40.0, 1, 0.0},   // primary_link
            {50.0, 1, 0.0},   // secondary
            {40.0, 1, 0.0},   // secondary_link
            {40.0, 1, 0.0},   // tertiary
            {30.0, 1, 0.0},   // tertiary_link
            {40.0, 1, 0.0},   // unclassified
            {30.0, 1, 0.0},   // residential
            {10.0, 1, 0.0},   // living_street
            {20.0, 1, 0.0},   // service
            {40.0, 1, 0.0},   // road (unknown class)
        }};
        for (auto& d : t) d.capacity_per_lane = std::round(free_flow_lane_capacity(d.speed_kmh));
        return t;
    }();
    return table;
}

std::string_view to_string(RoadClass c) { return class_names[static_cast<std::size_t>(c)].osm; }

std::optional<RoadClass> road_class_from_osm(std::string_view highway) {
    for (const auto& cn : class_names)
        if (cn.osm == highway) return cn.cls;
    return std::nullopt;
}

std::string_view to_string(PathKind k) {
    static constexpr std::array<std::string_view, path_kind_count> names{"street",     "cycleway", "footway",
                                                                         "pedestrian", "path",     "steps"};
    return names[static_cast<std::size_t>(k)];
}

std::optional<PathKind> path_kind_from_osm(std::string_view highway) {
    if (highway == "cycleway") return PathKind::Cycleway;
    if (highway == "footway" || highway == "sidewalk" || highway == "crossing" || highway == "corridor")
        return PathKind::Footway;
    if (highway == "pedestrian") return PathKind::Pedestrian;
    if (highway == "path" || highway == "track" || highway == "bridleway") return PathKind::Path;
    if (highway == "steps") return PathKind::Steps;
    return std::nullopt;
}

}  // namespace citytwin::geodata
