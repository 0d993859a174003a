#include <citytwin/geodata/gtfs_loader.hpp>

#include "gtfs_calendar.hpp"
#include "gtfs_feed.hpp"
#include "gtfs_table.hpp"

#include <citytwin/geodata/feature_reader.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_map>
#include <cmath>

namespace citytwin::geodata {

namespace {
using namespace detail;

std::string calendar_span(const ServiceCalendar& calendar) {
    const auto r = calendar.range();
    if (!r) return "the feed's calendar defines no service day";
    return "the feed's calendar covers " + iso_date(r->first) + " … " + iso_date(r->second);
}

// The configured day, checked to have trips, or the feed's busiest day.
Day service_day(const std::string& feed, const std::string& date, const ServiceCalendar& calendar,
                const GtfsRows<GtfsTripRow>& trips) {
    std::unordered_map<std::string, std::size_t> per_service;
    for (const auto& t : trips.rows) ++per_service[t.service];
    if (date.empty()) {
        const auto day = calendar.busiest_day(per_service);
        if (!day) throw Error(feed + ": no trips run on any day; " + calendar_span(calendar));
        return *day;
    }
    const auto day = parse_iso_date(date);
    if (!day) throw Error(feed + ": transit date '" + date + "' is not a date in YYYY-MM-DD form");
    const bool any = std::any_of(per_service.begin(), per_service.end(),
                                 [&](const auto& s) { return calendar.active(s.first, *day); });
    if (!any) throw Error(feed + ": no trips run on " + date + "; " + calendar_span(calendar));
    return *day;
}

// Fills the times of stops between two timed ones, proportionally to shape_dist_traveled
// when all of them give it, else to the number of stops. Front and back must be timed.
std::size_t interpolate(std::vector<GtfsStopTimeRow>& rows) {
    std::size_t filled = 0, prev = 0;
    for (std::size_t k = 1; k < rows.size(); ++k) {
        if (!rows[k].arrival) continue;
        const GtfsStopTimeRow &a = rows[prev], &b = rows[k];
        bool by_distance = a.distance && b.distance && *b.distance > *a.distance;
        for (std::size_t j = prev + 1; j < k && by_distance; ++j) by_distance = rows[j].distance.has_value();
        for (std::size_t j = prev + 1; j < k; ++j) {
            const double f = by_distance ? (*rows[j].distance - *a.distance) / (*b.distance - *a.distance)
                                         : static_cast<double>(j - prev) / static_cast<double>(k - prev);
            const double t = *a.departure + std::clamp(f, 0.0, 1.0) * (*b.arrival - *a.departure);
            rows[j].arrival = rows[j].departure = static_cast<std::int32_t>(std::lround(t));
            ++filled;
        }
        prev = k;
    }
    return filled;
}

// A trip's stop times in stop_sequence order, every one timed; or why it cannot be used.
struct TimedTrip {
    std::vector<StopTime> times;
    std::size_t interpolated = 0;
    std::string dropped;   ///< empty: usable
};

TimedTrip timed_stop_times(std::vector<GtfsStopTimeRow> rows) {
    TimedTrip out;
    if (rows.size() < 2) {
        out.dropped = "fewer than 2 stop times";
        return out;
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.sequence < b.sequence; });
    for (auto& r : rows) {  // a stop given one of the two times passes at that time
        if (!r.arrival) r.arrival = r.departure;
        if (!r.departure) r.departure = r.arrival;
    }
    if (!rows.front().departure || !rows.back().arrival) {
        out.dropped = "no time at the first or last stop";
        return out;
    }
    out.interpolated = interpolate(rows);
    out.times.reserve(rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const StopTime st{rows[k].stop, *rows[k].arrival, *rows[k].departure};
        if (st.departure_s < st.arrival_s || (k > 0 && st.arrival_s < out.times.back().departure_s)) {
            out.dropped = "times go backwards";
            out.times.clear();
            return out;
        }
        out.times.push_back(st);
    }
    return out;
}

// One run per frequency departure (start, start + headway … < end), the template's times
// shifted to it.
void add_frequency_runs(const GtfsTripRow& trip, const std::vector<StopTime>& times,
                        const std::vector<GtfsFrequencyRow>& frequencies, std::vector<TransitTrip>& out) {
    const std::int32_t first = times.front().departure_s;
    for (const auto& f : frequencies)
        for (std::int32_t dep = f.start; dep < f.end; dep += f.headway) {
            TransitTrip run{trip.route, trip.id + "@" + std::to_string(dep), times};
            for (auto& st : run.stop_times) {
                st.arrival_s += dep - first;
                st.departure_s += dep - first;
            }
            out.push_back(std::move(run));
        }
}

// Keeps the stops and routes the trips use, renumbered in file order, and points the
// trips at them; stop positions go to the working CRS.
void keep_used(const std::string& feed, const GtfsRows<GtfsStopRow>& stops, const GtfsRows<TransitRoute>& routes,
               const std::string& working_crs, Timetable& tt) {
    constexpr auto unused = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> stop_id(stops.rows.size(), unused), route_id(routes.rows.size(), unused);
    for (const auto& trip : tt.trips) {
        route_id[trip.route] = 0;
        for (const auto& st : trip.stop_times) stop_id[st.stop] = 0;
    }
    std::vector<Point> lonlat;
    for (std::size_t i = 0; i < stops.rows.size(); ++i) {
        if (stop_id[i] == unused) continue;
        const GtfsStopRow& s = stops.rows[i];
        if (!s.lonlat)
            throw Error(feed + ": stops.txt: stop '" + s.id + "' is served by a trip but has no stop_lat/stop_lon");
        stop_id[i] = static_cast<std::uint32_t>(tt.stops.size());
        tt.stops.push_back({stop_id[i], s.id, s.name, {}});
        lonlat.push_back(*s.lonlat);
    }
    const auto projected = transform_points(lonlat, "EPSG:4326", working_crs);
    for (std::size_t i = 0; i < tt.stops.size(); ++i) tt.stops[i].position = projected[i];
    for (std::size_t i = 0; i < routes.rows.size(); ++i) {
        if (route_id[i] == unused) continue;
        route_id[i] = static_cast<std::uint32_t>(tt.routes.size());
        tt.routes.push_back(routes.rows[i]);
        tt.routes.back().id = route_id[i];
    }
    for (auto& trip : tt.trips) {
        trip.route = route_id[trip.route];
        for (auto& st : trip.stop_times) st.stop = stop_id[st.stop];
    }
}

void count_kept(const Timetable& tt, GtfsLoadReport& report) {
    report.service_date = tt.service_date;
    report.stops = tt.stops.size();
    report.routes = tt.routes.size();
    report.trips = tt.trips.size();
    report.stop_times = 0;
    for (const auto& t : tt.trips) report.stop_times += t.stop_times.size();
    report.routes_by_mode.clear();
    for (const auto& r : tt.routes) ++report.routes_by_mode[r.mode];
}

}  // namespace

