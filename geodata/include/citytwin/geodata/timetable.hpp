#pragma once
// A public-transport timetable for one service day, as read from a GTFS feed: stops in the
// working CRS, routes, and every vehicle trip of that day with its stop times (trips given
// by frequencies.txt expanded into one trip per departure). Plain data for the transit
// router (sim/transit); the GTFS reading itself is in gtfs_loader.hpp.
#include <citytwin/geodata/geometry.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace citytwin::geodata {

struct TransitStop {
    std::uint32_t id = 0;         ///< index in Timetable::stops
    std::string gtfs_id;          ///< stop_id
    std::string name;             ///< stop_name
    Point position;               ///< working CRS
};

struct TransitRoute {
    std::uint32_t id = 0;         ///< index in Timetable::routes
    std::string gtfs_id;          ///< route_id
    std::string short_name, long_name;
    int route_type = 3;           ///< GTFS route_type as given (basic 0–12 or extended 100–1700)
    std::string mode;             ///< tram, metro, rail, bus, ferry, cable, other (from route_type)
};

struct StopTime {
    std::uint32_t stop = 0;       ///< index in Timetable::stops
    std::int32_t arrival_s = 0;   ///< seconds after the service day's midnight (may pass 86 400)
    std::int32_t departure_s = 0;
};

struct TransitTrip {
    std::uint32_t route = 0;      ///< index in Timetable::routes
    std::string gtfs_id;          ///< trip_id (a frequency-expanded trip: "<trip_id>@<start s>")
    std::vector<StopTime> stop_times;   ///< in stop_sequence order, at least two
};

struct Timetable {
    std::string source;           ///< the feed's path
    std::string service_date;     ///< YYYY-MM-DD the trips run on
    std::vector<TransitStop> stops;
    std::vector<TransitRoute> routes;
    std::vector<TransitTrip> trips;
    bool empty() const { return trips.empty(); }
};

/// "tram", "metro", "rail", "bus", "ferry", "cable", "other" for a GTFS route_type (basic
/// types 0–12 and the extended ones: 100–199 rail, 400–499 metro, 700–799 bus, 900–999
/// tram, 1000–1299 ferry, 1300–1499 cable …).
std::string transit_mode_of(int route_type);

}  // namespace citytwin::geodata
