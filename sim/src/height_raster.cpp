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

    // Cell walk (Amanatides & Woo, "A fast voxel traversal algorithm", 1987) in grid
    // units: u east, v south; t in [0, 1] along the segment.
    const double u0 = (a.x - g.origin_x) / g.cell_size, v0 = (g.origin_y - a.y) / g.cell_size;
    const double u1 = (b.x - g.origin_x) / g.cell_size, v1 = (g.origin_y - b.y) / g.cell_size;
    const double du = u1 - u0, dv = v1 - v0;
    long col = static_cast<long>(std::floor(u0)), row = static_cast<long>(std::floor(v0));
    const long col_end = static_cast<long>(std::floor(u1)), row_end = static_cast<long>(std::floor(v1));
    const int step_c = du > 0 ? 1 : -1, step_r = dv > 0 ? 1 : -1;
    constexpr double inf = std::numeric_limits<double>::infinity();
    const double dt_c = du != 0 ? std::abs(1.0 / du) : inf;
    const double dt_r = dv != 0 ? std::abs(1.0 / dv) : inf;
    double t_c = du > 0 ? (std::floor(u0) + 1 - u0) / du : du < 0 ? (u0 - std::floor(u0)) / -du : inf;
    double t_r = dv > 0 ? (std::floor(v0) + 1 - v0) / dv : dv < 0 ? (v0 - std::floor(v0)) / -dv : inf;
    // Bounded by the cells a segment can cross, whatever rounding does near corners.
    const long max_steps = std::abs(col_end - col) + std::abs(row_end - row) + 2;
    double t_in = 0.0;
    for (long s = 0; s <= max_steps; ++s) {
        const double t_out = std::min({t_c, t_r, 1.0});
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
        if (t_c < t_r) {
            col += step_c;
            t_c += dt_c;
        } else {
            row += step_r;
            t_r += dt_r;
        }
        t_in = t_out;
    }
    return true;
}

BlockBounds::BlockBounds(const HeightRaster& raster, int block_cells) : block(std::max(1, block_cells)) {
    const Grid& g = raster.grid;
    width = (g.width + block - 1) / block;
    height = (g.height + block - 1) / block;
    const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    max_surface.assign(n, std::numeric_limits<float>::lowest());
    min_surface.assign(n, std::numeric_limits<float>::max());
    filled_by.assign(n, no_building);
    std::vector<std::size_t> filled_cells(n, 0);
    std::vector<std::uint32_t> first_id(n, no_building);
    std::vector<bool> mixed(n, false);
    for (int row = 0; row < g.height; ++row)
        for (int col = 0; col < g.width; ++col) {
            const std::size_t i = g.index(col, row);
            const std::size_t k = static_cast<std::size_t>(row / block) * static_cast<std::size_t>(width) +
                                  static_cast<std::size_t>(col / block);
            const float z = raster.ground[i] + raster.building[i];
            max_surface[k] = std::max(max_surface[k], z);
            min_surface[k] = std::min(min_surface[k], z);
            const std::uint32_t id = raster.building_id[i];
            if (id == no_building || (first_id[k] != no_building && first_id[k] != id)) mixed[k] = true;
            if (first_id[k] == no_building) first_id[k] = id;
            ++filled_cells[k];
        }
    for (std::size_t k = 0; k < n; ++k)
        if (!mixed[k] && filled_cells[k] > 0) filled_by[k] = first_id[k];
}

