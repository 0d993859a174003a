#include "demand_results.hpp"

#include <citytwin/geodata/geometry.hpp>

#include <array>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace citytwin::scenarios {

namespace {

/// Length of a trip as reported (car, walk, bike: routed; transit: skimmed).
double trip_km(const RunOutput& run, std::size_t i) {
    const auto& t = run.demand.trips[i];
    return (t.by_car() ? run.mobility->trips[i].distance_m : t.offroad_distance_m) / 1000.0;
}

std::string mode_name(std::size_t m) { return std::string(sim::to_string(static_cast<sim::Mode>(m))); }

}  // namespace

nlohmann::json demand_json(const sim::Demand& demand, const sim::DemandKpis& k) {
    nlohmann::json shares, km, trips, purposes;
    for (std::size_t m = 0; m < sim::mode_count; ++m) {
        const std::string name(sim::to_string(static_cast<sim::Mode>(m)));
        shares[name] = k.mode_share[m];
        km[name] = k.mean_trip_km[m];
        trips[name] = k.trips_by_mode[m];
    }
    for (std::size_t p = 0; p < k.trips_by_purpose.size(); ++p)
        if (k.trips_by_purpose[p]) purposes[std::string(sim::to_string(static_cast<sim::Purpose>(p)))] = k.trips_by_purpose[p];
    nlohmann::json j = {{"source", demand.source}, {"persons", k.persons}, {"residents", k.residents}, {"trips", k.trips},
                        {"external_trips", k.external_trips}, {"trips_by_mode", trips},
                        {"trips_by_purpose", purposes}, {"mode_share", shares}, {"mean_trip_km", km},
                        {"path_network", {{"routed_trips", k.path_routed}, {"off_network_trips", k.path_off_network}}}};
    if (!demand.boundary.empty() || k.external_trips) {
        nlohmann::json by_kind;
        for (std::size_t e = 0; e < k.external_by_kind.size(); ++e)
            by_kind[std::string(sim::to_string(static_cast<sim::External>(e + 1)))] = k.external_by_kind[e];
        j["external"] = {{"boundary_points", demand.boundary.size()}, {"trips", by_kind}};
    }
    if (demand.choice) {
        const auto& c = *demand.choice;
        nlohmann::json constants, decay, expected;
        for (std::size_t m = 0; m < sim::mode_count; ++m) {
            constants[std::string(sim::to_string(static_cast<sim::Mode>(m)))] = c.constants[m];
            expected[std::string(sim::to_string(static_cast<sim::Mode>(m)))] = c.expected_shares[m];
        }
        for (std::size_t p = 0; p < sim::tour_purpose_count; ++p)
            decay[std::string(sim::to_string(static_cast<sim::TourPurpose>(p)))] = c.distance_decay[p];
        j["zones"] = demand.zones;
        j["calibration"] = {{"targets", c.targets}, {"calibrated", c.calibrated}, {"on_unedited_city", c.on_unedited_city},
                            {"iterations", c.iterations}, {"constants", constants},
                            {"distance_decay", decay}, {"expected_mode_share", expected}};
        if (!c.car_share_by_round.empty())
            j["feedback"] = {{"rounds", c.car_share_by_round.size() - 1}, {"car_share_by_round", c.car_share_by_round}};
        const std::string cars = "cars are routed and loaded on the road network; ";
        const std::string active = k.path_routed
                                       ? "walk and bike trips are routed on the path network (footways, cycleways, "
                                         "streets they may use; no congestion); "
                                       : "walk and bike trips take the straight line times a detour factor at the "
                                         "mode's speed (the city has no path network); ";
        const bool timetable = k.transit_routed + k.transit_walked + k.transit_no_connection > 0;
        const std::string transit = timetable
                                        ? "transit trips are routed on the timetable (walk, wait, ride, change; "
                                          "vehicles have no capacity limit), those without a connection teleported"
                                        : "transit is teleported: the straight line times a detour factor at the "
                                          "mode's speed (no timetable given)";
        j["note"] = cars + active + transit;
    }
    return j;
}

geodata::Table boundary_table(const RunOutput& run) {
    const auto& points = run.demand.boundary;
    std::vector<std::int64_t> node, inward, outward, entering(points.size(), 0), leaving(points.size(), 0);
    std::vector<std::string> name;
    geodata::Table t{"boundary_points", points.size(), {}, {}, {}};
    std::map<std::uint32_t, std::size_t> by_link;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        node.push_back(p.node);
        inward.push_back(p.inward == UINT32_MAX ? -1 : static_cast<std::int64_t>(p.inward));
        outward.push_back(p.outward == UINT32_MAX ? -1 : static_cast<std::int64_t>(p.outward));
        name.push_back(p.name);
        t.points.push_back(p.at);
        for (auto l : {p.inward, p.outward, p.entry})
            if (l != UINT32_MAX) by_link[l] = i;
    }
    for (const auto& trip : run.demand.trips) {
        if (trip.external == sim::External::None) continue;
        if (auto it = by_link.find(trip.origin_link); it != by_link.end()) ++entering[it->second];
        if (auto it = by_link.find(trip.destination_link); it != by_link.end()) ++leaving[it->second];
    }
    t.columns = {{"node_id", node}, {"name", name}, {"inward_link", inward}, {"outward_link", outward},
                 {"trips_entering", entering}, {"trips_leaving", leaving}};
    return t;
}

