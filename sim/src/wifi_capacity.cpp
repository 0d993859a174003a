#include <citytwin/sim/wifi_capacity.hpp>

#include <citytwin/sim/active_modes.hpp>
#include <citytwin/sim/wifi_mac.hpp>

#include <boost/math/distributions/poisson.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace citytwin::sim::wifi {

std::vector<double> people_present(const std::vector<std::uint32_t>& residents, const Demand* demand, double weight,
                                   std::vector<double>* at_home) {
    const std::size_t nb = residents.size();
    std::vector<double> present(hours_per_day * nb, 0.0);
    if (at_home) at_home->assign(hours_per_day * nb, 0.0);
    std::size_t persons = 0;
    for (auto r : residents) persons += r;
    const bool moves = demand && demand->residents == persons && demand->persons >= persons;
    // Each person's trips in time order (a person's trips are in trip order, though the
    // trips of commuters who cross the area's edge come after the residents').
    const std::size_t everyone = moves ? demand->persons : persons;
    std::vector<std::uint32_t> offset(everyone + 1, 0), order;
    if (moves) {
        for (const auto& t : demand->trips) ++offset[t.person + 1];
        for (std::size_t p = 0; p < everyone; ++p) offset[p + 1] += offset[p];
        order.resize(demand->trips.size());
        std::vector<std::uint32_t> next(offset.begin(), offset.end() - 1);
        for (std::size_t i = 0; i < demand->trips.size(); ++i) order[next[demand->trips[i].person]++] = static_cast<std::uint32_t>(i);
    }
    constexpr std::size_t outside = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> home_of(everyone, outside);
    std::uint32_t person = 0;
    for (std::size_t home = 0; home < nb; ++home)
        for (std::uint32_t r = 0; r < residents[home]; ++r) home_of[person++] = home;
    for (std::size_t p = 0; p < everyone; ++p) {
        std::size_t where = home_of[p];   // outside: a commuter before coming in
        std::size_t k = moves ? offset[p] : 0;
        const std::size_t end = moves ? offset[p + 1] : 0;
        for (int h = 0; h < hours_per_day; ++h) {
            const Seconds mid = h * 3600 + 1800;
            for (; k < end && demand->trips[order[k]].departure < mid; ++k) {
                const Trip& t = demand->trips[order[k]];
                where = t.destination_building < nb ? t.destination_building : t.external != External::None ? outside : where;
            }
            if (where == outside) continue;
            present[static_cast<std::size_t>(h) * nb + where] += weight;
            if (at_home && where == home_of[p]) (*at_home)[static_cast<std::size_t>(h) * nb + where] += weight;
        }
    }
    return present;
}

double busy_users(double mean, double q) {
    if (!(mean > 0.0)) return 0.0;
    using namespace boost::math::policies;
    using Poisson = boost::math::poisson_distribution<double, policy<discrete_quantile<integer_round_up>>>;
    return boost::math::quantile(Poisson(mean), q);
}

double mcs_rate_mbps(double sinr_db) {
    // 802.11n HT20, 1 stream, long GI: MCS0..7 (IEEE 802.11-2020, HT MCS table).
    // Minimum SINR per MCS: typical planning values (not from the standard).
    static constexpr std::array<double, 8> rate{6.5, 13.0, 19.5, 26.0, 39.0, 52.0, 58.5, 65.0};
    static constexpr std::array<double, 8> min_sinr{2.0, 5.0, 9.0, 11.0, 15.0, 18.0, 20.0, 25.0};
    double r = rate[0];
    for (std::size_t i = 0; i < rate.size(); ++i)
        if (sinr_db >= min_sinr[i]) r = rate[i];
    return r;
}

namespace {

// A traveller on the way at h:30 is not yet at the destination people_present put them in
// (nor at home, when going home).
void not_yet_arrived(std::vector<double>& present, std::vector<double>* at_home, std::size_t buildings, int hour,
                     const Trip& trip, double weight) {
    if (trip.destination_building >= buildings) return;
    const std::size_t i = static_cast<std::size_t>(hour) * buildings + trip.destination_building;
    present[i] = std::max(0.0, present[i] - weight);
    if (at_home && trip.purpose == Purpose::Home) (*at_home)[i] = std::max(0.0, (*at_home)[i] - weight);
}

}  // namespace

