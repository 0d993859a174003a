#include <citytwin/sim/mobility.hpp>
#include <citytwin/sim/random.hpp>

#include <citytwin/geodata/spatial_index.hpp>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

namespace citytwin::sim {

namespace {

constexpr std::uint32_t no_link = UINT32_MAX;

// The nearest link of each point, each distinct point looked up once: trips share their
// ends (a building's entrance, the end of a SUMO edge; grid-large's 200 181 trips start
// at 6 240 points). no_link where the index is empty.
std::vector<std::uint32_t> nearest_links(const geodata::LinkIndex& index, const std::vector<geodata::Point>& points) {
    std::vector<std::uint32_t> order(points.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    auto key = [&](std::uint32_t i) { return std::pair{points[i].x, points[i].y}; };
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return std::pair{key(a), a} < std::pair{key(b), b}; });
    std::vector<std::uint32_t> first;  // positions in `order` where a distinct point begins
    for (std::size_t k = 0; k < order.size(); ++k)
        if (k == 0 || key(order[k]) != key(order[k - 1])) first.push_back(static_cast<std::uint32_t>(k));
    first.push_back(static_cast<std::uint32_t>(order.size()));
    std::vector<std::uint32_t> out(points.size(), no_link);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, first.size() - 1, 256), [&](const auto& range) {
        for (std::size_t u = range.begin(); u != range.end(); ++u) {
            const auto hit = index.nearest(points[order[first[u]]]);
            const std::uint32_t link = hit ? hit->link.value : no_link;
            for (std::uint32_t k = first[u]; k < first[u + 1]; ++k) out[order[k]] = link;
        }
    });
    return out;
}

std::vector<RouteRequest> attach_trips(const geodata::CityModel& model, const Demand& demand,
                                       std::vector<TripOutcome>& outcomes) {
    // Trips start and end on links that are open all day, so that a closure changes
    // routes, not where people live and work; on links a turn leads onto, so that where
    // one direction of a street can be entered only by a U-turn, the other is taken; and
    // not on a motorway (trip_end_links); a start must have a turn out (trip_start_links).
    const geodata::LinkIndex starts(*model.roads, trip_start_links(model));
    const geodata::LinkIndex ends(*model.roads, trip_end_links(model));
    // Each end: the link given (a trip table's, the area's edge), else the nearest.
    std::vector<geodata::Point> origins, destinations;
    std::vector<std::uint32_t> asked;  // trips whose ends are looked up
    for (std::uint32_t i = 0; i < demand.trips.size(); ++i) {
        const Trip& t = demand.trips[i];
        if (!t.by_car() || (t.origin_link != no_link && t.destination_link != no_link)) continue;
        asked.push_back(i);
        origins.push_back(t.origin);
        destinations.push_back(t.destination);
    }
    const auto nearest_start = nearest_links(starts, origins);
    const auto nearest_end = nearest_links(ends, destinations);
    std::vector<std::uint32_t> from(demand.trips.size(), no_link), to(demand.trips.size(), no_link);
    for (std::size_t k = 0; k < asked.size(); ++k) {
        from[asked[k]] = nearest_start[k];
        to[asked[k]] = nearest_end[k];
    }
    std::vector<RouteRequest> requests(demand.trips.size());
    outcomes.assign(demand.trips.size(), {});
    for (std::size_t i = 0; i < demand.trips.size(); ++i) {
        const Trip& t = demand.trips[i];
        RouteRequest& q = requests[i];
        q.departure = t.departure;
        q.active = false;
        if (!t.by_car()) continue;
        q.from_link = t.origin_link != no_link ? t.origin_link : from[i];
        q.to_link = t.destination_link != no_link ? t.destination_link : to[i];
        if (q.from_link == no_link || q.to_link == no_link) continue;
        q.active = true;
        outcomes[i].origin_link = q.from_link;
        outcomes[i].destination_link = q.to_link;
    }
    return requests;
}

