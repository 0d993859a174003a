// Clock parsing, keyed random numbers and the synthetic population: exact answers on a
// hand-made town of a few boxes, statistics with stated tolerances on a few thousand persons.
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/random.hpp>
#include <citytwin/sim/mobility.hpp>
#include <citytwin/geodata/error.hpp>

#include "test_networks.hpp"

#include <tbb/global_control.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace citytwin::sim {
namespace {

using geodata::Building;
using geodata::BuildingId;
using geodata::BuildingUse;
using geodata::CityModel;
using geodata::District;
using geodata::DistrictId;
using geodata::MultiPolygon;
using geodata::Point;

// ---------------------------------------------------------------- clock

TEST(Clock, ParsesHoursMinutesSeconds) {
    EXPECT_EQ(parse_clock("07:30"), 27000);
    EXPECT_EQ(parse_clock("7:30"), 27000);
    EXPECT_EQ(parse_clock("7:30:15"), 27015);
    EXPECT_EQ(parse_clock("00:00"), 0);
    EXPECT_EQ(parse_clock("23:59:59"), 86399);
    EXPECT_EQ(parse_clock("24:00"), 86400);
    EXPECT_EQ(parse_clock("30:00"), 108000);  // 06:00 the next morning
}

TEST(Clock, ParsesPlainSeconds) {
    EXPECT_EQ(parse_clock("27000"), 27000);
    EXPECT_EQ(parse_clock("0"), 0);
    EXPECT_EQ(parse_clock("108000"), 108000);
}

TEST(Clock, RejectsBadInput) {
    for (const char* bad : {"", ":", "7:", ":30", "7::30", "7:60", "7:30:60", "7:30:15:00", "abc", "7h30", "7.5",
                            "-5", "7:-5", " 7:30", "07:30 ", "+7", "49:00", "99999999999"})
        EXPECT_EQ(parse_clock(bad), std::nullopt) << "'" << bad << "'";
}

TEST(Clock, FormatsAsHhMmSs) {
    EXPECT_EQ(format_clock(27000), "07:30:00");
    EXPECT_EQ(format_clock(0), "00:00:00");
    EXPECT_EQ(format_clock(27015), "07:30:15");
    EXPECT_EQ(format_clock(86399), "23:59:59");
    EXPECT_EQ(format_clock(86400), "24:00:00");
    EXPECT_EQ(format_clock(108005), "30:00:05");
}

TEST(Clock, FormatThenParseIsIdentityOverTwoDays) {
    for (Seconds s = 0; s <= 48 * 3600; s += 7) ASSERT_EQ(parse_clock(format_clock(s)), s) << s;
}

// ---------------------------------------------------------------- random

TEST(Random, UniformIsInUnitIntervalAndDeterministic) {
    for (std::uint64_t e = 0; e < 10000; ++e) {
        const double u = uniform(42, Stream::Mode, e, e % 7);
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        ASSERT_EQ(u, uniform(42, Stream::Mode, e, e % 7));  // a pure function of the key
    }
}

TEST(Random, EveryPartOfTheKeyChangesTheDraw) {
    const double base = uniform(7, Stream::Chain, 100, 3);
    EXPECT_NE(base, uniform(8, Stream::Chain, 100, 3));
    EXPECT_NE(base, uniform(7, Stream::Mode, 100, 3));
    EXPECT_NE(base, uniform(7, Stream::Chain, 101, 3));
    EXPECT_NE(base, uniform(7, Stream::Chain, 100, 4));
    // Swapping entity and index must not give the same stream either.
    EXPECT_NE(uniform(7, Stream::Chain, 3, 100), uniform(7, Stream::Chain, 100, 3));
    // 100 000 different keys: collisions of 53-bit values are practically impossible.
    std::set<double> seen;
    for (std::uint64_t e = 0; e < 50000; ++e) {
        seen.insert(uniform(1, Stream::Residents, e));
        seen.insert(uniform(1, Stream::Duration, e, 1));
    }
    EXPECT_EQ(seen.size(), 100000u);
}

TEST(Random, UniformMomentsOver100kDraws) {
    const int n = 100000;
    double sum = 0.0, sum_sq = 0.0;
    int low_decile = 0;
    for (int i = 0; i < n; ++i) {
        const double u = uniform(2024, Stream::DepartureTime, static_cast<std::uint64_t>(i));
        sum += u;
        sum_sq += u * u;
        low_decile += u < 0.1 ? 1 : 0;
    }
    const double mean = sum / n, var = sum_sq / n - mean * mean;
    // Standard error of the mean: sqrt(1/12 / n) = 0.00091; 0.005 is > 5 sigma.
    EXPECT_NEAR(mean, 0.5, 0.005);
    EXPECT_NEAR(var, 1.0 / 12.0, 0.003);
    // Binomial(1e5, 0.1): sd 95; 600 is > 6 sigma.
    EXPECT_NEAR(low_decile, 10000, 600);
}

TEST(Random, NormalHasZeroMeanUnitVariance) {
    const int n = 100000;
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < n; ++i) {
        const double z = normal(5, Stream::Duration, static_cast<std::uint64_t>(i));
        ASSERT_TRUE(std::isfinite(z));
        sum += z;
        sum_sq += z * z;
    }
    EXPECT_NEAR(sum / n, 0.0, 0.02);        // se 0.0032
    EXPECT_NEAR(sum_sq / n, 1.0, 0.03);     // se 0.0045
}

