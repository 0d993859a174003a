#pragma once
// Mesoscopic queue model (MATSim QSim / SUMO meso family) in 1 s steps: a vehicle
// needs its free-flow time to cross a link, joins the queue of its turning group at the
// link end, crosses the junction when the junction model lets it (green, a gap in the
// major flow) at most at the group's share of the link's flow capacity, and enters the
// next link only where storage is left (spillback).
//
// A step is named phases (sim/src/traffic/network_loading.cpp), the two heavy ones
// parallel loops in which every datum has one writer:
//   departures → events → 1. link exits (per link: vehicles whose free-flow time is up
//   move to their turning queue, arrivals park, departures join at the link end, the
//   space left is frozen) → 2. junction transfer (per node: the junction model orders
//   the in-links — priority rank, then capacity-weighted random shares as MATSim's
//   QNode — and vehicles cross while green / gaps / credit / frozen space last) →
//   trajectories → observers.
// A link's turning queues are emptied only by its to-node and its body filled only by
// its from-node, so the result is bit-identical for any thread count.
//
// Congestion is never hidden: a vehicle that waited stuck_time at a link end because its
// next link was full jumps ahead along its route to the first link with space, spending
// the free-flow time of the links it skips (SUMO's teleport; StuckRule::MoveOn moves it
// into the full link instead, as MATSim does — which keeps a gridlocked ring full), is
// counted in `stuck`, and completes its trip (its time is in every mean). One waiting
// that long before a closed link is taken out (`abandoned`, status Stuck) — it cannot
// legally go on — and its time until then is kept in `arrival`.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/link_restrictions.hpp>
#include <citytwin/sim/router.hpp>
#include <citytwin/sim/traffic/junction_model.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace citytwin::sim {

/// What happens to a vehicle that waited stuck_time before a full link (see above).
enum class StuckRule : std::uint8_t { JumpAhead, MoveOn };

struct LoadingConfig {
    Seconds start = 0;
    Seconds end = 30 * 3600;              ///< vehicles still driving then are "en route"
    double flow_capacity_factor = 1.0;    ///< scale capacities (e.g. to the demand sample)
    double storage_capacity_factor = 1.0;
    /// A vehicle blocked this long at a link end by a full next link is moved on (see
    /// above). Between MATSim's 10 s and SUMO's 300 s time-to-teleport: with 300 s a
    /// gridlock on Monaco's short links holds for minutes, and the equilibrium swings
    /// between jammed and free loadings instead of settling (bench/demand/convergence.sh).
    Seconds stuck_time = 60;
    StuckRule stuck_rule = StuckRule::JumpAhead;
    Seconds trajectory_interval = 10;     ///< 0: no trajectories
    std::size_t trajectory_max_vehicles = 2000;
    JunctionConfig junctions;
    std::uint64_t seed = 0;               ///< keys the capacity-weighted junction draws
    /// Links visited per parallel task in a step (those with a vehicle at or reaching
    /// their end, or departing; nodes: half as many). Large: a step is short and threads
    /// pay only for very busy networks (see network_loading.cpp). The results never
    /// depend on it; tests make it small so that steps do split.
    std::size_t parallel_grain = 16384;
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
    std::vector<Seconds> arrival;               ///< per trip; -1 when not arrived (abandoned: when taken out)
    std::vector<TripStatus> status;             ///< per trip
    std::vector<std::uint32_t> entries;         ///< [hour * links + link]: vehicles entering
    std::vector<std::uint32_t> exits;           ///< vehicles leaving (or arriving on) the link
    std::vector<double> exit_travel_time;       ///< sum of their times on the link, s
    std::vector<PositionSample> positions;      ///< ordered by (time, trip)
    /// [hour * links + link]: longest time a vehicle still on the link at the hour's end
    /// had spent there (a jammed link with no exits still shows its queue).
    std::vector<float> queued_time;
    std::vector<std::uint8_t> queue_full;       ///< [hour * links + link]: storage filled at some step
    std::vector<double> junction_delay;         ///< per node: s waited at its stop line, summed
    std::vector<std::uint32_t> junction_crossings;  ///< per node: vehicles that crossed it
    std::vector<char> was_stuck;                ///< per trip: moved on after stuck_time at least once
    std::vector<JunctionModel::PlanRow> signal_plans;  ///< the plans in force
    std::size_t departed = 0, arrived = 0, en_route = 0;
    std::size_t stuck = 0;       ///< vehicles moved on past a full link after stuck_time (they drive on)
    std::size_t abandoned = 0;   ///< vehicles taken out before a closed link (status Stuck)
    Seconds last_step = 0;
};

using ProgressFn = std::function<void(Seconds now, std::size_t arrived, std::size_t total)>;

/// What an observer sees after each simulated step (steps without traffic are skipped).
struct StepView {
    Seconds now = 0;
    int iteration = 0;                        ///< 0-based network loading of the run
    std::size_t departed = 0, arrived = 0, stuck = 0, abandoned = 0;
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

/// Mean experienced time per link and hour (exits, including the wait at the junction),
/// raised to the queued time of vehicles still on it at the hour's end; free-flow where
/// nobody was there.
LinkCosts experienced_costs(const geodata::RoadNetwork& net, const LoadingResult& result);

}  // namespace citytwin::sim