std::vector<MovingPeople> people_on_the_move(const Demand& demand, const LoadingResult& loading, std::size_t buildings,
                                             double weight, std::vector<double>& present, std::vector<double>* at_home) {
    std::vector<MovingPeople> out;
    for (int h = 0; h < hours_per_day; ++h) {
        const Seconds t = h * 3600 + 1800;
        double en_route = 0.0;
        for (std::size_t i = 0; i < demand.trips.size() && i < loading.arrival.size(); ++i) {
            const Trip& trip = demand.trips[i];
            if (!trip.by_car() || trip.departure > t || loading.arrival[i] <= t) continue;  // not driving at t
            en_route += weight;
            not_yet_arrived(present, at_home, buildings, h, trip, weight);
        }
        // Samples of the last sampling instant at or before t (positions are in time order).
        Seconds at = -1;
        for (const auto& s : loading.positions)
            if (s.time <= t) at = std::max(at, s.time);
        std::size_t samples = 0;
        for (const auto& s : loading.positions) samples += s.time == at ? 1 : 0;
        if (samples == 0 || en_route == 0.0) continue;
        const double each = en_route / static_cast<double>(samples);
        for (const auto& s : loading.positions)
            if (s.time == at) out.push_back({h, {s.x, s.y}, each});
    }
    return out;
}

std::vector<MovingPeople> people_on_foot(const geodata::CityModel& model, const Demand& demand,
                                         const std::vector<Seconds>& departures, double weight,
                                         std::vector<double>& present, std::vector<double>* at_home) {
    std::vector<MovingPeople> out;
    const ActiveRoutes& active = demand.active;
    if (!model.paths || active.routes.empty()) return out;
    const auto& paths = *model.paths;
    const std::size_t nb = model.buildings->size();
    const std::array<LinkCosts, 2> costs{path_costs(paths, Mode::Walk, active.speeds), path_costs(paths, Mode::Bike, active.speeds)};
    for (std::size_t i = 0; i < demand.trips.size() && i < active.routes.size(); ++i) {
        const Route& route = active.routes[i];
        if (route.empty()) continue;
        const Trip& trip = demand.trips[i];
        const Seconds departure = i < departures.size() ? departures[i] : trip.departure;
        follow_route(route, costs[trip.mode == Mode::Bike ? 1 : 0], departure + active.start_s[i],
                     [&](std::size_t k, std::uint32_t link, double entered, double seconds) {
                         // The h:30 instants inside [entered, entered + seconds).
                         for (int h = std::max(0, static_cast<int>(std::ceil((entered - 1800.0) / 3600.0)));
                              h < hours_per_day && h * 3600.0 + 1800.0 < entered + seconds; ++h) {
                             const double f = (h * 3600.0 + 1800.0 - entered) / seconds;
                             const auto& line = paths.link(geodata::LinkId(link)).geometry;
                             const double along = (k == 0 ? 0.5 + 0.5 * f : f) * geodata::length(line);
                             out.push_back({h, geodata::point_along(line, along), weight});
                             not_yet_arrived(present, at_home, nb, h, trip, weight);
                         }
                     });
    }
    return out;
}