BlockBounds::Sight BlockBounds::classify(const HeightRaster& raster, const geodata::Point& a, double ha,
                                         const geodata::Point& b, double hb) const {
    // Clear: every block the segment comes within `eps` blocks of (so rounding in the
    // exact walk, or a path through a block corner, cannot reach a block left
    // unchecked) has its highest surface `margin` below the line's lowest point there.
    // Exemptions (end cells, own buildings) only lower surfaces: maxima stay bounds.
    // Blocked: the segment runs through the inside of a block (more than `eps` from its
    // edges) that one building fills, not an end's building, holding neither end cell,
    // and whose lowest surface is `margin` above the line's highest point in the block:
    // the exact walk visits a cell of that block and finds it blocking.
    constexpr double eps = 1e-6;     // blocks
    constexpr double margin = 1e-6;  // m, far above rounding in the walk's heights
    const Grid& g = raster.grid;
    const auto ca = g.cell_of(a), cb = g.cell_of(b);
    const std::uint32_t own_a = ca ? raster.building_id[g.index(ca->col, ca->row)] : no_building;
    const std::uint32_t own_b = cb ? raster.building_id[g.index(cb->col, cb->row)] : no_building;
    const long end_a = ca ? static_cast<long>(ca->row / block) * width + ca->col / block : -1;
    const long end_b = cb ? static_cast<long>(cb->row / block) * width + cb->col / block : -1;
    const double za = ground_at(raster, a) + ha, zb = ground_at(raster, b) + hb, dz = zb - za;
    const double bs = block * g.cell_size;
    const double u0 = (a.x - g.origin_x) / bs, v0 = (g.origin_y - a.y) / bs;
    const double du = (b.x - g.origin_x) / bs - u0, dv = (g.origin_y - b.y) / bs - v0;
    const int j_first = std::max(0, static_cast<int>(std::floor(std::min(v0, v0 + dv) - eps)));
    const int j_last = std::min(height - 1, static_cast<int>(std::floor(std::max(v0, v0 + dv) + eps)));
    // t where the segment is at coordinate c along an axis (start s, delta d), as an
    // interval [lo, hi] of the segment for the slab [c0, c1]; the whole segment when d = 0
    // and the start is in the slab.
    const double inv_du = du != 0.0 ? 1.0 / du : 0.0, inv_dv = dv != 0.0 ? 1.0 / dv : 0.0;
    auto slab = [](double s, double d, double inv_d, double c0, double c1, double& lo, double& hi) {
        if (d != 0.0) {
            lo = (c0 - s) * inv_d;
            hi = (c1 - s) * inv_d;
            if (lo > hi) std::swap(lo, hi);
        } else if (s >= c0 && s <= c1) {
            lo = -std::numeric_limits<double>::infinity();
            hi = std::numeric_limits<double>::infinity();
        } else {
            lo = std::numeric_limits<double>::infinity();
            hi = -std::numeric_limits<double>::infinity();
        }
        lo = std::max(lo, 0.0);
        hi = std::min(hi, 1.0);
    };
    bool unknown = false;
    for (int j = j_first; j <= j_last; ++j) {
        double ta = 0.0, tb = 1.0;
        slab(v0, dv, inv_dv, j - eps, j + 1 + eps, ta, tb);
        const double ua = u0 + ta * du, ub = u0 + tb * du;
        const int i_first = std::max(0, static_cast<int>(std::floor(std::min(ua, ub) - eps)));
        const int i_last = std::min(width - 1, static_cast<int>(std::floor(std::max(ua, ub) + eps)));
        const double lowest = std::min(za + ta * dz, za + tb * dz) - margin;
        const std::size_t band = static_cast<std::size_t>(j) * static_cast<std::size_t>(width);
        for (int i = i_first; i <= i_last; ++i) {
            const std::size_t k = band + static_cast<std::size_t>(i);
            if (max_surface[k] < lowest) continue;
            unknown = true;
            const std::uint32_t id = filled_by[k];
            if (id == no_building || id == own_a || id == own_b || static_cast<long>(k) == end_a ||
                static_cast<long>(k) == end_b)
                continue;
            // The line's lowest point in the band is at or below its highest in the block.
            if (min_surface[k] <= lowest) continue;
            double uo0, uo1;
            slab(u0, du, inv_du, i - eps, i + 1 + eps, uo0, uo1);  // all of the segment in the block
            const double t0 = std::max(ta, uo0), t1 = std::min(tb, uo1);
            const double highest = std::max(za + t0 * dz, za + t1 * dz) + margin;
            if (min_surface[k] <= highest) continue;
            double vi0, vi1, ui0, ui1;
            slab(v0, dv, inv_dv, j + eps, j + 1 - eps, vi0, vi1);  // inside, away from the edges
            slab(u0, du, inv_du, i + eps, i + 1 - eps, ui0, ui1);
            if (std::max(vi0, ui0) < std::min(vi1, ui1)) return Sight::Blocked;
        }
    }
    return unknown ? Sight::Unknown : Sight::Clear;
}

}  // namespace citytwin::sim
