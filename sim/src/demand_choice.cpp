#include <citytwin/sim/active_modes.hpp>
#include <citytwin/sim/demand_choice.hpp>
#include <citytwin/sim/link_restrictions.hpp>
#include <citytwin/sim/random.hpp>
#include <citytwin/sim/router.hpp>
#include <citytwin/sim/transit/transit_trips.hpp>

#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/spatial_index.hpp>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace citytwin::sim {

namespace {

constexpr double unavailable = -std::numeric_limits<double>::infinity();
constexpr float no_route = std::numeric_limits<float>::infinity();

// Trips in one zone: the mean distance between two random points of a square of side a
// is 0.52 a (Ortúzar & Willumsen, intrazonal costs); cars drive it at town speed.
constexpr double intrazonal_share_of_side = 0.52;
constexpr double intrazonal_car_kmh = 25.0;

}  // namespace

std::string_view to_string(Mode m) {
    switch (m) {
        case Mode::Car: return "car";
        case Mode::Bike: return "bike";
        case Mode::Walk: return "walk";
        case Mode::Transit: return "transit";
    }
    return "car";
}

std::optional<Mode> mode_from_string(std::string_view name) {
    for (std::size_t m = 0; m < mode_count; ++m)
        if (to_string(static_cast<Mode>(m)) == name) return static_cast<Mode>(m);
    return std::nullopt;
}

std::string_view to_string(TourPurpose p) {
    switch (p) {
        case TourPurpose::Work: return "work";
        case TourPurpose::Education: return "education";
        case TourPurpose::Other: return "other";
    }
    return "other";
}

std::array<ModeParameters, mode_count> ChoiceConfig::default_modes() {
    std::array<ModeParameters, mode_count> m;
    // Round defaults, meant to be replaced by a city's own; money in the unit of
    // value_of_time_per_hour (150/h: SEK, Trafikverket ASEK's order for commuting).
    // Car: road-network time, 3 min to park and walk, 2.0/km running cost.
    m[static_cast<std::size_t>(Mode::Car)] = {0.0, 1.0, 1.0, 180.0, 2.0, 0.0, 0.0};
    // Bike: 15 km/h door to door, riding time weighs 1.5.
    m[static_cast<std::size_t>(Mode::Bike)] = {15.0, 1.3, 1.5, 60.0, 0.0, 0.0, -0.5};
    // Walk: 5 km/h, walking time weighs 2 (it tires; it is also why walk trips are short).
    m[static_cast<std::size_t>(Mode::Walk)] = {5.0, 1.3, 2.0, 0.0, 0.0, 0.0, 0.5};
    // Transit, teleported until a timetable is given: 18 km/h on the detoured distance
    // (scheduled speed of city buses), 8 min walking and waiting, a flat fare of 30.
    m[static_cast<std::size_t>(Mode::Transit)] = {18.0, 1.3, 1.0, 480.0, 0.0, 30.0, 0.0};
    return m;
}

