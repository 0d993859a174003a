#include <citytwin/sim/active_modes.hpp>
#include <citytwin/sim/demand.hpp>

#include <citytwin/geodata/spatial_index.hpp>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace citytwin::sim {

namespace {

constexpr float unusable = std::numeric_limits<float>::infinity();

std::size_t index_of(Mode m) { return static_cast<std::size_t>(m); }

double speed_mps(const ChoiceConfig& config, Mode m) { return config.modes[index_of(m)].speed_kmh / 3.6; }
double speed_mps(const ActiveSpeeds& s, Mode m) { return (m == Mode::Bike ? s.bike_kmh : s.walk_kmh) / 3.6; }

// Walkers and cyclists turn round anywhere: no U-turn rule on the path network.
const RouterOptions path_routing{.allow_u_turns = true};

// Where a trip joins (leaves) the path network: the nearest link and, if the same way
// runs back, its twin, each with how far along it the point lies. The router counts from
// the end of a route's first link, so an origin on a two-way path is routed from both
// (to go either way) and the cheaper is kept; a destination likewise.
struct Anchor {
    std::array<std::uint32_t, 2> link{UINT32_MAX, UINT32_MAX};   ///< nearest link, its twin
    std::array<double, 2> along_m{0.0, 0.0};                     ///< from each link's start
    double access_m = 0.0;                                       ///< from the trip's point to the way
    std::size_t count() const { return link[1] == UINT32_MAX ? 1 : 2; }
};

std::uint32_t twin_of(const geodata::RoadNetwork& net, std::uint32_t id) {
    const geodata::Link& l = net.link(geodata::LinkId(id));
    for (const geodata::LinkId o : net.out_links(l.to)) {
        const geodata::Link& t = net.link(o);
        if (t.to == l.from && t.source_id == l.source_id && std::abs(t.length_m - l.length_m) < 1e-6) return o.value;
    }
    return UINT32_MAX;
}

std::optional<Anchor> anchor(const geodata::RoadNetwork& net, const geodata::LinkIndex& index,
                             const std::vector<char>& usable, const geodata::Point& p) {
    const auto near = index.nearest(p);
    if (!near) return std::nullopt;
    const geodata::Link& l = net.link(near->link);
    Anchor a;
    a.link[0] = near->link.value;
    a.along_m[0] = geodata::distance_along(l.geometry, near->projected);
    a.access_m = near->distance_m;
    const std::uint32_t t = twin_of(net, a.link[0]);
    if (t != UINT32_MAX && usable[t]) {
        a.link[1] = t;
        a.along_m[1] = l.length_m - a.along_m[0];
    }
    return a;
}

// What a route costs from its origin point on the first link to its destination point on
// the last: the router counts from the end of the first link to the end of the last.
struct Leg {
    double time_s = std::numeric_limits<double>::infinity(), distance_m = 0.0;
};
Leg route_leg(const geodata::RoadNetwork& net, const LinkCosts& costs, const Route& route, double from_along_m,
              double to_along_m) {
    Leg leg;
    leg.time_s = route_cost(costs, route, 0);
    for (std::size_t k = 1; k < route.size(); ++k) leg.distance_m += net.link(geodata::LinkId(route[k])).length_m;
    const geodata::Link& first = net.link(geodata::LinkId(route.front()));
    const geodata::Link& last = net.link(geodata::LinkId(route.back()));
    const double rest = first.length_m > 0.0 ? std::clamp(1.0 - from_along_m / first.length_m, 0.0, 1.0) : 0.0;
    const double beyond = last.length_m > 0.0 ? std::clamp(1.0 - to_along_m / last.length_m, 0.0, 1.0) : 0.0;
    leg.time_s += rest * costs.at(0, route.front()) - beyond * costs.at(0, route.back());
    leg.distance_m += rest * first.length_m - beyond * last.length_m;
    return leg;
}

// Up to four requests per trip (origin link or its twin × destination link or its twin),
// in slots 4 * trip + 2 * a + b.
constexpr std::size_t slots = 4;
void add_requests(const Anchor& from, const Anchor& to, std::int32_t departure, RouteRequest* out) {
    for (std::size_t a = 0; a < from.count(); ++a)
        for (std::size_t b = 0; b < to.count(); ++b)
            if (from.link[a] != to.link[b]) out[2 * a + b] = {from.link[a], to.link[b], departure, true};
}

// The cheapest way between two anchors: straight along the way when both lie on it,
// else the cheapest of the routed candidates. `route` gets its links; false: no route.
bool best_leg(const geodata::RoadNetwork& net, const LinkCosts& costs, const Anchor& from, const Anchor& to,
              std::vector<Route>& routes, std::size_t first_slot, Leg& leg, Route& route) {
    for (std::size_t a = 0; a < from.count(); ++a)
        for (std::size_t b = 0; b < to.count(); ++b) {
            if (from.link[a] != to.link[b] || to.along_m[b] < from.along_m[a]) continue;
            const std::uint32_t l = from.link[a];   // the way it runs from origin to destination
            const double len = net.link(geodata::LinkId(l)).length_m;
            leg.distance_m = to.along_m[b] - from.along_m[a];
            leg.time_s = len > 0.0 ? leg.distance_m / len * costs.at(0, l) : 0.0;
            route = {l};
            return true;
        }
    std::size_t best = slots;
    for (std::size_t k = 0; k < slots; ++k) {
        const Route& r = routes[first_slot + k];
        if (r.empty()) continue;
        const Leg c = route_leg(net, costs, r, from.along_m[k / 2], to.along_m[k % 2]);
        if (c.time_s < leg.time_s) {
            leg = c;
            best = k;
        }
    }
    if (best == slots) return false;
    route = std::move(routes[first_slot + best]);
    return true;
}

}  // namespace

