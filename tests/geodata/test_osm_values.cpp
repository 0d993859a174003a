// Free-text OSM tag values -> numbers and directions: exact answers per documented form.
#include <citytwin/geodata/osm_values.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace citytwin::geodata {
namespace {

// Unit conversions are exact by definition (1 mph = 1.609344 km, 1 ft = 0.3048 m);
// 1e-9 only absorbs the double rounding of one multiplication.
constexpr double eps = 1e-9;

void expect_value(std::optional<double> got, double want, const char* input) {
    ASSERT_TRUE(got.has_value()) << "input '" << input << "' gave nullopt";
    EXPECT_NEAR(*got, want, eps) << "input '" << input << "'";
}

TEST(ParseMaxspeed, PlainNumberIsKmh) {
    expect_value(parse_maxspeed_kmh("50"), 50.0, "50");
    expect_value(parse_maxspeed_kmh("120"), 120.0, "120");
    expect_value(parse_maxspeed_kmh("  30 "), 30.0, "  30 ");
}

TEST(ParseMaxspeed, ExplicitKmhUnit) {
    expect_value(parse_maxspeed_kmh("50 km/h"), 50.0, "50 km/h");
    expect_value(parse_maxspeed_kmh("50km/h"), 50.0, "50km/h");
    expect_value(parse_maxspeed_kmh("60 kmh"), 60.0, "60 kmh");
    expect_value(parse_maxspeed_kmh("70 kph"), 70.0, "70 kph");
}

TEST(ParseMaxspeed, MphIsConverted) {
    expect_value(parse_maxspeed_kmh("30 mph"), 48.28032, "30 mph");
    expect_value(parse_maxspeed_kmh("30mph"), 48.28032, "30mph");
    expect_value(parse_maxspeed_kmh("70 MPH"), 112.65408, "70 MPH");
}

TEST(ParseMaxspeed, NationalZones) {
    expect_value(parse_maxspeed_kmh("SE:urban"), 50.0, "SE:urban");
    expect_value(parse_maxspeed_kmh("SE:rural"), 70.0, "SE:rural");
    expect_value(parse_maxspeed_kmh("SE:motorway"), 110.0, "SE:motorway");
    expect_value(parse_maxspeed_kmh("se:urban"), 50.0, "se:urban");
    expect_value(parse_maxspeed_kmh("DE:rural"), 100.0, "DE:rural");
    expect_value(parse_maxspeed_kmh("DE:motorway"), 130.0, "DE:motorway");
}

TEST(ParseMaxspeed, SpeedZones) {
    expect_value(parse_maxspeed_kmh("DE:zone30"), 30.0, "DE:zone30");
    expect_value(parse_maxspeed_kmh("DE:zone:30"), 30.0, "DE:zone:30");
    expect_value(parse_maxspeed_kmh("SE:zone40"), 40.0, "SE:zone40");
}

TEST(ParseMaxspeed, WordsWalkAndNone) {
    expect_value(parse_maxspeed_kmh("walk"), 7.0, "walk");
    // No limit: the documented stand-in is what drivers typically hold.
    expect_value(parse_maxspeed_kmh("none"), 130.0, "none");
}

TEST(ParseMaxspeed, MultiValueTakesTheFirst) {
    expect_value(parse_maxspeed_kmh("50;30"), 50.0, "50;30");
    expect_value(parse_maxspeed_kmh("30 mph;20 mph"), 48.28032, "30 mph;20 mph");
}

TEST(ParseMaxspeed, UnparseableGivesNullopt) {
    EXPECT_EQ(parse_maxspeed_kmh("signals"), std::nullopt);
    EXPECT_EQ(parse_maxspeed_kmh(""), std::nullopt);
    EXPECT_EQ(parse_maxspeed_kmh("   "), std::nullopt);
    EXPECT_EQ(parse_maxspeed_kmh("abc"), std::nullopt);
    EXPECT_EQ(parse_maxspeed_kmh("50 knots"), std::nullopt);
    EXPECT_EQ(parse_maxspeed_kmh("0"), std::nullopt);
    EXPECT_EQ(parse_maxspeed_kmh("XX:urban"), std::nullopt);
}

TEST(ParseHeight, Metres) {
    expect_value(parse_height_m("12"), 12.0, "12");
    expect_value(parse_height_m("12 m"), 12.0, "12 m");
    expect_value(parse_height_m("12.5m"), 12.5, "12.5m");
    expect_value(parse_height_m("12,5"), 12.5, "12,5");
    expect_value(parse_height_m("7 metres"), 7.0, "7 metres");
}

TEST(ParseHeight, FeetAreConverted) {
    expect_value(parse_height_m("40'"), 12.192, "40'");
    expect_value(parse_height_m("40 ft"), 12.192, "40 ft");
    expect_value(parse_height_m("10 feet"), 3.048, "10 feet");
    // 40'6" = 40 ft + 6 in = 12.192 + 0.1524
    expect_value(parse_height_m("40'6\""), 12.3444, "40'6\"");
}

TEST(ParseHeight, RejectsNegativeZeroAndWords) {
    EXPECT_EQ(parse_height_m("-3"), std::nullopt);
    EXPECT_EQ(parse_height_m("0"), std::nullopt);
    EXPECT_EQ(parse_height_m("tall"), std::nullopt);
    EXPECT_EQ(parse_height_m(""), std::nullopt);
    EXPECT_EQ(parse_height_m("12 storeys"), std::nullopt);
    EXPECT_EQ(parse_height_m("5000"), std::nullopt);  // > 1 km is a tagging error
}

TEST(ParseNumber, PlainAndFirstOfList) {
    expect_value(parse_number("3"), 3.0, "3");
    expect_value(parse_number("3.5"), 3.5, "3.5");
    expect_value(parse_number("2;3"), 2.0, "2;3");
    expect_value(parse_number(" 4 "), 4.0, " 4 ");
    expect_value(parse_number("0"), 0.0, "0");
}

TEST(ParseNumber, RejectsNegativeTrailingTextAndAbsurd) {
    EXPECT_EQ(parse_number("-1"), std::nullopt);
    EXPECT_EQ(parse_number("3 lanes"), std::nullopt);
    EXPECT_EQ(parse_number(""), std::nullopt);
    EXPECT_EQ(parse_number("abc"), std::nullopt);
    EXPECT_EQ(parse_number("20000000"), std::nullopt);
}

TEST(ParseOneway, ForwardValues) {
    EXPECT_EQ(parse_oneway("yes", "", false), OnewayDirection::Forward);
    EXPECT_EQ(parse_oneway("true", "", false), OnewayDirection::Forward);
    EXPECT_EQ(parse_oneway("1", "", false), OnewayDirection::Forward);
    EXPECT_EQ(parse_oneway("YES", "", false), OnewayDirection::Forward);
}

TEST(ParseOneway, BackwardValues) {
    EXPECT_EQ(parse_oneway("-1", "", false), OnewayDirection::Backward);
    EXPECT_EQ(parse_oneway("reverse", "", false), OnewayDirection::Backward);
}

TEST(ParseOneway, NoAndEmptyAreBothWays) {
    EXPECT_EQ(parse_oneway("no", "", false), OnewayDirection::Both);
    EXPECT_EQ(parse_oneway("false", "", false), OnewayDirection::Both);
    EXPECT_EQ(parse_oneway("0", "", false), OnewayDirection::Both);
    EXPECT_EQ(parse_oneway("", "", false), OnewayDirection::Both);
}

TEST(ParseOneway, RoundaboutImpliesForward) {
    EXPECT_EQ(parse_oneway("", "roundabout", false), OnewayDirection::Forward);
    EXPECT_EQ(parse_oneway("", "circular", false), OnewayDirection::Forward);
}

TEST(ParseOneway, ImpliedOnewayMotorway) {
    EXPECT_EQ(parse_oneway("", "", true), OnewayDirection::Forward);
    EXPECT_EQ(parse_oneway("-1", "", true), OnewayDirection::Backward);
}

TEST(ParseOneway, ExplicitNoOverridesRoundaboutAndImplied) {
    EXPECT_EQ(parse_oneway("no", "roundabout", false), OnewayDirection::Both);
    EXPECT_EQ(parse_oneway("no", "", true), OnewayDirection::Both);
}

}  // namespace
}  // namespace citytwin::geodata
