#include <citytwin/sim/link_restrictions.hpp>

#include <algorithm>
#include <limits>

namespace citytwin::sim {

std::vector<LinkEvent> closure_events(const geodata::CityModel& model) {
    std::vector<LinkEvent> events;
    for (const auto& c : *model.closures) {
        events.push_back({c.window.from, c.link.value, +1});
        events.push_back({c.window.to, c.link.value, -1});
    }
    std::sort(events.begin(), events.end());
    return events;
}

void apply_restrictions(const geodata::CityModel& model, double value_of_time_per_hour, LinkCosts& costs) {
    const std::size_t n = costs.link_count;
    for (const auto& c : *model.closures) {
        if (!c.window.whole_day()) costs.time_invariant = false;
        // Routing costs have 24 hours; hour h also serves departures 24 h later (after
        // midnight), so a closure in either blocks it (conservative).
        for (std::size_t h = 0; h < hours_per_day; ++h)
            for (std::size_t day = 0; day < 2; ++day) {
                const auto from = static_cast<std::int32_t>((h + day * hours_per_day) * 3600);
                if (c.window.overlaps(from, from + 3600))
                    costs.seconds[h * n + c.link.value] = std::numeric_limits<float>::infinity();
            }
    }
    const double seconds_per_money = value_of_time_per_hour > 0.0 ? 3600.0 / value_of_time_per_hour : 0.0;
    for (const auto& t : *model.tolls) {
        costs.time_invariant = false;
        for (std::size_t h = 0; h < hours_per_day; ++h)
            if (toll_applies(t, h) || toll_applies(t, h + hours_per_day))
                costs.seconds[h * n + t.link.value] += static_cast<float>(t.amount * seconds_per_money);
    }
}

std::vector<char> never_closed(const geodata::CityModel& model) {
    std::vector<char> open(model.roads->link_count(), 1);
    for (const auto& c : *model.closures) open[c.link.value] = 0;
    return open;
}

std::vector<char> trip_end_links(const geodata::CityModel& model) {
    const auto& net = *model.roads;
    std::vector<char> usable = never_closed(model);
    const std::vector<char> enterable = enterable_links(net);
    for (std::size_t l = 0; l < usable.size(); ++l) usable[l] = usable[l] && enterable[l];
    std::vector<char> local = usable;
    bool any_local = false;
    for (const auto& l : net.links()) {
        using geodata::RoadClass;
        const bool fast = l.road_class == RoadClass::Motorway || l.road_class == RoadClass::MotorwayLink ||
                          l.road_class == RoadClass::Trunk || l.road_class == RoadClass::TrunkLink;
        if (fast) local[l.id.value] = 0;
        any_local = any_local || local[l.id.value];
    }
    return any_local ? local : usable;
}

std::vector<char> trip_start_links(const geodata::CityModel& model) {
    // A trip starts at a link's end: some turn the data allow must leave it (a cut road's
    // last link whose U-turn OSM bans would start a trip nowhere).
    const auto& net = *model.roads;
    std::vector<char> usable = trip_end_links(model);
    for (const auto& l : net.links()) {
        bool leavable = false;
        for (const auto o : net.out_links(l.to)) leavable = leavable || net.turn_allowed(l.id, o);
        usable[l.id.value] = usable[l.id.value] && leavable;
    }
    return usable;
}

}  // namespace citytwin::sim