ActiveSpeeds ActiveSpeeds::of(const ChoiceConfig& config) {
    return {config.modes[index_of(Mode::Walk)].speed_kmh, config.modes[index_of(Mode::Bike)].speed_kmh};
}

LinkCosts path_costs(const geodata::RoadNetwork& paths, Mode mode, const ActiveSpeeds& speeds) {
    LinkCosts c;
    c.link_count = paths.link_count();
    c.time_invariant = true;
    c.seconds.resize(static_cast<std::size_t>(hours_per_day) * c.link_count);
    const double walk = speed_mps(speeds, Mode::Walk), ride = speed_mps(speeds, Mode::Bike);
    for (const auto& l : paths.links()) {
        const double step = l.path_kind == geodata::PathKind::Steps ? steps_speed_factor : 1.0;
        double v = 0.0;
        if (mode == Mode::Bike && (l.active_modes & geodata::bike_access)) v = ride;
        else if (l.active_modes & geodata::walk_access) v = walk * step;   // walking, or pushing the bike
        const float s = v > 0.0 ? static_cast<float>(l.length_m / v) : unusable;
        for (int h = 0; h < hours_per_day; ++h) c.seconds[static_cast<std::size_t>(h) * c.link_count + l.id.value] = s;
    }
    return c;
}

std::vector<char> path_access_links(const geodata::RoadNetwork& paths, Mode mode) {
    // A cyclist joins where a walker may too (pushing to the first link that can be ridden).
    const std::uint8_t need = mode == Mode::Bike ? (geodata::bike_access | geodata::walk_access) : geodata::walk_access;
    std::vector<char> ok(paths.link_count(), 0);
    bool any = false;
    for (const auto& l : paths.links()) {
        ok[l.id.value] = (l.active_modes & need) && !l.tunnel;
        any = any || ok[l.id.value];
    }
    if (!any)
        for (const auto& l : paths.links()) ok[l.id.value] = (l.active_modes & need) != 0;
    return ok;
}

void skim_paths(const geodata::CityModel& model, const Zones& zones, const ChoiceConfig& config, Skims& s) {
    if (!model.paths || model.paths->link_count() == 0) return;
    const auto& net = *model.paths;
    const std::size_t n = zones.count();
    for (const Mode m : {Mode::Walk, Mode::Bike}) {
        const std::vector<char> usable = path_access_links(net, m);
        const geodata::LinkIndex index(net, usable);
        std::vector<std::optional<Anchor>> at(n);
        for (std::size_t z = 0; z < n; ++z) at[z] = anchor(net, index, usable, zones.centre[z]);
        std::vector<RouteRequest> requests(slots * n * n, RouteRequest{0, 0, 0, false});
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                if (i != j && at[i] && at[j]) add_requests(*at[i], *at[j], 0, &requests[slots * (i * n + j)]);
        const LinkCosts costs = path_costs(net, m, ActiveSpeeds::of(config));
        std::vector<Route> routes;
        route_all(net, costs, requests, routes, path_routing);
        const ModeParameters& p = config.modes[index_of(m)];
        const double v = speed_mps(config, m);
        auto& time = s.time_s[index_of(m)];
        auto& dist = s.distance_m[index_of(m)];
        auto& money = s.money[index_of(m)];
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n * n, 4096), [&](const auto& range) {
            for (std::size_t od = range.begin(); od != range.end(); ++od) {
                const std::size_t i = od / n, j = od % n;
                if (i == j || !at[i] || !at[j]) continue;   // intrazonal, or off the network: the straight line stays
                Leg leg;
                Route route;
                if (!best_leg(net, costs, *at[i], *at[j], routes, slots * od, leg, route)) continue;
                const double access = at[i]->access_m + at[j]->access_m;
                time[od] = static_cast<float>(leg.time_s + access / v + p.wait_s);
                dist[od] = static_cast<float>(leg.distance_m + access);
                money[od] = static_cast<float>(p.fixed_cost + p.cost_per_km * dist[od] / 1000.0);
            }
        });
    }
}

