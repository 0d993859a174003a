#pragma once
// Travel demand: a list of trips, each from a point to a point at a departure time.
// Synthetic demand places residents in buildings and gives them daily activity chains;
// a trip table gives trips directly. Both are reproducible from the seed.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/clock.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace citytwin::sim {

enum class Purpose : std::uint8_t { Work, Other, Home, Given };
std::string_view to_string(Purpose p);

struct Trip {
    std::uint32_t id = 0;
    std::uint32_t person = 0;
    Seconds departure = 0;
    geodata::Point origin, destination;
    bool by_car = true;
    Purpose purpose = Purpose::Given;
    /// Set when the trip table names links directly; else the nearest link is used.
    std::uint32_t origin_link = UINT32_MAX, destination_link = UINT32_MAX;
    /// Synthetic demand: the building (id) whose centroid is the destination; else UINT32_MAX.
    std::uint32_t destination_building = UINT32_MAX;
};

struct Demand {
    std::vector<Trip> trips;        ///< ordered by id (= index)
    std::size_t persons = 0;
    std::string source;             ///< "synthetic" or the table's path
};

/// Parameters of the synthetic population (README "Synthetic demand").
struct SyntheticDemandConfig {
    double population = 0.0;        ///< > 0: total residents; else district populations, else floor area
    double floor_area_per_person_m2 = 40.0;
    double employment_rate = 0.6;   ///< share of residents with a work tour
    double car_share = 0.35;        ///< share of persons who drive; the rest are counted, not loaded
    double sample = 1.0;            ///< fraction of persons generated (capacities scale with it)
    Seconds work_start_mean = 7 * 3600 + 45 * 60;
    Seconds work_start_sd = 3600;
    Seconds work_duration_mean = 8 * 3600 + 30 * 60;
    Seconds other_duration_mean = 5400;
};

/// Residents per building (ids as in the model): floor area of homes scaled to the
/// population; exposed for tests and the wifi capacity model.
std::vector<std::uint32_t> residents_per_building(const geodata::CityModel& model, const SyntheticDemandConfig& cfg,
                                                  std::uint64_t seed);

Demand synthesize_demand(const geodata::CityModel& model, const SyntheticDemandConfig& cfg, std::uint64_t seed);

}  // namespace citytwin::sim
