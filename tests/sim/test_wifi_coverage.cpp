// Obstruction, georeferencing, interference and determinism of the coverage rasters on
// small hand-made towns where the answer is known.
#include <citytwin/sim/height_raster.hpp>
#include <citytwin/sim/viewshed.hpp>
#include <citytwin/sim/wifi_capacity.hpp>
#include <citytwin/sim/wifi_channels.hpp>
#include <citytwin/sim/wifi_coverage.hpp>
#include <citytwin/sim/wifi_kpis.hpp>

#include <gtest/gtest.h>

#include <tbb/global_control.h>

#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

namespace citytwin::sim {
namespace {

using geodata::AccessPoint;
using geodata::AccessPointId;
using geodata::Box;
using geodata::Building;
using geodata::BuildingId;
using geodata::CityModel;
using geodata::Point;

Building box_building(std::uint32_t id, double x0, double y0, double x1, double y1, double height) {
    Building b;
    b.id = BuildingId(id);
    b.footprint = {geodata::Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
    b.height_m = height;
    b.levels = height / 3.0;
    b.use = geodata::BuildingUse::Residential;
    b.footprint_area_m2 = (x1 - x0) * (y1 - y0);
    b.floor_area_m2 = b.footprint_area_m2 * b.levels;
    b.centroid = {(x0 + x1) / 2, (y0 + y1) / 2};
    return b;
}

AccessPoint ap_at(std::uint32_t id, Point p, int channel, double height = 4.0) {
    AccessPoint a;
    a.id = AccessPointId(id);
    a.position = p;
    a.channel = channel;
    a.height_m = height;
    return a;
}

CityModel town(std::vector<Building> buildings, std::vector<AccessPoint> aps, Box bounds) {
    CityModel m;
    m.crs = "EPSG:32632";
    m.bounds = bounds;
    m.buildings = std::make_shared<std::vector<Building>>(std::move(buildings));
    m.access_points = std::make_shared<std::vector<AccessPoint>>(std::move(aps));
    return m;
}

const Box field{{0, 0}, {200, 100}};

// ---------------------------------------------------------------- grid and raster

TEST(Grid, CoveringSnapsToCellMultiples) {
    const Grid g = Grid::covering({{1000.3, 2000.7}, {1100.0, 2100.0}}, 5.0);
    EXPECT_DOUBLE_EQ(g.origin_x, 1000.0);
    EXPECT_DOUBLE_EQ(g.origin_y, 2100.0);
    EXPECT_EQ(g.width, 20);
    EXPECT_EQ(g.height, 20);  // 2100 − 2000.7 = 99.3 m → 20 rows of 5 m
}

TEST(Grid, CellContainingAKnownCoordinate) {
    const Grid g = Grid::covering({{1000.0, 2000.0}, {1100.0, 2100.0}}, 5.0);
    const auto c = g.cell_of({1012.5, 2087.5});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->col, 2);   // 12.5 m east of the west edge
    EXPECT_EQ(c->row, 2);   // 12.5 m south of the north edge
    EXPECT_EQ(g.centre(2, 2), (Point{1012.5, 2087.5}));
    // The west and north edges of a cell belong to it.
    EXPECT_EQ(g.cell_of({1005.0, 2095.0})->col, 1);
    EXPECT_EQ(g.cell_of({1005.0, 2095.0})->row, 1);
    EXPECT_EQ(g.cell_of({1099.99, 2000.01})->col, 19);
    EXPECT_EQ(g.cell_of({1099.99, 2000.01})->row, 19);
    EXPECT_FALSE(g.cell_of({999.9, 2050.0}));
    EXPECT_FALSE(g.cell_of({1050.0, 2100.1}));
    EXPECT_FALSE(g.cell_of({1100.0, 2050.0}));
}

TEST(HeightRaster, FootprintCellsByCentre) {
    // A 10 × 10 m box on a 1 m grid covers exactly the 100 cells whose centres are inside.
    const CityModel m = town({box_building(0, 10, 10, 20, 20, 12.0)}, {}, field);
    const HeightRaster r = build_height_raster(m, Grid::covering(field, 1.0), false);
    std::size_t inside = 0;
    for (std::size_t i = 0; i < r.grid.cells(); ++i)
        if (r.indoor(i)) {
            ++inside;
            EXPECT_EQ(r.building[i], 12.0f);
            EXPECT_EQ(r.building_id[i], 0u);
        }
    EXPECT_EQ(inside, 100u);
    const auto c = r.grid.cell_of({15.0, 15.0});
    EXPECT_TRUE(r.indoor(r.grid.index(c->col, c->row)));
    const auto out = r.grid.cell_of({25.0, 15.0});
    EXPECT_FALSE(r.indoor(r.grid.index(out->col, out->row)));
}

TEST(HeightRaster, HolesAreOpenAndOverlapsKeepTheHighest) {
    Building courtyard = box_building(0, 10, 10, 30, 30, 9.0);
    courtyard.footprint[0].holes.push_back({{15, 15}, {25, 15}, {25, 25}, {15, 25}, {15, 15}});
    const CityModel m = town({courtyard, box_building(1, 28, 10, 40, 20, 20.0)}, {}, field);
    const HeightRaster r = build_height_raster(m, Grid::covering(field, 1.0), false);
    auto at = [&](double x, double y) { const auto c = r.grid.cell_of({x, y}); return r.grid.index(c->col, c->row); };
    EXPECT_FALSE(r.indoor(at(20, 20)));          // in the courtyard
    EXPECT_EQ(r.building[at(12, 20)], 9.0f);
    EXPECT_EQ(r.building[at(29, 15)], 20.0f);    // overlap: highest height
    EXPECT_EQ(r.building_id[at(29, 15)], 0u);    // … and lowest id
}

// ---------------------------------------------------------------- line of sight

TEST(LineOfSight, BoxBetweenBlocksAndMovingItAwayRestores) {
    const Point ap{10, 50}, rx{110, 50};
    const Grid g = Grid::covering(field, 1.0);
    const HeightRaster empty = build_height_raster(town({}, {}, field), g, false);
    EXPECT_TRUE(line_of_sight(empty, ap, 4.0, rx, 1.5));

    const HeightRaster between = build_height_raster(town({box_building(0, 50, 40, 60, 60, 10.0)}, {}, field), g, false);
    EXPECT_FALSE(line_of_sight(between, ap, 4.0, rx, 1.5));
    EXPECT_FALSE(line_of_sight(between, rx, 1.5, ap, 4.0));  // symmetric

    const HeightRaster aside = build_height_raster(town({box_building(0, 50, 75, 60, 95, 10.0)}, {}, field), g, false);
    EXPECT_TRUE(line_of_sight(aside, ap, 4.0, rx, 1.5));

    // A wall from 40 % to 50 % of the way: the line is at 4 − 2.5·0.4 = 3.0 m … 2.75 m there.
    const HeightRaster low = build_height_raster(town({box_building(0, 50, 40, 60, 60, 2.0)}, {}, field), g, false);
    EXPECT_TRUE(line_of_sight(low, ap, 4.0, rx, 1.5));
    const HeightRaster wall = build_height_raster(town({box_building(0, 50, 40, 60, 60, 2.8)}, {}, field), g, false);
    EXPECT_FALSE(line_of_sight(wall, ap, 4.0, rx, 1.5));
}

TEST(LineOfSight, DiagonalLinesAreBlockedToo) {
    const Grid g = Grid::covering(field, 1.0);
    const HeightRaster r = build_height_raster(town({box_building(0, 45, 45, 55, 55, 10.0)}, {}, field), g, false);
    EXPECT_FALSE(line_of_sight(r, {10, 10}, 4.0, {90, 90}, 1.5));
    EXPECT_TRUE(line_of_sight(r, {10, 90}, 4.0, {30, 70}, 1.5));
}

TEST(LineOfSight, OwnBuildingDoesNotBlockAnIndoorReceiver) {
    const Grid g = Grid::covering(field, 1.0);
    const HeightRaster r = build_height_raster(town({box_building(0, 80, 40, 120, 60, 15.0)}, {}, field), g, false);
    const auto c = g.cell_of({110, 50});
    EXPECT_TRUE(r.indoor(g.index(c->col, c->row)));
    EXPECT_TRUE(line_of_sight(r, {10, 50}, 4.0, {110, 50}, 1.5));   // only its own walls in the way
    EXPECT_FALSE(line_of_sight(r, {10, 50}, 4.0, {150, 50}, 1.5));  // through the building to behind it
}

// ---------------------------------------------------------------- coverage

wifi::CoverageConfig free_space(double cell = 1.0) {
    wifi::CoverageConfig c;
    c.propagation.model = wifi::PathLossModel::FreeSpace;
    c.cell_size_m = cell;
    c.use_terrain = false;
    return c;
}

// ---------------------------------------------------------------- viewshed

/// Line of sight from an antenna at `a` (height ha) to a receiver at the centre of the
/// cell holding `b` (hb), as the coverage model decides it: on the viewshed's ray.
bool seen(const HeightRaster& r, Point a, double ha, Point b, double hb, double radius = 300.0) {
    const Viewshed view(r, a, ha, radius);
    const auto c = r.grid.cell_of(b);
    RayHorizon ray;
    view.walk(view.ray_of(c->col, c->row), radius, ray);
    return view.visible(ray, c->col, c->row, hb);
}

std::vector<Building> box_town() {
    // 120 boxes of 15–31 × 12–24 m, 6–35 m high, on a 45 m pitch.
    std::vector<Building> bs;
    for (std::uint32_t k = 0; k < 120; ++k) {
        const double x = 20.0 + (k % 12) * 45.0, y = 20.0 + (k / 12) * 45.0;
        bs.push_back(box_building(k, x, y, x + 15 + (k % 5) * 4, y + 12 + (k % 3) * 6, 6.0 + (k * 7) % 30));
    }
    return bs;
}

TEST(Viewshed, BoxBetweenBlocksAndMovingItAwayRestores) {
    const Point ap{10.5, 50.5}, rx{110.5, 50.5};
    const Grid g = Grid::covering(field, 1.0);
    EXPECT_TRUE(seen(build_height_raster(town({}, {}, field), g, false), ap, 4.0, rx, 1.5));
    const HeightRaster between = build_height_raster(town({box_building(0, 50, 40, 60, 60, 10.0)}, {}, field), g, false);
    EXPECT_FALSE(seen(between, ap, 4.0, rx, 1.5));
    EXPECT_FALSE(seen(between, rx, 1.5, ap, 4.0));
    EXPECT_TRUE(seen(between, ap, 25.0, rx, 1.5));   // high enough to see over it (15.6 m at its near wall)
    EXPECT_FALSE(seen(between, ap, 15.0, rx, 1.5));  // not quite (9.6 m)
    const HeightRaster aside = build_height_raster(town({box_building(0, 50, 75, 60, 95, 10.0)}, {}, field), g, false);
    EXPECT_TRUE(seen(aside, ap, 4.0, rx, 1.5));
    // A wall from 40 % to 50 % of the way: the line is at 3.0 … 2.75 m there.
    EXPECT_TRUE(seen(build_height_raster(town({box_building(0, 50, 40, 60, 60, 2.0)}, {}, field), g, false), ap, 4.0,
                     rx, 1.5));
    EXPECT_FALSE(seen(build_height_raster(town({box_building(0, 50, 40, 60, 60, 2.8)}, {}, field), g, false), ap,
                      4.0, rx, 1.5));
    // Diagonal, as in LineOfSight.DiagonalLinesAreBlockedToo.
    const HeightRaster diag = build_height_raster(town({box_building(0, 45, 45, 55, 55, 10.0)}, {}, field), g, false);
    EXPECT_FALSE(seen(diag, {10.5, 10.5}, 4.0, {90.5, 90.5}, 1.5));
    EXPECT_TRUE(seen(diag, {10.5, 90.5}, 4.0, {30.5, 70.5}, 1.5));
}

TEST(Viewshed, IndoorReceiverSeesThroughItsOwnWallsOnly) {
    const Grid g = Grid::covering(field, 1.0);
    const HeightRaster r = build_height_raster(town({box_building(0, 80, 40, 120, 60, 15.0)}, {}, field), g, false);
    EXPECT_TRUE(seen(r, {10.5, 50.5}, 4.0, {110.5, 50.5}, 1.5));    // 30 m inside, only its own building between
    EXPECT_TRUE(seen(r, {10.5, 20.5}, 4.0, {115.5, 45.5}, 1.5));    // entering through a corner region
    EXPECT_FALSE(seen(r, {10.5, 50.5}, 4.0, {150.5, 50.5}, 1.5));   // behind the building
    // An antenna on its own building's roof edge is not blocked by its building either.
    EXPECT_TRUE(seen(r, {81.5, 50.5}, 16.0, {150.5, 50.5}, 1.5));
}

TEST(Viewshed, EveryCellIsDecidedByARayPassingCloseToItsCentre) {
    // Rays at most min(cell, 2 m) apart at the radius: a cell at distance x is at most
    // half that × x / radius beside its ray.
    for (const double cell : {1.0, 5.0}) {
        const Box area{{0, 0}, {700, 700}};
        const HeightRaster r = build_height_raster(town({}, {}, area), Grid::covering(area, cell), false);
        const Point ap{350.37, 349.81};
        const double radius = 300.0;
        const Viewshed view(r, ap, 4.0, radius);
        RayHorizon ray;
        double worst = 0.0;
        std::size_t cells = 0;
        for (int row = 0; row < r.grid.height; ++row)
            for (int col = 0; col < r.grid.width; ++col) {
                const Point c = r.grid.centre(col, row);
                const double dx = c.x - ap.x, dy = ap.y - c.y;  // east, south
                const double x = std::hypot(dx, dy);
                if (x > radius || x < cell) continue;
                view.walk(view.ray_of(col, row), radius, ray);
                const double beside = std::abs(dx * ray.v - dy * ray.u);
                worst = std::max(worst, beside / (0.5 * std::min(cell, 2.0) * x / radius));
                ++cells;
            }
        EXPECT_GT(cells, 1000u);
        EXPECT_LE(worst, 1.0 + 1e-9) << "cell " << cell;
        EXPECT_GT(worst, 0.9) << "cell " << cell;   // the bound is close, not loose
    }
}

TEST(Viewshed, AgreesWithTheExactWalkOnNearlyEveryLink) {
    // The box town at 1 m; links from 30 antennas (some indoors, some at roof height) to
    // every 3rd cell within 300 m. The ray may pass half a cell beside a cell centre, so
    // shadow edges may differ, but only there.
    const Box area{{0, 0}, {580, 480}};
    const HeightRaster h = build_height_raster(town(box_town(), {}, area), Grid::covering(area, 1.0), false);
    std::size_t links = 0, same = 0, only_viewshed = 0, only_exact = 0, blocked = 0;
    RayHorizon ray;
    for (std::uint32_t k = 0; k < 30; ++k) {
        const Point a{3.0 + (k * 97) % 570 + 0.37, 3.0 + (k * 53) % 470 + 0.61};
        const double ha = k % 5 == 0 ? 40.0 : 2.0 + k % 4;
        const Viewshed view(h, a, ha, 300.0);
        for (int row = 0; row < h.grid.height; row += 3)
            for (int col = k % 3; col < h.grid.width; col += 3) {
                const Point b = h.grid.centre(col, row);
                if (std::hypot(b.x - a.x, b.y - a.y) > 300.0) continue;
                view.walk(view.ray_of(col, row), 300.0, ray);
                const bool fast = view.visible(ray, col, row, 1.5);
                const bool exact = line_of_sight(h, a, ha, b, 1.5);
                ++links;
                same += fast == exact ? 1 : 0;
                only_viewshed += fast && !exact ? 1 : 0;
                only_exact += exact && !fast ? 1 : 0;
                blocked += exact ? 0 : 1;
            }
    }
    ASSERT_GT(links, 100000u);
    EXPECT_GT(blocked, links / 5);   // the town does block: a real test of both answers
    EXPECT_GT(static_cast<double>(same) / static_cast<double>(links), 0.99);
    EXPECT_LT(static_cast<double>(only_viewshed) / static_cast<double>(links), 0.005);
    EXPECT_LT(static_cast<double>(only_exact) / static_cast<double>(links), 0.005);
}

TEST(Coverage, ReceivedDbmIsTheRasterValueToTheBit) {
    // What planners' tools ask cell by cell (received_dbm) must be what the rasters hold.
    const Box area{{0, 0}, {580, 480}};
    for (const double cell : {1.0, 4.0}) {
        wifi::CoverageConfig cfg;
        cfg.line_of_sight = cell == 1.0 ? wifi::LineOfSightMethod::Viewshed : wifi::LineOfSightMethod::Exact;
        cfg.cell_size_m = cell;
        cfg.max_radius_m = 150.0;
        cfg.propagation.entry_loss_db = 10.0;
        const HeightRaster h = build_height_raster(town(box_town(), {}, area), Grid::covering(area, cell), false);
        for (const AccessPoint& ap : {ap_at(3, {200.3, 140.9}, 6), ap_at(4, {66.0, 301.5}, 1, 12.0)}) {
            const auto cov = wifi::compute_coverage(h, {ap}, cfg);
            std::size_t heard = 0, differ = 0;
            for (std::size_t i = 0; i < h.grid.cells(); i += 7) {
                const auto dbm = wifi::received_dbm(h, ap, i, cfg);
                if (!dbm) {
                    differ += cov.server[i] == wifi::no_server ? 0 : 1;
                    continue;
                }
                ++heard;
                differ += static_cast<float>(*dbm) == cov.rssi_dbm[i] ? 0 : 1;
            }
            EXPECT_GT(heard, 400u);
            EXPECT_EQ(differ, 0u) << "cell " << cell << " AP " << ap.id.value;
        }
    }
}

TEST(Coverage, ExactMethodWalksEveryLinkViewshedNearlyAgrees) {
    const Box area{{0, 0}, {580, 480}};
    wifi::CoverageConfig cfg;
    cfg.cell_size_m = 2.0;
    cfg.max_radius_m = 200.0;
    const HeightRaster h = build_height_raster(town(box_town(), {}, area), Grid::covering(area, 2.0), false);
    const AccessPoint ap = ap_at(0, {300.7, 250.3}, 6, 5.0);
    std::uint64_t los = 0;
    for (int row = 0; row < h.grid.height; ++row)
        for (int col = 0; col < h.grid.width; ++col) {
            const Point c = h.grid.centre(col, row);
            const double dx = c.x - ap.position.x, dy = c.y - ap.position.y;
            if (dx * dx + dy * dy <= cfg.max_radius_m * cfg.max_radius_m)
                los += line_of_sight(h, ap.position, ap.height_m, c, cfg.receiver_height_m) ? 1 : 0;
        }
    cfg.line_of_sight = wifi::LineOfSightMethod::Exact;
    const auto exact = wifi::compute_coverage(h, {ap}, cfg);
    EXPECT_EQ(exact.los_ap_cells, los);
    cfg.line_of_sight = wifi::LineOfSightMethod::Viewshed;
    const auto fast = wifi::compute_coverage(h, {ap}, cfg);
    EXPECT_EQ(fast.ap_cells, exact.ap_cells);
    EXPECT_GT(los, exact.ap_cells / 10);
    EXPECT_LT(los, exact.ap_cells * 9 / 10);
    EXPECT_NEAR(static_cast<double>(fast.los_ap_cells), static_cast<double>(los), 0.01 * static_cast<double>(los));
}

TEST(Coverage, RssiIsPowerMinusPathLossAtTheCellCentre) {
    const CityModel m = town({}, {ap_at(0, {10.5, 50.5}, 6, 1.5)}, field);  // antenna at receiver height
    const auto cfg = free_space();
    const HeightRaster h = build_height_raster(m, Grid::covering(field, 1.0), false);
    const auto cov = wifi::compute_coverage(h, *m.access_points, cfg);
    const auto c = h.grid.cell_of({110.5, 50.5});
    const std::size_t i = h.grid.index(c->col, c->row);
    EXPECT_NEAR(cov.rssi_dbm[i], 20.0 - wifi::free_space_loss_db(100.0, 2400.0), 1e-4);
    EXPECT_EQ(cov.server[i], 0u);
    EXPECT_NEAR(cov.sinr_db[i], cov.rssi_dbm[i] + 95.0, 1e-4);  // noise only
    // Beyond the 300 m radius nothing is heard; the field is 200 m wide so all cells are.
    EXPECT_EQ(cov.ap_cells, h.grid.cells());
}

TEST(Coverage, BuildingTurnsLosIntoNlosInP1411) {
    wifi::CoverageConfig cfg;
    cfg.cell_size_m = 1.0;
    cfg.use_terrain = false;
    const CityModel open = town({}, {ap_at(0, {10.5, 50.5}, 6)}, field);
    const CityModel blocked = town({box_building(0, 50, 40, 60, 60, 10.0)}, {ap_at(0, {10.5, 50.5}, 6)}, field);
    const Grid g = Grid::covering(field, 1.0);
    const auto a = wifi::compute_coverage(build_height_raster(open, g, false), *open.access_points, cfg);
    const auto b = wifi::compute_coverage(build_height_raster(blocked, g, false), *blocked.access_points, cfg);
    const auto c = g.cell_of({110.5, 50.5});
    const std::size_t i = g.index(c->col, c->row);
    const double d = std::sqrt(100.0 * 100.0 + 2.5 * 2.5);
    EXPECT_NEAR(a.rssi_dbm[i], 20.0 - wifi::p1411_loss_db(d, 2.4, wifi::p1411_los), 1e-4);
    EXPECT_NEAR(b.rssi_dbm[i], 20.0 - wifi::p1411_loss_db(d, 2.4, wifi::p1411_nlos_urban), 1e-4);
    EXPECT_LT(b.los_ap_cells, a.los_ap_cells);
    // Moved out of the way (north of the link), the box no longer turns it into NLoS.
    const CityModel moved = town({box_building(0, 50, 75, 60, 95, 10.0)}, {ap_at(0, {10.5, 50.5}, 6)}, field);
    const auto m = wifi::compute_coverage(build_height_raster(moved, g, false), *moved.access_points, cfg);
    EXPECT_EQ(m.rssi_dbm[i], a.rssi_dbm[i]);
}

TEST(Coverage, HiddenCoChannelApInterferesOneThatHearsTheServerWaits) {
    auto cfg = free_space();
    const Grid g = Grid::covering(field, 1.0);
    const auto c = g.cell_of({60.5, 50.5});
    const std::size_t i = g.index(c->col, c->row);
    auto run = [&](std::vector<AccessPoint> aps) {
        const CityModel m = town({}, std::move(aps), field);
        return wifi::compute_coverage(build_height_raster(m, g, false), *m.access_points, cfg);
    };
    const auto alone = run({ap_at(0, {50.5, 50.5}, 6, 1.5)});
    // 100 m apart in free space each hears the other at -60 dBm, above the -82 dBm of
    // carrier sense: AP 1 waits while AP 0 sends, so it costs airtime, not SINR.
    const auto hears = run({ap_at(0, {50.5, 50.5}, 6, 1.5), ap_at(1, {150.5, 50.5}, 6, 1.5)});
    ASSERT_EQ(hears.server[i], 0u);
    EXPECT_EQ(hears.senses, (std::vector<std::vector<std::uint32_t>>{{1}, {0}}));
    EXPECT_EQ(hears.sinr_db[i], alone.sinr_db[i]);
    // Deaf to each other (carrier sense raised above -60 dBm): AP 1 is a hidden node and
    // interferes. SINR = S − 10·log10(N + I), S and I free-space at 10 m and 90 m.
    cfg.cca_preamble_dbm = -50.0;
    cfg.cca_energy_dbm = -30.0;
    const auto co = run({ap_at(0, {50.5, 50.5}, 6, 1.5), ap_at(1, {150.5, 50.5}, 6, 1.5)});
    EXPECT_EQ(co.senses, (std::vector<std::vector<std::uint32_t>>{{}, {}}));
    ASSERT_EQ(co.server[i], 0u);
    EXPECT_EQ(co.rssi_dbm[i], alone.rssi_dbm[i]);
    const double s = 20.0 - wifi::free_space_loss_db(10.0, 2400.0);
    const double interference = 20.0 - wifi::free_space_loss_db(90.0, 2400.0);
    auto sinr_with = [&](double share) {
        return s - 10.0 * std::log10(std::pow(10.0, -9.5) + share * std::pow(10.0, interference / 10.0));
    };
    EXPECT_NEAR(co.sinr_db[i], sinr_with(1.0), 1e-3);
    // Channel 11, 25 MHz away, leaks its overlap share; the same number in the 5 GHz band nothing.
    const auto other = run({ap_at(0, {50.5, 50.5}, 6, 1.5), ap_at(1, {150.5, 50.5}, 11, 1.5)});
    EXPECT_NEAR(other.sinr_db[i], sinr_with(wifi::channel_overlap(25.0)), 1e-3);
    EXPECT_GT(other.sinr_db[i], co.sinr_db[i] + 20.0);
    AccessPoint five = ap_at(1, {150.5, 50.5}, 6, 1.5);
    five.frequency_ghz = 5.5;
    const auto other_band = run({ap_at(0, {50.5, 50.5}, 6, 1.5), five});
    EXPECT_EQ(other_band.sinr_db[i], alone.sinr_db[i]);
    EXPECT_EQ(co.servers[i], 2);   // both above −75 dBm at 10 m and 90 m in free space
}

TEST(Coverage, BitIdenticalForOneAndTwoThreads) {
    // A town of 120 boxes and 25 APs on three channels; every raster must match bit for bit.
    const std::vector<Building> bs = box_town();
    std::vector<AccessPoint> aps;
    for (std::uint32_t k = 0; k < 25; ++k)
        aps.push_back(ap_at(k, {40.0 + (k * 97) % 520, 40.0 + (k * 53) % 440}, std::array{1, 6, 11}[k % 3], 3.0 + k % 4));
    const Box area{{0, 0}, {580, 480}};
    const CityModel m = town(bs, aps, area);
    wifi::CoverageConfig cfg;
    cfg.cell_size_m = 2.0;
    cfg.max_radius_m = 200.0;
    const HeightRaster h = build_height_raster(m, Grid::covering(area, cfg.cell_size_m), false);
    auto run = [&](std::size_t threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        return wifi::compute_coverage(h, *m.access_points, cfg);
    };
    const auto one = run(1), two = run(2);
    auto same = [](const auto& a, const auto& b) {
        return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0;
    };
    EXPECT_TRUE(same(one.rssi_dbm, two.rssi_dbm));
    EXPECT_TRUE(same(one.sinr_db, two.sinr_db));
    EXPECT_TRUE(same(one.server, two.server));
    EXPECT_TRUE(same(one.servers, two.servers));
    EXPECT_EQ(one.senses, two.senses);
    EXPECT_EQ(one.ap_cells, two.ap_cells);
    EXPECT_GT(one.ap_cells, 0u);
    EXPECT_GT(one.los_ap_cells, 0u);
    EXPECT_LT(one.los_ap_cells, one.ap_cells);  // the boxes do block some links
}

// ---------------------------------------------------------------- channels and airtime

// The HT20 mask integrated by the midpoint rule over the receiver's ±8.75 MHz: an
// independent check of the closed form in wifi_channels.cpp.
double mask_overlap_by_midpoints(double separation) {
    auto dbr = [](double f) {
        const double a = std::abs(f);
        if (a <= 9.0) return 0.0;
        if (a <= 11.0) return -20.0 * (a - 9.0) / 2.0;
        if (a <= 20.0) return -20.0 - 8.0 * (a - 11.0) / 9.0;
        if (a <= 30.0) return -28.0 - 17.0 * (a - 20.0) / 10.0;
        return -45.0;
    };
    auto power = [&](double s) {
        double sum = 0.0;
        constexpr int steps = 175000;
        for (int k = 0; k < steps; ++k) sum += std::pow(10.0, dbr(-8.75 + 17.5 * (k + 0.5) / steps - s) / 10.0);
        return sum;
    };
    return power(separation) / power(0.0);
}

TEST(Channels, OverlapIsTheHt20MaskInTheReceiversBand) {
    EXPECT_EQ(wifi::channel_overlap(0.0), 1.0);
    for (const double s : {5.0, 10.0, 20.0, 25.0, 40.0})
        EXPECT_NEAR(wifi::channel_overlap(s), mask_overlap_by_midpoints(s), 1e-6 * mask_overlap_by_midpoints(s)) << s;
    EXPECT_GT(wifi::channel_overlap(5.0), 0.5);     // channels 1 and 2 of 2.4 GHz share most of their band
    EXPECT_LT(wifi::channel_overlap(25.0), 0.002);  // 1 and 6: below -27 dB
    EXPECT_EQ(wifi::channel_overlap(-10.0), wifi::channel_overlap(10.0));
    EXPECT_EQ(wifi::channel_centre_mhz(1, 2.4), 2412.0);
    EXPECT_EQ(wifi::channel_centre_mhz(14, 2.4), 2484.0);
    EXPECT_EQ(wifi::channel_centre_mhz(36, 5.2), 5180.0);
    AccessPoint a = ap_at(0, {0, 0}, 36), b = ap_at(1, {0, 0}, 36);
    a.frequency_ghz = 5.2;
    EXPECT_EQ(wifi::channel_overlap(a, b), 0.0);   // 5 GHz against 2.4 GHz
}

TEST(Channels, AutomaticPlanSeparatesNeighboursAndReusesFarAway) {
    // Three APs 30 m apart hear each other; a fourth 3 km away hears nobody (free space:
    // -89.6 dBm, below -82 dBm); a fifth on 5 GHz takes a 5 GHz channel.
    std::vector<AccessPoint> aps{ap_at(0, {100, 100}, 6), ap_at(1, {130, 100}, 6), ap_at(2, {115, 126}, 6),
                                 ap_at(3, {3100, 100}, 6), ap_at(4, {100, 130}, 6)};
    aps[4].frequency_ghz = 5.5;
    const Box area{{0, 0}, {3200, 200}};
    const CityModel m = town({}, aps, area);
    const auto cfg = free_space();
    const HeightRaster h = build_height_raster(m, Grid::covering(area, 10.0), false);
    const auto links = wifi::ap_links(h, aps, cfg, -82.0);
    for (const auto& l : links) EXPECT_TRUE(l.from != 3 && l.to != 3);
    const auto ch = wifi::assign_channels(aps, links, cfg);
    EXPECT_EQ((std::set<int>{ch[0], ch[1], ch[2]}), (std::set<int>{1, 6, 11}));
    EXPECT_EQ(ch[3], 1);    // alone: the first of the list
    EXPECT_EQ(ch[4], 36);   // 5 GHz: its own list
    // After the plan the three no longer sense each other; on one channel they all do.
    auto planned = aps;
    for (std::size_t k = 0; k < aps.size(); ++k) planned[k].channel = ch[k];
    for (const auto& s : wifi::carrier_sense(planned, links, cfg)) EXPECT_TRUE(s.empty());
    const auto shared = wifi::carrier_sense(aps, links, cfg);
    EXPECT_EQ(shared[0], (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(shared[1], (std::vector<std::uint32_t>{0, 2}));
}

TEST(Channels, ThreeApLineSharesAirtimeOnlyAmongApsThatHearEachOther) {
    // APs 200 m apart on one channel: neighbours hear each other at -66 dBm, the two ends
    // (400 m, -72 dBm) do not with carrier sense at -70 dBm.
    auto cfg = free_space();
    cfg.cca_preamble_dbm = -70.0;
    const Box area{{0, 0}, {500, 100}};
    const CityModel m = town({}, {ap_at(0, {50.5, 50.5}, 6), ap_at(1, {250.5, 50.5}, 6), ap_at(2, {450.5, 50.5}, 6)}, area);
    const HeightRaster h = build_height_raster(m, Grid::covering(area, 5.0), false);
    const auto cov = wifi::compute_coverage(h, *m.access_points, cfg);
    EXPECT_EQ(cov.senses, (std::vector<std::vector<std::uint32_t>>{{1}, {0, 2}, {1}}));
    // Busy users next to each AP at noon: the middle AP takes turns with both ends,
    // each end only with the middle.
    std::vector<wifi::MovingPeople> people;
    for (const double x : {52.5, 252.5, 452.5}) people.push_back({12, {x, 52.5}, 1000.0});
    wifi::CapacityConfig cap;
    cap.active_share_street = 1.0;
    const auto c = wifi::wifi_capacity(m, cov, wifi::people_present({}, nullptr, 1.0), cfg, cap, people);
    EXPECT_EQ(c.loads[0 * 24 + 12].airtime_share, 0.5);
    EXPECT_EQ(c.loads[1 * 24 + 12].airtime_share, 1.0 / 3.0);
    EXPECT_EQ(c.loads[2 * 24 + 12].airtime_share, 0.5);
    EXPECT_EQ(c.loads[1 * 24 + 3].airtime_share, 1.0);   // nobody around at 03:00: the air is free
    // Throughput per user is the share of what one AP alone would give.
    const double alone = wifi::mac_goodput_mbps(65.0, cap.mac) / 1000.0;
    EXPECT_NEAR(c.loads[0 * 24 + 12].throughput_per_user_mbps, 0.5 * alone, 1e-12);
    EXPECT_NEAR(c.loads[1 * 24 + 12].throughput_per_user_mbps, alone / 3.0, 1e-12);
}

// ---------------------------------------------------------------- KPIs

TEST(Coverage, ReceiverBehindItsOwnWallLosesThatBuildingsEntryLoss) {
    // A 20 × 20 m block east of the AP, in free space: the receiver just inside the west
    // wall sees the AP through its own wall (line of sight kept) but loses the P.2109
    // median entry loss of its building; just outside it loses nothing.
    const CityModel m = town({box_building(0, 60, 40, 80, 60, 10.0)}, {ap_at(0, {20.5, 50.5}, 6)}, field);
    wifi::CoverageConfig cfg = free_space();
    cfg.propagation.entry_loss_model = wifi::EntryLossModel::P2109;
    const HeightRaster h = build_height_raster(m, Grid::covering(field, 1.0), false);
    auto at = [&](double x, double y) { const auto c = h.grid.cell_of({x, y}); return h.grid.index(c->col, c->row); };
    const std::size_t outside = at(59.5, 50.5), inside = at(60.5, 50.5);
    ASSERT_FALSE(h.indoor(outside));
    ASSERT_TRUE(h.indoor(inside));
    const auto cov = wifi::compute_coverage(h, *m.access_points, cfg);
    const double spread = wifi::free_space_loss_db(40.0, 2400.0) - wifi::free_space_loss_db(39.0, 2400.0);
    EXPECT_NEAR(cov.rssi_dbm[outside] - cov.rssi_dbm[inside], 15.187 + spread, 0.01);
    // The same block thermally efficient (by its use) loses 30.6 dB.
    cfg.thermally_efficient_uses = {geodata::BuildingUse::Residential};
    wifi::assign_building_types(cfg, m);
    const auto efficient = wifi::compute_coverage(h, *m.access_points, cfg);
    EXPECT_NEAR(efficient.rssi_dbm[outside] - efficient.rssi_dbm[inside], 30.570 + spread, 0.01);
    EXPECT_EQ(efficient.rssi_dbm[outside], cov.rssi_dbm[outside]);
    // Its residents are counted indoors: a threshold between the two levels leaves them out.
    cfg.threshold_dbm = (efficient.rssi_dbm[outside] + efficient.rssi_dbm[inside]) / 2.0;
    const auto k = wifi::wifi_kpis(m, h, efficient, {50}, cfg);
    EXPECT_DOUBLE_EQ(k.population, 50.0);
    EXPECT_DOUBLE_EQ(k.population_covered_share, 0.0);
    EXPECT_GT(k.area_covered_share, 0.0);
    EXPECT_EQ(k.homes_outdoors, 0u);
}

TEST(Coverage, LinksBeyondTheFitsRangeAreCounted) {
    // P.1411 residential NLoS holds to 170 m; a 300 m radius over a 200 m field reaches
    // beyond it only behind the block (NLoS) far from the AP.
    const CityModel m = town({box_building(0, 20, 40, 24, 60, 30.0)}, {ap_at(0, {10.5, 50.5}, 6)}, field);
    wifi::CoverageConfig cfg;
    cfg.cell_size_m = 1.0;
    cfg.use_terrain = false;
    cfg.propagation.nlos_environment = wifi::NlosEnvironment::Residential;
    const HeightRaster h = build_height_raster(m, Grid::covering(field, 1.0), false);
    const auto cov = wifi::compute_coverage(h, *m.access_points, cfg);
    EXPECT_GT(cov.beyond_validity_ap_cells, 0u);
    EXPECT_LT(cov.beyond_validity_ap_cells, cov.ap_cells - cov.los_ap_cells);
    cfg.propagation.nlos_environment = wifi::NlosEnvironment::Urban;   // to 715 m: none
    EXPECT_EQ(wifi::compute_coverage(h, *m.access_points, cfg).beyond_validity_ap_cells, 0u);
}

TEST(WifiKpis, SharesOnAHandMadeTown) {
    // 200 × 100 m field, 1 m cells. An AP at the west end covers (free space, −75 dBm
    // threshold) every cell of the field: 20 − FSPL(200 m) = −66 dBm.
    CityModel m = town({box_building(0, 10, 10, 20, 20, 9.0), box_building(1, 150, 60, 170, 80, 9.0)},
                       {ap_at(0, {0.5, 50.5}, 6)}, field);
    auto cfg = free_space();
    const HeightRaster h = build_height_raster(m, Grid::covering(field, 1.0), false);
    const auto cov = wifi::compute_coverage(h, *m.access_points, cfg);
    const auto all = wifi::wifi_kpis(m, h, cov, {10, 30}, cfg);
    EXPECT_EQ(all.aps, 1u);
    EXPECT_EQ(all.outdoor_cells, 200u * 100u - 100u - 400u);
    EXPECT_DOUBLE_EQ(all.area_covered_share, 1.0);
    EXPECT_DOUBLE_EQ(all.population, 40.0);
    EXPECT_DOUBLE_EQ(all.population_covered_share, 1.0);
    EXPECT_TRUE(all.grid_districts);            // the town has no districts: a 500 m grid
    ASSERT_EQ(all.districts.size(), 1u);
    EXPECT_DOUBLE_EQ(all.districts[0].people_per_ap, 40.0);

    // A −60 dBm threshold: covered up to 10^((20 − 40.05 + 60)/20) ≈ 99.5 m from the AP.
    cfg.threshold_dbm = -60.0;
    const auto cov60 = wifi::compute_coverage(h, *m.access_points, cfg);
    // People in the street: 3 person-hours 50 m from the AP, 1 at 150 m, 1 off the grid.
    const std::vector<wifi::MovingPeople> street{
        {8, {50.5, 40.5}, 2.0}, {9, {50.5, 40.5}, 1.0}, {8, {150.5, 40.5}, 1.0}, {8, {900.0, 40.0}, 1.0}};
    const auto part = wifi::wifi_kpis(m, h, cov60, {10, 30}, cfg, nullptr, &street);
    EXPECT_DOUBLE_EQ(part.street_person_hours, 4.0);
    EXPECT_DOUBLE_EQ(part.street_covered_person_hours, 3.0);
    EXPECT_DOUBLE_EQ(part.outdoor_people_covered_share, 0.75);
    EXPECT_DOUBLE_EQ(part.districts[0].outdoor_people_covered_share, 0.75);
    EXPECT_DOUBLE_EQ(all.outdoor_people_covered_share, 0.0) << "nobody in the streets given";
    EXPECT_DOUBLE_EQ(part.population_covered_share, 10.0 / 40.0);   // only the western building
    EXPECT_GT(part.area_covered_share, 0.35);   // a half-disc of ~99 m clipped to the 100 m band: ~0.48
    EXPECT_LT(part.area_covered_share, 0.55);
    EXPECT_GT(part.mean_sinr_db, 35.0);                              // ≥ −60 dBm over a −95 dBm floor
}

TEST(WifiKpis, GridDistrictsTileTheArea) {
    const auto d = wifi::grid_districts({{0, 0}, {1200, 600}}, 500.0);
    ASSERT_EQ(d.size(), 3u * 2u);
    EXPECT_EQ(d[0].name, "grid r0 c0");
    EXPECT_DOUBLE_EQ(geodata::area(d[0].area), 250000.0);
    EXPECT_TRUE(geodata::contains(d[0].area, {10, 590}));   // north-west corner first
    EXPECT_TRUE(geodata::contains(d[5].area, {1190, 10}));
}

}  // namespace
}  // namespace citytwin::sim