// ---------------------------------------------------------------- synthetic demand

MultiPolygon box(double x0, double y0, double x1, double y1) {
    return {{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
}

Building building(std::uint32_t id, BuildingUse use, double floor_area, double x, double y) {
    Building b;
    b.id = BuildingId(id);
    b.source_id = 1000 + id;
    b.use = use;
    b.footprint = box(x - 5, y - 5, x + 5, y + 5);
    b.footprint_area_m2 = 100.0;
    b.levels = floor_area / 100.0;
    b.floor_area_m2 = floor_area;
    b.centroid = {x, y};
    return b;
}

// A small town: eight homes of different sizes west of x = 500, three offices and two
// shops east of it, one mixed-use ("building=yes") block in the middle.
CityModel town(std::vector<District> districts = {}) {
    std::vector<Building> b;
    const double home_area[8] = {800, 1600, 2400, 400, 4000, 1200, 2000, 3600};
    for (std::uint32_t i = 0; i < 8; ++i)
        b.push_back(building(i, BuildingUse::Residential, home_area[i], 50.0 + 100.0 * (i % 4), 50.0 + 100.0 * (i / 4)));
    b.push_back(building(8, BuildingUse::Commercial, 6000, 650, 50));
    b.push_back(building(9, BuildingUse::Commercial, 3000, 750, 50));
    b.push_back(building(10, BuildingUse::Industrial, 5000, 850, 50));
    b.push_back(building(11, BuildingUse::Public, 1000, 650, 150));
    b.push_back(building(12, BuildingUse::Other, 2000, 550, 250));
    CityModel m;
    m.name = "town";
    m.buildings = std::make_shared<std::vector<Building>>(std::move(b));
    m.districts = std::make_shared<std::vector<District>>(std::move(districts));
    return m;
}

double home_area_of(const Building& b) {
    switch (b.use) {
        case BuildingUse::Residential: return b.floor_area_m2;
        case BuildingUse::Other: return 0.5 * b.floor_area_m2;  // README: half of building=yes
        default: return 0.0;
    }
}

// Stochastic rounding: every building gets floor(expected) or floor(expected) + 1.
void expect_rounded(const std::vector<std::uint32_t>& got, const std::vector<double>& expected) {
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        const double f = std::floor(expected[i]);
        EXPECT_TRUE(got[i] == f || got[i] == f + 1) << "building " << i << ": " << got[i] << " for " << expected[i];
    }
}

TEST(Residents, ScaledToPopulationInProportionToHomeFloorArea) {
    const CityModel m = town();
    SyntheticDemandConfig cfg;
    cfg.population = 1000;
    const auto r = residents_per_building(m, cfg, 11);
    double home_total = 0.0;
    for (const auto& b : *m.buildings) home_total += home_area_of(b);  // 16000 + 1000
    std::vector<double> expected;
    for (const auto& b : *m.buildings) expected.push_back(1000.0 * home_area_of(b) / home_total);
    expect_rounded(r, expected);
    for (std::size_t i = 8; i < 12; ++i) EXPECT_EQ(r[i], 0u) << "no homes in non-residential building " << i;
    long sum = 0;
    for (auto v : r) sum += v;
    EXPECT_LE(std::abs(sum - 1000), 9);  // at most one rounding step per home building
}

TEST(Residents, WithoutPopulationOnePersonPer40SquareMetres) {
    const CityModel m = town();
    SyntheticDemandConfig cfg;  // population 0, no districts
    const auto r = residents_per_building(m, cfg, 3);
    // 800/40 = 20, 1600/40 = 40 … all whole numbers: no rounding at all.
    const std::uint32_t expected[13] = {20, 40, 60, 10, 100, 30, 50, 90, 0, 0, 0, 0, 25};
    for (std::size_t i = 0; i < 13; ++i) EXPECT_EQ(r[i], expected[i]) << "building " << i;
    cfg.floor_area_per_person_m2 = 80.0;
    const auto half = residents_per_building(m, cfg, 3);
    EXPECT_EQ(half[0], 10u);
    EXPECT_EQ(half[4], 50u);
}

TEST(Residents, SampleScalesTheCount) {
    const CityModel m = town();
    SyntheticDemandConfig cfg;
    cfg.sample = 0.1;
    const auto r = residents_per_building(m, cfg, 3);
    std::vector<double> expected;
    for (const auto& b : *m.buildings) expected.push_back(0.1 * home_area_of(b) / 40.0);
    expect_rounded(r, expected);
}

TEST(Residents, RoundingIsUnbiasedOverManySeeds) {
    // Expected 1000·800/17000 = 47.06 in building 0: over 2000 seeds the mean count must
    // be that fraction, not 47 (truncation) or 48.
    const CityModel m = town();
    SyntheticDemandConfig cfg;
    cfg.population = 1000;
    double sum = 0.0;
    for (std::uint64_t seed = 1; seed <= 2000; ++seed) sum += residents_per_building(m, cfg, seed)[0];
    EXPECT_NEAR(sum / 2000.0, 1000.0 * 800.0 / 17000.0, 0.03);  // sd of the mean 0.005
}

TEST(Residents, DistrictPopulationsRescaleTheHomesInside) {
    std::vector<District> d(3);
    d[0].id = DistrictId(0);
    d[0].name = "west";
    d[0].area = box(0, 0, 200, 200);  // homes 0, 1, 4, 5
    d[0].population = 300;
    d[1].id = DistrictId(1);
    d[1].name = "centre, no population";
    d[1].area = box(200, 0, 400, 200);  // homes 2, 3, 6, 7: floor area / 40
    d[2].id = DistrictId(2);
    d[2].name = "empty district";
    d[2].area = box(2000, 2000, 2100, 2100);
    d[2].population = 5000;  // nobody lives there: nothing to scale
    const CityModel m = town(d);
    SyntheticDemandConfig cfg;
    const auto r = residents_per_building(m, cfg, 9);
    const double west_area = 800 + 1600 + 4000 + 1200;
    std::vector<double> expected(13, 0.0);
    for (std::size_t i : {0u, 1u, 4u, 5u}) expected[i] = 300.0 * (*m.buildings)[i].floor_area_m2 / west_area;
    for (std::size_t i : {2u, 3u, 6u, 7u}) expected[i] = (*m.buildings)[i].floor_area_m2 / 40.0;
    expected[12] = 1000.0 / 40.0;  // the mixed block lies outside both districts
    expect_rounded(r, expected);
    const long west = r[0] + r[1] + r[4] + r[5];
    EXPECT_LE(std::abs(west - 300), 3);
    EXPECT_EQ(r[2] + r[3] + r[6] + r[7], 60u + 10u + 50u + 90u);
}

TEST(Residents, PopulationOverridesDistricts) {
    std::vector<District> d(1);
    d[0].id = DistrictId(0);
    d[0].area = box(0, 0, 200, 200);
    d[0].population = 5;
    const CityModel m = town(d);
    SyntheticDemandConfig cfg;
    cfg.population = 2000;
    long sum = 0;
    for (auto v : residents_per_building(m, cfg, 1)) sum += v;
    EXPECT_LE(std::abs(sum - 2000), 9);
}

bool same_trip(const Trip& a, const Trip& b) {
    return a.id == b.id && a.person == b.person && a.departure == b.departure && a.origin == b.origin &&
           a.destination == b.destination && a.mode == b.mode && a.previous == b.previous && a.activity_s == b.activity_s && a.purpose == b.purpose &&
           a.origin_link == b.origin_link && a.destination_link == b.destination_link;
}

SyntheticDemandConfig town_config() {
    SyntheticDemandConfig cfg;
    cfg.population = 3000;
    return cfg;
}

TEST(SyntheticDemand, SameSeedSameTripsOtherSeedOtherTrips) {
    const CityModel m = town();
    const Demand a = synthesize_demand(m, town_config(), 17);
    const Demand b = synthesize_demand(m, town_config(), 17);
    const Demand c = synthesize_demand(m, town_config(), 18);
    ASSERT_GT(a.trips.size(), 1000u);
    EXPECT_EQ(a.source, "synthetic");
    EXPECT_EQ(a.persons, b.persons);
    ASSERT_EQ(a.trips.size(), b.trips.size());
    for (std::size_t i = 0; i < a.trips.size(); ++i) ASSERT_TRUE(same_trip(a.trips[i], b.trips[i])) << "trip " << i;
    std::size_t differing = 0;
    for (std::size_t i = 0; i < std::min(a.trips.size(), c.trips.size()); ++i)
        differing += same_trip(a.trips[i], c.trips[i]) ? 0 : 1;
    EXPECT_GT(differing, a.trips.size() / 2);
}

TEST(SyntheticDemand, PersonsAreTheResidents) {
    const CityModel m = town();
    const auto cfg = town_config();
    const Demand d = synthesize_demand(m, cfg, 5);
    std::size_t residents = 0;
    for (auto r : residents_per_building(m, cfg, 5)) residents += r;
    EXPECT_EQ(d.persons, residents);
    for (std::size_t i = 0; i < d.trips.size(); ++i) {
        EXPECT_EQ(d.trips[i].id, i);
        EXPECT_LT(d.trips[i].person, d.persons);
        // Synthetic trips are placed by coordinates; links are found later.
        EXPECT_EQ(d.trips[i].origin_link, UINT32_MAX);
        EXPECT_EQ(d.trips[i].destination_link, UINT32_MAX);
    }
}

Seconds median(std::vector<Seconds> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

TEST(SyntheticDemand, MorningWorkPeakAfternoonHomePeak) {
    const CityModel m = town();
    const Demand d = synthesize_demand(m, town_config(), 21);
    std::vector<Seconds> work, home;
    for (const auto& t : d.trips) {
        if (t.purpose == Purpose::Work) work.push_back(t.departure);
        if (t.purpose == Purpose::Home) home.push_back(t.departure);
        EXPECT_GE(t.departure, 5 * 3600);
        EXPECT_LE(t.departure, 23 * 3600);
    }
    ASSERT_GT(work.size(), 1000u);
    ASSERT_GT(home.size(), 1000u);
    const Seconds mw = median(work), mh = median(home);
    EXPECT_GE(mw, 6 * 3600 + 1800) << format_clock(mw);
    EXPECT_LE(mw, 9 * 3600) << format_clock(mw);
    // Work start ~ N(07:45, 1 h), clamped to 05:00–11:00.
    for (Seconds t : work) {
        EXPECT_GE(t, 5 * 3600);
        EXPECT_LE(t, 11 * 3600);
    }
    EXPECT_GE(mh, 14 * 3600) << format_clock(mh);
    EXPECT_LE(mh, 19 * 3600) << format_clock(mh);
}

TEST(SyntheticDemand, ChainsAreToursInTimeOrder) {
    const CityModel m = town();
    const Demand d = synthesize_demand(m, town_config(), 4);
    std::map<std::uint32_t, std::vector<const Trip*>> by_person;
    for (const auto& t : d.trips) by_person[t.person].push_back(&t);
    std::size_t workers = 0;
    for (const auto& [p, trips] : by_person) {
        ASSERT_TRUE(trips.size() == 2 || trips.size() == 3) << "person " << p;
        const Point home = trips.front()->origin;
        EXPECT_EQ(trips.back()->destination, home) << "person " << p << " does not return home";
        EXPECT_EQ(trips.back()->purpose, Purpose::Home);
        for (std::size_t i = 1; i < trips.size(); ++i) {
            EXPECT_EQ(trips[i]->origin, trips[i - 1]->destination) << "person " << p;
            EXPECT_GE(trips[i]->departure, trips[i - 1]->departure + 900) << "person " << p;
        }
        if (trips.front()->purpose == Purpose::Work) {
            ++workers;
        } else {
            EXPECT_TRUE(trips.front()->purpose == Purpose::Other || trips.front()->purpose == Purpose::Education);
        }
        EXPECT_EQ(trips.front()->previous, UINT32_MAX);
        for (std::size_t i = 1; i < trips.size(); ++i) {
            EXPECT_EQ(trips[i]->previous, trips[i - 1]->id) << "person " << p;
            EXPECT_EQ(trips[i]->mode, trips[0]->mode) << "person " << p << " changes mode within the tour";
        }
    }
    // 16–64 (65 %) employed at 75 %; children (19 %) at school at 65 %; the other 16+
    // make an "other" tour at 60 %; the rest stay home.
    const double n = static_cast<double>(d.persons);
    const SyntheticDemandConfig c = town_config();
    const double adults = 1.0 - c.child_share - c.senior_share;
    EXPECT_NEAR(static_cast<double>(workers) / n, adults * c.employment_rate, 0.03);
    const double others = c.child_share * c.education_share +
                          (adults * (1.0 - c.employment_rate) + c.senior_share) * c.other_tour_rate;
    EXPECT_NEAR(static_cast<double>(by_person.size() - workers) / n, others, 0.03);
}

TEST(SyntheticDemand, EndsAreBuildingCentroidsOfTheRightKind) {
    const CityModel m = town();
    const Demand d = synthesize_demand(m, town_config(), 6);
    std::map<std::pair<double, double>, BuildingUse> use_at;
    for (const auto& b : *m.buildings) use_at[{b.centroid.x, b.centroid.y}] = b.use;
    for (const auto& t : d.trips) {
        const auto o = use_at.find({t.origin.x, t.origin.y});
        const auto e = use_at.find({t.destination.x, t.destination.y});
        ASSERT_NE(o, use_at.end()) << "trip " << t.id << " does not start at a building centroid";
        ASSERT_NE(e, use_at.end()) << "trip " << t.id << " does not end at a building centroid";
        // Homes: residential or mixed use only.
        if (t.purpose == Purpose::Home) {
            EXPECT_TRUE(e->second == BuildingUse::Residential || e->second == BuildingUse::Other);
        }
        if (t.purpose == Purpose::Work) {
            EXPECT_TRUE(o->second == BuildingUse::Residential || o->second == BuildingUse::Other);
        }
    }
}

TEST(SyntheticDemand, NoDestinationsNoTrips) {
    // Only homes with zero floor area and nothing else: no work or other places at all.
    CityModel m;
    m.buildings = std::make_shared<std::vector<Building>>(
        std::vector<Building>{building(0, BuildingUse::Residential, 0.0, 0, 0)});
    const Demand d = synthesize_demand(m, town_config(), 1);
    EXPECT_TRUE(d.trips.empty());
}


// ---------------------------------------------------------------- destination and mode choice

// A 3 km town on a 31 × 31 grid of 100 m streets: homes in the west, jobs in the east,
// shops and schools everywhere: trips long enough for cars and short ones for walking.
CityModel spread_town() {
    std::vector<Building> b;
    std::uint32_t id = 0;
    for (int i = 0; i < 15; ++i)
        for (int j = 0; j < 30; j += 2) {
            const double x = 50.0 + 100.0 * i, y = 50.0 + 100.0 * j;
            b.push_back(building(id++, BuildingUse::Residential, 3000.0 + 100.0 * ((i * 7 + j) % 5), x, y));
        }
    for (int i = 15; i < 30; ++i)
        for (int j = 0; j < 30; j += 3) b.push_back(building(id++, BuildingUse::Industrial, 4000.0, 50.0 + 100.0 * i, 50.0 + 100.0 * j));
    for (int i = 0; i < 30; i += 4)
        for (int j = 1; j < 30; j += 4) {
            b.push_back(building(id++, BuildingUse::Commercial, 1500.0, 50.0 + 100.0 * i, 50.0 + 100.0 * j));
            Building school = building(id++, BuildingUse::Public, 2000.0, 50.0 + 100.0 * i + 30.0, 50.0 + 100.0 * j);
            school.use_tag = "school";
            b.push_back(school);
        }
    CityModel m;
    m.name = "spread";
    m.buildings = std::make_shared<std::vector<Building>>(std::move(b));
    m.districts = std::make_shared<std::vector<District>>();
    m.roads = std::make_shared<geodata::RoadNetwork>(test_networks::build(test_networks::grid_ways(31)));
    return m;
}

SyntheticDemandConfig spread_config() {
    SyntheticDemandConfig cfg;
    cfg.population = 20000;
    cfg.choice.zone_size_m = 300.0;
    return cfg;
}

std::array<double, mode_count> shares_of(const Demand& d) {
    std::array<double, mode_count> s{};
    for (const auto& t : d.trips) s[static_cast<std::size_t>(t.mode)] += 1.0;
    for (auto& v : s) v /= static_cast<double>(d.trips.size());
    return s;
}

double mean_crow_km(const Demand& d, Purpose p) {
    double sum = 0.0, n = 0.0;
    for (const auto& t : d.trips)
        if (t.purpose == p) sum += std::hypot(t.destination.x - t.origin.x, t.destination.y - t.origin.y) / 1000.0, n += 1.0;
    return sum / n;
}

TEST(ModeChoice, CalibratedConstantsReachTheTargetSharesWithinOnePoint) {
    const CityModel m = spread_town();
    auto cfg = spread_config();
    cfg.choice.target_shares = std::array<double, mode_count>{0.34, 0.26, 0.14, 0.25};  // RVU 2018; sums to 0.99
    const Demand d = synthesize_demand(m, cfg, 7);
    ASSERT_TRUE(d.choice);
    EXPECT_TRUE(d.choice->calibrated) << d.choice->iterations << " iterations";
    ASSERT_GT(d.trips.size(), 15000u);
    const auto got = shares_of(d);
    const double goal[mode_count] = {0.34 / 0.99, 0.26 / 0.99, 0.14 / 0.99, 0.25 / 0.99};
    for (std::size_t k = 0; k < mode_count; ++k) {
        EXPECT_NEAR(d.choice->expected_shares[k], goal[k], 0.001) << to_string(static_cast<Mode>(k));
        EXPECT_NEAR(got[k], goal[k], 0.01) << to_string(static_cast<Mode>(k));
    }
    // Other targets, other constants: the calibration is not a fixed answer.
    cfg.choice.target_shares = std::array<double, mode_count>{0.2, 0.2, 0.3, 0.3};
    const Demand walk_town = synthesize_demand(m, cfg, 7);
    EXPECT_TRUE(walk_town.choice->calibrated);
    EXPECT_NEAR(shares_of(walk_town)[2], 0.3, 0.01);
    EXPECT_LT(walk_town.choice->constants[0] - walk_town.choice->constants[2], d.choice->constants[0] - d.choice->constants[2]);
    // More car trips than the persons with a car make: not reachable, and said so.
    cfg.choice.target_shares = std::array<double, mode_count>{0.9, 0.0, 0.05, 0.05};
    const Demand impossible = synthesize_demand(m, cfg, 7);
    EXPECT_FALSE(impossible.choice->calibrated);
    EXPECT_LT(impossible.choice->expected_shares[0], 0.6);
}

TEST(ModeChoice, OnlyTheModesAPersonHas) {
    const CityModel m = spread_town();
    const Demand d = synthesize_demand(m, spread_config(), 3);
    ASSERT_EQ(d.people.size(), d.persons);
    std::size_t children = 0;
    for (const auto& t : d.trips) {
        const Person& p = d.people[t.person];
        EXPECT_TRUE(t.mode != Mode::Car || p.car) << "person " << t.person << " drives without a car";
        EXPECT_TRUE(t.mode != Mode::Bike || p.bike) << "person " << t.person << " rides without a bike";
        if (p.age == AgeGroup::Child) {
            EXPECT_NE(t.mode, Mode::Car);
            ++children;
        }
    }
    EXPECT_GT(children, 1000u);
}

TEST(ModeChoice, WalkingIsForShortTripsAndCarsForLongOnes) {
    const CityModel m = spread_town();
    const Demand d = synthesize_demand(m, spread_config(), 5);
    double km[mode_count] = {}, n[mode_count] = {};
    for (const auto& t : d.trips) {
        const auto k = static_cast<std::size_t>(t.mode);
        km[k] += std::hypot(t.destination.x - t.origin.x, t.destination.y - t.origin.y);
        n[k] += 1.0;
    }
    for (std::size_t k = 0; k < mode_count; ++k) ASSERT_GT(n[k], 100.0) << to_string(static_cast<Mode>(k));
    const double walk = km[2] / n[2], bike = km[1] / n[1], car = km[0] / n[0];
    EXPECT_LT(walk, bike);
    EXPECT_LT(bike, car);
}

TEST(ModeChoice, ATollOnEveryRoadLowersTheCarShare) {
    CityModel m = spread_town();
    const Demand before = synthesize_demand(m, spread_config(), 9);
    auto tolls = std::make_shared<std::vector<geodata::LinkToll>>();
    for (const auto& l : m.roads->links()) tolls->push_back({l.id, 2.0, {}, "test"});
    m.tolls = tolls;
    const Demand after = synthesize_demand(m, spread_config(), 9);
    const double car_before = shares_of(before)[0], car_after = shares_of(after)[0];
    EXPECT_LT(car_after, car_before - 0.05) << car_before << " → " << car_after;
}

// Feedback: the car skim takes the link times it is given (a loading's experienced ones).
// Congested roads — every link three times slower — make car trips slower, fewer and
// shorter; free-flow times given explicitly change nothing.
TEST(ModeChoice, CongestedCarTimesLowerTheCarShare) {
    const CityModel m = spread_town();
    const auto cfg = spread_config();
    const Zones zones = make_zones(m, cfg.choice.zone_size_m);
    const LinkCosts free = LinkCosts::free_flow(*m.roads);
    LinkCosts jammed = free;
    for (auto& s : jammed.seconds) s *= 3.0f;
    const Skims fs = build_skims(m, zones, cfg.choice), js = build_skims(m, zones, cfg.choice, &jammed);
    const auto car = static_cast<std::size_t>(Mode::Car);
    const double wait = cfg.choice.modes[car].wait_s;
    std::size_t slower = 0;
    for (std::size_t od = 0; od < fs.time_s[car].size(); ++od) {
        if (fs.time_s[car][od] == js.time_s[car][od]) continue;   // within a zone (or one link): a fixed estimate
        EXPECT_NEAR(js.time_s[car][od] - wait, 3.0 * (fs.time_s[car][od] - wait), 0.01 * fs.time_s[car][od]) << od;
        ++slower;
    }
    EXPECT_GT(slower, 100u);
    const Demand before = synthesize_demand(m, cfg, 9), same = synthesize_demand(m, cfg, 9, &free);
    const Demand after = synthesize_demand(m, cfg, 9, &jammed);
    EXPECT_EQ(shares_of(same), shares_of(before));
    EXPECT_LT(shares_of(after)[0], shares_of(before)[0] - 0.03) << shares_of(before)[0] << " → " << shares_of(after)[0];
    EXPECT_LT(mean_crow_km(after, Purpose::Work), mean_crow_km(before, Purpose::Work));
}

TEST(DestinationChoice, StrongerDecayShortensTrips) {
    const CityModel m = spread_town();
    auto cfg = spread_config();
    const Demand weak = synthesize_demand(m, cfg, 2);
    cfg.choice.distance_decay = {3.0, 3.0, 3.0};
    const Demand strong = synthesize_demand(m, cfg, 2);
    EXPECT_LT(mean_crow_km(strong, Purpose::Other), 0.8 * mean_crow_km(weak, Purpose::Other));
    EXPECT_LT(mean_crow_km(strong, Purpose::Education), 0.8 * mean_crow_km(weak, Purpose::Education));
    EXPECT_LT(mean_crow_km(strong, Purpose::Work), mean_crow_km(weak, Purpose::Work));
}

TEST(DestinationChoice, DecayCalibratedToTheTargetTripLength) {
    const CityModel m = spread_town();
    auto cfg = spread_config();
    cfg.choice.target_mean_km = {0.0, 0.0, 1.2};
    const Demand d = synthesize_demand(m, cfg, 4);
    ASSERT_TRUE(d.choice->calibrated);
    EXPECT_NEAR(d.choice->expected_mean_km[2], 1.2, 0.012);
    // The tours' main trips, measured on the trips drawn (distances are the modes' skims).
    double sum = 0.0, n = 0.0;
    for (const auto& t : d.trips)
        if (t.purpose == Purpose::Other && t.previous == UINT32_MAX && t.mode != Mode::Car)
            sum += t.offroad_distance_m / 1000.0, n += 1.0;
    ASSERT_GT(n, 500.0);
    EXPECT_GT(d.choice->distance_decay[2], 0.0);
    cfg.choice.target_mean_km = {0.0, 0.0, 0.8};
    const Demand shorter = synthesize_demand(m, cfg, 4);
    EXPECT_GT(shorter.choice->distance_decay[2], d.choice->distance_decay[2]);
    EXPECT_NEAR(shorter.choice->expected_mean_km[2], 0.8, 0.008);
}

TEST(DestinationChoice, WorkTripsArriveInProportionToJobs) {
    // Doubly constrained: every zone receives its share of the jobs, however far it is.
    const CityModel m = spread_town();
    auto cfg = spread_config();
    cfg.choice.distance_decay = {2.0, 1.0, 1.0};
    const Demand d = synthesize_demand(m, cfg, 12);
    const Zones zones = make_zones(m, cfg.choice.zone_size_m);
    std::vector<double> jobs(zones.count(), 0.0), arrived(zones.count(), 0.0);
    for (const auto& b : *m.buildings)
        jobs[zones.zone_of_building[b.id.value]] += b.use == BuildingUse::Industrial ? b.floor_area_m2 : b.use == BuildingUse::Residential ? 0.05 * b.floor_area_m2 : b.floor_area_m2;
    double workers = 0.0, job_total = 0.0;
    for (const auto& t : d.trips)
        if (t.purpose == Purpose::Work) arrived[zones.zone_of_building[t.destination_building]] += 1.0, workers += 1.0;
    for (double j : jobs) job_total += j;
    std::size_t checked = 0;
    for (std::size_t z = 0; z < zones.count(); ++z) {
        const double expect = workers * jobs[z] / job_total;
        if (expect < 100.0) continue;
        EXPECT_NEAR(arrived[z], expect, 5.0 * std::sqrt(expect)) << "zone " << z;
        ++checked;
    }
    EXPECT_GT(checked, 10u);
}

TEST(Tours, NextTripLeavesWhenThePreviousArrivedPlusTheActivity) {
    const CityModel m = spread_town();
    const Demand d = synthesize_demand(m, spread_config(), 6);
    std::size_t chained = 0;
    for (const auto& t : d.trips) {
        if (t.previous == UINT32_MAX) continue;
        const Trip& before = d.trips[t.previous];
        ASSERT_LT(t.previous, t.id);
        EXPECT_EQ(before.person, t.person);
        EXPECT_GE(t.activity_s, 900);
        if (before.mode != Mode::Car) {
            EXPECT_EQ(t.departure, before.departure + std::lround(before.offroad_time_s) + t.activity_s) << "trip " << t.id;
            ++chained;
        }
    }
    EXPECT_GT(chained, 5000u);
}

TEST(SyntheticDemand, SameTripsAtAnyThreadCount) {
    const CityModel m = spread_town();
    auto cfg = spread_config();
    cfg.choice.target_shares = std::array<double, mode_count>{0.34, 0.26, 0.14, 0.25};
    cfg.choice.target_mean_km = {4.0, 0.0, 1.2};
    Demand one, many;
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
        one = synthesize_demand(m, cfg, 77);
    }
    {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, 4);
        many = synthesize_demand(m, cfg, 77);
    }
    ASSERT_EQ(one.trips.size(), many.trips.size());
    for (std::size_t i = 0; i < one.trips.size(); ++i) ASSERT_TRUE(same_trip(one.trips[i], many.trips[i])) << "trip " << i;
    for (std::size_t k = 0; k < mode_count; ++k) EXPECT_EQ(one.choice->constants[k], many.choice->constants[k]);
}

