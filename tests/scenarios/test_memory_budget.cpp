// Sizes from a scenario are checked against a memory budget before anything large is
// allocated (scenarios/memory_budget.hpp): one error naming the key, never bad_alloc.
#include "../sim/test_networks.hpp"

#include <citytwin/geodata/error.hpp>
#include <citytwin/scenarios/memory_budget.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace citytwin::scenarios {
namespace {

std::string error_of(const Scenario& s, const geodata::CityModel& m, std::uint64_t limit) {
    try {
        check_memory(s, m, limit);
    } catch (const geodata::Error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Case {
    Scenario scenario;
    geodata::CityModel model;
};

// A 1 × 1 km city with one AP and one road (two links); wifi at `cell` m, traffic.
Case city(double cell) {
    Case c;
    c.scenario.path = "city.yaml";
    c.scenario.wifi = sim::wifi::CoverageConfig{};
    c.scenario.wifi->cell_size_m = cell;
    c.scenario.trip_table = geodata::OdTableConfig{};
    c.model.bounds = {{0, 0}, {1000, 1000}};
    c.model.access_points = std::make_shared<std::vector<geodata::AccessPoint>>(1);
    c.model.roads = std::make_shared<geodata::RoadNetwork>(sim::test_networks::build({sim::test_networks::way(1, {{0, 0}, {500, 0}})}));
    return c;
}

TEST(MemoryBudget, SizesParseWithBinaryUnits) {
    EXPECT_EQ(parse_memory_size("4G", "--memory-limit"), 4ull << 30);
    EXPECT_EQ(parse_memory_size("512M", "--memory-limit"), 512ull << 20);
    EXPECT_EQ(parse_memory_size("1.5k", "--memory-limit"), 1536u);
    EXPECT_EQ(parse_memory_size("1000", "--memory-limit"), 1000u);
    for (const char* bad : {"", "x", "12x", "-1G", "0", "4 G"}) {
        try {
            parse_memory_size(bad, "--memory-limit");
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const geodata::Error& e) {
            EXPECT_TRUE(contains(e.what(), "--memory-limit")) << e.what();
        }
    }
}

TEST(MemoryBudget, WifiCellsBeyondTheBudgetOrARasterAreOneErrorNamingTheKey) {
    // 1 km at 1 m: about 10^6 cells of 40 bytes, 38 MiB.
    const Case ok = city(1.0);
    EXPECT_EQ(error_of(ok.scenario, ok.model, 1ull << 30), "");
    const std::string over = error_of(ok.scenario, ok.model, 10ull << 20);
    EXPECT_TRUE(contains(over, "city.yaml")) << over;
    EXPECT_TRUE(contains(over, "'wifi.cell_size_m' 1 m")) << over;
    EXPECT_TRUE(contains(over, "10.0 MiB")) << over;
    EXPECT_TRUE(contains(over, "--memory-limit")) << over;
    // 1 mm: 10^12 cells, more than a raster's int index (the old undefined behaviour).
    const Case tiny = city(0.001);
    const std::string raster = error_of(tiny.scenario, tiny.model, ~0ull);
    EXPECT_TRUE(contains(raster, "more than a raster can hold")) << raster;
}

TEST(MemoryBudget, LongDaysOfLinkTablesAreCounted) {
    // A week on two links: 169 hourly rows of 29 bytes each, 9.8 kB.
    Case c = city(100.0);
    c.scenario.wifi.reset();
    c.scenario.mobility.loading.start = 0;
    c.scenario.mobility.loading.end = 7 * 24 * 3600;
    ASSERT_EQ(c.model.roads->link_count(), 2u);
    EXPECT_EQ(error_of(c.scenario, c.model, 1ull << 20), "");
    const std::string tables = error_of(c.scenario, c.model, 9000);
    EXPECT_TRUE(contains(tables, "'time.end'")) << tables;
    EXPECT_TRUE(contains(tables, "169 hours")) << tables;
    c.scenario.trip_table.reset();   // no traffic: no tables
    EXPECT_EQ(error_of(c.scenario, c.model, 9000), "");
}

TEST(MemoryBudget, TheDefaultIsMostOfPhysicalMemory) {
    const std::uint64_t physical = physical_memory_bytes();
    ASSERT_GT(physical, 0u);
    EXPECT_EQ(default_memory_limit(), physical / 5 * 4);
}

}  // namespace
}  // namespace citytwin::scenarios
