#include <citytwin/geodata/osm_values.hpp>
#include <citytwin/geodata/text_match.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace citytwin::geodata {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}


// First value of a multi-value tag ("50;30" -> "50").
std::string_view first_value(std::string_view s) {
    const auto semi = s.find(';');
    return trim(semi == std::string_view::npos ? s : s.substr(0, semi));
}

// Leading decimal number (a comma counts as decimal point); sets rest to what follows.
std::optional<double> leading_number(std::string_view s, std::string_view& rest) {
    std::string buf;
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == ',')) {
        buf += (s[i] == ',') ? '.' : s[i];
        ++i;
    }
    if (buf.empty()) return std::nullopt;
    double v = 0.0;
    auto [p, ec] = std::from_chars(buf.data(), buf.data() + buf.size(), v);
    if (ec != std::errc{} || p != buf.data() + buf.size()) return std::nullopt;
    rest = trim(s.substr(i));
    return v;
}

struct ZoneSpeed {
    std::string_view zone;   // "se:urban" (lower case)
    double kmh;
};

// Implicit national limits (OSM wiki "Default speed limits"), for the countries whose
// data we ship or plan to (Sweden first).
constexpr std::array<ZoneSpeed, 37> zone_speeds{{
    {"se:urban", 50}, {"se:rural", 70}, {"se:motorway", 110}, {"se:trunk", 90},
    {"de:urban", 50}, {"de:rural", 100}, {"de:motorway", 130}, {"de:living_street", 7},
    {"de:bicycle_road", 30},
    {"fr:urban", 50}, {"fr:rural", 80}, {"fr:motorway", 130}, {"fr:walk", 7},
    {"it:urban", 50}, {"it:rural", 90}, {"it:motorway", 130},
    {"at:urban", 50}, {"at:rural", 100}, {"at:motorway", 130},
    {"ch:urban", 50}, {"ch:rural", 80}, {"ch:motorway", 120}, {"ch:trunk", 100},
    {"li:urban", 50}, {"li:rural", 80},
    {"mc:urban", 50},
    {"ad:urban", 50}, {"ad:rural", 90},
    {"fi:urban", 50}, {"fi:rural", 80}, {"fi:motorway", 120},
    {"dk:urban", 50}, {"dk:rural", 80}, {"dk:motorway", 130},
    {"no:urban", 50}, {"no:rural", 80}, {"no:motorway", 110},
}};

constexpr double kmh_per_mph = 1.609344;
constexpr double m_per_foot = 0.3048;

}  // namespace

std::optional<double> parse_number(std::string_view value) {
    std::string_view rest;
    const auto v = leading_number(first_value(value), rest);
    if (!v || !rest.empty() || *v < 0.0 || *v > 1e7) return std::nullopt;
    return v;
}

std::optional<double> parse_maxspeed_kmh(std::string_view value) {
    const std::string v = lowercase(first_value(value));
    if (v.empty()) return std::nullopt;
    if (v == "walk") return 7.0;
    if (v == "none") return 130.0;  // no limit: what drivers typically hold
    std::string_view rest;
    if (auto n = leading_number(v, rest)) {
        if (*n <= 0.0 || *n > 300.0) return std::nullopt;
        if (rest.empty() || rest == "km/h" || rest == "kmh" || rest == "kph") return *n;
        if (rest == "mph") return *n * kmh_per_mph;
        return std::nullopt;
    }
    for (const auto& z : zone_speeds)
        if (v == z.zone) return z.kmh;
    // "DE:zone30", "DE:zone:30", "SE:zone40"
    if (const auto pos = v.find(":zone"); pos != std::string::npos) {
        std::string_view tail = std::string_view(v).substr(pos + 5);
        if (!tail.empty() && tail.front() == ':') tail.remove_prefix(1);
        std::string_view after;
        if (auto n = leading_number(tail, after); n && after.empty() && *n > 0.0) return *n;
    }
    return std::nullopt;
}

std::optional<double> parse_height_m(std::string_view value) {
    const std::string v = lowercase(first_value(value));
    std::string_view rest;
    auto n = leading_number(v, rest);
    if (!n) return std::nullopt;
    double metres = *n;
    if (rest.empty() || rest == "m" || rest == "meter" || rest == "meters" || rest == "metres") {
    } else if (rest == "ft" || rest == "feet" || rest.front() == '\'') {
        metres = *n * m_per_foot;
        // 40'6" : feet and inches
        if (rest.size() > 1 && rest.front() == '\'') {
            std::string_view inch_rest;
            if (auto inches = leading_number(trim(rest.substr(1)), inch_rest)) metres += *inches * 0.0254;
        }
    } else {
        return std::nullopt;
    }
    if (metres <= 0.0 || metres > 1000.0) return std::nullopt;
    return metres;
}

bool is_roundabout(std::string_view junction) {
    const std::string j = lowercase(trim(junction));
    return j == "roundabout" || j == "circular";
}

OnewayDirection parse_oneway(std::string_view oneway, std::string_view junction, bool implied_oneway) {
    const std::string o = lowercase(trim(oneway));
    if (o == "yes" || o == "true" || o == "1") return OnewayDirection::Forward;
    if (o == "-1" || o == "reverse") return OnewayDirection::Backward;
    if (o == "no" || o == "false" || o == "0") return OnewayDirection::Both;
    if (is_roundabout(junction)) return OnewayDirection::Forward;
    return implied_oneway ? OnewayDirection::Forward : OnewayDirection::Both;
}

}  // namespace citytwin::geodata