TEST(Zones, TooFineAZoneSizeIsRefusedByName) {
    std::vector<Building> b;
    for (std::uint32_t i = 0; i < 3000; ++i) b.push_back(building(i, BuildingUse::Residential, 100.0, 20.0 * (i % 60), 20.0 * (i / 60)));
    CityModel m;
    m.buildings = std::make_shared<std::vector<Building>>(std::move(b));
    EXPECT_EQ(make_zones(m, 200.0).count(), 30u);  // 6 × 5 cells
    try {
        make_zones(m, 10.0);
        FAIL() << "expected an error";
    } catch (const geodata::Error& e) {
        EXPECT_NE(std::string(e.what()).find("zone_size_m"), std::string::npos) << e.what();
    }
}

// ---------------------------------------------------------------- traffic from outside

// The spread town with three primary roads cut by the map's edge (west, east, north) and
// a residential cul-de-sac that is a real dead end.
CityModel town_with_edges() {
    CityModel m = spread_town();
    auto ways = test_networks::grid_ways(31);
    auto primary = [&](std::int64_t id, geodata::Polyline pts, const char* name) {
        auto w = test_networks::way(id, std::move(pts));
        w.road_class = geodata::RoadClass::Primary;
        w.name = name;
        ways.push_back(w);
    };
    primary(900, {{0, 1500}, {-400, 1500}}, "west road");
    primary(901, {{3000, 1500}, {3400, 1500}}, "east road");
    primary(902, {{1500, 3000}, {1500, 3400}}, "north road");
    ways.push_back(test_networks::way(903, {{0, 500}, {-80, 500}}));  // cul-de-sac
    m.roads = std::make_shared<geodata::RoadNetwork>(test_networks::build(ways));
    return m;
}

