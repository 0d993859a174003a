#pragma once
// Walking and cycling on the path network (CityModel::paths): what a link costs each mode,
// where a walker or cyclist may join the network, and every walk and bike trip routed on
// it — its door-to-door time and distance, and the cyclists and pedestrians per link and
// hour. No congestion: a footway or cycleway's flow does not slow its users (what SUMO and
// MATSim also assume for pedestrians and bicycles unless simulated as vehicles).
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/demand_choice.hpp>
#include <citytwin/sim/router.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace citytwin::sim {

struct Trip;

/// Walking pace on steps relative to the flat (and a pushed bike's on steps): Fruin's stair
/// speeds, ~0.5 m/s up and ~0.7 down against ~1.3 m/s level, averaged.
inline constexpr double steps_speed_factor = 0.5;

/// Walking and riding speeds on the path network (the modes' speed_kmh in ChoiceConfig).
struct ActiveSpeeds {
    double walk_kmh = 5.0, bike_kmh = 15.0;
    static ActiveSpeeds of(const ChoiceConfig& config);
};

/// Seconds per link for `mode` (Walk or Bike): walking everywhere walking is allowed (steps
/// slower); cycling where riding is allowed, pushing the bike at walking pace where only
/// walking is; +inf where the mode may not go.
LinkCosts path_costs(const geodata::RoadNetwork& paths, Mode mode, const ActiveSpeeds& speeds);

/// 1 for the links where a walker (cyclist) may join or leave the network: the mode may use
/// them and they are not in a tunnel (unless the network has nothing else).
std::vector<char> path_access_links(const geodata::RoadNetwork& paths, Mode mode);

/// Walk and bike skims on the path network between zones with a route (the others,
/// intrazonal ones and a city without paths keep the straight line × detour).
void skim_paths(const geodata::CityModel& model, const Zones& zones, const ChoiceConfig& config, Skims& skims);

/// Door-to-door times and distances of walk and bike trips, and their routes (links of
/// the path network; empty for other modes and for trips the network cannot serve).
struct ActiveRoutes {
    std::vector<Route> routes;        ///< per trip
    std::vector<Seconds> start_s;     ///< per trip: s after departure its first link is entered
    std::size_t routed = 0, off_network = 0;   ///< off network: no route, straight line kept
    ActiveSpeeds speeds;              ///< the speeds the routes were timed with
};

/// Routes every walk and bike trip on model.paths and sets its offroad_time_s and
/// offroad_distance_m (walking to and from the network, the route, the mode's wait_s).
/// A trip with no route keeps the times it has. No-op without a path network.
ActiveRoutes route_active_trips(const geodata::CityModel& model, const ChoiceConfig& config, std::vector<Trip>& trips);

/// Calls f(k, link, entered_s, seconds_on_it) for each link of a routed walk or bike trip
/// that enters its first link at `start_s`; the first link is joined at its middle (half
/// its time), each link costs what `costs` says at its mode's speed.
template <class F>
void follow_route(const Route& route, const LinkCosts& costs, double start_s, F&& f) {
    double t = start_s;
    for (std::size_t k = 0; k < route.size(); ++k) {
        const double dt = (k == 0 ? 0.5 : 1.0) * costs.at(0, route[k]);
        f(k, route[k], t, dt);
        t += dt;
    }
}

/// Walkers and cyclists entering each link of the path network per hour:
/// count[mode][hour * link_count + link], mode 0 = walk, 1 = bike.
struct ActiveFlows {
    std::size_t link_count = 0;
    std::array<std::vector<std::uint32_t>, 2> count;
    std::uint32_t at(Mode m, std::size_t hour, std::uint32_t link) const {
        return count[m == Mode::Bike ? 1 : 0][hour * link_count + link];
    }
};

/// Each routed trip enters its links at departure + start + the time of the links before.
ActiveFlows active_flows(const geodata::CityModel& model, const std::vector<Trip>& trips, const ActiveRoutes& routes,
                         const std::vector<Seconds>& departures);

}  // namespace citytwin::sim