Zones make_zones(const geodata::CityModel& model, double zone_size_m) {
    const auto& buildings = *model.buildings;
    Zones z;
    z.size_m = zone_size_m;
    if (buildings.empty()) return z;
    z.min_x = buildings.front().centroid.x;
    z.min_y = buildings.front().centroid.y;
    for (const auto& b : buildings) {
        z.min_x = std::min(z.min_x, b.centroid.x);
        z.min_y = std::min(z.min_y, b.centroid.y);
    }
    // Cells in (column, row) order, so zone numbers do not depend on building order.
    std::map<std::pair<std::int64_t, std::int64_t>, std::uint32_t> cells;
    std::vector<std::pair<std::int64_t, std::int64_t>> cell_of(buildings.size());
    for (std::size_t i = 0; i < buildings.size(); ++i) {
        cell_of[i] = std::pair<std::int64_t, std::int64_t>{static_cast<std::int64_t>((buildings[i].centroid.x - z.min_x) / zone_size_m),
                      static_cast<std::int64_t>((buildings[i].centroid.y - z.min_y) / zone_size_m)};
        cells.emplace(cell_of[i], 0);
        if (cells.size() > max_zones)
            throw geodata::Error("demand.zone_size_m: " + std::to_string(zone_size_m) + " m cuts the city into more than " +
                                 std::to_string(max_zones) + " zones; use a larger zone size");
    }
    std::uint32_t next = 0;
    for (auto& [cell, id] : cells) id = next++;
    z.centre.assign(cells.size(), geodata::Point{});
    std::vector<double> members(cells.size(), 0.0);
    z.zone_of_building.resize(buildings.size());
    for (std::size_t i = 0; i < buildings.size(); ++i) {
        const std::uint32_t zone = cells.at(cell_of[i]);
        z.zone_of_building[i] = zone;
        z.centre[zone].x += buildings[i].centroid.x;
        z.centre[zone].y += buildings[i].centroid.y;
        members[zone] += 1.0;
    }
    for (std::size_t zone = 0; zone < z.centre.size(); ++zone) {
        z.centre[zone].x /= members[zone];
        z.centre[zone].y /= members[zone];
    }
    return z;
}

Skims build_skims(const geodata::CityModel& model, const Zones& zones, const ChoiceConfig& config,
                  const LinkCosts* car_times) {
    const std::size_t n = zones.count();
    Skims s;
    s.zones = n;
    for (std::size_t m = 0; m < mode_count; ++m) {
        s.time_s[m].assign(n * n, 0.0f);
        s.distance_m[m].assign(n * n, 0.0f);
        s.money[m].assign(n * n, 0.0f);
    }
    const double intrazonal_m = intrazonal_share_of_side * zones.size_m;
    // Off-network modes: straight line × detour at the mode's speed.
    for (std::size_t m = 1; m < mode_count; ++m) {
        const ModeParameters& p = config.modes[m];
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                const double crow = i == j ? intrazonal_m : std::hypot(zones.centre[i].x - zones.centre[j].x, zones.centre[i].y - zones.centre[j].y);
                const double d = crow * p.detour;
                s.distance_m[m][i * n + j] = static_cast<float>(d);
                s.time_s[m][i * n + j] = static_cast<float>(d / (p.speed_kmh / 3.6) + p.wait_s);
                s.money[m][i * n + j] = static_cast<float>(p.fixed_cost + p.cost_per_km * d / 1000.0);
            }
    }
    // Walking and cycling on their own network where the city has one.
    skim_paths(model, zones, config, s);
    // Transit on the timetable where the city has one.
    transit::skim_transit(model, zones, config, s);
    // Cars: fastest routes between the zones' nearest trip-end links, with the model's
    // closures and tolls of the skim hour (a toll counts as its money, not as time).
    const auto c = static_cast<std::size_t>(Mode::Car);
    if (!model.roads || model.roads->link_count() == 0) {
        std::fill(s.time_s[c].begin(), s.time_s[c].end(), no_route);
        return s;
    }
    const auto& net = *model.roads;
    const geodata::LinkIndex index(net, trip_start_links(model));   // zones' links are origins too
    std::vector<std::uint32_t> link(n, UINT32_MAX);
    for (std::size_t i = 0; i < n; ++i)
        if (auto near = index.nearest(zones.centre[i])) link[i] = near->link.value;
    const LinkCosts time = car_times && car_times->link_count == net.link_count() ? *car_times : LinkCosts::free_flow(net);
    LinkCosts priced = time;
    apply_restrictions(model, config.value_of_time_per_hour, priced);
    const auto departure = static_cast<std::int32_t>(config.skim_hour * 3600);
    std::vector<RouteRequest> requests;
    requests.reserve(n * n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            requests.push_back({link[i], link[j], departure, i != j && link[i] != UINT32_MAX && link[j] != UINT32_MAX && link[i] != link[j]});
    std::vector<Route> routes;
    route_all(net, priced, requests, routes);
    const ModeParameters& car = config.modes[c];
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n * n, 4096), [&](const auto& range) {
        for (std::size_t od = range.begin(); od != range.end(); ++od) {
            const std::size_t i = od / n, j = od % n;
            double t = 0.0, d = 0.0, toll_s = 0.0;
            if (i == j || (link[i] == link[j] && link[i] != UINT32_MAX)) {
                d = intrazonal_m * 1.3;
                t = d / (intrazonal_car_kmh / 3.6);
            } else if (routes[od].empty()) {
                s.time_s[c][od] = no_route;
                continue;
            } else {
                t = route_cost(time, routes[od], departure);
                toll_s = route_cost(priced, routes[od], departure) - t;
                for (std::size_t k = 1; k < routes[od].size(); ++k) d += net.link(geodata::LinkId(routes[od][k])).length_m;
            }
            s.time_s[c][od] = static_cast<float>(t + car.wait_s);
            s.distance_m[c][od] = static_cast<float>(d);
            // Tolls back to money: the skim keeps time and money apart (closures are infinite time).
            const double toll_money = std::isfinite(toll_s) ? toll_s / 3600.0 * config.value_of_time_per_hour : 0.0;
            if (!std::isfinite(toll_s)) s.time_s[c][od] = no_route;
            s.money[c][od] = static_cast<float>(car.fixed_cost + car.cost_per_km * d / 1000.0 + toll_money);
        }
    });
    return s;
}

