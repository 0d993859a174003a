#pragma once
// Parsing of free-text tag values as they appear in OpenStreetMap (and other sources).
// Pure functions: every unparseable value gives nullopt, never an exception.
#include <optional>
#include <string_view>

namespace citytwin::geodata {

/// "50", "50 km/h", "30 mph", "SE:urban", "DE:motorway", "walk", "50;30" -> km/h.
std::optional<double> parse_maxspeed_kmh(std::string_view value);

/// "12", "12 m", "12.5m", "40'", "40 ft" -> metres.
std::optional<double> parse_height_m(std::string_view value);

/// "3", "3.5", "2;3" (first) -> number; negative or absurd values are rejected.
std::optional<double> parse_number(std::string_view value);

/// OSM junction=roundabout|circular (any case): the way is part of a roundabout ring.
bool is_roundabout(std::string_view junction);

enum class OnewayDirection { Both, Forward, Backward };
/// oneway + junction + class-implied oneway (motorways) -> direction of travel.
OnewayDirection parse_oneway(std::string_view oneway, std::string_view junction, bool implied_oneway);

}  // namespace citytwin::geodata
