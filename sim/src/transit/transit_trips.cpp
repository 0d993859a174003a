#include <citytwin/sim/transit/transit_trips.hpp>

#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/transit/raptor.hpp>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace citytwin::sim::transit {

namespace {

constexpr float unavailable = std::numeric_limits<float>::infinity();
constexpr int skim_departures = 6;         // every 10 min of the skim hour
constexpr std::int32_t skim_step_s = 600;

bool has_timetable(const geodata::CityModel& model) { return model.transit && !model.transit->empty(); }

double crow(const geodata::Point& a, const geodata::Point& b) { return std::hypot(b.x - a.x, b.y - a.y); }

}  // namespace

TransitParameters parameters_of(const ChoiceConfig& config) {
    TransitParameters p;
    const ModeParameters& walk = config.modes[static_cast<std::size_t>(Mode::Walk)];
    p.walk_kmh = walk.speed_kmh;
    p.walk_detour = walk.detour;
    return p;
}

void skim_transit(const geodata::CityModel& model, const Zones& zones, const ChoiceConfig& config, Skims& skims) {
    if (!has_timetable(model)) return;
    const TransitNetwork net(*model.transit, parameters_of(config));
    const std::size_t n = zones.count();
    std::vector<std::vector<StopWalk>> near(n);
    for (std::size_t z = 0; z < n; ++z) near[z] = net.stops_near(zones.centre[z]);
    auto& time = skims.time_s[static_cast<std::size_t>(Mode::Transit)];
    tbb::enumerable_thread_specific<Raptor> raptors([&] { return Raptor(net); });
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const auto& range) {
        Raptor& raptor = raptors.local();
        std::vector<double> sum(n);
        std::vector<int> found(n);
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
            std::fill(sum.begin(), sum.end(), 0.0);
            std::fill(found.begin(), found.end(), 0);
            for (int q = 0; q < skim_departures; ++q) {
                const std::int32_t departure = config.skim_hour * 3600 + q * skim_step_s;
                const auto& arrival = raptor.arrivals(near[i], departure);
                for (std::size_t j = 0; j < n; ++j) {
                    if (j == i) continue;
                    std::int32_t best = never;
                    for (const auto& [stop, walk] : near[j])
                        if (arrival[stop] != never) best = std::min(best, later(arrival[stop], walk));
                    if (best == never) continue;
                    sum[j] += best - departure;
                    ++found[j];
                }
            }
            for (std::size_t j = 0; j < n; ++j)
                if (j != i) time[i * n + j] = found[j] ? static_cast<float>(sum[j] / found[j]) : unavailable;
        }
    });
}

TransitRoutes route_transit_trips(const geodata::CityModel& model, const ChoiceConfig& config, std::vector<Trip>& trips) {
    TransitRoutes r;
    r.legs.assign(trips.size(), {});
    if (!has_timetable(model)) return r;
    const TransitNetwork net(*model.transit, parameters_of(config));
    const auto& params = net.parameters();
    r.outcome.assign(trips.size(), Outcome::NotTransit);
    auto& outcome = r.outcome;
    tbb::enumerable_thread_specific<Raptor> raptors([&] { return Raptor(net); });
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, trips.size(), 256), [&](const auto& range) {
        Raptor& raptor = raptors.local();
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
            Trip& t = trips[i];
            if (t.mode != Mode::Transit) continue;
            const Journey j = raptor.journey(net.stops_near(t.origin), net.stops_near(t.destination), t.departure,
                                             params.walk_s(crow(t.origin, t.destination)));
            if (!j.found) {
                outcome[i] = Outcome::NoConnection;
                continue;
            }
            t.offroad_time_s = static_cast<float>(j.arrival - j.departure);
            t.offroad_distance_m = static_cast<float>(j.walk_m + j.ride_m);
            outcome[i] = j.rides.empty() ? Outcome::Walked : Outcome::Rode;
            for (const Ride& ride : j.rides) {
                const auto& p = net.patterns()[ride.pattern];
                r.legs[i].push_back({p.route, net.trip_of(p, ride.trip), net.stop_at(p, ride.board), net.stop_at(p, ride.alight),
                                     net.departure(p, ride.trip, ride.board), net.arrival(p, ride.trip, ride.alight)});
            }
        }
    });
    for (std::size_t i = 0; i < trips.size(); ++i) {
        r.routed += outcome[i] == Outcome::Rode;
        r.walked += outcome[i] == Outcome::Walked;
        r.no_connection += outcome[i] == Outcome::NoConnection;
        r.rides += r.legs[i].size();
    }
    return r;
}

Ridership ridership(const geodata::Timetable& timetable, const TransitRoutes& routes) {
    Ridership out;
    out.routes = timetable.routes.size();
    out.stops = timetable.stops.size();
    out.route_boardings.assign(static_cast<std::size_t>(hours_per_day) * out.routes, 0);
    out.stop_boardings.assign(out.stops, 0);
    out.stop_alightings.assign(out.stops, 0);
    for (const auto& legs : routes.legs)
        for (const Leg& l : legs) {
            const auto hour = static_cast<std::size_t>(std::clamp(l.board_s / 3600, 0, hours_per_day - 1));
            ++out.route_boardings[hour * out.routes + l.route];
            ++out.stop_boardings[l.board_stop];
            ++out.stop_alightings[l.alight_stop];
        }
    return out;
}

}  // namespace citytwin::sim::transit
