#pragma once
// Travel demand: a list of trips, each from a point to a point at a departure time, by a
// mode. Synthetic demand places persons in buildings, gives each a tour (home–work–home,
// home–education–home, home–other–home, a stop on the way home) and chooses its
// destinations and mode (demand_choice.hpp); a trip table gives car trips directly. Both
// are reproducible from the seed.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/active_modes.hpp>
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/demand_choice.hpp>
#include <citytwin/sim/external_demand.hpp>
#include <citytwin/sim/transit/transit_trips.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::sim {

enum class Purpose : std::uint8_t { Work, Other, Home, Given, Education, Through };
inline constexpr std::size_t purpose_count = 6;
std::string_view to_string(Purpose p);

enum class AgeGroup : std::uint8_t { Child, Adult, Senior };   ///< 0–15, 16–64, 65+
std::string_view to_string(AgeGroup a);

/// Trips that cross the edge of the study area, and which way.
enum class External : std::uint8_t { None, Inbound, Outbound, Through };
std::string_view to_string(External e);

struct Person {
    std::uint32_t home_building = UINT32_MAX;   ///< UINT32_MAX: lives outside the area
    AgeGroup age = AgeGroup::Adult;
    bool employed = false, car = false, bike = false;
};

struct Trip {
    std::uint32_t id = 0;
    std::uint32_t person = 0;
    Seconds departure = 0;
    geodata::Point origin, destination;
    Mode mode = Mode::Car;
    bool by_car() const { return mode == Mode::Car; }
    External external = External::None;
    Purpose purpose = Purpose::Given;
    /// Set when the trip table names links, or at the area's edge; else the nearest car link.
    std::uint32_t origin_link = UINT32_MAX, destination_link = UINT32_MAX;
    /// Synthetic demand: the building (id) whose centroid is the destination; else UINT32_MAX.
    std::uint32_t destination_building = UINT32_MAX;
    /// Tours: the same person's trip before this one (UINT32_MAX: first of the day) and the
    /// time spent at the activity in between; the trip leaves when that one has arrived
    /// plus activity_s (the departure is the plan made on the skims' times).
    std::uint32_t previous = UINT32_MAX;
    Seconds activity_s = 0;
    /// Modes not loaded on the road network: door-to-door time and distance (bike and walk:
    /// routed on the path network when the city has one; else, and transit: the skims').
    float offroad_time_s = 0.0f, offroad_distance_m = 0.0f;
};

struct Demand {
    std::vector<Trip> trips;        ///< ordered by id (= index); a trip's previous comes before it
    std::size_t persons = 0;
    std::vector<Person> people;     ///< synthetic demand: every person generated (by id), residents first
    std::size_t residents = 0;      ///< of them living in the area (the rest: inbound commuters, through drivers)
    std::vector<BoundaryPoint> boundary;   ///< with demand.external: where trips cross the edge
    std::string source;             ///< "synthetic" or the table's path
    std::size_t zones = 0;          ///< synthetic: zones of the destination and mode choice
    std::optional<ChoiceReport> choice;
    ActiveRoutes active;            ///< walk and bike trips on the path network
    transit::TransitRoutes transit; ///< transit trips on the timetable (empty without one)
};

/// Parameters of the synthetic population (README "Synthetic demand").
struct SyntheticDemandConfig {
    double population = 0.0;        ///< > 0: total residents; else district populations, else floor area
    double floor_area_per_person_m2 = 40.0;
    double sample = 1.0;            ///< fraction of persons generated (capacities scale with it)
    // Persons (scenarios/README.md "demand.synthetic"): round defaults for a Swedish city.
    double child_share = 0.19;      ///< aged 0–15
    double senior_share = 0.16;     ///< aged 65+
    double employment_rate = 0.75;  ///< of those aged 16–64: a work tour
    double education_share = 0.65;  ///< of children: a school tour (ages 6–15 of 0–15)
    double other_tour_rate = 0.6;   ///< of adults and seniors without work: an "other" tour
    double stop_rate = 0.25;        ///< of work tours: a stop on the way home
    double car_availability = 0.55; ///< of persons 16+: a car they may drive
    double bike_ownership = 0.7;    ///< of all persons: a bike
    ChoiceConfig choice;
    std::optional<ExternalDemandConfig> external;
    Seconds work_start_mean = 7 * 3600 + 45 * 60;
    Seconds work_start_sd = 3600;
    Seconds work_duration_mean = 8 * 3600 + 30 * 60;
    Seconds other_duration_mean = 5400;
    Seconds school_start_mean = 7 * 3600 + 50 * 60;
    Seconds school_duration_mean = 6 * 3600 + 30 * 60;
};

/// Residents per building (ids as in the model): floor area of homes scaled to the
/// population; exposed for tests and the wifi capacity model.
std::vector<std::uint32_t> residents_per_building(const geodata::CityModel& model, const SyntheticDemandConfig& cfg,
                                                  std::uint64_t seed);

/// `car_times` (optional): the car skims' link times (a previous loading's); else free flow.
Demand synthesize_demand(const geodata::CityModel& model, const SyntheticDemandConfig& cfg, std::uint64_t seed,
                         const LinkCosts* car_times = nullptr);

/// The config with the constants and decays calibrated on `model` to cfg's targets, and
/// no targets left: a variant (edits, tolls) then keeps today's calibration and shows its
/// own effect on modes and destinations instead of being calibrated back to today's
/// shares. `report` gets what the calibration reached.
SyntheticDemandConfig calibrated_on(const geodata::CityModel& model, const SyntheticDemandConfig& cfg, std::uint64_t seed,
                                    ChoiceReport& report);

}  // namespace citytwin::sim
