// Clock parsing, keyed random numbers and the synthetic population: exact answers on a
// hand-made town of a few boxes, statistics with stated tolerances on a few thousand persons.
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/random.hpp>

#include <gtest/gtest.h>

#include <algorithm>
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
           a.destination == b.destination && a.by_car == b.by_car && a.purpose == b.purpose &&
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

TEST(SyntheticDemand, CarShareZeroAndOne) {
    const CityModel m = town();
    auto cfg = town_config();
    cfg.car_share = 0.0;
    const Demand none = synthesize_demand(m, cfg, 3);
    ASSERT_FALSE(none.trips.empty());
    for (const auto& t : none.trips) ASSERT_FALSE(t.by_car);
    cfg.car_share = 1.0;
    const Demand all = synthesize_demand(m, cfg, 3);
    for (const auto& t : all.trips) ASSERT_TRUE(t.by_car);
    // The mode draw has its own stream: the trips themselves do not change with car_share.
    ASSERT_EQ(none.trips.size(), all.trips.size());
    for (std::size_t i = 0; i < all.trips.size(); ++i) EXPECT_EQ(none.trips[i].departure, all.trips[i].departure);
}

TEST(SyntheticDemand, CarShareIsPerPersonAndNearTheConfiguredShare) {
    const CityModel m = town();
    auto cfg = town_config();
    cfg.car_share = 0.35;
    const Demand d = synthesize_demand(m, cfg, 8);
    std::map<std::uint32_t, bool> person_car;
    for (const auto& t : d.trips) {
        const auto [it, inserted] = person_car.try_emplace(t.person, t.by_car);
        ASSERT_EQ(it->second, t.by_car) << "person " << t.person << " changes mode within the day";
    }
    std::size_t drivers = 0;
    for (const auto& [p, car] : person_car) drivers += car ? 1 : 0;
    const double share = static_cast<double>(drivers) / static_cast<double>(person_car.size());
    EXPECT_NEAR(share, 0.35, 0.05);  // ~2000 travelling persons: sd 0.011
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
            EXPECT_EQ(trips.front()->purpose, Purpose::Other);
        }
    }
    // 60 % of residents work; 60 % of the others make an "other" tour; the rest stay home.
    const double n = static_cast<double>(d.persons);
    EXPECT_NEAR(static_cast<double>(workers) / n, 0.6, 0.04);
    EXPECT_NEAR(static_cast<double>(by_person.size() - workers) / n, 0.4 * 0.6, 0.04);
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

}  // namespace
}  // namespace citytwin::sim