void check_service_date(const std::string& date) {
    if (!parse_iso_date(date)) throw Error("'" + date + "' is not a date in YYYY-MM-DD form (e.g. 2022-02-22)");
}

Timetable load_gtfs(const TransitConfig& config, const std::string& working_crs, GtfsLoadReport& report,
                    bool progress) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string& feed = config.source;
    gtfs_table_root(feed);  // a missing feed is reported before any table
    const ServiceCalendar calendar = ServiceCalendar::read(feed);
    const auto stops = read_gtfs_stops(feed);
    const auto routes = read_gtfs_routes(feed);
    const auto trips = read_gtfs_trips(feed, routes);
    report.stops_in_feed = stops.rows.size();
    report.routes_in_feed = routes.rows.size();
    report.trips_in_feed = trips.rows.size();

    Timetable tt;
    tt.source = feed;
    const Day day = service_day(feed, config.date, calendar, trips);
    tt.service_date = iso_date(day);
    std::vector<bool> runs(trips.rows.size());
    for (std::size_t i = 0; i < trips.rows.size(); ++i) runs[i] = calendar.active(trips.rows[i].service, day);
    report.trips_on_day = static_cast<std::size_t>(std::count(runs.begin(), runs.end(), true));

    auto stop_times = read_gtfs_stop_times(feed, stops, trips, runs, progress, report.stop_time_rows);
    const auto frequencies = read_gtfs_frequencies(feed, trips, report.frequency_rows);
    for (std::size_t i = 0; i < trips.rows.size(); ++i) {
        if (!runs[i]) continue;
        TimedTrip timed = timed_stop_times(std::move(stop_times[i]));
        if (!timed.dropped.empty()) {
            ++report.trips_dropped;
            ++report.dropped_by_reason[timed.dropped];
            continue;
        }
        report.times_interpolated += timed.interpolated;
        if (frequencies[i].empty()) {
            tt.trips.push_back({trips.rows[i].route, trips.rows[i].id, std::move(timed.times)});
            continue;
        }
        const std::size_t before = tt.trips.size();
        add_frequency_runs(trips.rows[i], timed.times, frequencies[i], tt.trips);
        report.trips_from_frequencies += tt.trips.size() - before;
    }
    keep_used(feed, stops, routes, working_crs, tt);
    count_kept(tt, report);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return tt;
}

}  // namespace citytwin::geodata
