#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/random.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <tbb/parallel_for.h>

namespace citytwin::sim {

using geodata::Building;
using geodata::BuildingUse;

std::string_view to_string(Purpose p) {
    switch (p) {
        case Purpose::Work: return "work";
        case Purpose::Other: return "other";
        case Purpose::Home: return "home";
        case Purpose::Given: return "given";
        case Purpose::Education: return "education";
        case Purpose::Through: return "through";
    }
    return "given";
}

std::string_view to_string(External e) {
    switch (e) {
        case External::None: return "none";
        case External::Inbound: return "inbound";
        case External::Outbound: return "outbound";
        case External::Through: return "through";
    }
    return "none";
}

std::string_view to_string(AgeGroup a) {
    switch (a) {
        case AgeGroup::Child: return "child";
        case AgeGroup::Adult: return "adult";
        case AgeGroup::Senior: return "senior";
    }
    return "adult";
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

namespace {

double education_weight(const Building& b) {
    static const char* const schools[] = {"school", "kindergarten", "university", "college"};
    for (const char* tag : schools)
        if (b.use_tag == tag) return 4.0 * b.floor_area_m2;
    return b.use == BuildingUse::Public ? 0.5 * b.floor_area_m2 : 0.0;
}

/// Buildings of each zone for one purpose, drawn in proportion to their weight; a zone
/// without any falls back to its buildings by floor area.
class ZoneBuildings {
public:
    template <typename Weight>
    ZoneBuildings(const std::vector<Building>& buildings, const Zones& zones, Weight weight) {
        std::vector<std::vector<std::pair<std::uint32_t, double>>> by_zone(zones.count());
        for (const auto& b : buildings) {
            const double w = weight(b);
            if (w > 0.0) by_zone[zones.zone_of_building[b.id.value]].emplace_back(b.id.value, w);
        }
        start_.assign(zones.count() + 1, 0);
        std::vector<char> weighted(zones.count(), 0);
        for (std::size_t z = 0; z < zones.count(); ++z) weighted[z] = by_zone[z].empty() ? 0 : 1;
        for (const auto& b : buildings)  // the fallback: any building of the zone
            if (!weighted[zones.zone_of_building[b.id.value]])
                by_zone[zones.zone_of_building[b.id.value]].emplace_back(b.id.value, std::max(1.0, b.floor_area_m2));
        for (std::size_t z = 0; z < zones.count(); ++z) {
            double sum = 0.0;
            for (const auto& [id, w] : by_zone[z]) {
                sum += w;
                building_.push_back(id);
                cumulative_.push_back(sum);
            }
            start_[z + 1] = building_.size();
        }
    }
    std::uint32_t pick(std::uint32_t zone, double u) const {
        return building_[start_[zone] + draw_cumulative(&cumulative_[start_[zone]], start_[zone + 1] - start_[zone], u)];
    }

private:
    std::vector<std::uint32_t> building_;
    std::vector<double> cumulative_;   ///< per zone from 0, so a zone's last entry is its total
    std::vector<std::size_t> start_;
};

std::vector<Person> make_persons(const std::vector<std::uint32_t>& residents, const SyntheticDemandConfig& cfg,
                                 std::uint64_t seed) {
    std::vector<Person> people;
    for (std::size_t b = 0; b < residents.size(); ++b)
        for (std::uint32_t r = 0; r < residents[b]; ++r) {
            const auto id = static_cast<std::uint64_t>(people.size());
            Person p;
            p.home_building = static_cast<std::uint32_t>(b);
            const double age = uniform(seed, Stream::Person, id, 0);
            p.age = age < cfg.child_share ? AgeGroup::Child
                    : age < cfg.child_share + cfg.senior_share ? AgeGroup::Senior
                                                                : AgeGroup::Adult;
            p.employed = p.age == AgeGroup::Adult && uniform(seed, Stream::Person, id, 1) < cfg.employment_rate;
            p.car = p.age != AgeGroup::Child && uniform(seed, Stream::Person, id, 2) < cfg.car_availability;
            p.bike = uniform(seed, Stream::Person, id, 3) < cfg.bike_ownership;
            people.push_back(p);
        }
    return people;
}

/// The tour a person makes today, if any.
std::optional<TourPurpose> tour_of(const Person& p, std::uint32_t id, const SyntheticDemandConfig& cfg, std::uint64_t seed) {
    const double u = uniform(seed, Stream::Chain, id, 1);
    if (p.age == AgeGroup::Child) return u < cfg.education_share ? std::optional(TourPurpose::Education) : std::nullopt;
    if (p.employed) return TourPurpose::Work;
    return u < cfg.other_tour_rate ? std::optional(TourPurpose::Other) : std::nullopt;
}

}  // namespace

namespace {

/// Everything the trips are drawn from: persons, their tours, zones and the choice model.
struct DemandSetup {
    std::vector<Person> people;
    std::vector<std::optional<TourPurpose>> tour;
    std::vector<char> works_outside;     ///< employed residents whose job is outside the area
    std::vector<BoundaryPoint> boundary;
    std::vector<double> jobs_by_zone;    ///< work attraction per zone
    Zones zones;
    std::vector<ZoneBuildings> places;   ///< by TourPurpose
    std::optional<ChoiceModel> choice;
};

DemandSetup set_up(const geodata::CityModel& model, const SyntheticDemandConfig& cfg, std::uint64_t seed,
                   const LinkCosts* car_times = nullptr) {
    const auto& buildings = *model.buildings;
    DemandSetup d;
    d.people = make_persons(residents_per_building(model, cfg, seed), cfg, seed);
    if (buildings.empty()) return d;
    d.zones = make_zones(model, cfg.choice.zone_size_m);
    const Zones& zones = d.zones;
    const std::size_t n = zones.count();
    d.places = {ZoneBuildings(buildings, zones, work_weight), ZoneBuildings(buildings, zones, education_weight),
                ZoneBuildings(buildings, zones, other_weight)};
    std::vector<double> attraction(tour_purpose_count * n, 0.0);
    for (std::size_t p = 0; p < tour_purpose_count; ++p)
        for (const auto& b : buildings) {
            const double w = p == 0 ? work_weight(b) : p == 1 ? education_weight(b) : other_weight(b);
            attraction[p * n + zones.zone_of_building[b.id.value]] += std::max(0.0, w);
        }
    d.jobs_by_zone.assign(attraction.begin(), attraction.begin() + static_cast<std::ptrdiff_t>(n));
    // Outbound commuters are employed residents: a share of them works outside.
    d.works_outside.assign(d.people.size(), 0);
    if (cfg.external && model.roads) {
        d.boundary = boundary_points(*model.roads, cfg.external->lowest_class);
        std::size_t employed = 0;
        for (const auto& p : d.people) employed += p.employed ? 1 : 0;
        const double share = employed ? cfg.external->outbound_commuters * cfg.sample / static_cast<double>(employed) : 0.0;
        for (std::size_t id = 0; id < d.people.size(); ++id)
            d.works_outside[id] = d.people[id].employed && uniform(seed, Stream::External, id) < share ? 1 : 0;
    }
    // The tours to choose for, by home zone and choice set: what calibration weighs.
    d.tour.resize(d.people.size());
    TourCounts counts;
    counts.tours.assign(tour_purpose_count * n * segment_count, 0.0);
    counts.trips_per_tour[static_cast<std::size_t>(TourPurpose::Work)] = 2.0 + cfg.stop_rate;
    for (std::size_t id = 0; id < d.people.size(); ++id) {
        const Person& p = d.people[id];
        d.tour[id] = tour_of(p, static_cast<std::uint32_t>(id), cfg, seed);
        if (!d.tour[id] || d.works_outside[id]) continue;
        const std::size_t home = zones.zone_of_building[p.home_building];
        counts.tours[(static_cast<std::size_t>(*d.tour[id]) * n + home) * segment_count + segment_of(p.car, p.bike)] += 1.0;
    }
    d.choice.emplace(build_skims(model, zones, cfg.choice, car_times), cfg.choice, std::move(attraction), std::move(counts));
    d.choice->calibrate();
    return d;
}

}  // namespace

SyntheticDemandConfig calibrated_on(const geodata::CityModel& model, const SyntheticDemandConfig& cfg, std::uint64_t seed,
                                    ChoiceReport& report) {
    SyntheticDemandConfig fixed = cfg;
    const DemandSetup d = set_up(model, cfg, seed);
    if (!d.choice) return fixed;
    report = d.choice->report();
    for (std::size_t m = 0; m < mode_count; ++m) fixed.choice.modes[m].constant = report.constants[m];
    fixed.choice.distance_decay = report.distance_decay;
    fixed.choice.target_shares.reset();
    fixed.choice.target_mean_km = {0.0, 0.0, 0.0};
    return fixed;
}

Demand synthesize_demand(const geodata::CityModel& model, const SyntheticDemandConfig& cfg, std::uint64_t seed,
                         const LinkCosts* car_times) {
    const auto& buildings = *model.buildings;
    Demand demand;
    demand.source = "synthetic";
    DemandSetup setup = set_up(model, cfg, seed, car_times);
    demand.people = std::move(setup.people);
    demand.persons = demand.people.size();
    if (!setup.choice) return demand;
    const Zones& zones = setup.zones;
    const auto& places = setup.places;
    const auto& tour = setup.tour;
    const ChoiceModel& choice = *setup.choice;
    demand.zones = zones.count();
    demand.choice = choice.report();
    const Skims& skims = choice.skims();

    // Trips per block of persons into the block's own list, joined in block order: the
    // same trips, ids and links between them for any thread count.
    constexpr std::size_t block = 4096;
    const std::size_t blocks = (demand.people.size() + block - 1) / block;
    std::vector<std::vector<Trip>> parts(blocks);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const auto& range) {
        for (std::size_t k = range.begin(); k != range.end(); ++k) {
            std::vector<Trip>& out = parts[k];
            for (std::size_t id = k * block; id < std::min(demand.people.size(), (k + 1) * block); ++id) {
                if (!tour[id] || setup.works_outside[id]) continue;
                const Person& person = demand.people[id];
                const TourPurpose purpose = *tour[id];
                const std::size_t segment = segment_of(person.car, person.bike);
                const std::uint32_t home_zone = zones.zone_of_building[person.home_building];
                const std::uint32_t main_zone = choice.destination(purpose, home_zone, segment, uniform(seed, Stream::WorkPlace, id));
                const Mode mode = choice.mode(home_zone, main_zone, segment, uniform(seed, Stream::Mode, id));
                const std::uint32_t main_b = places[static_cast<std::size_t>(purpose)].pick(main_zone, uniform(seed, Stream::OtherPlace, id));
                const auto m = static_cast<std::size_t>(mode);
                // Plans on the skims' times: each trip leaves when the previous has arrived
                // plus the activity (cut so that people set off home by 23:00); the loading
                // re-times them on experienced arrivals.
                auto add = [&](std::uint32_t from_b, std::uint32_t to_b, Seconds arrived, Purpose p, Seconds activity) {
                    const Seconds depart = activity < 0 ? arrived : std::min(arrived + activity, std::max<Seconds>(23 * 3600, arrived + 900));
                    Trip t;
                    t.person = static_cast<std::uint32_t>(id);
                    t.departure = depart;
                    t.origin = buildings[from_b].centroid;
                    t.destination = buildings[to_b].centroid;
                    t.mode = mode;
                    t.purpose = p;
                    t.destination_building = to_b;
                    const std::size_t od = skims.at(zones.zone_of_building[from_b], zones.zone_of_building[to_b]);
                    if (mode != Mode::Car) {
                        t.offroad_time_s = skims.time_s[m][od];
                        t.offroad_distance_m = skims.distance_m[m][od];
                    }
                    if (activity >= 0) {
                        t.previous = static_cast<std::uint32_t>(out.size() - 1);  // local; made global on joining
                        t.activity_s = depart - arrived;
                    }
                    out.push_back(t);
                    const float tt = skims.time_s[m][od];
                    return depart + static_cast<Seconds>(std::isfinite(tt) ? std::lround(tt) : 0);
                };
                Seconds leave = 0, stay = 0;
                Purpose out_purpose = Purpose::Other;
                switch (purpose) {
                    case TourPurpose::Work:
                        leave = clamp_time(cfg.work_start_mean + cfg.work_start_sd * normal(seed, Stream::DepartureTime, id, 0), 5 * 3600, 11 * 3600);
                        stay = clamp_time(cfg.work_duration_mean + 3600 * normal(seed, Stream::Duration, id, 0), 2 * 3600, 12 * 3600);
                        out_purpose = Purpose::Work;
                        break;
                    case TourPurpose::Education:
                        leave = clamp_time(cfg.school_start_mean + 1200 * normal(seed, Stream::DepartureTime, id, 0), 7 * 3600, 9 * 3600 + 1800);
                        stay = clamp_time(cfg.school_duration_mean + 1800 * normal(seed, Stream::Duration, id, 0), 3 * 3600, 9 * 3600);
                        out_purpose = Purpose::Education;
                        break;
                    case TourPurpose::Other:
                        leave = clamp_time(9 * 3600 + 10 * 3600 * uniform(seed, Stream::DepartureTime, id, 1), 9 * 3600, 19 * 3600);
                        stay = clamp_time(cfg.other_duration_mean + 1800 * normal(seed, Stream::Duration, id, 2), 900, 8 * 3600);
                        break;
                }
                const Seconds there = add(person.home_building, main_b, leave, out_purpose, -1);
                const bool stop = purpose == TourPurpose::Work && uniform(seed, Stream::Chain, id, 2) < cfg.stop_rate;
                if (stop) {
                    const std::uint32_t stop_zone = choice.stop(mode, main_zone, uniform(seed, Stream::StopPlace, id));
                    const std::uint32_t stop_b = places[static_cast<std::size_t>(TourPurpose::Other)].pick(stop_zone, uniform(seed, Stream::StopPlace, id, 1));
                    const Seconds stop_stay = clamp_time(cfg.other_duration_mean * 0.7 + 1800 * normal(seed, Stream::Duration, id, 1), 900, 4 * 3600);
                    const Seconds at_stop = add(main_b, stop_b, there, Purpose::Other, stay);
                    add(stop_b, person.home_building, at_stop, Purpose::Home, stop_stay);
                } else {
                    add(main_b, person.home_building, there, Purpose::Home, stay);
                }
            }
        }
    });
    for (auto& part : parts) {
        const auto offset = static_cast<std::uint32_t>(demand.trips.size());
        for (Trip& t : part) {
            t.id = static_cast<std::uint32_t>(demand.trips.size());
            if (t.previous != UINT32_MAX) t.previous += offset;
            demand.trips.push_back(t);
        }
    }
    demand.residents = demand.people.size();
    if (cfg.external) {
        // Jobs for inbound commuters: a zone by its jobs, a building in it as for residents.
        std::vector<double> cumulative(setup.jobs_by_zone.size());
        double sum = 0.0;
        for (std::size_t z = 0; z < cumulative.size(); ++z) cumulative[z] = sum += setup.jobs_by_zone[z];
        const auto& work_places = places[static_cast<std::size_t>(TourPurpose::Work)];
        const ExternalContext context{setup.boundary, *cfg.external, cfg.choice, buildings,
            [&](double u) {
                const auto z = static_cast<std::uint32_t>(draw_cumulative(cumulative.data(), cumulative.size(), u));
                // The draw's place inside the zone's interval is again uniform: it picks the building.
                const double before = z ? cumulative[z - 1] : 0.0, width = cumulative[z] - before;
                return work_places.pick(z, width > 0.0 ? std::clamp((u * sum - before) / width, 0.0, 1.0) : 0.5);
            },
            static_cast<std::int32_t>(cfg.work_start_mean), static_cast<std::int32_t>(cfg.work_start_sd),
            static_cast<std::int32_t>(cfg.work_duration_mean), cfg.sample, seed};
        add_external_trips(context, setup.works_outside, demand.people, demand.trips);
        demand.boundary = setup.boundary;
    }
    demand.persons = demand.people.size();
    demand.active = route_active_trips(model, cfg.choice, demand.trips);
    demand.transit = transit::route_transit_trips(model, cfg.choice, demand.trips);
    return demand;
}

}  // namespace citytwin::sim
