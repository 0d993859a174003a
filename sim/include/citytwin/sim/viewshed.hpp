#pragma once
// Line of sight from one antenna to every cell within a radius, sharing the work between
// cells: a radial-ray viewshed (the "R2" family of Franklin & Ray, "Higher isn't
// necessarily better: visibility algorithms and experiments", 1994). Rays leave the
// antenna towards the points of a square around it, at most one cell apart at the
// radius; each is walked once, cell by cell, keeping its horizon (the steepest slope
// from the antenna to any obstacle so far). A cell is decided by the ray that points
// most nearly at its centre: visible when the slope to the receiver is at least the
// horizon of that ray before the cell.
//
// Compared with one exact walk per cell (line_of_sight in height_raster.hpp) the ray may
// pass up to half a cell beside the cell centre, at the radius (less nearer the antenna):
// shadow edges can move by that much. The cost is the rays' cells plus one look-up per
// cell, instead of a walk as long as the distance for every cell.
#include <citytwin/sim/height_raster.hpp>

#include <cstdint>
#include <vector>

namespace citytwin::sim {

/// One walked ray: per cell it crosses (after the antenna's own cell), the distance at
/// which it leaves the cell and the horizon up to and including it.
struct RayHorizon {
    std::vector<double> exit_m;          ///< horizontal distance from the antenna where the ray leaves the cell
    std::vector<double> horizon;         ///< steepest obstacle slope (dz / distance) so far
    std::vector<double> horizon_outside; ///< the same, with the cells of `building` as bare ground
    std::vector<std::uint32_t> building; ///< the building the ray is crossing or just grazed (no_building: none)
    double u = 0, v = 0;                 ///< the ray's unit direction in grid units (u east, v south)
};

class Viewshed {
public:
    /// The antenna at `site`, `site_height_m` above the ground there; cells up to
    /// `radius_m` from it.
    Viewshed(const HeightRaster& raster, const geodata::Point& site, double site_height_m, double radius_m);

    std::uint32_t ray_count() const { return 4 * (2 * rays_per_half_side_ + 1); }

    /// The ray that decides cell (col, row): the one pointing most nearly at its centre.
    std::uint32_t ray_of(int col, int row) const;

    /// Walks ray `ray` out to `max_distance_m` (or the radius) into `out` (reused buffers).
    void walk(std::uint32_t ray, double max_distance_m, RayHorizon& out) const;

    /// Whether a receiver `receiver_height_m` above the ground of cell (col, row) sees the
    /// antenna, decided on `ray` = walk(ray_of(col, row)). Exemptions as in line_of_sight:
    /// the antenna's cell and building, and the receiver's own building (the run of its
    /// cells just before the receiver), do not obstruct unless the line is below the ground.
    bool visible(const RayHorizon& ray, int col, int row, double receiver_height_m) const;

    /// The same, with the receiver's elevation (ground + height) and the building it
    /// stands in (or no_building) already looked up.
    bool visible(const RayHorizon& ray, int col, int row, double receiver_z, std::uint32_t receiver_building) const;

    double antenna_z() const { return z_antenna_; }
    const geodata::Point& site() const { return site_; }

private:
    struct Direction {
        double u, v;   ///< unit vector in grid units (u east, v south)
    };
    Direction direction(std::uint32_t ray) const;

    const HeightRaster* raster_;
    geodata::Point site_;
    double z_antenna_ = 0.0;
    double radius_m_ = 0.0;
    double u0_ = 0.0, v0_ = 0.0;   ///< antenna in grid units
    std::uint32_t own_building_ = no_building;
    int rays_per_half_side_ = 1;
};

}  // namespace citytwin::sim