ActiveRoutes route_active_trips(const geodata::CityModel& model, const ChoiceConfig& config, std::vector<Trip>& trips) {
    ActiveRoutes r;
    r.speeds = ActiveSpeeds::of(config);
    r.routes.assign(trips.size(), {});
    r.start_s.assign(trips.size(), 0);
    if (!model.paths || model.paths->link_count() == 0) return r;
    const auto& net = *model.paths;
    for (const Mode m : {Mode::Walk, Mode::Bike}) {
        const std::vector<char> usable = path_access_links(net, m);
        const geodata::LinkIndex index(net, usable);
        const LinkCosts costs = path_costs(net, m, ActiveSpeeds::of(config));
        std::vector<std::optional<Anchor>> from(trips.size()), to(trips.size());
        std::vector<RouteRequest> requests(slots * trips.size(), RouteRequest{0, 0, 0, false});
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, trips.size(), 1024), [&](const auto& range) {
            for (std::size_t i = range.begin(); i != range.end(); ++i) {
                if (trips[i].mode != m) continue;
                from[i] = anchor(net, index, usable, trips[i].origin);
                to[i] = anchor(net, index, usable, trips[i].destination);
                // Path costs do not change by hour: one tree per origin serves the whole day.
                if (from[i] && to[i]) add_requests(*from[i], *to[i], 0, &requests[slots * i]);
            }
        });
        std::vector<Route> routes;
        route_all(net, costs, requests, routes, path_routing);
        const ModeParameters& p = config.modes[index_of(m)];
        const double v = speed_mps(config, m);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, trips.size(), 1024), [&](const auto& range) {
            for (std::size_t i = range.begin(); i != range.end(); ++i) {
                if (trips[i].mode != m || !from[i] || !to[i]) continue;
                Leg leg;
                Route route;
                if (!best_leg(net, costs, *from[i], *to[i], routes, slots * i, leg, route)) continue;
                const double access = from[i]->access_m + to[i]->access_m;
                trips[i].offroad_time_s = static_cast<float>(leg.time_s + access / v + p.wait_s);
                trips[i].offroad_distance_m = static_cast<float>(leg.distance_m + access);
                r.start_s[i] = static_cast<Seconds>(std::lround(from[i]->access_m / v + p.wait_s));
                r.routes[i] = std::move(route);
            }
        });
    }
    for (std::size_t i = 0; i < trips.size(); ++i) {
        if (trips[i].mode != Mode::Walk && trips[i].mode != Mode::Bike) continue;
        ++(r.routes[i].empty() ? r.off_network : r.routed);
    }
    return r;
}

ActiveFlows active_flows(const geodata::CityModel& model, const std::vector<Trip>& trips, const ActiveRoutes& routes,
                         const std::vector<Seconds>& departures) {
    ActiveFlows f;
    if (!model.paths) return f;
    const auto& net = *model.paths;
    f.link_count = net.link_count();
    for (auto& c : f.count) c.assign(static_cast<std::size_t>(hours_per_day) * f.link_count, 0);
    if (routes.routes.empty()) return f;
    const std::array<LinkCosts, 2> costs{path_costs(net, Mode::Walk, routes.speeds),
                                         path_costs(net, Mode::Bike, routes.speeds)};
    for (std::size_t i = 0; i < trips.size(); ++i) {
        const Route& route = routes.routes[i];
        if (route.empty()) continue;
        const std::size_t m = trips[i].mode == Mode::Bike ? 1 : 0;
        follow_route(route, costs[m], departures[i] + routes.start_s[i], [&](std::size_t, std::uint32_t link, double t, double) {
            const auto hour = std::min<std::size_t>(static_cast<std::size_t>(std::max(0.0, t) / 3600.0), hours_per_day - 1);
            ++f.count[m][hour * f.link_count + link];
        });
    }
    return f;
}

}  // namespace citytwin::sim
