// GTFS reading on a tiny hand-made feed written into a temp folder (and into a .zip):
// the service day from calendar.txt and calendar_dates.txt, times past 24:00, frequency
// expansion, interpolation of untimed stops, stop_sequence from above 1, columns in any
// order, and the message of each kind of bad input.
#include "test_helpers.hpp"

#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/gtfs_loader.hpp>

#include <cpl_vsi.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

namespace citytwin::geodata {
namespace {

namespace fs = std::filesystem;
using citytwin::testing::TempDir;
using citytwin::testing::write_file;

constexpr const char* working_crs = "EPSG:3006";

// Trips (WK runs Monday to Friday, except 1 and 2 January 2024; HOL only on 2 January):
//  T1 WK  R1  S1 23:50 → S2 24:05 → S3 25:10, stop_sequence 12, 5, 7 in file order
//  T2 WK  R1  S1 08:00 → S2 – → S3 – → S4 08:30, shape_dist_traveled 0, 1000, 3000, 6000
//  T3 HOL R2  S4 10:00 → S1 10:10
//  T4 WK  R2  template S1 06:00 → S2 06:04/06:05 → S3 06:10; frequencies 07:00–08:00 every
//             20 min and 08:00–08:30 every 15 min
//  T5 WK  R1  one stop time only
//  T6 WK  R1  no time at its first stop
//  T7 WE  R3  weekends only
//  T8 WK  R1  S1 09:00 → S2 – → S3 – → S4 09:09, no distances
// The columns are in no standard order; stops.txt starts with a UTF-8 byte order mark.
std::map<std::string, std::string> tiny_feed() {
    return {
        {"agency.txt", "agency_id,agency_name,agency_url,agency_timezone\n"
                       "A,Tiny,http://example.org,Europe/Stockholm\n"},
        {"stops.txt", "\xEF\xBB\xBFstop_lon,stop_name,stop_id,stop_lat,location_type\n"
                      "13.000,Alpha,S1,55.600,0\n"
                      "13.001,Beta,S2,55.601,\n"
                      "13.0015,Central,ST,55.6015,1\n"
                      "13.002,Gamma,S3,55.602,0\n"
                      "13.003,Delta,S4,55.603,0\n"
                      "13.009,Unused,S9,55.609,0\n"},
        {"routes.txt", "route_type,route_id,route_short_name,route_long_name\n"
                       "3,R1,1,Bus one\n"
                       "900,R2,T,Tram\n"
                       "1,R3,M,Metro\n"},
        {"calendar.txt", "service_id,start_date,end_date,monday,tuesday,wednesday,thursday,friday,saturday,sunday\n"
                         "WK,20240101,20241231,1,1,1,1,1,0,0\n"
                         "WE,20240101,20241231,0,0,0,0,0,1,1\n"},
        {"calendar_dates.txt", "date,service_id,exception_type\n"
                               "20240101,WK,2\n"
                               "20240102,WK,2\n"
                               "20240102,HOL,1\n"},
        {"trips.txt", "service_id,trip_id,route_id\n"
                      "WK,T1,R1\n"
                      "WK,T2,R1\n"
                      "HOL,T3,R2\n"
                      "WK,T4,R2\n"
                      "WK,T5,R1\n"
                      "WK,T6,R1\n"
                      "WE,T7,R3\n"
                      "WK,T8,R1\n"},
        {"stop_times.txt", "stop_sequence,stop_id,trip_id,departure_time,arrival_time,shape_dist_traveled\n"
                           "12,S3,T1,25:10:00,25:10:00,\n"
                           "5,S1,T1,23:50:00,23:50:00,\n"
                           "7,S2,T1,24:05:00,24:05:00,\n"
                           "1,S1,T2,08:00:00,08:00:00,0\n"
                           "2,S2,T2,,,1000\n"
                           "3,S3,T2,,,3000\n"
                           "4,S4,T2,08:30:00,08:30:00,6000\n"
                           "1,S4,T3,10:00:00,10:00:00,\n"
                           "2,S1,T3,10:10:00,10:10:00,\n"
                           "1,S1,T4,06:00:00,06:00:00,\n"
                           "2,S2,T4,06:05:00,06:04:00,\n"
                           "3,S3,T4,06:10:00,06:10:00,\n"
                           "1,S1,T5,07:00:00,07:00:00,\n"
                           "1,S1,T6,,,\n"
                           "2,S2,T6,07:10:00,07:10:00,\n"
                           "1,S3,T7,12:00:00,12:00:00,\n"
                           "2,S4,T7,12:05:00,12:05:00,\n"
                           "1,S1,T8,9:00:00,9:00:00,\n"
                           "2,S2,T8,,,\n"
                           "3,S3,T8,,,\n"
                           "4,S4,T8,09:09:00,09:09:00,\n"},
        {"frequencies.txt", "headway_secs,end_time,start_time,trip_id\n"
                            "1200,08:00:00,07:00:00,T4\n"
                            "900,08:30:00,08:00:00,T4\n"},
    };
}

using Feed = std::map<std::string, std::string>;

std::string write_feed(const TempDir& dir, const Feed& feed) {
    const fs::path folder = dir / "feed";
    fs::create_directories(folder);
    for (const auto& [name, text] : feed) write_file(folder / name, text);
    return folder.string();
}

// The same tables as a .zip, written through GDAL's /vsizip/ (no zip tool needed).
std::string write_zip(const TempDir& dir, const Feed& feed) {
    const std::string zip = (dir / "feed.zip").string();
    for (const auto& [name, text] : feed) {
        VSILFILE* f = VSIFOpenL(("/vsizip/" + zip + "/" + name).c_str(), "wb");
        if (!f) throw std::runtime_error("cannot write " + zip + "/" + name);
        VSIFWriteL(text.data(), 1, text.size(), f);
        VSIFCloseL(f);
    }
    return zip;
}

struct Loaded {
    Timetable tt;
    GtfsLoadReport report;
};

Loaded load(const std::string& source, const std::string& date) {
    Loaded l;
    l.tt = load_gtfs(TransitConfig{source, date}, working_crs, l.report);
    return l;
}

Loaded load_feed(const Feed& feed, const std::string& date) {
    TempDir dir;
    return load(write_feed(dir, feed), date);
}

const TransitTrip& trip(const Timetable& tt, const std::string& id) {
    const auto it = std::find_if(tt.trips.begin(), tt.trips.end(), [&](const auto& t) { return t.gtfs_id == id; });
    if (it == tt.trips.end()) throw std::runtime_error("no trip " + id);
    return *it;
}

std::string stop_name(const Timetable& tt, const StopTime& st) { return tt.stops.at(st.stop).gtfs_id; }

// The message load_gtfs throws for `feed` (fails the test when it throws nothing).
std::string error_of(const Feed& feed, const std::string& date = "2024-01-03") {
    TempDir dir;
    const std::string path = write_feed(dir, feed);
    try {
        GtfsLoadReport report;
        load_gtfs(TransitConfig{path, date}, working_crs, report);
    } catch (const Error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(path), std::string::npos) << "the message should name the feed: " << msg;
        return msg;
    }
    ADD_FAILURE() << "expected an Error";
    return {};
}

// The data row (1 = first after the header) that holds `needle`.
long long row_of(const std::string& table, const std::string& needle) {
    const auto pos = table.find(needle);
    return static_cast<long long>(std::count(table.begin(), table.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

Feed with(Feed feed, const std::string& table, const std::string& from, const std::string& to) {
    auto& text = feed.at(table);
    const auto pos = text.find(from);
    if (pos == std::string::npos) throw std::runtime_error(from + " not in " + table);
    text.replace(pos, from.size(), to);
    return feed;
}

Feed without(Feed feed, const std::string& table) {
    feed.erase(table);
    return feed;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(GtfsLoad, WeekdayTripsFrequencyRunsAndDrops) {
    const auto l = load_feed(tiny_feed(), "2024-01-03");   // a Wednesday
    EXPECT_EQ(l.tt.service_date, "2024-01-03");
    // T1, T2, T8 and five runs of T4; T5 and T6 dropped; T3 (holiday) and T7 (weekend) not today.
    EXPECT_EQ(l.report.trips, 8u);
    EXPECT_EQ(l.tt.trips.size(), 8u);
    EXPECT_EQ(l.report.trips_on_day, 6u);
    EXPECT_EQ(l.report.trips_from_frequencies, 5u);
    EXPECT_EQ(l.report.frequency_rows, 2u);
    EXPECT_EQ(l.report.trips_dropped, 2u);
    EXPECT_EQ(l.report.dropped_by_reason.at("fewer than 2 stop times"), 1u);
    EXPECT_EQ(l.report.dropped_by_reason.at("no time at the first or last stop"), 1u);
    EXPECT_EQ(l.report.stop_times, 3u + 4u + 4u + 5u * 3u);
    EXPECT_EQ(l.report.stop_time_rows, 21u);
    EXPECT_EQ(l.report.times_interpolated, 4u);
    EXPECT_EQ(l.report.trips_in_feed, 8u);
    EXPECT_EQ(l.report.stops_in_feed, 6u);
    EXPECT_EQ(l.report.routes_in_feed, 3u);
    // Routes and stops the day's trips use, in file order.
    ASSERT_EQ(l.tt.routes.size(), 2u);
    EXPECT_EQ(l.tt.routes[0].gtfs_id, "R1");
    EXPECT_EQ(l.tt.routes[0].mode, "bus");
    EXPECT_EQ(l.tt.routes[1].gtfs_id, "R2");
    EXPECT_EQ(l.tt.routes[1].mode, "tram");
    EXPECT_EQ(l.tt.routes[1].route_type, 900);
    EXPECT_EQ(l.tt.routes[1].id, 1u);
    EXPECT_EQ((std::map<std::string, std::size_t>{{"bus", 1}, {"tram", 1}}), l.report.routes_by_mode);
    ASSERT_EQ(l.tt.stops.size(), 4u);
    for (std::uint32_t i = 0; i < 4; ++i) {
        EXPECT_EQ(l.tt.stops[i].id, i);
        EXPECT_EQ(l.tt.stops[i].gtfs_id, "S" + std::to_string(i + 1));
    }
    EXPECT_EQ(l.tt.stops[1].name, "Beta");
    EXPECT_EQ(trip(l.tt, "T8").route, 0u);
    EXPECT_EQ(trip(l.tt, "T4@25200").route, 1u);
}

TEST(GtfsLoad, StopPositionsAreInTheWorkingCrs) {
    const auto l = load_feed(tiny_feed(), "2024-01-03");
    // 13.0 E 55.6 N in SWEREF99 TM (gdaltransform -s_srs EPSG:4326 -t_srs EPSG:3006).
    EXPECT_NEAR(l.tt.stops[0].position.x, 373988.37, 0.01);
    EXPECT_NEAR(l.tt.stops[0].position.y, 6163377.12, 0.01);
    // 0.001° further north-east: ~63 m east, ~111 m north.
    EXPECT_NEAR(l.tt.stops[1].position.x - l.tt.stops[0].position.x, 63.0, 5.0);   // grid convergence ~1.7°
    EXPECT_NEAR(l.tt.stops[1].position.y - l.tt.stops[0].position.y, 111.3, 5.0);
}

TEST(GtfsLoad, TimesPastMidnightAndStopSequenceAboveOne) {
    const auto l = load_feed(tiny_feed(), "2024-01-03");
    const auto& t1 = trip(l.tt, "T1");
    ASSERT_EQ(t1.stop_times.size(), 3u);
    // stop_sequence 5, 7, 12 (the file gives 12 first).
    EXPECT_EQ(stop_name(l.tt, t1.stop_times[0]), "S1");
    EXPECT_EQ(stop_name(l.tt, t1.stop_times[1]), "S2");
    EXPECT_EQ(stop_name(l.tt, t1.stop_times[2]), "S3");
    EXPECT_EQ(t1.stop_times[0].departure_s, 23 * 3600 + 50 * 60);
    EXPECT_EQ(t1.stop_times[1].arrival_s, 24 * 3600 + 5 * 60);
    EXPECT_EQ(t1.stop_times[2].arrival_s, 90600);   // 25:10:00
}

TEST(GtfsLoad, FrequencyRowsExpandIntoShiftedRuns) {
    const auto l = load_feed(tiny_feed(), "2024-01-03");
    // 07:00, 07:20, 07:40 (08:00 is the first row's end), then 08:00 and 08:15.
    const std::vector<std::string> ids{"T4@25200", "T4@26400", "T4@27600", "T4@28800", "T4@29700"};
    for (const auto& id : ids) EXPECT_NO_THROW(trip(l.tt, id)) << id;
    EXPECT_THROW(trip(l.tt, "T4"), std::runtime_error);   // the template is no run of its own
    const auto& run = trip(l.tt, "T4@26400");
    ASSERT_EQ(run.stop_times.size(), 3u);
    EXPECT_EQ(run.stop_times[0].arrival_s, 26400);
    EXPECT_EQ(run.stop_times[0].departure_s, 26400);
    EXPECT_EQ(run.stop_times[1].arrival_s, 26400 + 240);
    EXPECT_EQ(run.stop_times[1].departure_s, 26400 + 300);
    EXPECT_EQ(run.stop_times[2].arrival_s, 26400 + 600);
    EXPECT_EQ(trip(l.tt, "T4@29700").stop_times[2].departure_s, 29700 + 600);
}

TEST(GtfsLoad, UntimedStopsAreInterpolated) {
    const auto l = load_feed(tiny_feed(), "2024-01-03");
    // By shape_dist_traveled: 1000 and 3000 of 6000 m over 30 min.
    const auto& t2 = trip(l.tt, "T2");
    ASSERT_EQ(t2.stop_times.size(), 4u);
    EXPECT_EQ(t2.stop_times[1].arrival_s, 8 * 3600 + 5 * 60);
    EXPECT_EQ(t2.stop_times[1].departure_s, 8 * 3600 + 5 * 60);
    EXPECT_EQ(t2.stop_times[2].arrival_s, 8 * 3600 + 15 * 60);
    // Without distances: evenly by stop count over 9 min ("9:00:00" has a one-digit hour).
    const auto& t8 = trip(l.tt, "T8");
    EXPECT_EQ(t8.stop_times[0].departure_s, 9 * 3600);
    EXPECT_EQ(t8.stop_times[1].arrival_s, 9 * 3600 + 180);
    EXPECT_EQ(t8.stop_times[2].arrival_s, 9 * 3600 + 360);
}

TEST(GtfsLoad, CalendarDatesRemoveAndAddService) {
    // Tuesday 2 January: WK removed, HOL added; only T3 runs.
    const auto l = load_feed(tiny_feed(), "2024-01-02");
    ASSERT_EQ(l.tt.trips.size(), 1u);
    EXPECT_EQ(l.tt.trips[0].gtfs_id, "T3");
    ASSERT_EQ(l.tt.stops.size(), 2u);
    EXPECT_EQ(l.tt.stops[0].gtfs_id, "S1");   // stops.txt order, not the trip's
    EXPECT_EQ(stop_name(l.tt, l.tt.trips[0].stop_times[0]), "S4");
    ASSERT_EQ(l.tt.routes.size(), 1u);
    EXPECT_EQ(l.tt.routes[0].gtfs_id, "R2");
    EXPECT_EQ(l.tt.trips[0].route, 0u);
    // A Saturday: only the weekend trip.
    const auto sat = load_feed(tiny_feed(), "2024-01-06");
    ASSERT_EQ(sat.tt.trips.size(), 1u);
    EXPECT_EQ(sat.tt.trips[0].gtfs_id, "T7");
    EXPECT_EQ(sat.tt.routes[0].mode, "metro");
}

TEST(GtfsLoad, CalendarDatesAloneDefineService) {
    const Feed feed = with(without(tiny_feed(), "calendar.txt"), "calendar_dates.txt", "20240102,HOL,1",
                           "20240102,HOL,1\n20240105,WK,1");
    EXPECT_EQ(load_feed(feed, "2024-01-05").tt.trips.size(), 8u);
    EXPECT_EQ(load_feed(feed, "2024-01-02").tt.trips.size(), 1u);
}

TEST(GtfsLoad, WithoutDateTheBusiestDayIsTaken) {
    // 1 and 2 January lose WK; the 3rd is the first day with the weekday trips.
    const auto l = load_feed(tiny_feed(), "");
    EXPECT_EQ(l.tt.service_date, "2024-01-03");
    EXPECT_EQ(l.report.service_date, "2024-01-03");
    EXPECT_EQ(l.tt.trips.size(), 8u);
    // Without the exceptions, Monday 1 January is the earliest of the equally busy weekdays.
    EXPECT_EQ(load_feed(without(tiny_feed(), "calendar_dates.txt"), "").tt.service_date, "2024-01-01");
}

TEST(GtfsLoad, ZipFeedGivesTheSameTimetable) {
    TempDir dir;
    const auto from_zip = load(write_zip(dir, tiny_feed()), "2024-01-03");
    const auto from_folder = load_feed(tiny_feed(), "2024-01-03");
    ASSERT_EQ(from_zip.tt.trips.size(), from_folder.tt.trips.size());
    for (std::size_t i = 0; i < from_zip.tt.trips.size(); ++i) {
        EXPECT_EQ(from_zip.tt.trips[i].gtfs_id, from_folder.tt.trips[i].gtfs_id);
        ASSERT_EQ(from_zip.tt.trips[i].stop_times.size(), from_folder.tt.trips[i].stop_times.size());
        for (std::size_t k = 0; k < from_zip.tt.trips[i].stop_times.size(); ++k)
            EXPECT_EQ(from_zip.tt.trips[i].stop_times[k].departure_s,
                      from_folder.tt.trips[i].stop_times[k].departure_s);
    }
    EXPECT_EQ(from_zip.tt.stops.size(), 4u);
}

TEST(GtfsModes, BasicAndExtendedRouteTypes) {
    const std::map<int, std::string> expected{
        {0, "tram"},    {1, "metro"},   {2, "rail"},   {3, "bus"},     {4, "ferry"},   {5, "cable"},
        {6, "cable"},   {7, "cable"},   {11, "bus"},   {12, "rail"},   {8, "other"},   {100, "rail"},
        {109, "rail"},  {199, "rail"},  {200, "bus"},  {401, "metro"}, {403, "metro"}, {404, "metro"},
        {700, "bus"},   {704, "bus"},   {800, "bus"},  {900, "tram"},  {1000, "ferry"}, {1200, "ferry"},
        {1300, "cable"}, {1400, "cable"}, {1500, "other"}, {1700, "other"}, {300, "other"}};
    for (const auto& [type, mode] : expected) EXPECT_EQ(transit_mode_of(type), mode) << "route_type " << type;
}

TEST(GtfsErrors, MissingFeedAndTables) {
    TempDir dir;
    const std::string missing = (dir / "nothere.zip").string();
    GtfsLoadReport report;
    try {
        load_gtfs(TransitConfig{missing, ""}, working_crs, report);
        ADD_FAILURE() << "expected an Error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), missing + ": GTFS feed not found");
    }
    for (const char* table : {"stops.txt", "routes.txt", "trips.txt", "stop_times.txt"})
        EXPECT_TRUE(contains(error_of(without(tiny_feed(), table)), std::string("the feed has no ") + table)) << table;
    const std::string no_calendar = error_of(without(without(tiny_feed(), "calendar.txt"), "calendar_dates.txt"));
    EXPECT_TRUE(contains(no_calendar, "neither calendar.txt nor calendar_dates.txt")) << no_calendar;
}

TEST(GtfsErrors, MissingColumnNamesTableAndColumn) {
    const std::string msg = error_of(with(tiny_feed(), "stops.txt", ",stop_lat,", ",latitude,"));
    EXPECT_TRUE(contains(msg, "stops.txt: missing required column 'stop_lat' (columns: stop_lon, stop_name, stop_id, "
                              "latitude, location_type)"))
        << msg;
    const std::string freq = error_of(with(tiny_feed(), "frequencies.txt", "headway_secs,", "headway,"));
    EXPECT_TRUE(contains(freq, "frequencies.txt: missing required column 'headway_secs'")) << freq;
}

TEST(GtfsErrors, BadTimeNamesRowAndColumn) {
    const Feed feed = with(tiny_feed(), "stop_times.txt", "2,S2,T6,07:10:00", "2,S2,T6,2x:10:00");
    const long long row = row_of(feed.at("stop_times.txt"), "2x:10:00");
    EXPECT_EQ(row, 15);
    const std::string msg = error_of(feed);
    EXPECT_TRUE(contains(msg, "stop_times.txt row 15: departure_time '2x:10:00' is not HH:MM:SS")) << msg;
    const std::string minutes =
        error_of(with(tiny_feed(), "frequencies.txt", "08:00:00,07:00:00", "08:00:00,07:60:00"));
    EXPECT_TRUE(contains(minutes, "frequencies.txt row 1: start_time '07:60:00' is not HH:MM:SS")) << minutes;
}

TEST(GtfsErrors, UnknownReferencesNameRowAndColumn) {
    const Feed bad_route = with(tiny_feed(), "trips.txt", "WK,T8,R1", "WK,T8,R99");
    const std::string route = error_of(bad_route);
    EXPECT_TRUE(contains(route, "trips.txt row " + std::to_string(row_of(bad_route.at("trips.txt"), "R99")) +
                                    ": route_id 'R99' is not in routes.txt"))
        << route;
    const Feed bad_stop = with(tiny_feed(), "stop_times.txt", "3,S3,T8", "3,S99,T8");
    const std::string stop = error_of(bad_stop);
    EXPECT_TRUE(contains(stop, "stop_times.txt row 20: stop_id 'S99' is not in stops.txt")) << stop;
    const std::string trip =
        error_of(with(tiny_feed(), "frequencies.txt", "08:30:00,08:00:00,T4", "08:30:00,08:00:00,T44"));
    EXPECT_TRUE(contains(trip, "frequencies.txt row 2: trip_id 'T44' is not in trips.txt")) << trip;
    const std::string twice = error_of(with(tiny_feed(), "stops.txt", "Unused,S9", "Unused,S3"));
    EXPECT_TRUE(contains(twice, "stops.txt row 6: stop_id 'S3' appears twice (first in row 4)")) << twice;
}

TEST(GtfsErrors, CoordinatesOutOfRange) {
    const std::string lat = error_of(with(tiny_feed(), "stops.txt", "S4,55.603", "S4,95.603"));
    EXPECT_TRUE(contains(lat, "stops.txt row 5: stop_lat '95.603' is not a latitude (-90…90)")) << lat;
    const std::string lon = error_of(with(tiny_feed(), "stops.txt", "13.003,Delta", "east,Delta"));
    EXPECT_TRUE(contains(lon, "stops.txt row 5: stop_lon 'east' is not a longitude (-180…180)")) << lon;
}

TEST(GtfsErrors, DatesAndCalendarValues) {
    const std::string format = error_of(tiny_feed(), "2024-1-3");
    EXPECT_TRUE(contains(format, "transit date '2024-1-3' is not a date in YYYY-MM-DD form")) << format;
    const std::string none = error_of(tiny_feed(), "2025-06-02");
    EXPECT_TRUE(contains(none, "no trips run on 2025-06-02; the feed's calendar covers 2024-01-01 … 2024-12-31"))
        << none;
    const std::string start = error_of(with(tiny_feed(), "calendar.txt", "WE,20240101", "WE,2024-01-01"));
    EXPECT_TRUE(contains(start, "calendar.txt row 2: start_date '2024-01-01' is not a date in YYYYMMDD form")) << start;
    const std::string flag = error_of(with(tiny_feed(), "calendar.txt", "1,1,1,1,1,0,0", "1,1,1,1,1,0,yes"));
    EXPECT_TRUE(contains(flag, "calendar.txt row 1: sunday 'yes' is not 0 or 1")) << flag;
    const std::string type = error_of(with(tiny_feed(), "calendar_dates.txt", "HOL,1", "HOL,3"));
    EXPECT_TRUE(contains(type, "calendar_dates.txt row 3: exception_type '3' is not 1")) << type;
    const std::string headway = error_of(with(tiny_feed(), "frequencies.txt", "900,", "0,"));
    EXPECT_TRUE(contains(headway, "frequencies.txt row 2: headway_secs '0' is not a whole number of seconds"))
        << headway;
}

TEST(GtfsErrors, ServiceDateCheck) {
    EXPECT_NO_THROW(check_service_date("2024-02-29"));
    EXPECT_THROW(check_service_date("2023-02-29"), Error);
    EXPECT_THROW(check_service_date("20240229"), Error);
    EXPECT_THROW(check_service_date("2024-02-2x"), Error);
}

}  // namespace
}  // namespace citytwin::geodata