TEST(External, BoundaryPointsAreTheCutMajorRoads) {
    const CityModel m = town_with_edges();
    const auto points = boundary_points(*m.roads, geodata::RoadClass::Tertiary);
    ASSERT_EQ(points.size(), 3u);
    std::set<std::string> names;
    for (const auto& p : points) {
        names.insert(p.name);
        EXPECT_NE(p.inward, UINT32_MAX);
        EXPECT_NE(p.outward, UINT32_MAX);
        EXPECT_EQ(m.roads->link(geodata::LinkId(p.inward)).from.value, p.node);
        EXPECT_EQ(m.roads->link(geodata::LinkId(p.outward)).to.value, p.node);
        EXPECT_EQ(p.entry, p.outward);   // no restriction: in by the turn at the point
    }
    EXPECT_EQ(names, (std::set<std::string>{"west road", "east road", "north road"}));
    // Counting residential roads too, the cul-de-sac is one.
    EXPECT_EQ(boundary_points(*m.roads, geodata::RoadClass::Residential).size(), 4u);
}

SyntheticDemandConfig external_config() {
    auto cfg = spread_config();
    ExternalDemandConfig e;
    e.inbound_commuters = 3000;
    e.outbound_commuters = 400;
    e.through_vehicles = 1000;
    e.commuter_modes = {0.5, 0.0, 0.0, 0.5};
    cfg.external = e;
    cfg.sample = 0.5;
    return cfg;
}

