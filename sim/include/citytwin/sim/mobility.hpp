#pragma once
// A city day of car traffic: attach trips to links, route, load the network with the
// queue model, and iterate toward user equilibrium by re-routing a share of travellers
// on the times experienced in the previous iteration.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/network_loading.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace citytwin::sim {

struct MobilityConfig {
    int iterations = 1;            ///< network loadings at most; ≥ 1
    /// Stop once a loading's relative gap is at most this: that loading is the result
    /// (its gap is measured on its own costs). 0 = always run every iteration.
    double target_gap = 0.0;
    double reroute_share = 0.2;    ///< share of car trips given the new best route between iterations
    /// A traveller drawn to re-route keeps the current route unless the best one saves at
    /// least this share of its time on the last loading's costs (an indifference band,
    /// Mahmassani & Chang 1987). 0 = always take the best.
    double min_saving = 0.0;
    std::size_t gap_sample_trips = 5000;   ///< trips the relative gap is measured on (all when fewer)
    /// Money per hour of travel time: turns tolls into seconds of generalised cost.
    double value_of_time_per_hour = 150.0;
    LoadingConfig loading;
};

/// The figures of `citytwin run --json` under "mobility.*" (README "KPIs").
struct MobilityKpis {
    std::size_t trips = 0, car_trips = 0, other_mode_trips = 0;
    std::size_t completed = 0, unroutable = 0, en_route = 0;
    std::size_t stuck = 0;       ///< car trips moved on past a full link after stuck_time (they complete)
    std::size_t abandoned = 0;   ///< car trips taken out before a closed link after stuck_time
    /// Car trips with a route that never started: a tour's next trip whose departure (the
    /// previous arrival + the activity) fell after time.end.
    std::size_t not_started = 0;
    /// Over completed and abandoned trips (abandoned: their time until taken out).
    double mean_travel_time_s = 0, mean_delay_s = 0;
    double junction_delay_s_per_trip = 0;   ///< waiting at stop lines (any control), per loaded car trip
    double signal_delay_s_per_trip = 0;     ///< … of it at traffic signals
    std::size_t signalised_junctions = 0;   ///< signal controllers in force
    double vehicle_km = 0, vehicle_hours = 0;
    double congested_link_share = 0;   ///< links with v/c > 0.9 or a queue filling their storage in the peak hour
    int peak_hour = 0;
    int iterations = 0;
    double relative_gap = 0;
    bool converged = false;            ///< target_gap > 0 and the last loading's gap is at most it
    std::size_t closed_links = 0;      ///< links closed at some time of the day
    std::size_t toll_crossings = 0;    ///< tolled link entries while the toll applies
    double toll_revenue = 0;           ///< their amounts summed (simulated vehicles)
};

/// The figures of `citytwin run --json` under "demand.*": all modes, all trips.
struct DemandKpis {
    std::size_t persons = 0, residents = 0, trips = 0;
    std::array<std::size_t, mode_count> trips_by_mode{};
    std::array<double, mode_count> mode_share{};    ///< of all trips; sums to 1
    std::array<double, mode_count> mean_trip_km{};  ///< car, walk, bike: routed; transit: skimmed distance
    std::array<std::size_t, purpose_count> trips_by_purpose{};
    std::size_t external_trips = 0;                 ///< crossing the area's edge
    std::array<std::size_t, 3> external_by_kind{};  ///< inbound, outbound, through
    /// Walk and bike trips routed on the path network, and those it could not serve (their
    /// time and distance are the straight line × detour); both 0 without a path network.
    std::size_t path_routed = 0, path_off_network = 0;
    /// Transit trips on the timetable: with a ride, walked (as fast), without a connection
    /// (teleported); vehicles boarded. All 0 without a timetable.
    std::size_t transit_routed = 0, transit_walked = 0, transit_no_connection = 0, transit_rides = 0;
};

struct TripOutcome {
    std::uint32_t origin_link = UINT32_MAX, destination_link = UINT32_MAX;
    double freeflow_time_s = 0, distance_m = 0;
    std::uint32_t route_links = 0;
};

struct MobilityResult {
    MobilityKpis kpis;
    DemandKpis demand;
    std::vector<double> relative_gap;          ///< per iteration
    std::vector<TripOutcome> trips;            ///< per demand trip
    std::vector<Seconds> departures;           ///< per demand trip, as loaded (tours re-timed after iteration 1)
    std::vector<Route> routes;                 ///< final routes (empty: not loaded)
    LoadingResult loading;                     ///< of the last iteration
    ActiveFlows active;                        ///< walkers and cyclists per path link and hour
    transit::Ridership ridership;              ///< boardings per route and stop (with a timetable)
    /// Travel time per link and hour as experienced in the last loading (no tolls or
    /// closures): what the next round of destination and mode choice sees.
    LinkCosts congested;
};

using MobilityProgress = std::function<void(const std::string& stage, std::size_t done, std::size_t total)>;

/// Closures and tolls of the model act on routing and loading; `observer` (optional)
/// sees every step of every iteration and may queue link events.
MobilityResult run_mobility(const geodata::CityModel& model, const Demand& demand, const MobilityConfig& config,
                            std::uint64_t seed, const MobilityProgress& progress = {},
                            const StepObserver& observer = {});

}  // namespace citytwin::sim
