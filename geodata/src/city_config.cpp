#include <citytwin/geodata/city_config.hpp>

namespace citytwin::geodata {

namespace {
void set_if_empty(std::string& field, const char* value) {
    if (field.empty()) field = value;
}
}  // namespace

// Names follow assets/osmconf.ini: GDAL turns "building:levels" into building_levels.
void apply_osm_defaults(RoadLayerConfig& c) {
    set_if_empty(c.layer, "lines");
    set_if_empty(c.where, "highway IS NOT NULL");
    set_if_empty(c.id_field, "osm_id");
    set_if_empty(c.class_field, "highway");
    set_if_empty(c.speed_field, "maxspeed");
    set_if_empty(c.lanes_field, "lanes");
    set_if_empty(c.oneway_field, "oneway");
    set_if_empty(c.junction_field, "junction");
    set_if_empty(c.name_field, "name");
    if (c.access_fields.empty()) c.access_fields = {"access", "motor_vehicle", "motorcar"};
    set_if_empty(c.general_access_field, "access");
    set_if_empty(c.foot_field, "foot");
    set_if_empty(c.bicycle_field, "bicycle");
    set_if_empty(c.oneway_bicycle_field, "oneway_bicycle");
    set_if_empty(c.cycleway_field, "cycleway");
    set_if_empty(c.motorroad_field, "motorroad");
    set_if_empty(c.tunnel_field, "tunnel");
}

void apply_osm_defaults(BuildingLayerConfig& c) {
    set_if_empty(c.layer, "multipolygons");
    set_if_empty(c.where, "building IS NOT NULL");
    set_if_empty(c.height_field, "height");
    set_if_empty(c.levels_field, "building_levels");
    set_if_empty(c.use_field, "building");
    set_if_empty(c.id_field, "osm_way_id,osm_id");  // closed ways, then relations
}

void apply_osm_defaults(AccessPointLayerConfig& c) {
    set_if_empty(c.layer, "points");
    set_if_empty(c.where, "internet_access IN ('wlan', 'yes', 'wifi')");
    set_if_empty(c.id_field, "osm_id");
    set_if_empty(c.name_field, "name");
    set_if_empty(c.height_field, "height");
}

}  // namespace citytwin::geodata