TEST(External, CommutersAndThroughTrafficEnterAndLeaveAtTheEdge) {
    const CityModel m = town_with_edges();
    const Demand d = synthesize_demand(m, external_config(), 8);
    ASSERT_EQ(d.boundary.size(), 3u);
    std::set<std::uint32_t> edge_links;
    for (const auto& p : d.boundary) edge_links.insert(p.outward), edge_links.insert(p.entry);
    std::size_t inbound = 0, outbound = 0, through = 0, inbound_car = 0;
    for (const auto& t : d.trips) {
        switch (t.external) {
            case External::Inbound:
                ++inbound;
                EXPECT_GE(t.person, d.residents);
                if (t.purpose == Purpose::Work) {
                    EXPECT_TRUE(edge_links.count(t.origin_link)) << "trip " << t.id;
                    EXPECT_LT(t.destination_building, m.buildings->size());
                    inbound_car += t.mode == Mode::Car ? 1 : 0;
                } else {
                    EXPECT_TRUE(edge_links.count(t.destination_link)) << "trip " << t.id;
                    EXPECT_EQ(d.trips[t.previous].person, t.person);
                }
                break;
            case External::Outbound:
                ++outbound;
                EXPECT_LT(t.person, d.residents);
                EXPECT_TRUE(d.people[t.person].employed);
                break;
            case External::Through:
                ++through;
                EXPECT_TRUE(edge_links.count(t.origin_link));
                EXPECT_TRUE(edge_links.count(t.destination_link));
                EXPECT_NE(t.origin_link, t.destination_link) << "a through trip leaves where it came in";
                EXPECT_EQ(t.mode, Mode::Car);
                break;
            case External::None: EXPECT_LT(t.person, d.residents); break;
        }
    }
    EXPECT_EQ(inbound, 2u * 1500u);   // 3000 a day at a 50 % sample, out and back
    EXPECT_NEAR(static_cast<double>(outbound), 2.0 * 200.0, 2.0 * 45.0);   // binomial among the employed
    EXPECT_EQ(through, 500u);
    EXPECT_NEAR(static_cast<double>(inbound_car) / 1500.0, 0.5, 0.05);
    EXPECT_EQ(d.persons, d.residents + 1500u + 500u);
}