// A tour's next trip leaves when the previous one arrived plus the activity between them,
// the arrival as experienced in the last loading (MATSim's plans with activity durations,
// re-timed between iterations). In trip order: a trip's previous is always re-timed first.
void retime_tours(const Demand& demand, const LoadingResult& last, std::vector<Seconds>& departures,
                  std::vector<RouteRequest>& requests) {
    for (std::size_t i = 0; i < demand.trips.size(); ++i) {
        const Trip& t = demand.trips[i];
        if (t.previous == UINT32_MAX) continue;
        const Trip& before = demand.trips[t.previous];
        Seconds arrived = -1;
        if (before.by_car()) arrived = last.arrival[t.previous];
        else arrived = departures[t.previous] + static_cast<Seconds>(std::lround(before.offroad_time_s));
        if (arrived < 0) continue;  // still on the road at the day's end: keep the plan
        departures[i] = arrived + t.activity_s;
        requests[i].departure = departures[i];
    }
}

double relative_gap(const LinkCosts& costs, const std::vector<Route>& current, const std::vector<Route>& best,
                    const std::vector<RouteRequest>& requests) {
    // Fixed-order sums: the gap is the same whatever the thread count.
    double experienced = 0.0, shortest = 0.0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (!requests[i].active || current[i].empty() || best[i].empty()) continue;
        const double now = route_cost(costs, current[i], requests[i].departure);
        // A route that meets a closure on the way (routed on its departure hour's costs,
        // it reaches the link after the closure began) costs +inf: left out, or the gap is
        // NaN. Such trips are `abandoned` in the KPIs.
        if (!std::isfinite(now)) continue;
        experienced += now;
        shortest += route_cost(costs, best[i], requests[i].departure);
    }
    return experienced > 0.0 ? (experienced - shortest) / experienced : 0.0;
}

void compute_kpis(const geodata::CityModel& model, const Demand& demand, double capacity_factor, MobilityResult& r) {
    const auto& net = *model.roads;
    MobilityKpis& k = r.kpis;
    const LinkCosts ff = LinkCosts::free_flow(net);
    k.trips = demand.trips.size();
    double tt_sum = 0.0, delay_sum = 0.0;
    for (std::size_t i = 0; i < demand.trips.size(); ++i) {
        const Trip& t = demand.trips[i];
        if (!t.by_car()) {
            ++k.other_mode_trips;
            continue;
        }
        ++k.car_trips;
        const Route& route = r.routes[i];
        TripOutcome& o = r.trips[i];
        if (route.empty()) {
            ++k.unroutable;
            continue;
        }
        o.route_links = static_cast<std::uint32_t>(route.size());
        o.freeflow_time_s = route_cost(ff, route, r.departures[i]);
        for (std::size_t j = 1; j < route.size(); ++j) o.distance_m += net.link(geodata::LinkId(route[j])).length_m;
        const TripStatus status = r.loading.status[i];
        if (status == TripStatus::NotLoaded) ++k.not_started;
        if (status == TripStatus::Arrived || status == TripStatus::Stuck) {
            // Congestion is never hidden: a trip given up before a closed road counts
            // with the time it had spent until then.
            const double tt = r.loading.arrival[i] - r.departures[i];
            ++(status == TripStatus::Arrived ? k.completed : k.abandoned);
            tt_sum += tt;
            delay_sum += tt - o.freeflow_time_s;
            k.vehicle_km += o.distance_m / 1000.0;
            k.vehicle_hours += tt / 3600.0;
        }
    }
    k.stuck = r.loading.stuck;
    k.en_route = r.loading.en_route;
    if (const std::size_t ended = k.completed + k.abandoned) {
        k.mean_travel_time_s = tt_sum / static_cast<double>(ended);
        k.mean_delay_s = delay_sum / static_cast<double>(ended);
    }
    // Delay at stop lines, summed per node in node order (the same bits for any thread count).
    double junction_delay = 0.0, signal_delay = 0.0;
    for (std::size_t node = 0; node < r.loading.junction_delay.size(); ++node) {
        junction_delay += r.loading.junction_delay[node];
        if (net.node(geodata::NodeId(static_cast<std::uint32_t>(node))).control == geodata::JunctionControl::Signal)
            signal_delay += r.loading.junction_delay[node];
    }
    if (r.loading.departed) {
        k.junction_delay_s_per_trip = junction_delay / static_cast<double>(r.loading.departed);
        k.signal_delay_s_per_trip = signal_delay / static_cast<double>(r.loading.departed);
    }
    std::vector<std::uint32_t> controllers;
    for (const auto& p : r.loading.signal_plans) controllers.push_back(p.controller);
    std::sort(controllers.begin(), controllers.end());
    k.signalised_junctions = static_cast<std::size_t>(std::unique(controllers.begin(), controllers.end()) - controllers.begin());
    // Peak hour: most link entries; congested: entries above 90 % of capacity in it.
    const std::size_t n = net.link_count();
    std::size_t best_total = 0;
    for (std::size_t h = 0; h < r.loading.hours; ++h) {
        std::size_t total = 0;
        for (std::size_t l = 0; l < n; ++l) total += r.loading.entries[h * n + l];
        if (total > best_total) best_total = total, k.peak_hour = static_cast<int>(h);
    }
    std::size_t congested = 0;
    const std::size_t peak = static_cast<std::size_t>(k.peak_hour) * n;
    for (const auto& l : net.links())
        if (r.loading.entries.size() > 0 &&
            (r.loading.entries[peak + l.id.value] > 0.9 * l.capacity_vph * capacity_factor ||  // the capacity the loading used
             r.loading.queue_full[peak + l.id.value]))  // a queue that fills the link (spillback)
            ++congested;
    k.congested_link_share = n ? static_cast<double>(congested) / static_cast<double>(n) : 0.0;
    for (const char open : never_closed(model)) k.closed_links += open ? 0 : 1;
    for (const auto& t : *model.tolls)
        for (std::size_t h = 0; h < r.loading.hours; ++h)
            if (toll_applies(t, h)) {
                const std::size_t crossings = r.loading.entries[h * n + t.link.value];
                k.toll_crossings += crossings;
                k.toll_revenue += static_cast<double>(crossings) * t.amount;
            }
    k.iterations = static_cast<int>(r.relative_gap.size());
    k.relative_gap = r.relative_gap.empty() ? 0.0 : r.relative_gap.back();
}

