#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/random.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace citytwin::sim {

using geodata::Building;
using geodata::BuildingUse;

std::string_view to_string(Purpose p) {
    switch (p) {
        case Purpose::Work: return "work";
        case Purpose::Other: return "other";
        case Purpose::Home: return "home";
        case Purpose::Given: return "given";
    }
    return "given";
}

namespace {

// How much of a building's floor area serves as homes, workplaces and other
// destinations (shops, services). OSM "building=yes" (Other) is taken as mixed use.
double home_weight(const Building& b) {
    switch (b.use) {
        case BuildingUse::Residential: return b.floor_area_m2;
        case BuildingUse::Other: return 0.5 * b.floor_area_m2;
        default: return 0.0;
    }
}
// A workplace given in jobs (a new district) weighs as much floor area as a job takes.
constexpr double floor_area_per_job_m2 = 25.0;

double work_weight(const Building& b) {
    if (b.jobs >= 0.0) return b.jobs * floor_area_per_job_m2;
    switch (b.use) {
        case BuildingUse::Residential: return 0.05 * b.floor_area_m2;  // home offices, corner shops
        case BuildingUse::Other: return 0.5 * b.floor_area_m2;
        default: return b.floor_area_m2;
    }
}
double other_weight(const Building& b) {
    switch (b.use) {
        case BuildingUse::Commercial: return 2.0 * b.floor_area_m2;
        case BuildingUse::Public: return b.floor_area_m2;
        case BuildingUse::Other: return 0.25 * b.floor_area_m2;
        default: return 0.02 * b.floor_area_m2;
    }
}

/// Cumulative weights for sampling a building in proportion to its weight.
struct Sampler {
    std::vector<double> cumulative;
    std::vector<std::uint32_t> building;
    std::uint32_t pick(double u) const {
        const double target = u * cumulative.back();
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
        return building[std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), building.size() - 1)];
    }
    bool empty() const { return cumulative.empty(); }
};

template <typename Weight>
Sampler make_sampler(const std::vector<Building>& buildings, Weight weight) {
    Sampler s;
    double sum = 0.0;
    for (const auto& b : buildings) {
        const double w = weight(b);
        if (w <= 0.0) continue;
        sum += w;
        s.cumulative.push_back(sum);
        s.building.push_back(b.id.value);
    }
    return s;
}

Seconds clamp_time(double t, Seconds lo, Seconds hi) {
    return static_cast<Seconds>(std::clamp(std::lround(t), static_cast<long>(lo), static_cast<long>(hi)));
}

}  // namespace

std::vector<std::uint32_t> residents_per_building(const geodata::CityModel& model, const SyntheticDemandConfig& cfg,
                                                  std::uint64_t seed) {
    const auto& buildings = *model.buildings;
    // Buildings with given residents (a new district) keep them: they add to the city's
    // population instead of sharing it. The others are scaled to the population.
    std::vector<double> expected(buildings.size(), 0.0), given(buildings.size(), 0.0);
    for (std::size_t i = 0; i < buildings.size(); ++i) {
        if (buildings[i].residents >= 0.0) given[i] = buildings[i].residents;
        else expected[i] = home_weight(buildings[i]) / cfg.floor_area_per_person_m2;
    }

    bool scaled = false;
    if (cfg.population > 0.0) {
        const double total = std::accumulate(expected.begin(), expected.end(), 0.0);
        if (total > 0.0)
            for (auto& e : expected) e *= cfg.population / total;
        scaled = true;
    }
    if (!scaled) {
        // District populations, where given, rescale the homes inside each district.
        for (const auto& d : *model.districts) {
            if (d.population <= 0.0) continue;
            double in_district = 0.0;
            std::vector<std::size_t> members;
            for (std::size_t i = 0; i < buildings.size(); ++i)
                if (expected[i] > 0.0 && geodata::contains(d.area, buildings[i].centroid)) {
                    members.push_back(i);
                    in_district += expected[i];
                }
            if (in_district <= 0.0) continue;
            for (auto i : members) expected[i] *= d.population / in_district;
        }
    }
    for (std::size_t i = 0; i < buildings.size(); ++i) expected[i] += given[i];
    // Stochastic rounding keyed by building: the expected total is kept without bias.
    std::vector<std::uint32_t> residents(buildings.size(), 0);
    for (std::size_t i = 0; i < buildings.size(); ++i) {
        const double e = expected[i] * cfg.sample;
        const double whole = std::floor(e);
        residents[i] = static_cast<std::uint32_t>(whole) +
                       (uniform(seed, Stream::Residents, i) < e - whole ? 1u : 0u);
    }
    return residents;
}

