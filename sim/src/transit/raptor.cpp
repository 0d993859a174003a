#include <citytwin/sim/transit/raptor.hpp>

#include <algorithm>
#include <cmath>

namespace citytwin::sim::transit {

namespace {
constexpr std::uint32_t door = UINT32_MAX;

// Stop ids in ascending order (the scan order that makes ties reproducible): a short list is
// sorted, a long one rebuilt by one pass over the flags `on` (cleared on the way).
void ascending(std::vector<std::uint32_t>& stops, std::vector<char>& on) {
    if (stops.size() * 16 < on.size()) {
        std::sort(stops.begin(), stops.end());
        for (const std::uint32_t s : stops) on[s] = 0;
        return;
    }
    stops.clear();
    for (std::uint32_t s = 0; s < on.size(); ++s)
        if (on[s]) stops.push_back(s), on[s] = 0;
}
}  // namespace

Raptor::Raptor(const TransitNetwork& network)
    : net_(network), n_(network.stop_count()), rounds_(std::max(1, network.parameters().max_rides)) {
    const std::size_t cells = static_cast<std::size_t>(rounds_ + 1) * n_;
    ready_.assign(cells, never);
    ready_from_.assign(cells, door);
    ride_.assign(cells, never);
    ride_from_.assign(cells, RideLabel{0, 0, 0, 0});
    best_ride_.assign(n_, never);
    best_ready_.assign(n_, never);
    queue_.assign(network.patterns().size(), UINT32_MAX);
    is_marked_.assign(n_, 0);
}

void Raptor::run(const std::vector<StopWalk>& access, std::int32_t departure, const std::vector<StopWalk>* egress) {
    std::fill(ready_.begin(), ready_.end(), never);
    std::fill(ride_.begin(), ride_.end(), never);
    std::fill(best_ride_.begin(), best_ride_.end(), never);
    std::fill(best_ready_.begin(), best_ready_.end(), never);
    const double change = net_.parameters().change_s;
    marked_.clear();
    for (const auto& [stop, walk] : access) {
        const auto t = later(departure, walk);
        if (t < ready_[at(0, stop)]) {
            ready_[at(0, stop)] = t;
            ready_from_[at(0, stop)] = door;
            best_ready_[stop] = std::min(best_ready_[stop], t);
            marked_.push_back(stop);
        }
    }
    std::int32_t bound = never;   // best arrival at the destination's door so far (target pruning)
    const auto& patterns = net_.patterns();
    for (int k = 1; k <= rounds_ && !marked_.empty(); ++k) {
        // Patterns through a stop improved in the last round, from its first such call.
        queued_.clear();
        for (const std::uint32_t s : marked_) {
            const auto [first, last] = net_.calls_at(s);
            for (auto c = first; c != last; ++c) {
                if (queue_[c->first] == UINT32_MAX) queued_.push_back(c->first);
                queue_[c->first] = std::min(queue_[c->first], c->second);
            }
        }
        // marked_ is sorted and calls come in a fixed order: so is queued_ (reproducible ties).
        next_marked_.clear();
        for (const std::uint32_t pi : queued_) {
            const auto& p = patterns[pi];
            std::uint32_t trip = p.trips, board = 0;
            for (std::uint32_t i = queue_[pi]; i < p.stops; ++i) {
                const std::uint32_t s = net_.stop_at(p, i);
                if (trip < p.trips) {
                    const std::int32_t arr = net_.arrival(p, trip, i);
                    if (arr < best_ride_[s] && arr < bound) {
                        ride_[at(k, s)] = arr;
                        ride_from_[at(k, s)] = {pi, trip, board, i};
                        best_ride_[s] = arr;
                        if (!is_marked_[s]) is_marked_[s] = 1, next_marked_.push_back(s);
                    }
                }
                const std::int32_t r = ready_[at(k - 1, s)];
                if (r == never) continue;
                if (trip == p.trips) {
                    trip = net_.earliest_trip(p, i, r);
                    board = i;
                } else if (r <= net_.departure(p, trip, i)) {
                    // An earlier run may be caught here: step back (rarely more than one).
                    std::uint32_t earlier = trip;
                    while (earlier > 0 && net_.departure(p, earlier - 1, i) >= r) --earlier;
                    if (earlier < trip) trip = earlier, board = i;
                }
            }
            queue_[pi] = UINT32_MAX;
        }
        // Changes: at the same stop or a short walk away, each costing change_s.
        marked_.clear();
        auto offer = [&](std::uint32_t to, std::int32_t t, std::uint32_t from) {
            if (t >= best_ready_[to] || t >= bound) return;
            if (ready_[at(k, to)] == never) marked_.push_back(to), is_marked_[to] = 1;
            ready_[at(k, to)] = t;
            ready_from_[at(k, to)] = from;
            best_ready_[to] = t;
        };
        ascending(next_marked_, is_marked_);
        for (const std::uint32_t s : next_marked_) {
            const std::int32_t arr = ride_[at(k, s)];
            offer(s, later(arr, change), s);
            const auto [first, last] = net_.transfers_from(s);
            for (auto w = first; w != last; ++w) offer(w->first, later(arr, w->second + change), s);
        }
        ascending(marked_, is_marked_);
        if (egress)
            for (const auto& [stop, walk] : *egress)
                if (ride_[at(k, stop)] != never) bound = std::min(bound, later(ride_[at(k, stop)], walk));
    }
}

const std::vector<std::int32_t>& Raptor::arrivals(const std::vector<StopWalk>& access, std::int32_t departure) {
    run(access, departure, nullptr);
    return best_ride_;
}

Journey Raptor::journey(const std::vector<StopWalk>& access, const std::vector<StopWalk>& egress, std::int32_t departure,
                        double direct_walk_s) {
    run(access, departure, &egress);
    Journey j;
    j.departure = departure;
    int best_k = 0;
    std::uint32_t best_stop = door;
    double best_walk = 0.0;
    std::int32_t best = never;
    for (int k = 1; k <= rounds_; ++k)   // fewer rides first: equal arrivals keep them
        for (const auto& [stop, walk] : egress) {
            if (ride_[at(k, stop)] == never) continue;
            const auto t = later(ride_[at(k, stop)], walk);
            if (t < best) best = t, best_k = k, best_stop = stop, best_walk = walk;
        }
    const double speed = net_.parameters().walk_kmh / 3.6;
    if (best == never) return j;   // no ride serves this pair: not a transit trip, however walkable
    if (std::isfinite(direct_walk_s) && departure + direct_walk_s <= best) {
        j.found = true;
        j.arrival = later(departure, direct_walk_s);
        j.walk_s = direct_walk_s;
        j.walk_m = direct_walk_s * speed;
        return j;
    }
    j.found = true;
    j.arrival = best;
    // Back from the last stop: each ride was boarded from a ready label of the round before.
    const auto& stops = net_.timetable().stops;
    double walk_s = best_walk;
    std::uint32_t s = best_stop;
    for (int k = best_k; k >= 1; --k) {
        const RideLabel& r = ride_from_[at(k, s)];
        const auto& p = net_.patterns()[r.pattern];
        j.rides.push_back({r.pattern, r.trip, r.board, r.alight});
        for (std::uint32_t i = r.board; i < r.alight; ++i) {
            const auto& a = stops[net_.stop_at(p, i)].position;
            const auto& b = stops[net_.stop_at(p, i + 1)].position;
            j.ride_m += std::hypot(b.x - a.x, b.y - a.y);
        }
        const std::uint32_t boarded = net_.stop_at(p, r.board);
        const std::uint32_t from = ready_from_[at(k - 1, boarded)];
        if (from == door) {
            for (const auto& [stop, walk] : access)
                if (stop == boarded) walk_s += walk;
        } else if (from != boarded) {
            const auto [first, last] = net_.transfers_from(from);
            for (auto w = first; w != last; ++w)
                if (w->first == boarded) walk_s += w->second;
        }
        s = from;
    }
    std::reverse(j.rides.begin(), j.rides.end());
    j.walk_s = walk_s;
    j.walk_m = walk_s * speed;
    return j;
}

}  // namespace citytwin::sim::transit
