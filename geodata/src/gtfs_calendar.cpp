#include "gtfs_calendar.hpp"

#include "gtfs_table.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace citytwin::geodata::detail {

namespace {
namespace chr = std::chrono;

bool all_digits(const std::string& s, std::size_t from, std::size_t count) {
    if (from + count > s.size()) return false;
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from),
                       s.begin() + static_cast<std::ptrdiff_t>(from + count),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

int digits(const std::string& s, std::size_t from, std::size_t count) {
    return std::stoi(s.substr(from, count));
}

std::optional<Day> make_day(int y, int m, int d) {
    const chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                                  chr::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return Day(ymd);
}

Day required_date(const GtfsTable& t, int column, const std::string& name) {
    const std::string text = t.text(column);
    const auto day = parse_gtfs_date(text);
    if (!day) throw Error(t.where(name + " '" + text + "' is not a date in YYYYMMDD form"));
    return *day;
}
}  // namespace

std::optional<Day> parse_iso_date(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text, 0, 4) ||
        !all_digits(text, 5, 2) || !all_digits(text, 8, 2))
        return std::nullopt;
    return make_day(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
}

std::optional<Day> parse_gtfs_date(const std::string& text) {
    if (text.size() != 8 || !all_digits(text, 0, 8)) return std::nullopt;
    return make_day(digits(text, 0, 4), digits(text, 4, 2), digits(text, 6, 2));
}

std::string iso_date(Day day) {
    const chr::year_month_day ymd{day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
}

std::optional<std::int32_t> parse_gtfs_time(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon < 1 || colon > 3 || text.size() != colon + 6 || text[colon + 3] != ':' ||
        !all_digits(text, 0, colon) || !all_digits(text, colon + 1, 2) || !all_digits(text, colon + 4, 2))
        return std::nullopt;
    const int h = digits(text, 0, colon), m = digits(text, colon + 1, 2), s = digits(text, colon + 4, 2);
    if (m > 59 || s > 59) return std::nullopt;
    return h * 3600 + m * 60 + s;
}

ServiceCalendar ServiceCalendar::read(const std::string& feed) {
    auto weekly = GtfsTable::open(feed, "calendar.txt");
    auto exceptions = GtfsTable::open(feed, "calendar_dates.txt");
    if (!weekly && !exceptions)
        throw Error(feed + ": the feed has neither calendar.txt nor calendar_dates.txt (one is required)");
    ServiceCalendar cal;
    if (weekly) cal.read_weekly(*weekly);
    if (exceptions) cal.read_exceptions(*exceptions);
    return cal;
}

void ServiceCalendar::read_weekly(GtfsTable& table) {
    static const char* const weekdays[7] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                                            "saturday"};
    std::array<int, 7> day_cols{};
    for (std::size_t i = 0; i < 7; ++i) day_cols[i] = table.column(weekdays[i]);
    const int c_id = table.column("service_id"), c_start = table.column("start_date"),
              c_end = table.column("end_date");
    while (table.next()) {
        Weekly w;
        for (std::size_t i = 0; i < 7; ++i) {
            const std::string flag = table.text(day_cols[i]);
            if (flag != "0" && flag != "1")
                throw Error(table.where(std::string(weekdays[i]) + " '" + flag + "' is not 0 or 1"));
            w.on[i] = flag == "1";
        }
        w.first = required_date(table, c_start, "start_date");
        w.last = required_date(table, c_end, "end_date");
        weekly_[table.text(c_id)] = w;
    }
}

void ServiceCalendar::read_exceptions(GtfsTable& table) {
    const int c_id = table.column("service_id"), c_date = table.column("date"),
              c_type = table.column("exception_type");
    while (table.next()) {
        const std::string type = table.text(c_type);
        if (type != "1" && type != "2")
            throw Error(table.where("exception_type '" + type + "' is not 1 (service added) or 2 (removed)"));
        exceptions_[table.text(c_id)][required_date(table, c_date, "date")] = type == "1";
    }
}

bool ServiceCalendar::active(const std::string& service_id, Day day) const {
    if (auto ex = exceptions_.find(service_id); ex != exceptions_.end())
        if (auto it = ex->second.find(day); it != ex->second.end()) return it->second;
    const auto w = weekly_.find(service_id);
    if (w == weekly_.end() || day < w->second.first || day > w->second.last) return false;
    return w->second.on[chr::weekday(day).c_encoding()];
}

std::optional<std::pair<Day, Day>> ServiceCalendar::range() const {
    std::optional<std::pair<Day, Day>> r;
    auto extend = [&r](Day a, Day b) {
        if (!r) r = {a, b};
        else r = {std::min(r->first, a), std::max(r->second, b)};
    };
    for (const auto& [id, w] : weekly_)
        if (w.first <= w.last) extend(w.first, w.last);
    for (const auto& [id, days] : exceptions_)
        for (const auto& [day, added] : days)
            if (added) extend(day, day);
    return r;
}

// Days on which some service may start, stop or make an exception.
std::set<Day> ServiceCalendar::change_days() const {
    std::set<Day> out;
    for (const auto& [id, w] : weekly_) {
        out.insert(w.first);
        out.insert(w.last + chr::days{1});
    }
    for (const auto& [id, days] : exceptions_)
        for (const auto& [day, added] : days) {
            out.insert(day);
            out.insert(day + chr::days{1});
        }
    return out;
}

// Between two change days the trips per day depend on the weekday only, so the earliest
// busiest day is among the first seven days after a change day: testing those avoids
// walking a calendar that may span decades.
std::optional<Day> ServiceCalendar::busiest_day(
    const std::unordered_map<std::string, std::size_t>& trips_per_service) const {
    const auto r = range();
    if (!r) return std::nullopt;
    std::set<Day> candidates;
    for (const Day change : change_days())
        for (int i = 0; i < 7; ++i)
            if (const Day d = change + chr::days{i}; d >= r->first && d <= r->second) candidates.insert(d);
    std::optional<Day> best;
    std::size_t best_trips = 0;
    for (const Day d : candidates) {
        std::size_t n = 0;
        for (const auto& [service, trips] : trips_per_service)
            if (active(service, d)) n += trips;
        if (n > best_trips) {
            best = d;
            best_trips = n;
        }
    }
    return best;
}

}  // namespace citytwin::geodata::detail