DemandKpis demand_kpis(const Demand& demand, const std::vector<TripOutcome>& outcomes) {
    DemandKpis k;
    k.persons = demand.persons;
    k.residents = demand.people.empty() ? demand.persons : demand.residents;
    k.trips = demand.trips.size();
    std::array<double, mode_count> km{};
    for (std::size_t i = 0; i < demand.trips.size(); ++i) {
        const Trip& t = demand.trips[i];
        const auto m = static_cast<std::size_t>(t.mode);
        ++k.trips_by_mode[m];
        ++k.trips_by_purpose[static_cast<std::size_t>(t.purpose)];
        if (t.external != External::None) {
            ++k.external_trips;
            ++k.external_by_kind[static_cast<std::size_t>(t.external) - 1];
        }
        km[m] += (t.by_car() ? outcomes[i].distance_m : t.offroad_distance_m) / 1000.0;
    }
    k.path_routed = demand.active.routed;
    k.path_off_network = demand.active.off_network;
    k.transit_routed = demand.transit.routed;
    k.transit_walked = demand.transit.walked;
    k.transit_no_connection = demand.transit.no_connection;
    k.transit_rides = demand.transit.rides;
    for (std::size_t m = 0; m < mode_count; ++m) {
        if (k.trips) k.mode_share[m] = static_cast<double>(k.trips_by_mode[m]) / static_cast<double>(k.trips);
        if (k.trips_by_mode[m]) k.mean_trip_km[m] = km[m] / static_cast<double>(k.trips_by_mode[m]);
    }
    return k;
}

}  // namespace

