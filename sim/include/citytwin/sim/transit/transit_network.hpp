#pragma once
// A timetable arranged for RAPTOR (Delling, Pajor, Werneck: "Round-Based Public Transit
// Routing", Transportation Science 2015): trips that serve the same stops in the same order
// and never overtake one another form a pattern, its trips sorted by departure, its times
// in one trip-major block; each stop knows the patterns that call at it and the stops
// within walking distance for a transfer; any point finds the stops it can walk to.
#include <citytwin/geodata/timetable.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace citytwin::sim::transit {

struct TransitParameters {
    double walk_kmh = 5.0;          ///< walking to, from and between stops
    double walk_detour = 1.3;       ///< walked distance per straight-line metre
    double max_access_m = 800.0;    ///< straight-line reach of a stop from a door
    double max_transfer_m = 250.0;  ///< straight-line reach of another stop for a change
    double change_s = 60.0;         ///< added to every change of vehicle (getting off, finding the stop)
    int max_rides = 5;              ///< vehicles per journey (4 changes)

    double walk_s(double crow_m) const { return crow_m * walk_detour / (walk_kmh / 3.6); }
};

/// A stop and the walk to it (or from it), s.
using StopWalk = std::pair<std::uint32_t, float>;

class TransitNetwork {
public:
    struct Pattern {
        std::uint32_t route = 0;        ///< Timetable route
        std::uint32_t first_stop = 0;   ///< into pattern_stops
        std::uint32_t stops = 0;
        std::uint32_t first_time = 0;   ///< into arrival / departure: trip t, stop k at first_time + t * stops + k
        std::uint32_t first_trip = 0;   ///< into trip_of
        std::uint32_t trips = 0;
    };

    TransitNetwork(const geodata::Timetable& timetable, const TransitParameters& parameters);

    const geodata::Timetable& timetable() const { return *timetable_; }
    const TransitParameters& parameters() const { return parameters_; }
    std::size_t stop_count() const { return stop_first_pattern_.size() - 1; }
    const std::vector<Pattern>& patterns() const { return patterns_; }

    std::uint32_t stop_at(const Pattern& p, std::uint32_t k) const { return pattern_stops_[p.first_stop + k]; }
    std::int32_t arrival(const Pattern& p, std::uint32_t trip, std::uint32_t k) const {
        return arrival_[p.first_time + trip * p.stops + k];
    }
    std::int32_t departure(const Pattern& p, std::uint32_t trip, std::uint32_t k) const {
        return departure_[p.first_time + trip * p.stops + k];
    }
    /// The Timetable trip of a pattern's trip.
    std::uint32_t trip_of(const Pattern& p, std::uint32_t trip) const { return trip_of_[p.first_trip + trip]; }
    /// The first trip of the pattern leaving stop k at or after `time`; p.trips if none.
    std::uint32_t earliest_trip(const Pattern& p, std::uint32_t k, std::int32_t time) const;

    /// (pattern, position of the stop in it) for every call at `stop`.
    std::pair<const std::pair<std::uint32_t, std::uint32_t>*, const std::pair<std::uint32_t, std::uint32_t>*>
    calls_at(std::uint32_t stop) const {
        return {stop_calls_.data() + stop_first_pattern_[stop], stop_calls_.data() + stop_first_pattern_[stop + 1]};
    }
    /// Other stops within max_transfer_m, with the walk (s), change_s not included.
    std::pair<const StopWalk*, const StopWalk*> transfers_from(std::uint32_t stop) const {
        return {transfers_.data() + transfer_first_[stop], transfers_.data() + transfer_first_[stop + 1]};
    }
    /// Stops within max_access_m of p, with the walk (s), nearest first (ties by stop id).
    std::vector<StopWalk> stops_near(const geodata::Point& p) const;

private:
    const geodata::Timetable* timetable_;
    TransitParameters parameters_;
    std::vector<Pattern> patterns_;
    std::vector<std::uint32_t> pattern_stops_;
    std::vector<std::int32_t> arrival_, departure_;
    std::vector<std::uint32_t> trip_of_;
    std::vector<std::uint32_t> stop_first_pattern_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> stop_calls_;
    std::vector<std::uint32_t> transfer_first_;
    std::vector<StopWalk> transfers_;
    // Stops by square cell of max_access_m: (cell key, stop), sorted.
    double cell_m_ = 800.0;
    std::vector<std::pair<std::int64_t, std::uint32_t>> cells_;
    std::int64_t cell_of(double x, double y) const;
    std::vector<std::uint32_t> stops_within(const geodata::Point& p, double radius_m) const;
};

}  // namespace citytwin::sim::transit
