#include <citytwin/geodata/edits.hpp>

#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/text_match.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

namespace citytwin::geodata {

namespace {

Point midpoint(const Link& l) { return point_along(l.geometry, 0.5 * l.length_m); }

// Edits of the road network rebuild it (CSR offsets) from a copy of its nodes and links.
void check_links(const RoadNetwork& net, const std::vector<LinkId>& ids, const char* edit) {
    for (const LinkId id : ids)
        if (id.value >= net.link_count())
            throw Error(std::string(edit) + ": link id " + std::to_string(id.value) + " does not exist (the network has " +
                        std::to_string(net.link_count()) + " links)");
}

// Edits change or append links and never renumber them, so the junction data beside the
// graph (turn restrictions, given greens) stays valid and goes along.
std::shared_ptr<RoadNetwork> rebuilt(const RoadNetwork& old, std::vector<Node> nodes, std::vector<Link> links) {
    auto net = std::make_shared<RoadNetwork>(std::move(nodes), std::move(links));
    net->set_turn_restrictions(old.turn_restrictions());
    net->set_signal_greens(old.signal_greens());
    return net;
}

template <typename Change>
void edit_links(std::shared_ptr<const RoadNetwork>& net, const std::vector<LinkId>& ids, Change change) {
    check_links(*net, ids, "edit links");
    std::vector<Node> nodes = net->nodes();
    std::vector<Link> links = net->links();
    for (const LinkId id : ids) change(links.at(id.value));
    net = rebuilt(*net, std::move(nodes), std::move(links));
}

NodeId nearest_node(const RoadNetwork& net, const Point& p, double max_m, const std::string& what, const char* end,
                    const char* node_kind) {
    NodeId best;
    double best_d = std::numeric_limits<double>::infinity();
    for (const Node& n : net.nodes()) {
        const double d = std::hypot(n.position.x - p.x, n.position.y - p.y);
        if (d < best_d) best_d = d, best = n.id;
    }
    if (!best.valid()) throw Error(what + ": the city has no network to connect to");
    if (best_d > max_m)
        throw Error(what + ": its " + std::string(end) + " (" + std::to_string(std::lround(p.x)) + ", " +
                    std::to_string(std::lround(p.y)) + ") is " + std::to_string(std::lround(best_d)) +
                    " m from the nearest " + node_kind + " (at most " + std::to_string(std::lround(max_m)) +
                    " m; raise max_snap_m or move the end)");
    return best;
}

// Appends a way between the nodes nearest its ends: `proto` in the digitised direction
// (forward), and reversed (backward with backward_modes on a path network). Returns the
// new network; the new links' ids go to `added`.
std::shared_ptr<RoadNetwork> append_way(const RoadNetwork& net, const Polyline& line, double max_snap_m,
                                        const std::string& what, const Link& proto, bool forward, bool backward,
                                        std::uint8_t backward_modes, std::vector<LinkId>& added) {
    if (line.size() < 2) throw Error(what + ": the line needs at least two points");
    const char* node_kind = proto.active_modes ? "path node" : "road node";
    const NodeId from = nearest_node(net, line.front(), max_snap_m, what, "start", node_kind);
    const NodeId to = nearest_node(net, line.back(), max_snap_m, what, "end", node_kind);
    if (from == to) throw Error(what + ": both ends join the same node; draw it between two different junctions");
    Polyline geometry = line;
    geometry.front() = net.node(from).position;
    geometry.back() = net.node(to).position;
    std::vector<Node> nodes = net.nodes();
    std::vector<Link> links = net.links();
    auto append = [&](NodeId a, NodeId b, Polyline g, bool reversed) {
        Link l = proto;
        l.id = LinkId(static_cast<std::uint32_t>(links.size()));
        l.from = a;
        l.to = b;
        l.geometry = std::move(g);
        l.length_m = length(l.geometry);
        l.storage_veh = std::max(1.0, l.length_m * l.lanes / vehicle_spacing_m);
        l.reversed = reversed;
        if (reversed) l.active_modes = backward_modes;
        added.push_back(l.id);
        links.push_back(std::move(l));
    };
    if (forward) append(from, to, geometry, false);
    if (backward) append(to, from, Polyline(geometry.rbegin(), geometry.rend()), true);
    return rebuilt(net, std::move(nodes), std::move(links));
}

template <typename Item, typename Id>
std::size_t remove_and_renumber(std::shared_ptr<const std::vector<Item>>& items, const std::vector<Id>& ids) {
    const std::set<std::uint32_t> gone = [&] {
        std::set<std::uint32_t> s;
        for (const Id id : ids) s.insert(id.value);
        return s;
    }();
    auto kept = std::make_shared<std::vector<Item>>();
    kept->reserve(items->size());
    for (const Item& item : *items) {
        if (gone.count(item.id.value)) continue;
        kept->push_back(item);
        kept->back().id = Id(static_cast<std::uint32_t>(kept->size() - 1));
    }
    const std::size_t removed = items->size() - kept->size();
    items = std::move(kept);
    return removed;
}

}  // namespace

std::vector<LinkId> select_links(const RoadNetwork& net, const LinkSelection& sel) {
    std::vector<char> chosen(net.link_count(), 0);
    for (const std::uint32_t id : sel.ids) {
        if (id >= net.link_count())
            throw Error("link id " + std::to_string(id) + " does not exist (the network has " +
                        std::to_string(net.link_count()) + " links" +
                        (net.link_count() ? ", ids 0…" + std::to_string(net.link_count() - 1) : std::string()) + ")");
        chosen[id] = 1;
    }
    for (const std::string& name : sel.names) {
        const std::string wanted = lowercase(name);
        bool found = false;
        for (const Link& l : net.links())
            if (!l.name.empty() && lowercase(l.name) == wanted) chosen[l.id.value] = 1, found = true;
        if (found) continue;
        std::vector<std::string> names;
        for (const Link& l : net.links())
            if (!l.name.empty()) names.push_back(l.name);
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        std::string msg = "no road is named '" + name + "'";
        const auto near = closest_names(name, names);
        if (!near.empty()) {
            msg += " (did you mean";
            for (std::size_t i = 0; i < near.size(); ++i) msg += (i ? ", '" : " '") + near[i] + "'";
            msg += "?)";
        }
        throw Error(msg);
    }
    for (std::size_t a = 0; a < sel.areas.size(); ++a) {
        bool found = false;
        for (const Link& l : net.links())
            if (contains(sel.areas[a], midpoint(l))) chosen[l.id.value] = 1, found = true;
        if (!found) throw Error("area " + std::to_string(a + 1) + " contains no road link (is it in the right CRS?)");
    }
    std::vector<LinkId> out;
    for (std::size_t i = 0; i < chosen.size(); ++i)
        if (chosen[i]) out.emplace_back(static_cast<std::uint32_t>(i));
    return out;
}

std::vector<LinkId> links_entering(const RoadNetwork& net, const MultiPolygon& area) {
    std::vector<char> inside(net.node_count());
    for (const Node& n : net.nodes()) inside[n.id.value] = contains(area, n.position) ? 1 : 0;
    std::vector<LinkId> out;
    for (const Link& l : net.links())
        if (inside[l.to.value] && !inside[l.from.value]) out.push_back(l.id);
    return out;
}

void close_links(CityModel& model, const std::vector<LinkId>& links, TimeWindow window, const std::string& reason) {
    if (window.to <= window.from) throw Error("close links: the window ends before it starts");
    check_links(*model.roads, links, "close links");
    auto closures = std::make_shared<std::vector<LinkClosure>>(*model.closures);
    for (const LinkId l : links) closures->push_back({l, window, reason});
    model.closures = std::move(closures);
}

std::size_t reopen_links(CityModel& model, const std::vector<LinkId>& links) {
    const std::set<LinkId> open(links.begin(), links.end());
    auto closures = std::make_shared<std::vector<LinkClosure>>();
    for (const LinkClosure& c : *model.closures)
        if (!open.count(c.link)) closures->push_back(c);
    const std::size_t removed = model.closures->size() - closures->size();
    model.closures = std::move(closures);
    return removed;
}

void set_speed(CityModel& model, const std::vector<LinkId>& links, double speed_kmh) {
    if (!(speed_kmh > 0.0 && speed_kmh <= 200.0)) throw Error("set speed: speed must be > 0 and <= 200 km/h");
    edit_links(model.roads, links, [&](Link& l) { l.freeflow_speed_mps = speed_kmh / 3.6; });
}

void set_lanes(CityModel& model, const std::vector<LinkId>& links, int lanes) {
    if (lanes < 1 || lanes > 10) throw Error("set lanes: lanes must be 1…10");
    edit_links(model.roads, links, [&](Link& l) {
        const double per_lane = l.capacity_vph / std::max(1, l.lanes);
        l.capacity_vph = per_lane * lanes;
        l.storage_veh = std::max(1.0, l.length_m * lanes / vehicle_spacing_m);
        l.lanes = lanes;
    });
}

void add_tolls(CityModel& model, const std::vector<LinkId>& links, double amount, TimeWindow window,
               const std::string& scheme) {
    if (!(amount >= 0.0)) throw Error("toll: the amount must be >= 0");
    if (window.to <= window.from) throw Error("toll: the window ends before it starts");
    check_links(*model.roads, links, "toll");
    auto tolls = std::make_shared<std::vector<LinkToll>>(*model.tolls);
    for (const LinkId l : links) tolls->push_back({l, amount, window, scheme});
    model.tolls = std::move(tolls);
}

std::vector<LinkId> add_road(CityModel& model, const NewRoad& road) {
    const RoadClassDefaults d = default_road_class_table()[static_cast<std::size_t>(road.road_class)];
    Link proto;
    proto.lanes = road.lanes > 0 ? road.lanes : d.lanes;
    proto.freeflow_speed_mps = (road.speed_kmh > 0.0 ? road.speed_kmh : d.speed_kmh) / 3.6;
    proto.capacity_vph = proto.lanes * d.capacity_per_lane;
    proto.road_class = road.road_class;
    proto.name = road.name;
    std::vector<LinkId> added;
    auto roads = append_way(*model.roads, road.line, road.max_snap_m, "add road", proto, true, !road.oneway, 0, added);
    // Walkers and cyclists may use the new street too (cyclists its way only when oneway),
    // unless it is a motorway.
    if (model.paths->link_count() && road.road_class != RoadClass::Motorway && road.road_class != RoadClass::MotorwayLink) {
        Link walk = proto;
        walk.active_modes = walk_access | bike_access;
        std::vector<LinkId> path_links;
        model.paths = append_way(*model.paths, road.line, road.max_snap_m, "add road", walk, true, true,
                                 road.oneway ? walk_access : walk.active_modes, path_links);
    }
    model.bounds.extend(bounds(road.line));
    model.roads = std::move(roads);
    return added;
}

std::vector<LinkId> add_path(CityModel& model, const NewPath& path) {
    if (!path.walk && !path.bike) throw Error("add path: open it to walking, cycling or both");
    if (path.kind == PathKind::Street) throw Error("add path: a street is a road (add_road)");
    if (model.paths->link_count() == 0)
        throw Error("add path: the city has no path network (roads.paths is off, or its roads layer has no ways for "
                    "walking or cycling)");
    Link proto;
    proto.name = path.name;
    proto.path_kind = path.kind;
    proto.active_modes = (path.walk ? walk_access : 0) | (path.bike ? bike_access : 0);
    const std::uint8_t back = (path.walk ? walk_access : 0) | (path.bike && !path.oneway ? bike_access : 0);
    std::vector<LinkId> added;
    model.paths = append_way(*model.paths, path.line, path.max_snap_m, "add path", proto, true, back != 0, back, added);
    model.bounds.extend(bounds(path.line));
    return added;
}

void set_path_access(CityModel& model, const std::vector<LinkId>& links, std::optional<bool> walk,
                     std::optional<bool> bike) {
    edit_links(model.paths, links, [&](Link& l) {
        if (walk) l.active_modes = *walk ? (l.active_modes | walk_access) : (l.active_modes & ~walk_access);
        if (bike) l.active_modes = *bike ? (l.active_modes | bike_access) : (l.active_modes & ~bike_access);
    });
}

std::vector<BuildingId> add_buildings(CityModel& model, std::vector<Building> buildings) {
    auto all = std::make_shared<std::vector<Building>>(*model.buildings);
    std::vector<BuildingId> ids;
    for (std::size_t i = 0; i < buildings.size(); ++i) {
        Building& b = buildings[i];
        if (b.footprint.empty() || area(b.footprint) <= 0.0)
            throw Error("add building " + std::to_string(i + 1) + ": the footprint has no area");
        if (!(b.height_m > 0.0)) throw Error("add building " + std::to_string(i + 1) + ": height must be > 0 m");
        b.id = BuildingId(static_cast<std::uint32_t>(all->size()));
        b.footprint_area_m2 = area(b.footprint);
        b.centroid = centroid(b.footprint);
        if (b.levels <= 0.0) b.levels = std::max(1.0, std::round(b.height_m / 3.0));
        b.floor_area_m2 = b.footprint_area_m2 * b.levels;
        model.bounds.extend(bounds(b.footprint));
        ids.push_back(b.id);
        all->push_back(std::move(b));
    }
    model.buildings = std::move(all);
    return ids;
}

std::size_t remove_buildings(CityModel& model, const std::vector<BuildingId>& ids) {
    for (const BuildingId id : ids)
        if (id.value >= model.buildings->size())
            throw Error("remove buildings: building id " + std::to_string(id.value) + " does not exist (the city has " +
                        std::to_string(model.buildings->size()) + ")");
    return remove_and_renumber(model.buildings, ids);
}

std::vector<BuildingId> buildings_in(const CityModel& model, const MultiPolygon& a) {
    std::vector<BuildingId> out;
    for (const Building& b : *model.buildings)
        if (contains(a, b.centroid)) out.push_back(b.id);
    return out;
}

std::vector<AccessPointId> add_access_points(CityModel& model, std::vector<AccessPoint> aps) {
    auto all = std::make_shared<std::vector<AccessPoint>>(*model.access_points);
    std::vector<AccessPointId> ids;
    for (AccessPoint& ap : aps) {
        ap.id = AccessPointId(static_cast<std::uint32_t>(all->size()));
        if (ap.name.empty()) ap.name = "new AP " + std::to_string(ap.id.value);
        model.bounds.extend(ap.position);
        ids.push_back(ap.id);
        all->push_back(std::move(ap));
    }
    model.access_points = std::move(all);
    return ids;
}

void move_access_point(CityModel& model, AccessPointId id, const Point& to) {
    if (id.value >= model.access_points->size())
        throw Error("move access point: id " + std::to_string(id.value) + " does not exist (the city has " +
                    std::to_string(model.access_points->size()) + ")");
    auto all = std::make_shared<std::vector<AccessPoint>>(*model.access_points);
    (*all)[id.value].position = to;
    model.bounds.extend(to);
    model.access_points = std::move(all);
}

std::size_t remove_access_points(CityModel& model, const std::vector<AccessPointId>& ids) {
    for (const AccessPointId id : ids)
        if (id.value >= model.access_points->size())
            throw Error("remove access points: id " + std::to_string(id.value) + " does not exist (the city has " +
                        std::to_string(model.access_points->size()) + ")");
    return remove_and_renumber(model.access_points, ids);
}

std::vector<AccessPointId> access_points_in(const CityModel& model, const MultiPolygon& a) {
    std::vector<AccessPointId> out;
    for (const AccessPoint& ap : *model.access_points)
        if (contains(a, ap.position)) out.push_back(ap.id);
    return out;
}

}  // namespace citytwin::geodata
