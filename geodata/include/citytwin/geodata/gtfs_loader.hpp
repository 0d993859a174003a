#pragma once
// Reads a GTFS feed (a .zip or a folder of .txt tables, through GDAL's CSV driver) into
// the Timetable of one service day, with stop positions in the working CRS. Throws
// geodata::Error naming the feed, table, row and column on bad input.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/geodata/timetable.hpp>

#include <cstddef>
#include <map>
#include <string>

namespace citytwin::geodata {

/// What the feed held and what the timetable kept.
struct GtfsLoadReport {
    std::string service_date;                  ///< YYYY-MM-DD (given, or the busiest day)
    std::size_t stops_in_feed = 0, routes_in_feed = 0, trips_in_feed = 0;   ///< table rows
    std::size_t stops = 0;                     ///< kept: served by a kept trip
    std::size_t routes = 0;                    ///< kept: with a kept trip
    std::map<std::string, std::size_t> routes_by_mode;   ///< kept routes per mode
    std::size_t trips_on_day = 0;              ///< trips.txt rows running on the service day
    std::size_t trips = 0;                     ///< in the timetable, frequency runs included
    std::size_t stop_times = 0;                ///< in the timetable
    std::size_t stop_time_rows = 0;            ///< rows of stop_times.txt
    std::size_t times_interpolated = 0;        ///< stop times of kept trips given no time by the feed
    std::size_t frequency_rows = 0;            ///< rows of frequencies.txt
    std::size_t trips_from_frequencies = 0;    ///< runs expanded from frequency rows (within `trips`)
    std::size_t trips_dropped = 0;             ///< trips of the day left out (a frequency template counts once)
    std::map<std::string, std::size_t> dropped_by_reason;
    double seconds = 0.0;
};

/// The timetable of config.date (or, when empty, of the day in the feed's calendar with
/// the most trips; ties: the earliest). `working_crs`: "EPSG:xxxx", WKT or PROJ text.
/// `progress`: report stop_times reading on stderr.
Timetable load_gtfs(const TransitConfig& config, const std::string& working_crs, GtfsLoadReport& report,
                    bool progress = false);

/// Throws Error unless `date` is a real calendar date written YYYY-MM-DD.
void check_service_date(const std::string& date);

}  // namespace citytwin::geodata