MobilityResult run_mobility(const geodata::CityModel& model, const Demand& demand, const MobilityConfig& config,
                            std::uint64_t seed, const MobilityProgress& progress, const StepObserver& observer) {
    const auto& net = *model.roads;
    MobilityResult r;
    auto requests = attach_trips(model, demand, r.trips);
    std::vector<Seconds>& departures = r.departures;
    departures.resize(demand.trips.size());
    for (std::size_t i = 0; i < demand.trips.size(); ++i) departures[i] = demand.trips[i].departure;

    if (progress) progress("routing trips", 0, requests.size());
    LinkCosts initial = LinkCosts::free_flow(net);
    apply_restrictions(model, config.value_of_time_per_hour, initial);
    route_all(net, initial, requests, r.routes);
    LoadingHooks hooks{closure_events(model), observer, 0};
    if (progress) progress("routing trips", requests.size(), requests.size());
    const int iterations = std::max(1, config.iterations);
    LoadingConfig loading = config.loading;
    loading.seed = seed;
    for (int it = 0; it < iterations; ++it) {
        const std::string stage = "iteration " + std::to_string(it + 1) + "/" + std::to_string(iterations);
        hooks.iteration = it;
        if (it > 0) retime_tours(demand, r.loading, departures, requests);
        r.loading = load_network(net, r.routes, departures, loading, [&](Seconds now, std::size_t, std::size_t) {
            if (progress) progress(stage + " loading (simulated seconds), clock " + format_clock(now), static_cast<std::size_t>(now - config.loading.start),
                                   static_cast<std::size_t>(config.loading.end - config.loading.start));
        }, hooks);
        LinkCosts experienced = experienced_costs(net, r.loading);
        r.congested = experienced;  // the result's costs, whichever loading ends the run
        apply_restrictions(model, config.value_of_time_per_hour, experienced);
        // Best routes are needed for the travellers who re-route and for the trips the
        // gap is measured on (a fixed random sample: 5000 trips estimate the gap of a
        // million to within a few per cent of its value, at a tiny share of the routing).
        const bool replan = it + 1 < iterations;
        std::size_t active = 0;
        for (const auto& q : requests) active += q.active ? 1 : 0;
        const double sample_share =
            active ? std::min(1.0, static_cast<double>(config.gap_sample_trips) / static_cast<double>(active)) : 0.0;
        std::vector<char> in_sample(requests.size(), 0), reroute(requests.size(), 0);
        std::vector<RouteRequest> needed = requests;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            if (!requests[i].active) continue;
            in_sample[i] = uniform(seed, Stream::Replan, i, 1u << 20) < sample_share;
            reroute[i] = replan && uniform(seed, Stream::Replan, i, static_cast<std::uint64_t>(it)) < config.reroute_share;
            needed[i].active = in_sample[i] || reroute[i];
        }
        std::size_t needed_count = 0;
        for (const auto& q : needed) needed_count += q.active ? 1 : 0;
        if (progress) progress("re-routing trips " + stage, 0, needed_count);
        std::vector<Route> best;
        route_all(net, experienced, needed, best);
        if (progress) progress("re-routing trips " + stage, needed_count, needed_count);
        std::vector<RouteRequest> sample = requests;
        for (std::size_t i = 0; i < requests.size(); ++i) sample[i].active = in_sample[i];
        r.relative_gap.push_back(relative_gap(experienced, r.routes, best, sample));
        if (config.target_gap > 0.0 && r.relative_gap.back() <= config.target_gap) {
            // Converged: this loading is the result; the re-routes drawn for the next
            // one are dropped (a small share of the routing just done).
            r.kpis.converged = true;
            break;
        }
        for (std::size_t i = 0; i < requests.size(); ++i) {
            if (!reroute[i]) continue;
            Route& b = best[i];
            // Bounded rationality: keep the route unless the new one saves enough.
            if (config.min_saving > 0.0 && !b.empty() && !r.routes[i].empty() &&
                route_cost(experienced, b, requests[i].departure) >
                    (1.0 - config.min_saving) * route_cost(experienced, r.routes[i], requests[i].departure))
                continue;
            r.routes[i] = std::move(b);
        }
    }
    compute_kpis(model, demand, config.loading.flow_capacity_factor, r);
    r.demand = demand_kpis(demand, r.trips);
    r.active = active_flows(model, demand.trips, demand.active, departures);
    if (model.transit) r.ridership = transit::ridership(*model.transit, demand.transit);
    return r;
}

}  // namespace citytwin::sim
