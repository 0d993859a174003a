#include <citytwin/geodata/road_class.hpp>

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

const RoadClassTable& default_road_class_table() {
    // speed km/h, lanes per direction, capacity veh/h per lane. Capacities follow the
    // usual macroscopic planning values (HCM-style: ~2000/lane on motorways, less where
    // junctions interrupt flow); the README table is this one.
    static const RoadClassTable table{{
        {110.0, 2, 2000.0},  // motorway
        {60.0, 1, 1500.0},   // motorway_link
        {90.0, 2, 1800.0},   // trunk
        {50.0, 1, 1500.0},   // trunk_link
        {60.0, 1, 1500.0},   // primary
        {40.0, 1, 1200.0},   // primary_link
        {50.0, 1, 1200.0},   // secondary
        {40.0, 1, 1000.0},   // secondary_link
        {40.0, 1, 1000.0},   // tertiary
        {30.0, 1, 900.0},    // tertiary_link
        {40.0, 1, 800.0},    // unclassified
        {30.0, 1, 600.0},    // residential
        {10.0, 1, 300.0},    // living_street
        {20.0, 1, 400.0},    // service
        {40.0, 1, 800.0},    // road (unknown class)
    }};
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
