#include <citytwin/sim/transit/transit_network.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace citytwin::sim::transit {

namespace {

// True when trip b never runs ahead of trip a at any stop (b may follow a in one pattern).
bool follows(const geodata::TransitTrip& a, const geodata::TransitTrip& b) {
    for (std::size_t k = 0; k < a.stop_times.size(); ++k)
        if (b.stop_times[k].arrival_s < a.stop_times[k].arrival_s || b.stop_times[k].departure_s < a.stop_times[k].departure_s)
            return false;
    return true;
}

}  // namespace

TransitNetwork::TransitNetwork(const geodata::Timetable& timetable, const TransitParameters& parameters)
    : timetable_(&timetable), parameters_(parameters), cell_m_(std::max(parameters.max_access_m, parameters.max_transfer_m)) {
    const auto& trips = timetable.trips;
    // Trips by (route, stop sequence): the candidates for one pattern, in a fixed order.
    std::map<std::pair<std::uint32_t, std::vector<std::uint32_t>>, std::vector<std::uint32_t>> by_sequence;
    for (std::uint32_t t = 0; t < trips.size(); ++t) {
        std::vector<std::uint32_t> stops;
        for (const auto& st : trips[t].stop_times) stops.push_back(st.stop);
        by_sequence[{trips[t].route, std::move(stops)}].push_back(t);
    }
    for (auto& [key, members] : by_sequence) {
        std::sort(members.begin(), members.end(), [&](std::uint32_t a, std::uint32_t b) {
            const auto& x = trips[a].stop_times;
            const auto& y = trips[b].stop_times;
            return std::tie(x.front().departure_s, x.back().arrival_s, a) < std::tie(y.front().departure_s, y.back().arrival_s, b);
        });
        // A trip that overtakes another (an express on the same stops) goes to a pattern of
        // its own, so that within a pattern the first trip to leave is the first to arrive.
        std::vector<std::vector<std::uint32_t>> lanes;
        for (const std::uint32_t t : members) {
            auto lane = std::find_if(lanes.begin(), lanes.end(), [&](const auto& l) { return follows(trips[l.back()], trips[t]); });
            if (lane == lanes.end()) lanes.push_back({t});
            else lane->push_back(t);
        }
        for (const auto& lane : lanes) {
            Pattern p;
            p.route = key.first;
            p.first_stop = static_cast<std::uint32_t>(pattern_stops_.size());
            p.stops = static_cast<std::uint32_t>(key.second.size());
            p.first_time = static_cast<std::uint32_t>(arrival_.size());
            p.first_trip = static_cast<std::uint32_t>(trip_of_.size());
            p.trips = static_cast<std::uint32_t>(lane.size());
            pattern_stops_.insert(pattern_stops_.end(), key.second.begin(), key.second.end());
            for (const std::uint32_t t : lane) {
                trip_of_.push_back(t);
                for (const auto& st : trips[t].stop_times) {
                    arrival_.push_back(st.arrival_s);
                    departure_.push_back(st.departure_s);
                }
            }
            patterns_.push_back(p);
        }
    }
    // Calls per stop.
    const std::size_t n = timetable.stops.size();
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> calls(n);
    for (std::uint32_t pi = 0; pi < patterns_.size(); ++pi)
        for (std::uint32_t k = 0; k < patterns_[pi].stops; ++k) calls[stop_at(patterns_[pi], k)].push_back({pi, k});
    stop_first_pattern_.push_back(0);
    for (const auto& c : calls) {
        stop_calls_.insert(stop_calls_.end(), c.begin(), c.end());
        stop_first_pattern_.push_back(static_cast<std::uint32_t>(stop_calls_.size()));
    }
    // Stops by cell, then the walks between stops close enough to change.
    for (std::uint32_t s = 0; s < n; ++s)
        cells_.push_back({cell_of(timetable.stops[s].position.x, timetable.stops[s].position.y), s});
    std::sort(cells_.begin(), cells_.end());
    transfer_first_.push_back(0);
    for (std::uint32_t s = 0; s < n; ++s) {
        const auto& from = timetable.stops[s].position;
        for (const std::uint32_t o : stops_within(from, parameters_.max_transfer_m)) {
            if (o == s) continue;
            const auto& to = timetable.stops[o].position;
            transfers_.push_back({o, static_cast<float>(parameters_.walk_s(std::hypot(to.x - from.x, to.y - from.y)))});
        }
        transfer_first_.push_back(static_cast<std::uint32_t>(transfers_.size()));
    }
}

std::int64_t TransitNetwork::cell_of(double x, double y) const {
    const auto ix = static_cast<std::int64_t>(std::floor(x / cell_m_)), iy = static_cast<std::int64_t>(std::floor(y / cell_m_));
    return ix * 4294967296LL + (iy & 0xffffffffLL);
}

std::vector<std::uint32_t> TransitNetwork::stops_within(const geodata::Point& p, double radius_m) const {
    std::vector<std::uint32_t> out;
    const auto ix = static_cast<std::int64_t>(std::floor(p.x / cell_m_)), iy = static_cast<std::int64_t>(std::floor(p.y / cell_m_));
    for (std::int64_t dx = -1; dx <= 1; ++dx)
        for (std::int64_t dy = -1; dy <= 1; ++dy) {
            const std::int64_t key = (ix + dx) * 4294967296LL + ((iy + dy) & 0xffffffffLL);
            auto it = std::lower_bound(cells_.begin(), cells_.end(), std::pair<std::int64_t, std::uint32_t>{key, 0});
            for (; it != cells_.end() && it->first == key; ++it) {
                const auto& q = timetable_->stops[it->second].position;
                if (std::hypot(q.x - p.x, q.y - p.y) <= radius_m) out.push_back(it->second);
            }
        }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<StopWalk> TransitNetwork::stops_near(const geodata::Point& p) const {
    std::vector<StopWalk> out;
    for (const std::uint32_t s : stops_within(p, parameters_.max_access_m)) {
        const auto& q = timetable_->stops[s].position;
        out.push_back({s, static_cast<float>(parameters_.walk_s(std::hypot(q.x - p.x, q.y - p.y)))});
    }
    std::sort(out.begin(), out.end(), [](const StopWalk& a, const StopWalk& b) { return std::tie(a.second, a.first) < std::tie(b.second, b.first); });
    return out;
}

std::uint32_t TransitNetwork::earliest_trip(const Pattern& p, std::uint32_t k, std::int32_t time) const {
    // Trips of a pattern never overtake: departures at stop k rise with the trip index.
    std::uint32_t lo = 0, hi = p.trips;
    while (lo < hi) {
        const std::uint32_t mid = (lo + hi) / 2;
        if (departure(p, mid, k) < time) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

}  // namespace citytwin::sim::transit
