#pragma once
// The city model: plain data with ids, in one metric working CRS. Components are held
// by shared_ptr<const …> so that a variant copies pointers, not 200k buildings: a
// what-if replaces only the component it edits (copy-on-write).
#include <citytwin/geodata/geometry.hpp>
#include <citytwin/geodata/ids.hpp>
#include <citytwin/geodata/road_class.hpp>
#include <citytwin/geodata/timetable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace citytwin::geodata {

/// How a junction decides who may cross (see sim/traffic/junction_model.hpp for the rules).
/// Priority is the default where the data says nothing: the major road (higher class)
/// has right of way, as in SUMO's netconvert; Uncontrolled means equal approaches.
enum class JunctionControl : std::uint8_t { Priority, Uncontrolled, Signal, Stop, Yield, Roundabout };
inline constexpr std::size_t junction_control_count = 6;
std::string_view to_string(JunctionControl c);
/// "signal", "traffic_signals", "priority", "stop", "yield", "give_way", "roundabout",
/// "uncontrolled" (any case); nullopt otherwise.
std::optional<JunctionControl> junction_control_from(std::string_view text);

struct Node {
    NodeId id;
    Point position;
    JunctionControl control = JunctionControl::Priority;
    float cycle_s = 0.0f;    ///< signal: cycle length given by the data; 0 = derived from the approaches
    float offset_s = 0.0f;   ///< signal: start of the cycle's first green, s after midnight mod cycle
    /// Signalised nodes joined into one controller (a junction drawn as several nodes)
    /// share this id: the lowest node id of the group. Invalid when not a signal.
    NodeId controller = NodeId();
};

/// A turn the data forbids (only = false: from → to is banned) or imposes (only = true:
/// from may continue only to `to`). The turn is at from's to-node.
struct TurnRestriction {
    LinkId from;
    LinkId to;
    bool only = false;
    std::int64_t source_id = -1;   ///< relation / table row it came from
};

/// A given signal plan entry: the in-link has green from start_s for duration_s within
/// its to-node's cycle (SUMO tlLogic, or a plan table). Links without one get a generated plan.
/// With a valid to_link the green is that movement's only (a right turn green all cycle
/// beside a straight-on green of half of it); without, every movement's.
struct SignalGreen {
    LinkId in_link;
    float start_s = 0.0f;
    float duration_s = 0.0f;
    LinkId to_link;
};

/// A directed road link between two intersections (or dead ends).
struct Link {
    LinkId id;
    NodeId from;
    NodeId to;
    double length_m = 0.0;
    double freeflow_speed_mps = 0.0;
    int lanes = 1;                 ///< lanes in this direction
    double capacity_vph = 0.0;     ///< flow capacity, vehicles per hour
    double storage_veh = 0.0;      ///< vehicles that fit queued on the link
    RoadClass road_class = RoadClass::Road;
    std::string name;
    std::int64_t source_id = -1;   ///< feature id in the source (OSM way id for OSM)
    bool reversed = false;         ///< true when the link runs against the digitised direction
    bool roundabout = false;       ///< part of a roundabout ring (OSM junction=roundabout|circular)
    bool tunnel = false;           ///< underground (OSM tunnel=*): nobody's trip starts or ends here
    /// Path network only: walk_access | bike_access in this direction, and what the way is.
    /// 0 on the road network (its links are for motor traffic).
    std::uint8_t active_modes = 0;
    PathKind path_kind = PathKind::Street;
    Polyline geometry;             ///< from -> to
};

/// Directed road graph; out-links of every node are contiguous (CSR), sorted by link id.
class RoadNetwork {
public:
    RoadNetwork() = default;
    RoadNetwork(std::vector<Node> nodes, std::vector<Link> links);

    const std::vector<Node>& nodes() const { return nodes_; }
    const std::vector<Link>& links() const { return links_; }
    const Node& node(NodeId id) const { return nodes_[id.value]; }
    const Link& link(LinkId id) const { return links_[id.value]; }
    std::size_t node_count() const { return nodes_.size(); }
    std::size_t link_count() const { return links_.size(); }

    /// Links leaving a node, as a contiguous range of link ids.
    struct Range {
        const LinkId* first;
        const LinkId* last;
        const LinkId* begin() const { return first; }
        const LinkId* end() const { return last; }
        std::size_t size() const { return static_cast<std::size_t>(last - first); }
    };
    Range out_links(NodeId n) const;
    Range in_links(NodeId n) const;

