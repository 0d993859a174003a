#pragma once
// The rows of a GTFS feed's tables, checked (ids resolve, numbers and times parse) but
// not yet interpreted: no service day, no interpolation, no frequency expansion.
#include <citytwin/geodata/timetable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace citytwin::geodata::detail {

/// Rows of one table and an index from their GTFS id to the row's position.
template <typename Row>
struct GtfsRows {
    std::vector<Row> rows;
    std::unordered_map<std::string, std::uint32_t> index;
};

struct GtfsStopRow {
    std::string id, name;
    std::optional<Point> lonlat;   ///< x = stop_lon, y = stop_lat; nullopt when both are empty
};

struct GtfsTripRow {
    std::string id, service;
    std::uint32_t route = 0;       ///< row in GtfsRows<TransitRoute>
};

struct GtfsStopTimeRow {
    std::uint32_t sequence = 0;
    std::uint32_t stop = 0;        ///< row in the stops table
    std::optional<std::int32_t> arrival, departure;
    std::optional<double> distance;   ///< shape_dist_traveled
};

struct GtfsFrequencyRow {
    std::int32_t start = 0, end = 0, headway = 0;   ///< s
};

GtfsRows<GtfsStopRow> read_gtfs_stops(const std::string& feed);
/// Routes with id = row, mode from route_type.
GtfsRows<TransitRoute> read_gtfs_routes(const std::string& feed);
GtfsRows<GtfsTripRow> read_gtfs_trips(const std::string& feed, const GtfsRows<TransitRoute>& routes);

/// Stop times per trip row, in file order, for the trips `wanted` marks (the others'
/// rows are checked too, so a bad row is found whatever the service day). Adds the
/// table's row count to `rows`.
std::vector<std::vector<GtfsStopTimeRow>> read_gtfs_stop_times(const std::string& feed,
                                                               const GtfsRows<GtfsStopRow>& stops,
                                                               const GtfsRows<GtfsTripRow>& trips,
                                                               const std::vector<bool>& wanted, bool progress,
                                                               std::size_t& rows);
/// frequencies.txt rows per trip row (all empty when the feed has no frequencies.txt).
std::vector<std::vector<GtfsFrequencyRow>> read_gtfs_frequencies(const std::string& feed,
                                                                 const GtfsRows<GtfsTripRow>& trips,
                                                                 std::size_t& rows);

}  // namespace citytwin::geodata::detail
