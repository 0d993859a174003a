#pragma once
// Mesoscopic queue model (MATSim QSim / SUMO meso family) in 1 s steps: a vehicle
// needs its free-flow time to cross a link, leaves it FIFO at most at the link's flow
// capacity, and enters the next one only where storage is left (spillback).
//
// One step is two phases, each a parallel loop in which every datum has one writer:
//   1. per link: vehicles whose free-flow time is up move from the queue to the link's
//      exit buffer (flow capacity), arrivals leave, departures enter at the link end,
//      and the space left on the link is frozen for phase 2;
//   2. per node: buffered vehicles of the in-links cross to their next link while the
//      frozen space lasts, taking turns in an order fixed by (time, node).
// A link's exit buffer is emptied only by its to-node and its queue filled only by its
// from-node, so the result is bit-identical for any thread count.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/link_restrictions.hpp>
#include <citytwin/sim/router.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace citytwin::sim {

struct LoadingConfig {
    Seconds start = 0;
    Seconds end = 30 * 3600;              ///< vehicles still driving then are "en route"
    double flow_capacity_factor = 1.0;    ///< scale capacities (e.g. to the demand sample)
    double storage_capacity_factor = 1.0;
    Seconds stuck_time = 300;             ///< a vehicle blocked this long at a link end is removed
    Seconds trajectory_interval = 10;     ///< 0: no trajectories
    std::size_t trajectory_max_vehicles = 2000;
};

enum class TripStatus : std::uint8_t { NotLoaded, Arrived, EnRoute, Stuck };

struct PositionSample {
    std::uint32_t trip;
    Seconds time;
    std::uint32_t link;
    double x, y;
};

struct LoadingResult {
    std::size_t hours = 0;                      ///< per-hour tables have hours × links entries
    std::vector<Seconds> arrival;               ///< per trip; -1 when not arrived
    std::vector<TripStatus> status;             ///< per trip
    std::vector<std::uint32_t> entries;         ///< [hour * links + link]: vehicles entering
    std::vector<std::uint32_t> exits;           ///< vehicles leaving (or arriving on) the link
    std::vector<double> exit_travel_time;       ///< sum of their times on the link, s
    std::vector<PositionSample> positions;      ///< ordered by (time, trip)
    std::size_t departed = 0, arrived = 0, en_route = 0, stuck = 0;
    Seconds last_step = 0;
};

using ProgressFn = std::function<void(Seconds now, std::size_t arrived, std::size_t total)>;

/// What an observer sees after each simulated step (steps without traffic are skipped).
struct StepView {
    Seconds now = 0;
    int iteration = 0;                        ///< 0-based network loading of the run
    std::size_t departed = 0, arrived = 0, stuck = 0;
    std::function<std::size_t(std::uint32_t link)> vehicles_on;   ///< on the link and at its end
    std::function<bool(std::uint32_t link)> closed;
};
/// Called serially between steps; may queue link events at or after now + 1.
using StepObserver = std::function<void(const StepView& step, std::vector<LinkEvent>& actions)>;

/// Closures known in advance and an observer acting during the run.
struct LoadingHooks {
    std::vector<LinkEvent> events;
    StepObserver observer;
    int iteration = 0;
};

/// Loads the trips that have a route (routes[i] empty: trip i is not loaded).
LoadingResult load_network(const geodata::RoadNetwork& net, const std::vector<Route>& routes,
                           const std::vector<Seconds>& departures, const LoadingConfig& config,
                           const ProgressFn& progress = {}, const LoadingHooks& hooks = {});

/// Mean experienced time per link and hour (exits), free-flow where nobody left.
LinkCosts experienced_costs(const geodata::RoadNetwork& net, const LoadingResult& result);

}  // namespace citytwin::sim