ChoiceModel::ChoiceModel(Skims skims, const ChoiceConfig& config, std::vector<double> attraction, TourCounts counts)
    : skims_(std::move(skims)), config_(config), attraction_(std::move(attraction)), counts_(std::move(counts)),
      z_(skims_.zones) {
    report_.distance_decay = config_.distance_decay;
    for (std::size_t m = 0; m < mode_count; ++m) report_.constants[m] = config_.modes[m].constant;
    build_tables();
    expected(report_.expected_shares, report_.expected_mean_km);
}

double ChoiceModel::utility(Mode m, std::size_t od) const {
    const auto k = static_cast<std::size_t>(m);
    const ModeParameters& p = config_.modes[k];
    const double t = skims_.time_s[k][od];
    if (!std::isfinite(t)) return unavailable;
    const double minutes = p.time_weight * t / 60.0 + skims_.money[k][od] / config_.value_of_time_per_hour * 60.0;
    return report_.constants[k] + config_.utility_per_minute * minutes;
}

double ChoiceModel::mode_utilities(std::size_t od, std::size_t s, std::array<double, mode_count>& v) const {
    double top = unavailable;
    for (std::size_t m = 0; m < mode_count; ++m) {
        const bool closed = (m == static_cast<std::size_t>(Mode::Car) && !(s & 1u)) ||
                            (m == static_cast<std::size_t>(Mode::Bike) && !(s & 2u));
        v[m] = closed ? unavailable : utility(static_cast<Mode>(m), od);
        top = std::max(top, v[m]);
    }
    double sum = 0.0;
    for (double u : v) sum += std::isfinite(u) ? std::exp(u - top) : 0.0;
    return top + std::log(sum);
}

