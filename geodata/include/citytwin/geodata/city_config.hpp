#pragma once
// What to load and how to read it: sources, layers and which field means what.
// Filled by scenarios/ from a YAML file; geodata never reads YAML itself.
#include <citytwin/geodata/road_class.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace citytwin::geodata {

/// One vector layer of one source. Empty field names mean "not mapped".
struct LayerSource {
    std::string source;         ///< resolved path or GDAL connection string
    std::string layer;          ///< empty: the source's only layer (or the OSM default)
    std::string where;          ///< OGR attribute filter (SQL WHERE syntax)
    std::string crs;            ///< CRS to assume when the layer has none
    std::string id_field;       ///< empty: the feature id
};

struct RoadLayerConfig : LayerSource {
    std::string class_field;
    /// Ordered (pattern, class) pairs; '*' is a wildcard. Empty: values are OSM highway values.
    std::vector<std::pair<std::string, std::string>> class_map;
    std::string default_class;  ///< class for features the map does not match; empty: skip them
    std::string speed_field;    ///< maxspeed-style values ("50", "30 mph", "SE:urban")
    std::string lanes_field;    ///< total lanes (both directions) as in OSM
    std::string oneway_field;   ///< yes/true/1, -1/reverse, no
    std::string junction_field; ///< "roundabout" implies oneway
    std::string name_field;
    std::vector<std::string> access_fields;  ///< "no"/"private" on any of them excludes the road
    /// The path network (walking and cycling) from the same layer (geodata/path_access.hpp).
    bool paths = true;
    std::string general_access_field;   ///< OSM `access`: shuts walkers and cyclists out too
    std::string foot_field;
    std::string bicycle_field;
    std::string oneway_bicycle_field;   ///< OSM `oneway:bicycle`
    std::string cycleway_field;         ///< OSM `cycleway` (`opposite*`: contraflow cycling)
    std::string motorroad_field;        ///< `yes`: motor traffic only
    std::string tunnel_field;           ///< set and not `no`: underground, no trip starts there
    double snap_tolerance_m = 0.01;          ///< vertices closer than this are one node
    /// Given signal greens (s within the to-node's cycle) for the feature's digitised direction.
    std::string signal_green_start_field;
    std::string signal_green_duration_field;
    /// OSM: a traffic signal on an approach controls the nearest junction this close, and
    /// signalised nodes this close form one controller (SUMO's --tls.join-dist).
    double signal_join_distance_m = 20.0;
    /// OSM: a stop / give-way sign on an approach belongs to the nearest junction this close.
    double sign_join_distance_m = 15.0;
};

struct BuildingLayerConfig : LayerSource {
    std::string height_field;
    std::string levels_field;
    std::string use_field;
    std::string residents_field;   ///< optional: people living there (new districts)
    std::string jobs_field;        ///< optional: workplaces there
    double level_height_m = 3.0;
    double default_levels = 3.0;
};

struct AccessPointLayerConfig : LayerSource {
    std::string name_field;
    std::string power_field;      ///< dBm
    std::string frequency_field;  ///< GHz (values > 100 are read as MHz)
    std::string channel_field;
    std::string height_field;     ///< m
    double default_power_dbm = 20.0;
    double default_frequency_ghz = 2.4;
    int default_channel = 6;
    double default_height_m = 4.0;
};

struct DistrictLayerConfig : LayerSource {
    std::string name_field;
    std::string population_field;
};

/// Points that say how junctions are controlled; each goes to the nearest node within join_distance_m.
struct JunctionLayerConfig : LayerSource {
    std::string control_field = "control";   ///< signal|priority|stop|yield|roundabout|uncontrolled
    std::string cycle_field;    ///< s; empty: `cycle_s` when the layer has it
    std::string offset_field;   ///< s; empty: `offset_s` when the layer has it
    double join_distance_m = 5.0;
};

/// A table (any GDAL source, CSV is fine) of turns named by road feature ids (Link::source_id).
struct TurnRestrictionTableConfig : LayerSource {
    std::string from_field = "from_id";
    std::string to_field = "to_id";
    std::string type_field = "restriction";   ///< no_* (banned) or only_* (imposed)
};

/// A table of movement greens named by road feature ids: the turn from `from` into `to`
/// has green from start for duration within its junction's cycle (SUMO's per-connection
/// tlLogic states; a city's signal timing sheets).
struct SignalGreenTableConfig : LayerSource {
    std::string from_field = "from_id";
    std::string to_field = "to_id";
    std::string start_field = "green_start_s";
    std::string duration_field = "green_duration_s";
};

struct ElevationConfig {
    std::string source;
    double resolution_m = 30.0;
};

/// A GTFS feed (a .zip or a folder of .txt tables) and the service day to take from it.
struct TransitConfig {
    std::string source;   ///< resolved path
    std::string date;     ///< YYYY-MM-DD; empty: the feed's busiest day
};

struct CityConfig {
    std::string name;
    std::string crs;                 ///< working CRS; empty: UTM zone of the data's centre
    std::string attribution;
    std::optional<RoadLayerConfig> roads;
    std::optional<BuildingLayerConfig> buildings;
    std::optional<AccessPointLayerConfig> access_points;
    std::optional<DistrictLayerConfig> districts;
    std::optional<ElevationConfig> elevation;
    std::optional<JunctionLayerConfig> junctions;
    std::optional<TurnRestrictionTableConfig> turn_restrictions;
    std::optional<SignalGreenTableConfig> signal_greens;
    std::optional<TransitConfig> transit;
    /// Per-class overrides of the default table (README "Road defaults").
    std::map<RoadClass, RoadClassDefaults> road_defaults;
};

/// Throws Error when `definition` is not a CRS GDAL/PROJ know ("EPSG:3006", WKT, PROJ).
/// `projected`: also require a projected (metric) CRS.
void check_crs(const std::string& definition, bool projected);

/// Fills empty mapping fields with the OSM defaults (GDAL OSM driver layer and tag names).
void apply_osm_defaults(RoadLayerConfig& c);
void apply_osm_defaults(BuildingLayerConfig& c);
void apply_osm_defaults(AccessPointLayerConfig& c);

}  // namespace citytwin::geodata
