#pragma once
// Traffic from outside the study area: people who live outside and work inside (inbound
// commuters), residents who work outside (outbound), and vehicles that only cross the
// area (through traffic). They enter and leave where roads cross the area's edge: the
// dead ends of major roads that a map extract cut off (the network's boundary points).
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/demand_choice.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace citytwin::sim {

/// Where a road crosses the edge of the study area.
struct BoundaryPoint {
    std::uint32_t node = 0;
    geodata::Point at;
    std::uint32_t inward = UINT32_MAX;    ///< link leaving the point into the area (UINT32_MAX: one-way out)
    std::uint32_t outward = UINT32_MAX;   ///< link ending at the point (UINT32_MAX: one-way in)
    /// Where a trip coming in starts: the end of `outward` (it turns at the point into
    /// `inward`), or the end of `inward` where that turn is banned (OSM no_u_turn) or
    /// there is no `outward`.
    std::uint32_t entry = UINT32_MAX;
    double capacity_in = 0.0, capacity_out = 0.0;   ///< veh/h of those links
    std::string name;
};

/// Nodes with a single neighbour reached by a road of class `lowest` or higher: roads the
/// extract cut (a major road does not end in a real dead end). Ordered by node id.
std::vector<BoundaryPoint> boundary_points(const geodata::RoadNetwork& net, geodata::RoadClass lowest);

/// `demand.external` (scenarios/README.md): daily volumes in real persons and vehicles
/// (the synthetic demand's `sample` applies to them as to the residents).
struct ExternalDemandConfig {
    double inbound_commuters = 0.0;    ///< live outside, work inside: per day
    double outbound_commuters = 0.0;   ///< live inside, work outside: per day (taken from the employed residents)
    double through_vehicles = 0.0;     ///< cars per day entering at one point and leaving at another
    /// Modes of the commuters (both directions): shares, normalised. Cars are loaded; the
    /// others cross the edge on foot, by bike or by train/bus and are teleported inside.
    std::array<double, mode_count> commuter_modes = {1.0, 0.0, 0.0, 0.0};
    geodata::RoadClass lowest_class = geodata::RoadClass::Tertiary;
};

struct Person;
struct Trip;

/// What the external trips are drawn from.
struct ExternalContext {
    const std::vector<BoundaryPoint>& points;
    const ExternalDemandConfig& config;
    const ChoiceConfig& choice;                           ///< the modes' speeds for the legs inside
    const std::vector<geodata::Building>& buildings;
    std::function<std::uint32_t(double u)> workplace;     ///< a building drawn by jobs
    std::int32_t work_start_mean = 0, work_start_sd = 0, work_duration_mean = 0;
    double sample = 1.0;
    std::uint64_t seed = 0;
};

/// Appends the tours of outbound commuters (residents with works_outside[id]), inbound
/// commuters and through drivers (new persons after the residents) to `trips`; numbered
/// from trips.size(). Throws geodata::Error when volumes are given but the network has no
/// boundary point to carry them.
void add_external_trips(const ExternalContext& context, const std::vector<char>& works_outside,
                        std::vector<Person>& people, std::vector<Trip>& trips);

}  // namespace citytwin::sim