void ChoiceModel::build_tables() {
    const std::size_t n = z_;
    logsum_.assign(n * n * segment_count, 0.0f);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n * n, 4096), [&](const auto& range) {
        std::array<double, mode_count> v;
        for (std::size_t od = range.begin(); od != range.end(); ++od)
            for (std::size_t s = 0; s < segment_count; ++s)
                logsum_[od * segment_count + s] = static_cast<float>(mode_utilities(od, s, v));
    });
    // Destinations: attraction × exp(decay × logsum), cumulative per (purpose, origin, segment).
    destination_cdf_.assign(tour_purpose_count * n * segment_count * n, 0.0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, tour_purpose_count * n, 16), [&](const auto& range) {
        for (std::size_t row = range.begin(); row != range.end(); ++row) {
            const std::size_t p = row / n, i = row % n;
            for (std::size_t s = 0; s < segment_count; ++s) {
                double* cdf = &destination_cdf_[(row * segment_count + s) * n];
                double top = unavailable;
                for (std::size_t j = 0; j < n; ++j) top = std::max(top, double(logsum_[(i * n + j) * segment_count + s]));
                double sum = 0.0;
                for (std::size_t j = 0; j < n; ++j) {
                    const double a = attraction_[p * n + j];
                    sum += a > 0.0 ? a * std::exp(config_.distance_decay[p] * (logsum_[(i * n + j) * segment_count + s] - top)) : 0.0;
                    cdf[j] = sum;
                }
            }
        }
    });
    balance_work();
    // A stop on the way home: "other" attraction × exp(decay × the tour mode's utility).
    stop_cdf_.assign(mode_count * n * n, 0.0);
    const auto other = static_cast<std::size_t>(TourPurpose::Other);
    for (std::size_t m = 0; m < mode_count; ++m)
        for (std::size_t i = 0; i < n; ++i) {
            double* cdf = &stop_cdf_[(m * n + i) * n];
            double top = unavailable;
            for (std::size_t j = 0; j < n; ++j) top = std::max(top, utility(static_cast<Mode>(m), i * n + j));
            double sum = 0.0;
            for (std::size_t j = 0; j < n; ++j) {
                const double u = utility(static_cast<Mode>(m), i * n + j);
                const double a = attraction_[other * n + j];
                sum += a > 0.0 && std::isfinite(u) ? a * std::exp(config_.distance_decay[other] * (u - top)) : 0.0;
                cdf[j] = sum;
            }
            if (sum <= 0.0) cdf[i] = 1.0;  // nowhere reachable: stay in the zone
        }
}

void ChoiceModel::balance_work() {
    // Doubly constrained: T_ij = a_i O_i b_j D_j f_ij with f the segment-weighted
    // exp(decay × logsum); a, b by alternate row and column scaling (Furness 1965).
    const std::size_t n = z_;
    const auto w = static_cast<std::size_t>(TourPurpose::Work);
    std::vector<double> origins(n, 0.0), jobs(n, 0.0);
    double workers = 0.0, job_total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t s = 0; s < segment_count; ++s) origins[i] += counts_.tours[(w * n + i) * segment_count + s];
        workers += origins[i];
        jobs[i] = attraction_[w * n + i];
        job_total += jobs[i];
    }
    work_cdf_.assign(n * n, 0.0);
    if (workers <= 0.0 || job_total <= 0.0) return;
    for (auto& d : jobs) d *= workers / job_total;
    std::vector<double> f(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        if (origins[i] <= 0.0) continue;
        double top = unavailable;
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t s = 0; s < segment_count; ++s) top = std::max(top, double(logsum_[(i * n + j) * segment_count + s]));
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t s = 0; s < segment_count; ++s) {
                const double share = counts_.tours[(w * n + i) * segment_count + s] / origins[i];
                f[i * n + j] += share * std::exp(config_.distance_decay[w] * (logsum_[(i * n + j) * segment_count + s] - top));
            }
    }
    std::vector<double> a(n, 1.0), b(n, 1.0);
    for (int it = 0; it < 200; ++it) {
        for (std::size_t i = 0; i < n; ++i) {
            double row = 0.0;
            for (std::size_t j = 0; j < n; ++j) row += b[j] * jobs[j] * f[i * n + j];
            a[i] = row > 0.0 ? 1.0 / row : 0.0;
        }
        double worst = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            double col = 0.0;
            for (std::size_t i = 0; i < n; ++i) col += a[i] * origins[i] * f[i * n + j];
            const double next = col > 0.0 ? 1.0 / col : 0.0;
            if (jobs[j] > 0.0) worst = std::max(worst, std::abs(next / b[j] - 1.0));
            b[j] = next;
        }
        if (worst < 1e-9) break;
    }
    for (std::size_t i = 0; i < n; ++i) {
        double sum = 0.0;   // cumulative per row, as the other purposes' destination rows
        for (std::size_t j = 0; j < n; ++j) work_cdf_[i * n + j] = sum += a[i] * origins[i] * b[j] * jobs[j] * f[i * n + j];
    }
}

