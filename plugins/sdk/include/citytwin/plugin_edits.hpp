#pragma once
// The infrastructure edits of a scenario's `edits:` list, read from Parameters and
// applied with citytwin/geodata/edits.hpp. The host uses them for `edits:`; plugins use
// them for their own parameters, so an edit reads the same keys wherever it is written.
#include <citytwin/geodata/edits.hpp>
#include <citytwin/geodata/road_class.hpp>
#include <citytwin/plugin.hpp>

#include <map>
#include <string>
#include <vector>

namespace citytwin::plugin {

/// `from:` / `to:` (clock times); absent: the whole day.
inline geodata::TimeWindow read_window(const Parameters& p) {
    geodata::TimeWindow w;
    if (auto f = p.clock("from")) w.from = *f;
    if (auto t = p.clock("to")) w.to = *t;
    if (w.to <= w.from) p.fail("to", "must be after 'from'");
    return w;
}

/// `links:` (ids), `streets:` (names), `area:`; at least one of them. Of the road network,
/// or of the path network (walking and cycling) with `paths`.
inline std::vector<geodata::LinkId> read_links(const Parameters& p, const geodata::CityModel& model,
                                               bool paths = false) {
    geodata::LinkSelection sel;
    if (auto ids = p.numbers("links"))
        for (double id : *ids) {
            if (id < 0 || id != static_cast<double>(static_cast<std::uint32_t>(id))) p.fail("links", "link ids are whole numbers >= 0");
            sel.ids.push_back(static_cast<std::uint32_t>(id));
        }
    if (auto names = p.texts("streets")) sel.names = *names;
    if (auto a = p.area("area")) sel.areas.push_back(*a);
    if (sel.empty()) p.fail("", "give the links by 'links' (ids), 'streets' (names) or 'area'");
    try {
        return geodata::select_links(paths ? *model.paths : *model.roads, sel);
    } catch (const std::exception& e) {
        p.fail(!sel.names.empty() ? "streets" : !sel.ids.empty() ? "links" : "area", e.what());
        throw;  // not reached: fail() throws
    }
}

inline std::vector<geodata::AccessPoint> read_new_access_points(const Parameters& p) {
    const auto points = p.points("points");
    if (!points || points->empty()) p.fail("points", "give the new access points' positions");
    geodata::AccessPoint base;
    if (auto v = p.number("tx_power_dbm")) base.tx_power_dbm = *v;
    if (auto v = p.number("frequency_ghz")) base.frequency_ghz = *v;
    if (auto v = p.number("channel")) base.channel = static_cast<int>(*v);
    if (auto v = p.number("height_m")) base.height_m = *v;
    if (!(base.frequency_ghz > 0.1 && base.frequency_ghz < 100)) p.fail("frequency_ghz", "must be in GHz (e.g. 2.4 or 5.2)");
    if (!(base.height_m >= 0.0)) p.fail("height_m", "must be >= 0");
    const std::string name = p.text("name").value_or("");
    std::vector<geodata::AccessPoint> aps;
    for (std::size_t i = 0; i < points->size(); ++i) {
        geodata::AccessPoint ap = base;
        ap.position = (*points)[i];
        if (!name.empty()) ap.name = points->size() == 1 ? name : name + " " + std::to_string(i + 1);
        aps.push_back(ap);
    }
    return aps;
}

inline std::vector<std::uint32_t> read_ids(const Parameters& p, const char* key) {
    std::vector<std::uint32_t> ids;
    if (auto v = p.numbers(key))
        for (double id : *v) {
            if (id < 0) p.fail(key, "ids are whole numbers >= 0");
            ids.push_back(static_cast<std::uint32_t>(id));
        }
    return ids;
}

inline const std::vector<std::string>& edit_kinds() {
    static const std::vector<std::string> kinds{"close_links", "reopen_links", "set_speed", "set_lanes", "add_road",
                                                "add_buildings", "remove_buildings", "add_access_points",
                                                "move_access_point", "remove_access_points", "toll", "add_path",
                                                "path_access"};
    return kinds;
}

/// The parameter keys of each edit kind (checked when the scenario is read).
inline const std::vector<std::string>& edit_keys(const std::string& kind) {
    static const std::map<std::string, std::vector<std::string>> keys{
        {"close_links", {"links", "streets", "area", "from", "to", "reason"}},
        {"reopen_links", {"links", "streets", "area"}},
        {"set_speed", {"links", "streets", "area", "speed_kmh"}},
        {"set_lanes", {"links", "streets", "area", "lanes"}},
        {"add_road", {"line", "name", "class", "speed_kmh", "lanes", "oneway", "max_snap_m"}},
        {"add_buildings", {"buildings"}},
        {"remove_buildings", {"ids", "area"}},
        {"add_access_points", {"points", "tx_power_dbm", "frequency_ghz", "channel", "height_m", "name"}},
        {"move_access_point", {"id", "to"}},
        {"remove_access_points", {"ids", "area"}},
        {"toll", {"area", "amount", "from", "to", "scheme"}},
        {"add_path", {"line", "name", "kind", "walk", "bike", "oneway", "max_snap_m"}},
        {"path_access", {"links", "streets", "area", "walk", "bike"}}};
    static const std::vector<std::string> none;
    const auto it = keys.find(kind);
    return it == keys.end() ? none : it->second;
}

/// Applies one edit; returns a summary such as "closed 14 links 07:00–19:00".
inline std::string apply_edit(const std::string& kind, const Parameters& p, geodata::CityModel& model) {
    using namespace geodata;
    auto wrap = [&](const char* key, auto&& f) {  // errors of the model edit name the key
        try {
            return f();
        } catch (const std::exception& e) {
            p.fail(key, e.what());
            throw;  // not reached: fail() throws
        }
    };
    if (kind == "close_links") {
        p.allow_only(edit_keys(kind));
        const auto links = read_links(p, model);
        const TimeWindow w = read_window(p);
        close_links(model, links, w, p.text("reason").value_or("closed"));
        return "closed " + std::to_string(links.size()) + " links" + (w.whole_day() ? "" : " for part of the day");
    }
    if (kind == "reopen_links") {
        p.allow_only(edit_keys(kind));
        const std::size_t n = reopen_links(model, read_links(p, model));
        return "lifted " + std::to_string(n) + " closures";
    }
    if (kind == "set_speed") {
        p.allow_only(edit_keys(kind));
        const auto links = read_links(p, model);
        const auto v = p.number("speed_kmh");
        if (!v) p.fail("speed_kmh", "is required");
        wrap("speed_kmh", [&] { set_speed(model, links, *v); });
        return "speed of " + std::to_string(links.size()) + " links set to " + std::to_string(static_cast<int>(*v)) + " km/h";
    }
    if (kind == "set_lanes") {
        p.allow_only(edit_keys(kind));
        const auto links = read_links(p, model);
        const auto v = p.number("lanes");
        if (!v) p.fail("lanes", "is required");
        wrap("lanes", [&] { set_lanes(model, links, static_cast<int>(*v)); });
        return "lanes of " + std::to_string(links.size()) + " links set to " + std::to_string(static_cast<int>(*v));
    }
    if (kind == "add_road") {
        p.allow_only(edit_keys(kind));
        NewRoad road;
        const auto line = p.line("line");
        if (!line) p.fail("line", "is required: [[lon, lat], [lon, lat], …]");
        road.line = *line;
        road.name = p.text("name").value_or("");
        if (auto c = p.text("class")) {
            const auto rc = road_class_from_osm(*c);
            if (!rc) p.fail("class", "unknown road class '" + *c + "' (OSM highway values: primary, secondary, residential …)");
            road.road_class = *rc;
        }
        road.speed_kmh = p.number("speed_kmh").value_or(0.0);
        road.lanes = static_cast<int>(p.number("lanes").value_or(0.0));
        road.oneway = p.flag("oneway").value_or(false);
        road.max_snap_m = p.number("max_snap_m").value_or(road.max_snap_m);
        const auto ids = wrap("line", [&] { return add_road(model, road); });
        return "added road '" + road.name + "' (" + std::to_string(ids.size()) + " links from id " +
               std::to_string(ids.front().value) + ")";
    }
    if (kind == "add_path") {
        p.allow_only(edit_keys(kind));
        NewPath path;
        const auto line = p.line("line");
        if (!line) p.fail("line", "is required: [[lon, lat], [lon, lat], …]");
        path.line = *line;
        path.name = p.text("name").value_or("");
        if (auto k = p.text("kind")) {
            const auto pk = path_kind_from_osm(*k);
            if (!pk) p.fail("kind", "unknown path kind '" + *k + "' (cycleway, footway, pedestrian, path, steps)");
            path.kind = *pk;
        }
        path.walk = p.flag("walk").value_or(true);
        path.bike = p.flag("bike").value_or(path.kind == PathKind::Cycleway || path.kind == PathKind::Path);
        path.oneway = p.flag("oneway").value_or(false);
        path.max_snap_m = p.number("max_snap_m").value_or(path.max_snap_m);
        const auto ids = wrap("line", [&] { return add_path(model, path); });
        return "added " + std::string(to_string(path.kind)) + " '" + path.name + "' (" + std::to_string(ids.size()) +
               " path links from id " + std::to_string(ids.front().value) + ")";
    }
    if (kind == "path_access") {
        p.allow_only(edit_keys(kind));
        const auto links = read_links(p, model, true);
        const auto walk = p.flag("walk"), bike = p.flag("bike");
        if (!walk && !bike) p.fail("", "give 'walk' and/or 'bike': true opens, false closes");
        set_path_access(model, links, walk, bike);
        return "path access of " + std::to_string(links.size()) + " path links set";
    }
    if (kind == "add_buildings") {
        p.allow_only(edit_keys(kind));
        auto b = p.buildings("buildings");
        if (!b) p.fail("buildings", "is required");
        const auto ids = wrap("buildings", [&] { return add_buildings(model, std::move(*b)); });
        return "added " + std::to_string(ids.size()) + " buildings";
    }
    if (kind == "remove_buildings") {
        p.allow_only(edit_keys(kind));
        std::vector<BuildingId> ids;
        for (auto id : read_ids(p, "ids")) ids.emplace_back(id);
        if (auto a = p.area("area"))
            for (auto id : buildings_in(model, *a)) ids.push_back(id);
        if (ids.empty()) p.fail("", "give the buildings by 'ids' or 'area' (none selected)");
        const std::size_t n = wrap("ids", [&] { return remove_buildings(model, ids); });
        return "removed " + std::to_string(n) + " buildings";
    }
    if (kind == "add_access_points") {
        p.allow_only(edit_keys(kind));
        const auto ids = add_access_points(model, read_new_access_points(p));
        return "added " + std::to_string(ids.size()) + " access points";
    }
    if (kind == "move_access_point") {
        p.allow_only(edit_keys(kind));
        const auto id = p.number("id");
        const auto to = p.points("to");
        if (!id) p.fail("id", "is required");
        if (!to || to->size() != 1) p.fail("to", "needs one position [lon, lat]");
        wrap("id", [&] { move_access_point(model, AccessPointId(static_cast<std::uint32_t>(*id)), to->front()); });
        return "moved access point " + std::to_string(static_cast<long>(*id));
    }
    if (kind == "remove_access_points") {
        p.allow_only(edit_keys(kind));
        std::vector<AccessPointId> ids;
        for (auto id : read_ids(p, "ids")) ids.emplace_back(id);
        if (auto a = p.area("area"))
            for (auto id : access_points_in(model, *a)) ids.push_back(id);
        if (ids.empty()) p.fail("", "give the access points by 'ids' or 'area' (none selected)");
        const std::size_t n = wrap("ids", [&] { return remove_access_points(model, ids); });
        return "removed " + std::to_string(n) + " access points";
    }
    if (kind == "toll") {
        p.allow_only(edit_keys(kind));
        const auto a = p.area("area");
        if (!a) p.fail("area", "is required: the charged zone");
        const auto amount = p.number("amount");
        if (!amount || *amount < 0) p.fail("amount", "is required and >= 0 (money units, as value_of_time_per_hour)");
        const auto links = links_entering(*model.roads, *a);
        if (links.empty()) p.fail("area", "no road enters this area");
        add_tolls(model, links, *amount, read_window(p), p.text("scheme").value_or("toll"));
        return "toll of " + std::to_string(*amount) + " on " + std::to_string(links.size()) + " entering links";
    }
    std::string known;
    for (const auto& k : edit_kinds()) known += " " + k;
    p.fail("", "unknown edit '" + kind + "' (known:" + known + ")");
    return {};  // not reached: fail() throws
}

}  // namespace citytwin::plugin
