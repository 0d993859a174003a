#pragma once
// Obstruction for radio links: building heights rasterised over the study area (on
// terrain when the city has it) and a line-of-sight test that walks the cells a straight
// line crosses.
#include <citytwin/geodata/city_model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace citytwin::sim {

/// A north-up grid in the working CRS; row 0 is the northern edge, cells row-major
/// (the geodata::Raster convention, and GeoTIFF's).
struct Grid {
    int width = 0;
    int height = 0;
    double origin_x = 0.0;   ///< west edge
    double origin_y = 0.0;   ///< north edge
    double cell_size = 1.0;

    /// The smallest grid of this cell size covering `area`, with its origin on a
    /// multiple of the cell size (so grids of the same size line up).
    static Grid covering(const geodata::Box& area, double cell_size);

    std::size_t cells() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
    std::size_t index(int col, int row) const {
        return static_cast<std::size_t>(row) * static_cast<std::size_t>(width) + static_cast<std::size_t>(col);
    }
    geodata::Point centre(int col, int row) const {
        return {origin_x + (col + 0.5) * cell_size, origin_y - (row + 0.5) * cell_size};
    }
    struct Cell {
        int col, row;
    };
    /// The cell holding p (west and north edges belong to the cell); nullopt outside.
    std::optional<Cell> cell_of(const geodata::Point& p) const {
        const double c = std::floor((p.x - origin_x) / cell_size);
        const double r = std::floor((origin_y - p.y) / cell_size);
        if (c < 0 || r < 0 || c >= width || r >= height) return std::nullopt;
        return Cell{static_cast<int>(c), static_cast<int>(r)};
    }
};

/// Calls fn(col, row) for every cell whose centre lies inside the polygons (even-odd
/// rule over all rings, so holes are left out), row by row from the north. A scanline
/// fill: cost is the rows crossed × edges, not the bounding box × edges.
template <typename Fn>
void for_each_cell_inside(const Grid& grid, const geodata::MultiPolygon& polygons, Fn&& fn);

inline constexpr std::uint32_t no_building = UINT32_MAX;

/// Surface heights for the obstruction test, one value per grid cell.
struct HeightRaster {
    Grid grid;
    std::vector<float> ground;                 ///< terrain elevation, m (0 without terrain)
    std::vector<float> building;               ///< building height above ground, m (0: open)
    std::vector<std::uint32_t> building_id;    ///< building holding the cell centre (lowest id), or no_building

    bool indoor(std::size_t cell) const { return building_id[cell] != no_building; }
};

/// Rasterises the footprints: a cell whose centre is inside a footprint gets that
/// building's height (the highest where footprints overlap). With `use_terrain` and a
/// terrain raster, the ground is the terrain sampled (bilinear) at the cell centre.
HeightRaster build_height_raster(const geodata::CityModel& model, const Grid& grid, bool use_terrain);

/// Whether the straight line from a (height above ground ha) to b (hb) clears every
/// cell it crosses: in each cell the line's lowest point (at entry or exit) must be at
/// or above ground + building. The two end cells, and every cell of the buildings the
/// ends stand in (an indoor receiver, a wall-mounted AP), do not obstruct; cells
/// outside the grid do not either.
bool line_of_sight(const HeightRaster& raster, const geodata::Point& a, double ha, const geodata::Point& b, double hb);

/// The cells a line crosses, in order (Amanatides & Woo, "A fast voxel traversal
/// algorithm", 1987), in grid units: u east, v south, from (u0, v0) along (du, dv); t is
/// the parameter along (du, dv) (t = 1 at the end of a segment, or the distance in cells
/// for a unit direction).
class CellWalk {
public:
    CellWalk(double u0, double v0, double du, double dv)
        : col(static_cast<long>(std::floor(u0))), row(static_cast<long>(std::floor(v0))),
          step_c_(du > 0 ? 1 : -1), step_r_(dv > 0 ? 1 : -1),
          dt_c_(du != 0 ? std::abs(1.0 / du) : infinity), dt_r_(dv != 0 ? std::abs(1.0 / dv) : infinity),
          t_c_(du > 0 ? (std::floor(u0) + 1 - u0) / du : du < 0 ? (u0 - std::floor(u0)) / -du : infinity),
          t_r_(dv > 0 ? (std::floor(v0) + 1 - v0) / dv : dv < 0 ? (v0 - std::floor(v0)) / -dv : infinity) {}

    long col, row;   ///< the current cell (may lie outside the grid)

    /// Where the line leaves the current cell.
    double t_exit() const { return std::min(t_c_, t_r_); }
    /// On to the next cell.
    void step() {
        if (t_c_ < t_r_) {
            col += step_c_;
            t_c_ += dt_c_;
        } else {
            row += step_r_;
            t_r_ += dt_r_;
        }
    }

private:
    static constexpr double infinity = std::numeric_limits<double>::infinity();
    int step_c_, step_r_;
    double dt_c_, dt_r_, t_c_, t_r_;
};

/// Ground elevation at p (the cell's value; 0 outside the grid).
double ground_at(const HeightRaster& raster, const geodata::Point& p);

// ---------------------------------------------------------------- implementation

template <typename Fn>
void for_each_cell_inside(const Grid& grid, const geodata::MultiPolygon& polygons, Fn&& fn) {
    const geodata::Box box = geodata::bounds(polygons);
    if (box.empty()) return;
    const double cs = grid.cell_size;
    const int row_first = std::max(0, static_cast<int>(std::ceil((grid.origin_y - box.max.y) / cs - 0.5)));
    const int row_last = std::min(grid.height - 1, static_cast<int>(std::floor((grid.origin_y - box.min.y) / cs - 0.5)));
    std::vector<double> xs;
    for (int row = row_first; row <= row_last; ++row) {
        const double y = grid.origin_y - (row + 0.5) * cs;
        xs.clear();
        auto crossings = [&](const geodata::Ring& ring) {
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                const geodata::Point& p = ring[i];
                const geodata::Point& q = ring[i + 1];
                if ((p.y > y) != (q.y > y)) xs.push_back(p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y));
            }
        };
        for (const auto& poly : polygons) {
            crossings(poly.outer);
            for (const auto& hole : poly.holes) crossings(hole);
        }
        std::sort(xs.begin(), xs.end());
        for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
            // Centres x_c = origin_x + (col + 0.5)·cs with xs[k] <= x_c < xs[k + 1].
            const int c0 = std::max(0, static_cast<int>(std::ceil((xs[k] - grid.origin_x) / cs - 0.5)));
            const int c1 = std::min(grid.width - 1,
                                    static_cast<int>(std::ceil((xs[k + 1] - grid.origin_x) / cs - 0.5)) - 1);
            for (int col = c0; col <= c1; ++col) fn(col, row);
        }
    }
}

}  // namespace citytwin::sim