CapacityResult wifi_capacity(const geodata::CityModel& model, const Coverage& coverage,
                             const std::vector<double>& present, const CoverageConfig& config,
                             const CapacityConfig& capacity, const std::vector<MovingPeople>& moving,
                             const std::vector<std::size_t>& homes, const std::vector<double>* at_home) {
    const auto& buildings = *model.buildings;
    const std::size_t nb = buildings.size();
    const std::size_t naps = model.access_points->size();
    const auto& g = coverage.grid;
    // Serving AP and PHY rate of each building (its home cell).
    std::vector<std::uint32_t> server(nb, no_server);
    std::vector<double> rate(nb, 0.0);
    for (std::size_t b = 0; b < nb; ++b) {
        std::size_t i = SIZE_MAX;
        if (!homes.empty()) {
            if (b < homes.size()) i = homes[b];
        } else if (const auto cell = g.cell_of(buildings[b].centroid)) {
            i = g.index(cell->col, cell->row);
        }
        if (i == SIZE_MAX) continue;
        if (coverage.server[i] == no_server || coverage.server[i] >= naps || !(coverage.rssi_dbm[i] >= config.threshold_dbm))
            continue;
        server[b] = coverage.server[i];
        rate[b] = mac_goodput_mbps(mcs_rate_mbps(coverage.sinr_db[i]), capacity.mac);
    }
    CapacityResult out;
    out.loads.resize(naps * hours_per_day);
    std::vector<double> users(naps), airtime(naps), share(naps);  // airtime: Σ users / rate (s per Mbit for all)
    for (int h = 0; h < hours_per_day; ++h) {
        std::fill(users.begin(), users.end(), 0.0);
        std::fill(airtime.begin(), airtime.end(), 0.0);
        const std::size_t base = static_cast<std::size_t>(h) * nb;
        const double factor = capacity.active_by_hour[static_cast<std::size_t>(h)];
        for (std::size_t b = 0; b < nb && base + b < present.size(); ++b) {
            if (server[b] == no_server) continue;
            const double home = at_home && base + b < at_home->size() ? (*at_home)[base + b] : 0.0;
            const double away = std::max(0.0, present[base + b] - home);
            const double u = factor * (capacity.active_share_home * home + capacity.active_share * away);
            users[server[b]] += u;
            airtime[server[b]] += u / rate[b];
        }
        for (const auto& m : moving) {  // in the given order: fixed sums
            if (m.hour != h) continue;
            const auto cell = g.cell_of(m.position);
            if (!cell) continue;
            const std::size_t i = g.index(cell->col, cell->row);
            if (coverage.server[i] == no_server || coverage.server[i] >= naps || !(coverage.rssi_dbm[i] >= config.threshold_dbm))
                continue;
            const double u = factor * capacity.active_share_street * m.weight;
            users[coverage.server[i]] += u;
            airtime[coverage.server[i]] += u / mac_goodput_mbps(mcs_rate_mbps(coverage.sinr_db[i]), capacity.mac);
        }
        // Each AP's share of the air against the APs it senses, each as busy as the chance
        // that it has a user at all (Poisson: 1 − e^−users).
        for (std::size_t a = 0; a < naps; ++a) {
            double contenders = 0.0;
            if (a < coverage.senses.size())
                for (const auto b : coverage.senses[a]) contenders += b < naps ? 1.0 - std::exp(-users[b]) : 0.0;
            share[a] = 1.0 / (1.0 + contenders);
        }
        std::size_t overloaded = 0;
        double total = 0.0;
        for (std::size_t a = 0; a < naps; ++a) {
            auto& l = out.loads[a * hours_per_day + static_cast<std::size_t>(h)];
            l.ap = static_cast<std::uint32_t>(a);
            l.hour = h;
            l.users = users[a];
            l.airtime_share = share[a];
            // T = share / Σ 1/rate_u for >= 1 user; the users' harmonic-mean rate for fewer.
            l.throughput_per_user_mbps = users[a] > 0.0 ? share[a] * users[a] / airtime[a] / std::max(users[a], 1.0)
                                                        : std::numeric_limits<double>::quiet_NaN();
            l.peak_users = busy_users(users[a], capacity.peak_quantile);
            l.overloaded = l.peak_users > capacity.client_limit;
            if (l.overloaded) ++overloaded;
            total += users[a];
        }
        if (overloaded > out.overloaded_aps_peak) {
            out.overloaded_aps_peak = overloaded;
            out.overloaded_peak_hour = h;
        }
        if (total > out.peak_hour_users) {
            out.peak_hour_users = total;
            out.peak_hour = h;
        }
    }
    double weighted = 0.0;
    for (std::size_t a = 0; a < naps; ++a) {
        const auto& l = out.loads[a * hours_per_day + static_cast<std::size_t>(out.peak_hour)];
        if (l.users > 0.0) weighted += l.users * l.throughput_per_user_mbps;
    }
    out.peak_hour_throughput_per_user_mbps =
        out.peak_hour_users > 0.0 ? weighted / out.peak_hour_users : std::numeric_limits<double>::quiet_NaN();
    return out;
}

}  // namespace citytwin::sim::wifi
