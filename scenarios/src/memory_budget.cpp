#include <citytwin/scenarios/memory_budget.hpp>

#include <citytwin/geodata/error.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/wifi_channels.hpp>

#include <unistd.h>

#include <climits>
#include <cmath>
#include <cstdio>
#include <set>

namespace citytwin::scenarios {

using geodata::Error;

namespace {

// What one wifi cell holds while coverage runs and is written: the results (RSSI, SINR
// as float, best server as uint32, servers in reach as uint16), the height raster (ground
// and roof height as float, building id as uint32) and the raster writer's row of the
// widest band (8 bytes), the power of APs that wait for the cell's server (double) and
// the server's position (uint32), plus one running power sum (double) per channel in use.
constexpr double wifi_bytes_per_cell = 4 + 4 + 4 + 2 + 4 + 4 + 4 + 8 + 8 + 4;
// AP fields kept for the second coverage pass (sim/wifi_coverage.cpp), at most.
constexpr double wifi_kept_fields_bytes = 256.0 * 1024 * 1024;
constexpr double wifi_bytes_per_cell_and_channel = 8;
// Per link and hour in the traffic run (LoadingResult): entries, exits (uint32), exit
// times (double), queued time (float), queue-full flag, and the link costs (float) of the
// last loading and of the result.
constexpr double link_hour_bytes = 4 + 4 + 8 + 4 + 1 + 4 + 4;

std::string number(double v) {
    char s[32];
    std::snprintf(s, sizeof s, "%g", v);
    return s;
}

std::string human(double bytes) {
    char s[64];
    constexpr double mib = 1024.0 * 1024.0, gib = 1024.0 * mib;
    if (bytes >= gib) std::snprintf(s, sizeof s, "%.1f GiB", bytes / gib);
    else std::snprintf(s, sizeof s, "%.1f MiB", bytes / mib);
    return s;
}

void refuse(const Scenario& s, const std::string& key, const std::string& what, double bytes, std::uint64_t limit) {
    throw Error(s.path + ": '" + key + "' " + what + " need about " + human(bytes) + ", over the memory limit of " +
                human(static_cast<double>(limit)) + " (--memory-limit to change it)");
}

}  // namespace

std::uint64_t physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
}

std::uint64_t default_memory_limit() {
    const std::uint64_t physical = physical_memory_bytes();
    return physical ? physical / 5 * 4 : std::uint64_t{8} << 30;
}

std::uint64_t parse_memory_size(const std::string& text, const std::string& option) {
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    const std::string unit = text.substr(used);
    double scale = 0.0;
    if (unit.empty() || unit == "B" || unit == "b") scale = 1.0;
    else if (unit == "k" || unit == "K") scale = 1024.0;
    else if (unit == "M" || unit == "m") scale = 1024.0 * 1024.0;
    else if (unit == "G" || unit == "g") scale = 1024.0 * 1024.0 * 1024.0;
    else if (unit == "T" || unit == "t") scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
    if (used == 0 || scale == 0.0 || !(value > 0.0) || value * scale > 1e18)
        throw Error(option + " '" + text + "' is not a size: a positive number with k, M, G or T (e.g. 4G)");
    return static_cast<std::uint64_t>(value * scale);
}

void check_memory(const Scenario& s, const geodata::CityModel& model, std::uint64_t limit) {
    if (s.wifi && !model.bounds.empty()) {
        const double cell = s.wifi->cell_size_m;
        const double cols = std::ceil((model.bounds.max.x - model.bounds.min.x) / cell) + 1.0;
        const double rows = std::ceil((model.bounds.max.y - model.bounds.min.y) / cell) + 1.0;
        const double cells = cols * rows;
        if (cols > INT_MAX || rows > INT_MAX || cells > static_cast<double>(INT_MAX))
            throw Error(s.path + ": 'wifi.cell_size_m' " + number(cell) + " m over the city's extent makes " +
                        std::to_string(static_cast<long long>(cols)) + " x " + std::to_string(static_cast<long long>(rows)) +
                        " cells, more than a raster can hold (2^31 - 1): choose larger cells");
        // Channels in use: the data's, or with the automatic plan at most every channel of
        // the lists of the bands present (6 GHz APs keep theirs).
        const bool planned = s.wifi->channel_plan == sim::wifi::ChannelPlan::Auto;
        std::set<std::pair<int, int>> channels;
        for (const auto& ap : *model.access_points) {
            const int band = sim::wifi::band_of(ap.frequency_ghz);
            const auto* list = !planned  ? nullptr
                               : band == 2 ? &s.wifi->auto_channels_2g4
                               : band == 5 ? &s.wifi->auto_channels_5g
                                           : nullptr;
            if (!list) channels.emplace(band, ap.channel);
            else for (const int ch : *list) channels.emplace(band, ch);
        }
        const std::size_t in_use = channels.size();
        const double side = 2.0 * s.wifi->max_radius_m / cell + 2.0;
        const double kept = std::min(wifi_kept_fields_bytes, side * side * 4.0 * static_cast<double>(model.access_points->size()));
        const double bytes =
            cells * (wifi_bytes_per_cell + wifi_bytes_per_cell_and_channel * static_cast<double>(std::max<std::size_t>(1, in_use))) +
            kept;
        if (bytes > static_cast<double>(limit))
            refuse(s, "wifi.cell_size_m", number(cell) + " m: " + std::to_string(static_cast<long long>(cells)) + " cells",
                   bytes, limit);
    }
    if (s.synthetic || s.trip_table) {
        const auto& l = s.mobility.loading;
        const double hours = std::ceil(static_cast<double>(l.end - l.start) / 3600.0) + 1.0;
        const double bytes = hours * static_cast<double>(model.roads->link_count()) * link_hour_bytes;
        if (bytes > static_cast<double>(limit))
            refuse(s, "time.end", "(" + std::to_string(static_cast<long long>(hours)) + " hours of per-link tables for " +
                                     std::to_string(model.roads->link_count()) + " links)",
                   bytes, limit);
    }
}

}  // namespace citytwin::scenarios