    /// Junction data beside the graph (sorted by (from, to) / in_link; ids must be valid).
    const std::vector<TurnRestriction>& turn_restrictions() const { return restrictions_; }
    const std::vector<SignalGreen>& signal_greens() const { return greens_; }
    void set_turn_restrictions(std::vector<TurnRestriction> r);
    void set_signal_greens(std::vector<SignalGreen> g);
    /// Whether the data allows the turn from → to (restrictions only; U-turns are the router's rule).
    bool turn_allowed(LinkId from, LinkId to) const;

private:
    std::vector<Node> nodes_;
    std::vector<Link> links_;
    std::vector<TurnRestriction> restrictions_;
    std::vector<SignalGreen> greens_;
    std::vector<std::uint32_t> out_offsets_, in_offsets_;
    std::vector<LinkId> out_ids_, in_ids_;
};

enum class BuildingUse : std::uint8_t { Residential, Commercial, Industrial, Public, Other };
std::string_view to_string(BuildingUse u);
/// Use of an OSM building value ("apartments", "office", "school" …); Other when unknown.
BuildingUse building_use_of(const std::string& tag);

/// Where a building's height came from (the fallback chain).
enum class HeightSource : std::uint8_t { Height, Levels, Default };
std::string_view to_string(HeightSource s);

struct Building {
    BuildingId id;
    std::int64_t source_id = -1;
    MultiPolygon footprint;
    double height_m = 0.0;
    double levels = 0.0;
    HeightSource height_source = HeightSource::Default;
    BuildingUse use = BuildingUse::Other;
    std::string use_tag;           ///< the raw value (e.g. "apartments")
    double footprint_area_m2 = 0.0;
    double floor_area_m2 = 0.0;    ///< footprint × levels
    Point centroid;
    /// Given by a scenario edit (new district); negative: derived from floor area and use.
    double residents = -1.0;
    double jobs = -1.0;
};

struct AccessPoint {
    AccessPointId id;
    std::int64_t source_id = -1;
    Point position;
    std::string name;
    double height_m = 4.0;        ///< antenna height above ground
    double tx_power_dbm = 20.0;
    double frequency_ghz = 2.4;
    int channel = 6;
};

struct District {
    DistrictId id;
    std::int64_t source_id = -1;
    std::string name;
    MultiPolygon area;
    double population = 0.0;      ///< 0 when the source gives none
};

/// A regular grid in the working CRS (north-up). Row 0 is the northern edge.
struct Raster {
    int width = 0;
    int height = 0;
    double origin_x = 0.0;   ///< west edge
    double origin_y = 0.0;   ///< north edge
    double cell_size = 1.0;
    float nodata = -9999.0f;
    std::vector<float> values;   ///< row-major, width × height

    bool contains(const Point& p) const;
    /// Bilinear value at p; nodata outside or when a neighbour is nodata.
    float sample(const Point& p) const;
};

/// Seconds since midnight, [from, to); the default window is the whole day and more.
struct TimeWindow {
    std::int32_t from = 0;
    std::int32_t to = 48 * 3600;
    bool contains(std::int32_t t) const { return t >= from && t < to; }
    bool overlaps(std::int32_t a, std::int32_t b) const { return from < b && a < to; }
    bool whole_day() const { return from <= 0 && to >= 48 * 3600; }
};

/// A link nobody may enter during the window (roadworks, an event, a plugin's action).
struct LinkClosure {
    LinkId link;
    TimeWindow window;
    std::string reason;
};

/// A charge for entering a link during the window (road pricing), in money units.
struct LinkToll {
    LinkId link;
    double amount = 0.0;
    TimeWindow window;
    std::string scheme;
};

struct CityModel {
    std::string name;
    std::string crs;              ///< working CRS as "EPSG:xxxx" (or a PROJ string)
    std::string crs_wkt;          ///< the same as WKT, for writers
    std::string attribution;      ///< credit to show with any output of this data
    Box bounds = Box::none();
    std::shared_ptr<const RoadNetwork> roads = std::make_shared<RoadNetwork>();
    /// The path network for walking and cycling: every street they may use and the ways of
    /// their own (footways, cycleways, paths, steps), split wherever two of them meet. Its
    /// own graph, so that a footway meeting a street does not split the street's car links.
    /// Empty: no such network (non-OSM roads without paths, or `roads.paths: false`).
    std::shared_ptr<const RoadNetwork> paths = std::make_shared<RoadNetwork>();
    std::shared_ptr<const std::vector<Building>> buildings = std::make_shared<std::vector<Building>>();
    std::shared_ptr<const std::vector<AccessPoint>> access_points = std::make_shared<std::vector<AccessPoint>>();
    std::shared_ptr<const std::vector<District>> districts = std::make_shared<std::vector<District>>();
    std::shared_ptr<const Raster> terrain;   ///< elevation (m); null when none is configured
    std::shared_ptr<const Timetable> transit;   ///< public transport of one service day; null: no feed
    std::shared_ptr<const std::vector<LinkClosure>> closures = std::make_shared<std::vector<LinkClosure>>();
    std::shared_ptr<const std::vector<LinkToll>> tolls = std::make_shared<std::vector<LinkToll>>();
};

}  // namespace citytwin::geodata
