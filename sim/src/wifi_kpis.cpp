#include <citytwin/sim/wifi_kpis.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace citytwin::sim::wifi {

namespace {
constexpr std::uint32_t no_district = UINT32_MAX;
constexpr double grid_district_size_m = 500.0;
}  // namespace

std::vector<geodata::District> grid_districts(const geodata::Box& area, double size_m) {
    std::vector<geodata::District> out;
    if (area.empty()) return out;
    const int cols = std::max(1, static_cast<int>(std::ceil((area.max.x - area.min.x) / size_m)));
    const int rows = std::max(1, static_cast<int>(std::ceil((area.max.y - area.min.y) / size_m)));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            geodata::District d;
            d.id = geodata::DistrictId(static_cast<std::uint32_t>(out.size()));
            d.name = "grid r" + std::to_string(r) + " c" + std::to_string(c);
            const double x0 = area.min.x + c * size_m, y1 = area.max.y - r * size_m;
            const double x1 = x0 + size_m, y0 = y1 - size_m;
            d.area = {geodata::Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, {}}};
            out.push_back(std::move(d));
        }
    return out;
}

std::vector<std::size_t> home_cells(const geodata::CityModel& model, const HeightRaster& heights) {
    const Grid& g = heights.grid;
    const auto& buildings = *model.buildings;
    constexpr std::size_t off_grid = SIZE_MAX;
    std::size_t ids = 0;
    for (const auto& b : buildings) ids = std::max<std::size_t>(ids, b.id.value + 1);
    std::vector<std::size_t> first_cell(ids, off_grid), home(ids, off_grid);
    for (std::size_t i = 0; i < g.cells(); ++i) {
        const std::uint32_t b = heights.building_id[i];
        if (b != no_building && b < ids && first_cell[b] == off_grid) first_cell[b] = i;
    }
    for (const auto& b : buildings) {
        const std::size_t id = b.id.value;
        const auto c = g.cell_of(b.centroid);
        const std::size_t centroid = c ? g.index(c->col, c->row) : off_grid;
        if (centroid != off_grid && heights.building_id[centroid] == b.id.value) home[id] = centroid;
        else if (first_cell[id] != off_grid) home[id] = first_cell[id];
        else home[id] = centroid;
    }
    return home;
}

WifiKpis wifi_kpis(const geodata::CityModel& model, const HeightRaster& heights, const Coverage& coverage,
                   const std::vector<std::uint32_t>& residents, const CoverageConfig& config,
                   const std::vector<std::size_t>* home_cells_given, const std::vector<MovingPeople>* street) {
    const Grid& g = coverage.grid;
    WifiKpis k;
    k.aps = model.access_points->size();
    std::vector<geodata::District> districts = *model.districts;
    if (districts.empty()) {
        const geodata::Box area{{g.origin_x, g.origin_y - g.height * g.cell_size},
                                {g.origin_x + g.width * g.cell_size, g.origin_y}};
        districts = grid_districts(area, grid_district_size_m);
        k.grid_districts = true;
    }
    // District of every cell centre (lowest id where districts overlap).
    std::vector<std::uint32_t> district_of(g.cells(), no_district);
    for (std::size_t d = 0; d < districts.size(); ++d)
        for_each_cell_inside(g, districts[d].area, [&](int col, int row) {
            auto& slot = district_of[g.index(col, row)];
            if (slot == no_district) slot = static_cast<std::uint32_t>(d);
        });
    k.districts.resize(districts.size());
    for (std::size_t d = 0; d < districts.size(); ++d) {
        k.districts[d].id = districts[d].id.value;
        k.districts[d].name = districts[d].name;
        k.districts[d].area = districts[d].area;
    }
    auto covered = [&](std::size_t i) { return coverage.rssi_dbm[i] != no_signal && coverage.rssi_dbm[i] >= config.threshold_dbm; };

    // Outdoor area and SINR: serial, in cell order, so the sums are the same every run.
    double sinr_sum = 0.0;
    for (std::size_t i = 0; i < g.cells(); ++i) {
        if (heights.indoor(i)) continue;
        const bool c = covered(i);
        ++k.outdoor_cells;
        if (c) {
            ++k.covered_outdoor_cells;
            sinr_sum += coverage.sinr_db[i];
        }
        if (district_of[i] != no_district) {
            auto& dc = k.districts[district_of[i]];
            ++dc.outdoor_cells;
            if (c) ++dc.covered_outdoor_cells;
        }
    }
    // Population: a building counts as covered when its home cell is (inside it, so
    // behind its own wall; home_cells).
    const auto& buildings = *model.buildings;
    std::vector<std::size_t> own_homes;
    if (!home_cells_given) own_homes = home_cells(model, heights);
    const std::vector<std::size_t>& homes = home_cells_given ? *home_cells_given : own_homes;
    for (std::size_t b = 0; b < buildings.size() && b < residents.size(); ++b) {
        if (b >= homes.size() || homes[b] == SIZE_MAX) continue;
        const std::size_t i = homes[b];
        const double people = residents[b];
        const bool inside = heights.building_id[i] == buildings[b].id.value;
        if (people > 0 && !inside) ++k.homes_outdoors;
        const bool c = covered(i);
        k.buildings.push_back({buildings[b].id.value, people, inside, coverage.rssi_dbm[i], c, coverage.server[i]});
        k.population += people;
        if (c) k.population_covered += people;
        if (district_of[i] != no_district) {
            auto& dc = k.districts[district_of[i]];
            dc.population += people;
            if (c) dc.population_covered += people;
        }
    }
    // People in the streets: at their position's cell, as the raster has it there.
    if (street)
        for (const auto& p : *street) {  // in the given order: fixed sums
            const auto cell = g.cell_of(p.position);
            if (!cell) continue;
            const std::size_t i = g.index(cell->col, cell->row);
            const bool c = covered(i);
            k.street_person_hours += p.weight;
            if (c) k.street_covered_person_hours += p.weight;
            if (district_of[i] != no_district) {
                auto& dc = k.districts[district_of[i]];
                dc.street_person_hours += p.weight;
                if (c) dc.street_covered_person_hours += p.weight;
            }
        }
    for (const auto& ap : *model.access_points)
        if (const auto cell = g.cell_of(ap.position)) {
            const std::uint32_t d = district_of[g.index(cell->col, cell->row)];
            if (d != no_district) ++k.districts[d].aps;
        }

    auto share = [](double part, double whole) { return whole > 0 ? part / whole : 0.0; };
    k.area_covered_share = share(static_cast<double>(k.covered_outdoor_cells), static_cast<double>(k.outdoor_cells));
    k.population_covered_share = share(k.population_covered, k.population);
    k.outdoor_people_covered_share = share(k.street_covered_person_hours, k.street_person_hours);
    k.location_probability = config.propagation.location_probability;
    k.beyond_validity_ap_cells = coverage.beyond_validity_ap_cells;
    k.mean_sinr_db = k.covered_outdoor_cells ? sinr_sum / static_cast<double>(k.covered_outdoor_cells) : 0.0;
    for (auto& dc : k.districts) {
        dc.area_covered_share = share(static_cast<double>(dc.covered_outdoor_cells), static_cast<double>(dc.outdoor_cells));
        dc.population_covered_share = share(dc.population_covered, dc.population);
        dc.outdoor_people_covered_share = share(dc.street_covered_person_hours, dc.street_person_hours);
        dc.people_per_ap = dc.aps ? dc.population / static_cast<double>(dc.aps) : std::numeric_limits<double>::quiet_NaN();
    }
    return k;
}

}  // namespace citytwin::sim::wifi
