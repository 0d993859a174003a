#pragma once
// Public transport on the city's timetable (CityModel::transit): zone-to-zone transit times
// for the mode choice, every transit trip routed to a journey (walk, ride, change, ride,
// walk), and the boardings per route, stop and hour. Without a timetable transit stays
// teleported (the straight line × detour at its speed, demand_choice.hpp).
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/demand_choice.hpp>
#include <citytwin/sim/transit/transit_network.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace citytwin::sim {

struct Trip;

namespace transit {

/// Walking speed and detour from the walk mode; reach and changes as TransitParameters.
TransitParameters parameters_of(const ChoiceConfig& config);

/// Transit skims from the timetable: for each pair of zones with a connection, the mean
/// door-to-door time over departures every 10 min of skim_hour (waiting at the first stop
/// included, so the mode's wait_s is not added), the mode's fixed fare and cost per km on
/// the straight line × detour. Pairs without one: transit unavailable. Intrazonal pairs
/// keep the straight line. No-op without a timetable.
void skim_transit(const geodata::CityModel& model, const Zones& zones, const ChoiceConfig& config, Skims& skims);

struct Leg {
    std::uint32_t route = 0;                 ///< Timetable route
    std::uint32_t trip = 0;                  ///< Timetable trip
    std::uint32_t board_stop = 0, alight_stop = 0;
    std::int32_t board_s = 0, alight_s = 0;
};

enum class Outcome : std::uint8_t { NotTransit, Rode, Walked, NoConnection };

struct TransitRoutes {
    std::vector<std::vector<Leg>> legs;       ///< per trip: the rides (empty: none)
    std::vector<Outcome> outcome;             ///< per trip
    std::size_t routed = 0;                   ///< transit trips with at least one ride
    std::size_t walked = 0;                   ///< walking all the way was as fast
    std::size_t no_connection = 0;            ///< no journey: the teleported time is kept
    std::size_t rides = 0;                    ///< vehicles boarded, all trips
};

/// Routes every transit trip on the timetable at its departure and sets its offroad_time_s
/// (door to door, waits included) and offroad_distance_m (walks and the straight lines
/// between the stops ridden past). Empty without a timetable.
TransitRoutes route_transit_trips(const geodata::CityModel& model, const ChoiceConfig& config, std::vector<Trip>& trips);

/// Boardings per route and hour, boardings and alightings per stop (the day).
struct Ridership {
    std::size_t routes = 0, stops = 0;
    std::vector<std::uint32_t> route_boardings;   ///< [hour * routes + route], hour of boarding (0–23, later hours in 23)
    std::vector<std::uint32_t> stop_boardings, stop_alightings;
};
Ridership ridership(const geodata::Timetable& timetable, const TransitRoutes& routes);

}  // namespace transit
}  // namespace citytwin::sim
