#pragma once
// GTFS dates, times and service calendars: which service_ids run on a given day, from
// calendar.txt (weekly pattern within a date range) and calendar_dates.txt (exceptions).
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <unordered_map>

namespace citytwin::geodata::detail {

class GtfsTable;
using Day = std::chrono::sys_days;

/// "2022-02-22" -> that day; nullopt when not a real date in that form.
std::optional<Day> parse_iso_date(const std::string& text);
/// "20220222" (GTFS form) -> that day; nullopt when not a real date in that form.
std::optional<Day> parse_gtfs_date(const std::string& text);
/// The day as YYYY-MM-DD.
std::string iso_date(Day day);
/// "H:MM:SS" or "HH:MM:SS" -> seconds after midnight; hours may pass 24 ("25:10:00" = 90600).
std::optional<std::int32_t> parse_gtfs_time(const std::string& text);

class ServiceCalendar {
public:
    /// Reads calendar.txt and calendar_dates.txt; at least one must exist.
    static ServiceCalendar read(const std::string& feed);

    bool active(const std::string& service_id, Day day) const;
    /// The first and last day any service is defined for; nullopt when the feed defines none.
    std::optional<std::pair<Day, Day>> range() const;
    /// The day within range() on which the most trips run (ties: the earliest), given the
    /// trips per service_id; nullopt when none runs on any day.
    std::optional<Day> busiest_day(const std::unordered_map<std::string, std::size_t>& trips_per_service) const;

private:
    struct Weekly {
        std::array<bool, 7> on{};   ///< indexed by weekday, 0 = Sunday
        Day first, last;
    };
    void read_weekly(GtfsTable& table);
    void read_exceptions(GtfsTable& table);
    std::set<Day> change_days() const;

    std::unordered_map<std::string, Weekly> weekly_;
    /// Per service: day -> true (added) / false (removed).
    std::unordered_map<std::string, std::map<Day, bool>> exceptions_;
};

}  // namespace citytwin::geodata::detail
