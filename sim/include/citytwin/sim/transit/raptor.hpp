#pragma once
// Earliest-arrival journeys on a timetable by RAPTOR (Delling, Pajor, Werneck 2015): round k
// finds the best arrival at every stop with k rides, scanning each pattern once per round;
// changes walk to stops within reach and add TransitParameters::change_s. One object per
// thread: it keeps its work arrays between queries.
#include <citytwin/sim/transit/transit_network.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace citytwin::sim::transit {

inline constexpr std::int32_t never = std::numeric_limits<std::int32_t>::max();

/// The whole second at `seconds` after `time`.
inline std::int32_t later(std::int32_t time, double seconds) {
    return static_cast<std::int32_t>(std::lround(static_cast<double>(time) + seconds));
}

struct Ride {
    std::uint32_t pattern = 0, trip = 0;   ///< the pattern and its trip (TransitNetwork::trip_of for the feed's)
    std::uint32_t board = 0, alight = 0;   ///< positions in the pattern
};

struct Journey {
    bool found = false;
    std::int32_t departure = 0, arrival = 0;   ///< door to door, s after midnight
    double walk_s = 0.0, walk_m = 0.0;          ///< to, between and from the stops
    double ride_m = 0.0;                        ///< straight lines between the stops ridden past
    std::vector<Ride> rides;                    ///< in order; empty and found: walking was faster
};

class Raptor {
public:
    explicit Raptor(const TransitNetwork& network);

    /// The earliest arrival from a door whose reachable stops are `access` to one whose are
    /// `egress`, leaving at `departure`; on equal arrival, fewer rides. Walking all the way
    /// (`direct_walk_s`) wins when it arrives no later than that journey; with no journey
    /// by transit, nothing is found.
    Journey journey(const std::vector<StopWalk>& access, const std::vector<StopWalk>& egress, std::int32_t departure,
                    double direct_walk_s);

    /// One to all: the earliest arrival at every stop by at least one ride (`never` if none).
    const std::vector<std::int32_t>& arrivals(const std::vector<StopWalk>& access, std::int32_t departure);

private:
    struct RideLabel {
        std::uint32_t pattern, trip, board, alight;
    };
    void run(const std::vector<StopWalk>& access, std::int32_t departure, const std::vector<StopWalk>* egress);
    std::size_t at(int round, std::uint32_t stop) const { return static_cast<std::size_t>(round) * n_ + stop; }

    const TransitNetwork& net_;
    std::size_t n_;
    int rounds_;
    std::vector<std::int32_t> ready_;       ///< [round][stop]: may board here after `round` rides
    std::vector<std::uint32_t> ready_from_; ///< the stop the last ride ended at (UINT32_MAX: from the door)
    std::vector<std::int32_t> ride_;        ///< [round][stop]: arrival by the round's ride
    std::vector<RideLabel> ride_from_;
    std::vector<std::int32_t> best_ride_, best_ready_;
    std::vector<std::uint32_t> queue_;      ///< per pattern: first position to scan, UINT32_MAX: none
    std::vector<std::uint32_t> marked_, next_marked_, queued_;
    std::vector<char> is_marked_;
};

}  // namespace citytwin::sim::transit