TEST(External, ThroughTrafficCrossesTheTownOnItsRoads) {
    const CityModel m = town_with_edges();
    auto cfg = external_config();
    const Demand d = synthesize_demand(m, cfg, 8);
    MobilityConfig mc;
    mc.loading.trajectory_interval = 0;
    const MobilityResult r = run_mobility(m, d, mc, 8);
    std::size_t through = 0;
    for (std::size_t i = 0; i < d.trips.size(); ++i) {
        if (d.trips[i].external != External::Through) continue;
        ++through;
        ASSERT_FALSE(r.routes[i].empty()) << "trip " << i;
        EXPECT_EQ(r.loading.status[i], TripStatus::Arrived) << "trip " << i;
        EXPECT_GT(r.trips[i].distance_m, 2000.0);   // across the 3 km town
    }
    EXPECT_EQ(r.demand.external_trips, r.demand.external_by_kind[0] + r.demand.external_by_kind[1] + r.demand.external_by_kind[2]);
    EXPECT_EQ(r.demand.external_by_kind[2], through);
}

TEST(External, ABannedTurnAtTheEdgeStartsTripsInside) {
    // OSM's no_u_turn at the cut (Monaco's Boulevard du Jardin Exotique has one): trips
    // coming in start at the end of the inward link instead, and still get a route.
    CityModel m = town_with_edges();
    const auto points = boundary_points(*m.roads, geodata::RoadClass::Tertiary);
    auto net = std::make_shared<geodata::RoadNetwork>(*m.roads);
    net->set_turn_restrictions({{geodata::LinkId(points[0].outward), geodata::LinkId(points[0].inward), false, 1}});
    m.roads = net;
    const Demand d = synthesize_demand(m, external_config(), 8);
    EXPECT_EQ(d.boundary[0].entry, d.boundary[0].inward);
    MobilityConfig mc;
    mc.loading.trajectory_interval = 0;
    const MobilityResult r = run_mobility(m, d, mc, 8);
    EXPECT_EQ(r.kpis.unroutable, 0u);
}

TEST(External, CommutersWithoutARoadAcrossTheEdgeAreOneClearError) {
    const CityModel m = spread_town();   // a grid with no road cut by the edge
    try {
        synthesize_demand(m, external_config(), 1);
        FAIL() << "expected an error";
    } catch (const geodata::Error& e) {
        EXPECT_NE(std::string(e.what()).find("lowest_class"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace citytwin::sim