Demand synthesize_demand(const geodata::CityModel& model, const SyntheticDemandConfig& cfg, std::uint64_t seed) {
    const auto& buildings = *model.buildings;
    const auto residents = residents_per_building(model, cfg, seed);
    const Sampler work = make_sampler(buildings, work_weight);
    const Sampler other = make_sampler(buildings, other_weight);

    Demand demand;
    demand.source = "synthetic";
    if (work.empty() || other.empty()) return demand;

    std::uint32_t person = 0;
    auto add = [&](std::uint32_t p, Seconds t, const geodata::Point& from, std::size_t to_building, bool car,
                   Purpose purpose) {
        const geodata::Point& to = buildings[to_building].centroid;
        Trip trip;
        trip.id = static_cast<std::uint32_t>(demand.trips.size());
        trip.person = p;
        trip.departure = t;
        trip.origin = from;
        trip.destination = to;
        trip.by_car = car;
        trip.purpose = purpose;
        trip.destination_building = static_cast<std::uint32_t>(to_building);
        demand.trips.push_back(trip);
    };
    // Persons in building-id order; every draw is keyed by the person's number, so the
    // demand is a pure function of (model, config, seed).
    for (std::size_t b = 0; b < buildings.size(); ++b) {
        const geodata::Point home = buildings[b].centroid;
        for (std::uint32_t r = 0; r < residents[b]; ++r, ++person) {
            const bool car = uniform(seed, Stream::Mode, person) < cfg.car_share;
            const bool worker = uniform(seed, Stream::Chain, person, 0) < cfg.employment_rate;
            const double chain = uniform(seed, Stream::Chain, person, 1);
            if (worker) {
                const std::size_t job_b = work.pick(uniform(seed, Stream::WorkPlace, person));
                const geodata::Point job = buildings[job_b].centroid;
                const Seconds leave = clamp_time(cfg.work_start_mean + cfg.work_start_sd * normal(seed, Stream::DepartureTime, person, 0),
                                                 5 * 3600, 11 * 3600);
                const Seconds back = clamp_time(leave + cfg.work_duration_mean + 3600 * normal(seed, Stream::Duration, person, 0),
                                                leave + 2 * 3600, 22 * 3600);
                add(person, leave, home, job_b, car, Purpose::Work);
                if (chain < 0.25) {  // home–work–other–home
                    const std::size_t shop_b = other.pick(uniform(seed, Stream::OtherPlace, person));
                    const geodata::Point shop = buildings[shop_b].centroid;
                    add(person, back, job, shop_b, car, Purpose::Other);
                    const Seconds home_again = clamp_time(back + cfg.other_duration_mean * 0.7 + 1800 * normal(seed, Stream::Duration, person, 1),
                                                          back + 900, 23 * 3600);
                    add(person, home_again, shop, b, car, Purpose::Home);
                } else {
                    add(person, back, job, b, car, Purpose::Home);
                }
            } else if (chain < 0.6) {  // home–other–home; the rest stay at home
                const std::size_t place_b = other.pick(uniform(seed, Stream::OtherPlace, person));
                const geodata::Point place = buildings[place_b].centroid;
                const Seconds leave = clamp_time(9 * 3600 + 10 * 3600 * uniform(seed, Stream::DepartureTime, person, 1),
                                                 9 * 3600, 19 * 3600);
                const Seconds back = clamp_time(leave + cfg.other_duration_mean + 1800 * normal(seed, Stream::Duration, person, 2),
                                                leave + 900, 23 * 3600);
                add(person, leave, home, place_b, car, Purpose::Other);
                add(person, back, place, b, car, Purpose::Home);
            }
        }
    }
    demand.persons = person;
    return demand;
}

}  // namespace citytwin::sim
