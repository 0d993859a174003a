#pragma once
// Infrastructure edits on a variant of a city model. Each edit replaces only the
// component it changes (copy-on-write): closing a street copies the closure list and
// shares the road network, buildings and access points with the baseline. Link ids of
// the baseline never change (new roads are appended), so link tables stay comparable.
#include <citytwin/geodata/city_model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::geodata {

/// Links chosen by id, by street name (case-insensitive, whole name) or by area (the
/// link's midpoint inside). A link matching any criterion is selected.
struct LinkSelection {
    std::vector<std::uint32_t> ids;
    std::vector<std::string> names;
    std::vector<MultiPolygon> areas;
    bool empty() const { return ids.empty() && names.empty() && areas.empty(); }
};

/// Selected links sorted by id. Throws Error for an id out of range, a name no link has
/// (with the nearest names as suggestions) or an area no link lies in.
std::vector<LinkId> select_links(const RoadNetwork& network, const LinkSelection& selection);

/// Links whose to-node is inside the area and from-node outside (a cordon's entries).
std::vector<LinkId> links_entering(const RoadNetwork& network, const MultiPolygon& area);

void close_links(CityModel& model, const std::vector<LinkId>& links, TimeWindow window, const std::string& reason);
/// Removes every closure of these links; returns how many closures were removed.
std::size_t reopen_links(CityModel& model, const std::vector<LinkId>& links);
/// Free-flow speed (km/h) of these links.
void set_speed(CityModel& model, const std::vector<LinkId>& links, double speed_kmh);
/// Lanes of these links; capacity and storage scale with the lane count.
void set_lanes(CityModel& model, const std::vector<LinkId>& links, int lanes);

void add_tolls(CityModel& model, const std::vector<LinkId>& links, double amount, TimeWindow window,
               const std::string& scheme);

/// A new road or bridge: a polyline whose ends are joined to the nearest existing nodes.
struct NewRoad {
    Polyline line;
    std::string name;
    RoadClass road_class = RoadClass::Road;
    double speed_kmh = 0.0;     ///< 0: the class default
    int lanes = 0;              ///< per direction; 0: the class default
    bool oneway = false;        ///< true: only in the digitised direction
    double max_snap_m = 100.0;  ///< an end farther than this from any node is an error
};

/// Appends the road's links (forward, then backward unless oneway); returns their ids.
std::vector<LinkId> add_road(CityModel& model, const NewRoad& road);

/// A new way for walking and cycling (a cycle path, a footbridge): its ends are joined to
/// the nearest nodes of the path network.
struct NewPath {
    Polyline line;
    std::string name;
    PathKind kind = PathKind::Cycleway;
    bool walk = true, bike = true;
    bool oneway = false;        ///< cyclists only in the digitised direction (walkers both ways)
    double max_snap_m = 100.0;
};

/// Appends the path's links to model.paths; returns their ids. add_road also appends the
/// new street to the path network (walkers both ways; cyclists as cars may go), unless a motorway.
std::vector<LinkId> add_path(CityModel& model, const NewPath& path);

/// Opens (true) or closes (false) path links to walking and/or cycling; nullopt leaves a mode
/// as it is. A cyclist may still push a bike where walking stays open.
void set_path_access(CityModel& model, const std::vector<LinkId>& links, std::optional<bool> walk,
                     std::optional<bool> bike);

/// Appends buildings; ids, area, centroid and floor area are filled in (floor area =
/// footprint × levels, levels from height / 3 m when not given). Returns their ids.
std::vector<BuildingId> add_buildings(CityModel& model, std::vector<Building> buildings);
/// Removes buildings; the others are renumbered in order. Returns how many were removed.
std::size_t remove_buildings(CityModel& model, const std::vector<BuildingId>& ids);
/// Buildings whose centroid lies in the area, by id.
std::vector<BuildingId> buildings_in(const CityModel& model, const MultiPolygon& area);

std::vector<AccessPointId> add_access_points(CityModel& model, std::vector<AccessPoint> aps);
void move_access_point(CityModel& model, AccessPointId id, const Point& to);
/// Removes access points; the others are renumbered in order. Returns how many.
std::size_t remove_access_points(CityModel& model, const std::vector<AccessPointId>& ids);
std::vector<AccessPointId> access_points_in(const CityModel& model, const MultiPolygon& area);

}  // namespace citytwin::geodata