geodata::Table district_mode_table(const RunOutput& run) {
    const auto& districts = *run.model.districts;
    const std::size_t n = districts.size();
    std::vector<std::array<double, sim::mode_count>> trips(n), km(n);
    for (std::size_t i = 0; i < run.demand.trips.size(); ++i) {
        const auto& t = run.demand.trips[i];
        for (std::size_t d = 0; d < n; ++d)
            if (geodata::contains(districts[d].area, t.origin)) {
                trips[d][static_cast<std::size_t>(t.mode)] += 1.0;
                km[d][static_cast<std::size_t>(t.mode)] += trip_km(run, i);
                break;
            }
    }
    geodata::Table table{"district_modes", n, {}, {}, {}};
    std::vector<std::int64_t> id(n), total(n);
    std::vector<std::string> name(n);
    std::array<std::vector<double>, sim::mode_count> share, mean_km;
    for (std::size_t d = 0; d < n; ++d) {
        id[d] = districts[d].id.value;
        name[d] = districts[d].name;
        double all = 0.0;
        for (double v : trips[d]) all += v;
        total[d] = static_cast<std::int64_t>(all);
        for (std::size_t m = 0; m < sim::mode_count; ++m) {
            share[m].push_back(all > 0.0 ? trips[d][m] / all : 0.0);
            mean_km[m].push_back(trips[d][m] > 0.0 ? km[d][m] / trips[d][m] : 0.0);
        }
        table.polygons.push_back(districts[d].area);
    }
    table.columns = {{"district_id", id}, {"name", name}, {"trips", total}};
    for (std::size_t m = 0; m < sim::mode_count; ++m) table.columns.push_back({mode_name(m) + "_share", share[m]});
    for (std::size_t m = 0; m < sim::mode_count; ++m) table.columns.push_back({mode_name(m) + "_mean_km", mean_km[m]});
    return table;
}

geodata::Table trip_length_table(const RunOutput& run) {
    // Bands (km): 0–0.5, 0.5–1, 1–2, 2–3, 3–5, 5–10, 10–20, 20 and more (to_km null).
    static constexpr std::array<double, 8> edge = {0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0};
    std::array<std::array<std::int64_t, edge.size()>, sim::mode_count> count{};
    for (std::size_t i = 0; i < run.demand.trips.size(); ++i) {
        const double km = trip_km(run, i);
        std::size_t band = edge.size() - 1;
        while (band > 0 && km < edge[band]) --band;
        ++count[static_cast<std::size_t>(run.demand.trips[i].mode)][band];
    }
    std::vector<std::string> mode;
    std::vector<double> from, to;
    std::vector<std::int64_t> trips;
    for (std::size_t m = 0; m < sim::mode_count; ++m)
        for (std::size_t b = 0; b < edge.size(); ++b) {
            mode.push_back(mode_name(m));
            from.push_back(edge[b]);
            to.push_back(b + 1 < edge.size() ? edge[b + 1] : std::numeric_limits<double>::quiet_NaN());
            trips.push_back(count[m][b]);
        }
    geodata::Table table{"trip_lengths", mode.size(), {}, {}, {}};
    table.columns = {{"mode", mode}, {"from_km", from}, {"to_km", to}, {"trips", trips}};
    return table;
}

geodata::Table path_table(const RunOutput& run) {
    const auto& net = *run.model.paths;
    const auto& flows = run.mobility->active;
    const std::size_t n = net.link_count();
    std::vector<std::int64_t> id, source, walk, bike, tunnel, pedestrians(n, 0), cyclists(n, 0);
    std::vector<std::string> kind, name;
    geodata::Table t{"paths", n, {}, {}, {}};
    for (const auto& l : net.links()) {
        id.push_back(l.id.value);
        source.push_back(l.source_id);
        kind.emplace_back(geodata::to_string(l.path_kind));
        name.push_back(l.name);
        walk.push_back((l.active_modes & geodata::walk_access) ? 1 : 0);
        bike.push_back((l.active_modes & geodata::bike_access) ? 1 : 0);
        tunnel.push_back(l.tunnel ? 1 : 0);
        t.lines.push_back(l.geometry);
    }
    if (flows.link_count == n)
        for (std::size_t h = 0; h < sim::hours_per_day; ++h)
            for (std::size_t l = 0; l < n; ++l) {
                pedestrians[l] += flows.count[0][h * n + l];
                cyclists[l] += flows.count[1][h * n + l];
            }
    t.columns = {{"path_link_id", id}, {"source_id", source}, {"kind", kind}, {"name", name}, {"walk", walk},
                 {"bike", bike}, {"tunnel", tunnel}, {"pedestrians_day", pedestrians}, {"cyclists_day", cyclists}};
    return t;
}

geodata::Table path_flow_table(const RunOutput& run) {
    const auto& flows = run.mobility->active;
    const std::size_t n = flows.link_count;
    std::vector<std::int64_t> link, hour, pedestrians, cyclists;
    for (std::size_t h = 0; h < (n ? sim::hours_per_day : 0); ++h)
        for (std::size_t l = 0; l < n; ++l) {
            const std::uint32_t walkers = flows.count[0][h * n + l], riders = flows.count[1][h * n + l];
            if (walkers == 0 && riders == 0) continue;   // sparse: only used cells
            link.push_back(static_cast<std::int64_t>(l));
            hour.push_back(static_cast<std::int64_t>(h));
            pedestrians.push_back(walkers);
            cyclists.push_back(riders);
        }
    geodata::Table t{"path_flows", link.size(), {}, {}, {}};
    t.columns = {{"path_link_id", link}, {"hour", hour}, {"pedestrians", pedestrians}, {"cyclists", cyclists}};
    return t;
}

}  // namespace citytwin::scenarios
