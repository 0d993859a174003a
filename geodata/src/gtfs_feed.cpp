#include "gtfs_feed.hpp"

#include "gtfs_calendar.hpp"
#include "gtfs_table.hpp"

#include <citytwin/geodata/progress.hpp>

#include <charconv>
#include <cmath>

namespace citytwin::geodata::detail {

namespace {

std::optional<double> strict_number(const std::string& text) {
    double v = 0.0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<long long> strict_integer(const std::string& text) {
    long long v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
    return v;
}

std::string quoted(const std::string& column, const std::string& value) { return column + " '" + value + "'"; }

// Appends the row and indexes its id (row.*id_member); an empty or repeated id is an error.
template <typename Row>
void add_row(GtfsRows<Row>& out, const GtfsTable& t, const std::string& id_column, std::string Row::*id_member,
             Row row) {
    const std::string& id = row.*id_member;
    if (id.empty()) throw Error(t.where(id_column + " is empty"));
    const auto [it, inserted] = out.index.emplace(id, static_cast<std::uint32_t>(out.rows.size()));
    if (!inserted) throw Error(t.where(quoted(id_column, id) + " appears twice (first in row " +
                                       std::to_string(it->second + 1) + ")"));
    out.rows.push_back(std::move(row));
}

template <typename Row>
std::uint32_t lookup(const GtfsRows<Row>& rows, const GtfsTable& t, const std::string& column, const std::string& id,
                     const std::string& table) {
    const auto it = rows.index.find(id);
    if (it == rows.index.end()) throw Error(t.where(quoted(column, id) + " is not in " + table));
    return it->second;
}

double coordinate(const GtfsTable& t, int column, const std::string& name, double limit) {
    const std::string text = t.text(column);
    const auto v = strict_number(text);
    if (!v || std::abs(*v) > limit)
        throw Error(t.where(quoted(name, text) + " is not a " +
                            (limit < 100 ? "latitude (-90…90)" : "longitude (-180…180)")));
    return *v;
}

std::optional<std::int32_t> optional_time(const GtfsTable& t, int column, const std::string& name) {
    const std::string text = t.text(column);
    if (text.empty()) return std::nullopt;
    const auto s = parse_gtfs_time(text);
    if (!s) throw Error(t.where(quoted(name, text) + " is not HH:MM:SS"));
    return s;
}

std::int32_t required_time(const GtfsTable& t, int column, const std::string& name) {
    const auto s = optional_time(t, column, name);
    if (!s) throw Error(t.where(name + " is empty"));
    return *s;
}

GtfsStopTimeRow stop_time_row(const GtfsTable& t, const std::array<int, 6>& c, const GtfsRows<GtfsStopRow>& stops) {
    GtfsStopTimeRow r;
    const std::string seq = t.text(c[2]);
    const auto s = strict_integer(seq);
    if (!s || *s < 0 || *s > INT32_MAX)
        throw Error(t.where(quoted("stop_sequence", seq) + " is not a whole number ≥ 0"));
    r.sequence = static_cast<std::uint32_t>(*s);
    r.stop = lookup(stops, t, "stop_id", t.text(c[1]), "stops.txt");
    r.arrival = optional_time(t, c[3], "arrival_time");
    r.departure = optional_time(t, c[4], "departure_time");
    if (const std::string d = t.text(c[5]); !d.empty()) {
        r.distance = strict_number(d);
        if (!r.distance) throw Error(t.where(quoted("shape_dist_traveled", d) + " is not a number"));
    }
    return r;
}

}  // namespace

GtfsRows<GtfsStopRow> read_gtfs_stops(const std::string& feed) {
    auto t = GtfsTable::open_required(feed, "stops.txt");
    const int c_id = t.column("stop_id"), c_lat = t.column("stop_lat"), c_lon = t.column("stop_lon"),
              c_name = t.optional_column("stop_name");
    GtfsRows<GtfsStopRow> out;
    while (t.next()) {
        GtfsStopRow row{t.text(c_id), t.text(c_name), std::nullopt};
        // Generic nodes and boarding areas (location_type 3, 4) may have no position.
        if (!t.text(c_lat).empty() || !t.text(c_lon).empty())
            row.lonlat = Point{coordinate(t, c_lon, "stop_lon", 180.0), coordinate(t, c_lat, "stop_lat", 90.0)};
        add_row(out, t, "stop_id", &GtfsStopRow::id, std::move(row));
    }
    return out;
}

GtfsRows<TransitRoute> read_gtfs_routes(const std::string& feed) {
    auto t = GtfsTable::open_required(feed, "routes.txt");
    const int c_id = t.column("route_id"), c_type = t.column("route_type"),
              c_short = t.optional_column("route_short_name"), c_long = t.optional_column("route_long_name");
    GtfsRows<TransitRoute> out;
    while (t.next()) {
        TransitRoute r;
        r.id = static_cast<std::uint32_t>(out.rows.size());
        r.gtfs_id = t.text(c_id);
        r.short_name = t.text(c_short);
        r.long_name = t.text(c_long);
        const std::string type = t.text(c_type);
        const auto v = strict_integer(type);
        if (!v || *v < 0 || *v > 9999) throw Error(t.where(quoted("route_type", type) + " is not a GTFS route type"));
        r.route_type = static_cast<int>(*v);
        r.mode = transit_mode_of(r.route_type);
        add_row(out, t, "route_id", &TransitRoute::gtfs_id, std::move(r));
    }
    return out;
}

GtfsRows<GtfsTripRow> read_gtfs_trips(const std::string& feed, const GtfsRows<TransitRoute>& routes) {
    auto t = GtfsTable::open_required(feed, "trips.txt");
    const int c_id = t.column("trip_id"), c_route = t.column("route_id"), c_service = t.column("service_id");
    GtfsRows<GtfsTripRow> out;
    while (t.next()) {
        GtfsTripRow r{t.text(c_id), t.text(c_service), lookup(routes, t, "route_id", t.text(c_route), "routes.txt")};
        add_row(out, t, "trip_id", &GtfsTripRow::id, std::move(r));
    }
    return out;
}

std::vector<std::vector<GtfsStopTimeRow>> read_gtfs_stop_times(const std::string& feed,
                                                               const GtfsRows<GtfsStopRow>& stops,
                                                               const GtfsRows<GtfsTripRow>& trips,
                                                               const std::vector<bool>& wanted, bool progress,
                                                               std::size_t& rows) {
    auto t = GtfsTable::open_required(feed, "stop_times.txt");
    const std::array<int, 6> c{t.column("trip_id"),       t.column("stop_id"),
                               t.column("stop_sequence"), t.column("arrival_time"),
                               t.column("departure_time"), t.optional_column("shape_dist_traveled")};
    std::vector<std::vector<GtfsStopTimeRow>> out(trips.rows.size());
    Progress bar("transit: stop times", t.size(), progress);
    while (t.next()) {
        bar.update(++rows);
        const std::uint32_t trip = lookup(trips, t, "trip_id", t.text(c[0]), "trips.txt");
        GtfsStopTimeRow r = stop_time_row(t, c, stops);
        if (wanted[trip]) out[trip].push_back(r);
    }
    bar.finish();
    return out;
}

std::vector<std::vector<GtfsFrequencyRow>> read_gtfs_frequencies(const std::string& feed,
                                                                 const GtfsRows<GtfsTripRow>& trips,
                                                                 std::size_t& rows) {
    std::vector<std::vector<GtfsFrequencyRow>> out(trips.rows.size());
    auto t = GtfsTable::open(feed, "frequencies.txt");
    if (!t) return out;
    const int c_trip = t->column("trip_id"), c_start = t->column("start_time"), c_end = t->column("end_time"),
              c_headway = t->column("headway_secs");
    while (t->next()) {
        ++rows;
        const std::uint32_t trip = lookup(trips, *t, "trip_id", t->text(c_trip), "trips.txt");
        GtfsFrequencyRow f;
        f.start = required_time(*t, c_start, "start_time");
        f.end = required_time(*t, c_end, "end_time");
        if (f.end <= f.start) throw Error(t->where(quoted("end_time", t->text(c_end)) + " is not after start_time"));
        const std::string headway = t->text(c_headway);
        const auto h = strict_integer(headway);
        if (!h || *h <= 0 || *h > 86400)
            throw Error(t->where(quoted("headway_secs", headway) + " is not a whole number of seconds, 1…86400"));
        f.headway = static_cast<std::int32_t>(*h);
        out[trip].push_back(f);
    }
    return out;
}

}  // namespace citytwin::geodata::detail
