#include <citytwin/sim/height_raster.hpp>

#include <limits>

namespace citytwin::sim {

Grid Grid::covering(const geodata::Box& area, double cell_size) {
    Grid g;
    g.cell_size = cell_size;
    if (area.empty()) return g;
    g.origin_x = std::floor(area.min.x / cell_size) * cell_size;
    g.origin_y = std::ceil(area.max.y / cell_size) * cell_size;
    g.width = std::max(1, static_cast<int>(std::ceil((area.max.x - g.origin_x) / cell_size)));
    g.height = std::max(1, static_cast<int>(std::ceil((g.origin_y - area.min.y) / cell_size)));
    return g;
}

HeightRaster build_height_raster(const geodata::CityModel& model, const Grid& grid, bool use_terrain) {
    HeightRaster r;
    r.grid = grid;
    r.ground.assign(grid.cells(), 0.0f);
    r.building.assign(grid.cells(), 0.0f);
    r.building_id.assign(grid.cells(), no_building);
    if (use_terrain && model.terrain) {
        for (int row = 0; row < grid.height; ++row)
            for (int col = 0; col < grid.width; ++col) {
                const float z = model.terrain->sample(grid.centre(col, row));
                // Outside the terrain (or a void in it) the ground is taken as sea level.
                r.ground[grid.index(col, row)] = z == model.terrain->nodata ? 0.0f : z;
            }
    }
    // Buildings in id order, so the lowest id keeps a cell where footprints overlap.
    for (const auto& b : *model.buildings) {
        const auto h = static_cast<float>(b.height_m);
        for_each_cell_inside(grid, b.footprint, [&](int col, int row) {
            const std::size_t i = grid.index(col, row);
            r.building[i] = std::max(r.building[i], h);
            if (r.building_id[i] == no_building) r.building_id[i] = b.id.value;
        });
    }
    return r;
}

double ground_at(const HeightRaster& raster, const geodata::Point& p) {
    const auto c = raster.grid.cell_of(p);
    return c ? raster.ground[raster.grid.index(c->col, c->row)] : 0.0;
}

bool line_of_sight(const HeightRaster& raster, const geodata::Point& a, double ha, const geodata::Point& b, double hb) {
    const Grid& g = raster.grid;
    const auto ca = g.cell_of(a);
    const auto cb = g.cell_of(b);
    const std::uint32_t own_a = ca ? raster.building_id[g.index(ca->col, ca->row)] : no_building;
    const std::uint32_t own_b = cb ? raster.building_id[g.index(cb->col, cb->row)] : no_building;
    const double za = ground_at(raster, a) + ha;
    const double zb = ground_at(raster, b) + hb;

    // t in [0, 1] along the segment.
    const double u0 = (a.x - g.origin_x) / g.cell_size, v0 = (g.origin_y - a.y) / g.cell_size;
    const double u1 = (b.x - g.origin_x) / g.cell_size, v1 = (g.origin_y - b.y) / g.cell_size;
    CellWalk walk(u0, v0, u1 - u0, v1 - v0);
    const long col_end = static_cast<long>(std::floor(u1)), row_end = static_cast<long>(std::floor(v1));
    // Bounded by the cells a segment can cross, whatever rounding does near corners.
    const long max_steps = std::abs(col_end - walk.col) + std::abs(row_end - walk.row) + 2;
    double t_in = 0.0;
    for (long s = 0; s <= max_steps; ++s) {
        const long col = walk.col, row = walk.row;
        const double t_out = std::min(walk.t_exit(), 1.0);
        const bool end_cell = (s == 0) || (col == col_end && row == row_end);
        if (!end_cell && col >= 0 && row >= 0 && col < g.width && row < g.height) {
            const std::size_t i = g.index(static_cast<int>(col), static_cast<int>(row));
            const double lowest = std::min(za + t_in * (zb - za), za + t_out * (zb - za));
            // The full surface first: only a cell that would block needs the (rarer)
            // own-building exemption looked up. Same float sums as ground + building.
            if (lowest < raster.ground[i] + raster.building[i]) {
                const std::uint32_t id = raster.building_id[i];
                const bool own = id != no_building && (id == own_a || id == own_b);
                if (!own || lowest < raster.ground[i] + 0.0f) return false;
            }
        }
        if (col == col_end && row == row_end) break;
        if (t_out >= 1.0) break;
        walk.step();
        t_in = t_out;
    }
    return true;
}

}  // namespace citytwin::sim
