#include "transit_results.hpp"

#include <citytwin/sim/clock.hpp>

#include <map>
#include <string>

namespace citytwin::scenarios {

namespace {

geodata::Table stop_table(const geodata::Timetable& tt, const sim::transit::Ridership& r) {
    const std::size_t n = tt.stops.size();
    std::vector<std::int64_t> id(n), boardings(n), alightings(n);
    std::vector<std::string> gtfs(n), name(n);
    geodata::Table t{"transit_stops", n, {}, {}, {}};
    for (std::size_t s = 0; s < n; ++s) {
        id[s] = static_cast<std::int64_t>(s);
        gtfs[s] = tt.stops[s].gtfs_id;
        name[s] = tt.stops[s].name;
        boardings[s] = s < r.stop_boardings.size() ? r.stop_boardings[s] : 0;
        alightings[s] = s < r.stop_alightings.size() ? r.stop_alightings[s] : 0;
        t.points.push_back(tt.stops[s].position);
    }
    t.columns = {{"stop_id", id}, {"gtfs_stop_id", gtfs}, {"name", name}, {"boardings", boardings}, {"alightings", alightings}};
    return t;
}

geodata::Table route_table(const geodata::Timetable& tt, const sim::transit::Ridership& r) {
    const std::size_t n = tt.routes.size();
    std::vector<std::int64_t> id(n), type(n), runs(n, 0), boardings(n, 0);
    std::vector<std::string> gtfs(n), short_name(n), long_name(n), mode(n);
    for (const auto& trip : tt.trips) ++runs[trip.route];
    for (std::size_t k = 0; k < n; ++k) {
        const auto& route = tt.routes[k];
        id[k] = static_cast<std::int64_t>(k);
        gtfs[k] = route.gtfs_id;
        short_name[k] = route.short_name;
        long_name[k] = route.long_name;
        mode[k] = route.mode;
        type[k] = route.route_type;
        for (std::size_t h = 0; h < sim::hours_per_day && r.routes == n; ++h) boardings[k] += r.route_boardings[h * n + k];
    }
    geodata::Table t{"transit_routes", n, {}, {}, {}};
    t.columns = {{"route_id", id},   {"gtfs_route_id", gtfs}, {"short_name", short_name}, {"long_name", long_name},
                 {"mode", mode},     {"route_type", type},    {"runs", runs},             {"boardings", boardings}};
    return t;
}

geodata::Table ridership_table(const geodata::Timetable& tt, const sim::transit::Ridership& r) {
    std::vector<std::int64_t> route, hour, boardings;
    std::vector<std::string> name;
    for (std::size_t h = 0; h < sim::hours_per_day && r.routes == tt.routes.size(); ++h)
        for (std::size_t k = 0; k < r.routes; ++k) {
            const std::uint32_t b = r.route_boardings[h * r.routes + k];
            if (b == 0) continue;   // sparse: hours with riders only
            route.push_back(static_cast<std::int64_t>(k));
            name.push_back(tt.routes[k].short_name);
            hour.push_back(static_cast<std::int64_t>(h));
            boardings.push_back(b);
        }
    geodata::Table t{"transit_ridership", route.size(), {}, {}, {}};
    t.columns = {{"route_id", route}, {"short_name", name}, {"hour", hour}, {"boardings", boardings}};
    return t;
}

}  // namespace

std::vector<geodata::Table> transit_tables(const RunOutput& run) {
    if (!run.model.transit || !run.mobility) return {};
    const auto& tt = *run.model.transit;
    const auto& r = run.mobility->ridership;
    return {stop_table(tt, r), route_table(tt, r), ridership_table(tt, r)};
}

nlohmann::json transit_json(const RunOutput& run) {
    if (!run.model.transit || !run.mobility) return nullptr;
    const auto& tt = *run.model.transit;
    const auto& k = run.mobility->demand;
    std::map<std::string, std::size_t> routes_by_mode;
    for (const auto& route : tt.routes) ++routes_by_mode[route.mode];
    return {{"service_date", tt.service_date}, {"stops", tt.stops.size()}, {"routes", tt.routes.size()},
            {"routes_by_mode", routes_by_mode}, {"runs", tt.trips.size()}, {"routed_trips", k.transit_routed},
            {"walked_trips", k.transit_walked}, {"no_connection_trips", k.transit_no_connection},
            {"boardings", k.transit_rides}};
}

}  // namespace citytwin::scenarios