void ChoiceModel::expected(std::array<double, mode_count>& shares, std::array<double, tour_purpose_count>& km) {
    // Per origin zone into its own slot, then summed in zone order: the same bits for any
    // thread count.
    const std::size_t n = z_;
    struct Partial {
        std::array<double, mode_count> trips{};
        std::array<double, tour_purpose_count> km{}, tours{};
    };
    std::vector<Partial> part(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4), [&](const auto& range) {
        std::array<double, mode_count> v;
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
            Partial& out = part[i];
            for (std::size_t p = 0; p < tour_purpose_count; ++p) {
                for (std::size_t s = 0; s < segment_count; ++s) {
                    const double tours = counts_.tours[(p * n + i) * segment_count + s];
                    if (tours <= 0.0) continue;
                    const double* cdf = destination_row(static_cast<TourPurpose>(p), static_cast<std::uint32_t>(i), s);
                    const double total = cdf[n - 1];
                    if (total <= 0.0) continue;
                    for (std::size_t j = 0; j < n; ++j) {
                        const double pj = (cdf[j] - (j ? cdf[j - 1] : 0.0)) / total;
                        if (pj <= 0.0) continue;
                        const double ls = mode_utilities(i * n + j, s, v);
                        for (std::size_t m = 0; m < mode_count; ++m) {
                            if (!std::isfinite(v[m])) continue;
                            const double pm = std::exp(v[m] - ls);
                            out.trips[m] += tours * counts_.trips_per_tour[p] * pj * pm;
                            out.km[p] += tours * pj * pm * skims_.distance_m[m][i * n + j] / 1000.0;
                        }
                    }
                    out.tours[p] += tours;
                }
            }
        }
    });
    Partial sum;
    for (const auto& p : part) {
        for (std::size_t m = 0; m < mode_count; ++m) sum.trips[m] += p.trips[m];
        for (std::size_t k = 0; k < tour_purpose_count; ++k) sum.km[k] += p.km[k], sum.tours[k] += p.tours[k];
    }
    double all = 0.0;
    for (double t : sum.trips) all += t;
    for (std::size_t m = 0; m < mode_count; ++m) shares[m] = all > 0.0 ? sum.trips[m] / all : 0.0;
    for (std::size_t k = 0; k < tour_purpose_count; ++k) km[k] = sum.tours[k] > 0.0 ? sum.km[k] / sum.tours[k] : 0.0;
}

