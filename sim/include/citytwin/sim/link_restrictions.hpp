#pragma once
// The model's closures and tolls as the simulation sees them: routing costs (a closed
// link cannot be routed through in any hour its closure touches; a toll adds its amount
// over the value of time in the hours whose middle it covers) and timed open/close
// events for the network loading (a closed link refuses entry; vehicles wait before it).
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/router.hpp>

#include <cstdint>
#include <vector>

namespace citytwin::sim {

/// +1 closes a link once more, −1 lifts one closure (closures of a link may overlap).
struct LinkEvent {
    Seconds time = 0;
    std::uint32_t link = 0;
    int closures = 1;
    auto operator<=>(const LinkEvent&) const = default;
};

/// The model's closures as events, sorted by (time, link, change).
std::vector<LinkEvent> closure_events(const geodata::CityModel& model);

/// Closures and tolls applied to routing costs (money per hour of time: value_of_time).
void apply_restrictions(const geodata::CityModel& model, double value_of_time_per_hour, LinkCosts& costs);

/// 1 for links never closed during the day: where trips may start and end.
std::vector<char> never_closed(const geodata::CityModel& model);

/// Links a trip may end on by car: never closed, entered by some allowed turn, and not a
/// motorway or trunk road or their ramps (nobody parks there) unless the network
/// has nothing else.
std::vector<char> trip_end_links(const geodata::CityModel& model);
/// … and start on: of those, the ones some allowed turn leaves.
std::vector<char> trip_start_links(const geodata::CityModel& model);

/// Whether a toll applies in hour h (the window covers the hour's middle).
inline bool toll_applies(const geodata::LinkToll& t, std::size_t hour) {
    return t.window.contains(static_cast<std::int32_t>(hour * 3600 + 1800));
}

}  // namespace citytwin::sim