const ChoiceReport& ChoiceModel::calibrate() {
    const auto& targets = config_.target_shares;
    bool want_km = false;
    for (double t : config_.target_mean_km) want_km = want_km || t > 0.0;
    if (!targets && !want_km) return report_;
    report_.targets = true;
    std::array<double, mode_count> goal{};
    if (targets) {
        double total = 0.0;
        for (double t : *targets) total += t;
        for (std::size_t m = 0; m < mode_count; ++m) goal[m] = (*targets)[m] / total;
    }
    // Alternate: decays by secant on log(decay) against the target lengths, then the
    // constants by the classic ln(target / share) update (Ortúzar & Willumsen 7.6.4),
    // the mode with the largest target fixed as the reference.
    const std::size_t ref = targets ? static_cast<std::size_t>(std::max_element(goal.begin(), goal.end()) - goal.begin()) : 0;
    for (int it = 1; it <= 60; ++it) {
        report_.iterations = it;
        for (std::size_t p = 0; p < tour_purpose_count; ++p) {
            const double target = config_.target_mean_km[p];
            if (target <= 0.0 || report_.expected_mean_km[p] <= 0.0) continue;
            double x0 = std::log(config_.distance_decay[p]), y0 = std::log(report_.expected_mean_km[p] / target);
            double x1 = x0 + (y0 > 0 ? 0.3 : -0.3);
            for (int k = 0; k < 12 && std::abs(y0) > 1e-4; ++k) {
                config_.distance_decay[p] = std::exp(std::clamp(x1, -6.0, 4.0));
                build_tables();
                expected(report_.expected_shares, report_.expected_mean_km);
                const double y1 = std::log(report_.expected_mean_km[p] / target);
                const double slope = (y1 - y0) / (x1 - x0);
                x0 = x1, y0 = y1;
                if (std::abs(slope) < 1e-9) break;
                x1 = std::clamp(x1 - y1 / slope, x1 - 1.0, x1 + 1.0);
            }
        }
        bool met = true;
        if (targets) {
            const double ref_shift = std::log(goal[ref] / std::max(report_.expected_shares[ref], 1e-12));
            for (std::size_t m = 0; m < mode_count; ++m) {
                const double share = report_.expected_shares[m];
                if (m == ref) continue;
                if (goal[m] <= 0.0) report_.constants[m] = -30.0;  // never chosen
                else report_.constants[m] += std::log(goal[m] / std::max(share, 1e-12)) - ref_shift;
            }
            build_tables();
            expected(report_.expected_shares, report_.expected_mean_km);
            for (std::size_t m = 0; m < mode_count; ++m) met = met && std::abs(report_.expected_shares[m] - goal[m]) < 0.001;
        }
        for (std::size_t p = 0; p < tour_purpose_count; ++p) {
            const double target = config_.target_mean_km[p];
            if (target > 0.0) met = met && std::abs(report_.expected_mean_km[p] / target - 1.0) < 0.01;
        }
        if (met) {
            report_.calibrated = true;
            break;
        }
    }
    report_.distance_decay = config_.distance_decay;
    return report_;
}

const double* ChoiceModel::destination_row(TourPurpose p, std::uint32_t home, std::size_t segment) const {
    const std::size_t n = z_;
    if (p == TourPurpose::Work && work_cdf_[home * n + n - 1] > 0.0) return &work_cdf_[home * n];   // balanced
    return &destination_cdf_[((static_cast<std::size_t>(p) * n + home) * segment_count + segment) * n];
}

std::uint32_t ChoiceModel::destination(TourPurpose p, std::uint32_t home, std::size_t segment, double u) const {
    const double* cdf = destination_row(p, home, segment);
    if (cdf[z_ - 1] <= 0.0) return home;
    return static_cast<std::uint32_t>(draw_cumulative(cdf, z_, u));
}

Mode ChoiceModel::mode(std::uint32_t from, std::uint32_t to, std::size_t segment, double u) const {
    std::array<double, mode_count> v;
    const double ls = mode_utilities(static_cast<std::size_t>(from) * z_ + to, segment, v);
    double acc = 0.0;
    for (std::size_t m = 0; m < mode_count; ++m) {
        if (!std::isfinite(v[m])) continue;
        acc += std::exp(v[m] - ls);
        if (u < acc) return static_cast<Mode>(m);
    }
    for (std::size_t m = mode_count; m-- > 0;)  // rounding at the top: the last open mode
        if (std::isfinite(v[m])) return static_cast<Mode>(m);
    return Mode::Walk;
}

std::uint32_t ChoiceModel::stop(Mode m, std::uint32_t from, double u) const {
    return static_cast<std::uint32_t>(draw_cumulative(&stop_cdf_[(static_cast<std::size_t>(m) * z_ + from) * z_], z_, u));
}

}  // namespace citytwin::sim
