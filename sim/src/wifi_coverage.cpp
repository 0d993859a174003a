#include <citytwin/sim/wifi_coverage.hpp>
#include <citytwin/sim/viewshed.hpp>
#include <citytwin/sim/wifi_channels.hpp>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <numbers>

namespace citytwin::sim::wifi {

namespace {

// Rows per merge task. Fixed so the work split is the same for every thread count
// (results would not change anyway: each cell is written by one task).
constexpr int tile_rows = 8;

// APs whose fields are held at once: a budget, not a function of the thread count, so
// memory stays bounded however many APs there are (results do not depend on it).
constexpr std::size_t field_budget_bytes = std::size_t{64} << 20;
// Fields kept from the first pass for the second (APs that sense another): beyond this
// budget they are computed again (results do not depend on it).
constexpr std::size_t kept_field_budget_bytes = std::size_t{256} << 20;

/// One AP's received power over the square of cells around it that its radius reaches.
struct ApField {
    int col0 = 0, row0 = 0, cols = 0, rows = 0;
    std::vector<float> dbm;   ///< no_signal beyond the radius
    std::uint64_t pairs = 0, los = 0, beyond = 0;

    std::size_t at(int c, int rw) const {
        return static_cast<std::size_t>(rw) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(c);
    }
};

/// Per-thread buffers for computing fields.
struct Scratch {
    struct Cell {
        std::uint32_t local;      ///< index in the field
        std::uint32_t building;   ///< the building the receiver stands in
        double z;                 ///< receiver elevation
    };
    std::vector<std::uint32_t> ray_of_cell, first;
    std::vector<Cell> order;      ///< cells by ray
    std::vector<std::uint8_t> los;
    std::vector<double> reach;    ///< per ray: the farthest needed cell (filtered fields)
    RayHorizon ray;
};

/// The received power of `ap` at cell (col, row), its line of sight already decided;
/// counts the link in `*beyond` when it lies outside the model's validity range.
// Inlined by hand: the innermost loop of every field (out of line it costs 6 % of a run).
[[gnu::always_inline]] inline double cell_dbm(const HeightRaster& heights, const geodata::AccessPoint& ap,
                                              const PathLossAt& loss, double z_antenna,
                int col, int row, bool los, const CoverageConfig& config, std::uint64_t* beyond = nullptr) {
    const Grid& g = heights.grid;
    const std::size_t i = g.index(col, row);
    const geodata::Point rx = g.centre(col, row);
    const double dx = ap.position.x - rx.x, dy = ap.position.y - rx.y;
    const double dz = z_antenna - (heights.ground[i] + config.receiver_height_m);
    const double d2 = dx * dx + dy * dy + dz * dz;
    if (beyond && loss.beyond_validity(d2, los)) ++*beyond;
    return ap.tx_power_dbm - loss(d2, los, receiver_site(heights, i, config));
}

/// Milliwatts from dBm (10^(dbm/10), as exp: cheaper than pow on every cell).
double milliwatts(float dbm) { return std::exp(static_cast<double>(dbm) * (std::numbers::ln10 / 10.0)); }

bool within(const Grid& g, const geodata::AccessPoint& ap, int col, int row, double r2) {
    const geodata::Point rx = g.centre(col, row);
    const double dx = ap.position.x - rx.x, dy = ap.position.y - rx.y;
    return dx * dx + dy * dy <= r2;
}

/// The field's columns [c0, c1) of row `rw` within the radius (`within`, decided exactly
/// at the ends of an estimate).
std::pair<int, int> disc_row(const Grid& g, const geodata::AccessPoint& ap, const ApField& f, int rw, double r2) {
    const int row = f.row0 + rw;
    const double dy = ap.position.y - g.centre(0, row).y;
    if (dy * dy > r2) return {0, 0};
    const double half = std::sqrt(r2 - dy * dy) / g.cell_size;
    const double centre = (ap.position.x - g.origin_x) / g.cell_size - 0.5 - f.col0;  // col of the AP, field units
    int c0 = std::clamp(static_cast<int>(std::ceil(centre - half)), 0, f.cols);
    int c1 = std::clamp(static_cast<int>(std::floor(centre + half)) + 1, 0, f.cols);
    while (c0 > 0 && within(g, ap, f.col0 + c0 - 1, row, r2)) --c0;
    while (c0 < c1 && !within(g, ap, f.col0 + c0, row, r2)) ++c0;
    while (c1 < f.cols && within(g, ap, f.col0 + c1, row, r2)) ++c1;
    while (c1 > c0 && !within(g, ap, f.col0 + c1 - 1, row, r2)) --c1;
    return {c0, c1};
}

/// Which cells of a field are computed: every one (the first pass), or only those whose
/// server (as a position in the id-ordered AP list) is one of `sensed` (CellFilter). A
/// template parameter, so that the first pass's loops carry no test.
struct EveryCell {
    static constexpr bool all = true;
    bool operator()(std::size_t) const { return true; }
};
struct CellFilter {
    static constexpr bool all = false;
    const std::vector<std::uint32_t>* server_site = nullptr;   ///< per cell; UINT32_MAX: none
    const std::vector<std::uint32_t>* sensed = nullptr;        ///< ascending
    bool operator()(std::size_t cell) const {
        return std::binary_search(sensed->begin(), sensed->end(), (*server_site)[cell]);
    }
};

/// Line of sight of every cell of field `f` within the radius (or those `need` names),
/// decided on the viewshed of `ap`, into scratch.los. With `need`, each ray is walked only
/// as far as its farthest needed cell: a cell's decision reads the walk up to itself only.
template <class Need>
void viewshed_los(const HeightRaster& heights, const geodata::AccessPoint& ap, const Viewshed& view, const ApField& f,
                  const CoverageConfig& config, Scratch& scratch, const Need& need) {
    const Grid& g = heights.grid;
    const double r = config.max_radius_m, r2 = r * r;
    // Cells grouped by the ray that decides them (a counting sort), so each ray is walked
    // once and its cells decided while it is in cache. What a cell needs (its elevation and
    // building) is gathered in row order first: read ray by ray, the raster would miss
    // the cache at every cell.
    const std::uint32_t rays = view.ray_count();
    constexpr std::uint32_t outside = UINT32_MAX;
    scratch.ray_of_cell.assign(f.dbm.size(), outside);
    scratch.first.assign(rays + 1, 0);
    if constexpr (!Need::all) scratch.reach.assign(rays, 0.0);
    for (int rw = 0; rw < f.rows; ++rw) {
        const auto [c0, c1] = disc_row(g, ap, f, rw, r2);
        for (int c = c0; c < c1; ++c) {
            if (!need(g.index(f.col0 + c, f.row0 + rw))) continue;
            const std::uint32_t ray = view.ray_of(f.col0 + c, f.row0 + rw);
            if constexpr (!Need::all) {
                const geodata::Point p = g.centre(f.col0 + c, f.row0 + rw);
                scratch.reach[ray] = std::max(scratch.reach[ray], std::hypot(p.x - ap.position.x, p.y - ap.position.y));
            }
            scratch.ray_of_cell[f.at(c, rw)] = ray;
            ++scratch.first[ray + 1];
        }
    }
    for (std::uint32_t k = 0; k < rays; ++k) scratch.first[k + 1] += scratch.first[k];
    scratch.order.resize(scratch.first[rays]);
    {
        std::vector<std::uint32_t> next(scratch.first.begin(), scratch.first.end() - 1);
        for (int rw = 0; rw < f.rows; ++rw)
            for (int c = 0; c < f.cols; ++c) {
                const std::size_t k = f.at(c, rw);
                const std::uint32_t ray = scratch.ray_of_cell[k];
                if (ray == outside) continue;
                const std::size_t i = g.index(f.col0 + c, f.row0 + rw);
                scratch.order[next[ray]++] = {static_cast<std::uint32_t>(k), heights.building_id[i],
                                              heights.ground[i] + config.receiver_height_m};
            }
    }
    for (std::uint32_t ray = 0; ray < rays; ++ray) {
        if (scratch.first[ray] == scratch.first[ray + 1]) continue;
        if constexpr (Need::all) view.walk(ray, r, scratch.ray);
        else view.walk(ray, std::min(r, scratch.reach[ray] + g.cell_size), scratch.ray);
        for (std::uint32_t k = scratch.first[ray]; k < scratch.first[ray + 1]; ++k) {
            const auto& cell = scratch.order[k];
            const int col = f.col0 + static_cast<int>(cell.local % static_cast<std::uint32_t>(f.cols));
            const int row = f.row0 + static_cast<int>(cell.local / static_cast<std::uint32_t>(f.cols));
            scratch.los[cell.local] = view.visible(scratch.ray, col, row, cell.z, cell.building) ? 1 : 0;
        }
    }
}

/// A rectangle of cells, bounds included; empty while col1 < col0.
struct CellBox {
    int col0 = INT_MAX, row0 = INT_MAX, col1 = -1, row1 = -1;
    bool empty() const { return col1 < col0; }
    void add(int col, int row) {
        col0 = std::min(col0, col), row0 = std::min(row0, row), col1 = std::max(col1, col), row1 = std::max(row1, row);
    }
    void add(const CellBox& b) {
        if (b.empty()) return;
        add(b.col0, b.row0);
        add(b.col1, b.row1);
    }
};

/// The field of `ap` over its radius, or only over the part of it inside `clip`: each
/// cell's value does not depend on which others are computed (its line of sight is
/// decided on its own ray, walked to the full radius), so a clipped field agrees with
/// the whole one to the bit.
template <class Need = EveryCell>
ApField field_of(const HeightRaster& heights, const geodata::AccessPoint& ap, const CoverageConfig& config,
                 Scratch& scratch, const CellBox* clip = nullptr, const Need& need = {}) {
    const Grid& g = heights.grid;
    const double cs = g.cell_size, r = config.max_radius_m, r2 = r * r;
    ApField f;
    f.col0 = std::max(0, static_cast<int>(std::floor((ap.position.x - r - g.origin_x) / cs)));
    f.row0 = std::max(0, static_cast<int>(std::floor((g.origin_y - ap.position.y - r) / cs)));
    int col1 = std::min(g.width - 1, static_cast<int>(std::floor((ap.position.x + r - g.origin_x) / cs)));
    int row1 = std::min(g.height - 1, static_cast<int>(std::floor((g.origin_y - ap.position.y + r) / cs)));
    if (clip) {
        f.col0 = std::max(f.col0, clip->col0), f.row0 = std::max(f.row0, clip->row0);
        col1 = std::min(col1, clip->col1), row1 = std::min(row1, clip->row1);
    }
    if (col1 < f.col0 || row1 < f.row0) return f;
    f.cols = col1 - f.col0 + 1;
    f.rows = row1 - f.row0 + 1;
    f.dbm.assign(static_cast<std::size_t>(f.cols) * static_cast<std::size_t>(f.rows), no_signal);
    const Viewshed view(heights, ap.position, ap.height_m, r);
    const PathLossAt loss(config.propagation, ap.frequency_ghz);
    const bool needs_los = config.propagation.model == PathLossModel::P1411;

    // Line of sight per cell of the disc first (by the chosen method), then the powers in
    // row order.
    scratch.los.assign(f.dbm.size(), 0);
    if (needs_los && config.line_of_sight == LineOfSightMethod::Exact) {
        for (int rw = 0; rw < f.rows; ++rw) {
            const auto [c0, c1] = disc_row(g, ap, f, rw, r2);
            for (int c = c0; c < c1; ++c)
                if (need(g.index(f.col0 + c, f.row0 + rw)))
                    scratch.los[f.at(c, rw)] = line_of_sight(heights, ap.position, ap.height_m,
                                                              g.centre(f.col0 + c, f.row0 + rw), config.receiver_height_m);
        }
    } else if (needs_los) {
        viewshed_los(heights, ap, view, f, config, scratch, need);
    }
    for (int rw = 0; rw < f.rows; ++rw) {
        const auto [c0, c1] = disc_row(g, ap, f, rw, r2);
        for (int c = c0; c < c1; ++c) {
            if (!need(g.index(f.col0 + c, f.row0 + rw))) continue;
            const std::size_t k = f.at(c, rw);
            const bool los = scratch.los[k] != 0;
            f.dbm[k] = static_cast<float>(
                cell_dbm(heights, ap, loss, view.antenna_z(), f.col0 + c, f.row0 + rw, los, config, &f.beyond));
            ++f.pairs;
            f.los += los ? 1 : 0;
        }
    }
    return f;
}

}  // namespace

void assign_building_types(CoverageConfig& config, const geodata::CityModel& model) {
    config.building_types.clear();
    if (!model.buildings) return;
    for (const auto& b : *model.buildings) {
        const auto id = static_cast<std::size_t>(b.id.value);
        if (config.building_types.size() <= id) config.building_types.resize(id + 1, config.default_building_type);
        const bool efficient = std::find(config.thermally_efficient_uses.begin(), config.thermally_efficient_uses.end(),
                                         b.use) != config.thermally_efficient_uses.end();
        config.building_types[id] = efficient ? BuildingEntryType::ThermallyEfficient : config.default_building_type;
    }
}

ReceiverSite receiver_site(const HeightRaster& heights, std::size_t cell, const CoverageConfig& config) {
    const std::uint32_t b = heights.building_id[cell];
    if (b == no_building) return ReceiverSite::Outdoor;
    return indoor_site(b < config.building_types.size() ? config.building_types[b] : config.default_building_type);
}

std::vector<std::pair<std::uint32_t, float>> cells_reached(const HeightRaster& heights, const geodata::AccessPoint& ap,
                                                          const CoverageConfig& config, double floor_dbm) {
    Scratch scratch;
    const ApField f = field_of(heights, ap, config, scratch);
    std::vector<std::pair<std::uint32_t, float>> out;
    for (int rw = 0; rw < f.rows; ++rw)
        for (int c = 0; c < f.cols; ++c)
            if (const float v = f.dbm[f.at(c, rw)]; v != no_signal && v >= floor_dbm)   // compared as the KPIs do
                out.emplace_back(static_cast<std::uint32_t>(heights.grid.index(f.col0 + c, f.row0 + rw)), v);
    return out;
}

std::optional<double> received_dbm(const HeightRaster& heights, const geodata::AccessPoint& ap, std::size_t cell,
                                   const CoverageConfig& config) {
    const Grid& g = heights.grid;
    const int col = static_cast<int>(cell % static_cast<std::size_t>(g.width));
    const int row = static_cast<int>(cell / static_cast<std::size_t>(g.width));
    const double r = config.max_radius_m;
    if (!within(g, ap, col, row, r * r)) return std::nullopt;
    const Viewshed view(heights, ap.position, ap.height_m, r);
    bool los = false;
    if (config.propagation.model == PathLossModel::P1411 && config.line_of_sight == LineOfSightMethod::Exact) {
        los = line_of_sight(heights, ap.position, ap.height_m, g.centre(col, row), config.receiver_height_m);
    } else if (config.propagation.model == PathLossModel::P1411) {
        // The one ray compute_coverage decides this cell on, walked the same way.
        RayHorizon ray;
        view.walk(view.ray_of(col, row), r, ray);
        los = view.visible(ray, col, row, config.receiver_height_m);
    }
    // Rounded through float as the coverage rasters are, so both agree to the bit.
    const PathLossAt loss(config.propagation, ap.frequency_ghz);
    return static_cast<double>(static_cast<float>(cell_dbm(heights, ap, loss, view.antenna_z(), col, row, los, config)));
}

Coverage compute_coverage(const HeightRaster& heights, const std::vector<geodata::AccessPoint>& aps,
                          const CoverageConfig& config, const std::function<void(std::size_t, std::size_t)>& progress) {
    const Grid& g = heights.grid;
    Coverage cov;
    cov.grid = g;
    cov.rssi_dbm.assign(g.cells(), no_signal);
    cov.server.assign(g.cells(), no_server);
    cov.sinr_db.assign(g.cells(), no_signal);
    cov.servers.assign(g.cells(), 0);

    // The APs in id order; from here on an AP is its position in this list.
    std::vector<geodata::AccessPoint> sites(aps);
    std::sort(sites.begin(), sites.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    std::vector<std::uint32_t> ids;
    for (const auto& ap : sites) ids.push_back(ap.id.value);
    auto site_of = [&](std::uint32_t id) {
        return static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
    };
    // Who waits for whom on the air (carrier sense): those share airtime, the rest interfere.
    const auto links = ap_links(heights, sites, config, std::min(config.cca_preamble_dbm, config.cca_energy_dbm));
    const auto senses = carrier_sense(sites, links, config);
    cov.senses.assign(ids.empty() ? 0 : ids.back() + 1, {});
    for (std::size_t k = 0; k < sites.size(); ++k)
        for (const auto s : senses[k]) cov.senses[ids[k]].push_back(ids[s]);

    // Channel groups (centre frequency and band): per cell, the summed power of each
    // group's APs (in id order). The interference on a server is the overlap-weighted sum
    // of all groups less its own power and less the APs that sense it (second pass).
    std::vector<std::pair<int, double>> groups;
    auto key_of = [](const geodata::AccessPoint& ap) {
        return std::pair{band_of(ap.frequency_ghz), channel_centre_mhz(ap.channel, ap.frequency_ghz)};
    };
    for (const auto& ap : sites) groups.push_back(key_of(ap));
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    const std::size_t group_count = std::max<std::size_t>(1, groups.size());
    std::vector<std::size_t> site_group;
    for (const auto& ap : sites)
        site_group.push_back(static_cast<std::size_t>(std::lower_bound(groups.begin(), groups.end(), key_of(ap)) - groups.begin()));
    std::vector<double> overlap(group_count * group_count, 0.0);   // [from * count + to]
    for (std::size_t a = 0; a < groups.size(); ++a)
        for (std::size_t b = 0; b < groups.size(); ++b)
            if (groups[a].first == groups[b].first) overlap[a * group_count + b] = channel_overlap(groups[a].second - groups[b].second);
    std::vector<double> group_mw(sites.empty() ? 0 : g.cells() * group_count, 0.0);

    const double side = 2.0 * config.max_radius_m / g.cell_size + 2.0;
    const std::size_t field_bytes = static_cast<std::size_t>(std::max(1.0, side * side * sizeof(float)));
    const std::size_t batch = std::clamp<std::size_t>(field_budget_bytes / field_bytes, 4, 64);
    tbb::enumerable_thread_specific<Scratch> scratch;
    const auto threshold = static_cast<float>(config.threshold_dbm);
    const int tiles = (g.height + tile_rows - 1) / tile_rows;
    // The fields of APs that sense another are needed again in the second pass: kept while
    // they fit a budget, computed again beyond it (the same values either way).
    std::vector<ApField> kept(sites.size());
    std::size_t kept_bytes = 0;

    for (std::size_t b0 = 0; b0 < sites.size(); b0 += batch) {
        const std::size_t b1 = std::min(sites.size(), b0 + batch);
        std::vector<ApField> fields(b1 - b0);
        tbb::parallel_for(b0, b1, [&](std::size_t s) { fields[s - b0] = field_of(heights, sites[s], config, scratch.local()); });
        // Merge into the rasters, each cell taking the batch's APs in id order: the
        // strictly greater power wins (ties: lowest id), sums in the same order every run.
        tbb::parallel_for(0, tiles, [&](int tile) {
            const int row_end = std::min(g.height, (tile + 1) * tile_rows);
            for (std::size_t s = b0; s < b1; ++s) {
                const ApField& f = fields[s - b0];
                const std::uint32_t id = ids[s];
                const std::size_t grp = site_group[s];
                for (int row = std::max(tile * tile_rows, f.row0); row < std::min(row_end, f.row0 + f.rows); ++row) {
                    const float* src = f.dbm.data() + static_cast<std::size_t>(row - f.row0) * static_cast<std::size_t>(f.cols);
                    const std::size_t i0 = g.index(f.col0, row);
                    for (int c = 0; c < f.cols; ++c) {
                        const float v = src[c];
                        if (v == no_signal) continue;
                        const std::size_t i = i0 + static_cast<std::size_t>(c);
                        if (v > cov.rssi_dbm[i]) {
                            cov.rssi_dbm[i] = v;
                            cov.server[i] = id;
                        }
                        if (v >= threshold) ++cov.servers[i];
                        group_mw[i * group_count + grp] += milliwatts(v);
                    }
                }
            }
        });
        for (std::size_t s = b0; s < b1; ++s) {
            ApField& f = fields[s - b0];
            cov.ap_cells += f.pairs;
            cov.los_ap_cells += f.los;
            cov.beyond_validity_ap_cells += f.beyond;
            if (!senses[s].empty() && kept_bytes + f.dbm.size() * sizeof(float) <= kept_field_budget_bytes) {
                kept_bytes += f.dbm.size() * sizeof(float);
                kept[s] = std::move(f);
            }
        }
        if (progress) progress(b1, sites.size());
    }

    // Second pass: the power of APs that sense a cell's server is no interference there.
    std::vector<double> waiting_mw;
    std::vector<std::size_t> waiters;
    for (std::size_t s = 0; s < sites.size(); ++s)
        if (!senses[s].empty()) waiters.push_back(s);
    // A waiting AP's power matters only where an AP it senses serves: computed again
    // (when not kept) only over the box of those cells.
    std::vector<CellBox> served(sites.size());
    std::vector<std::uint32_t> server_site;   // per cell: the server's position in `sites`
    if (!waiters.empty()) {
        waiting_mw.assign(g.cells(), 0.0);
        server_site.assign(g.cells(), UINT32_MAX);
        for (int row = 0; row < g.height; ++row)
            for (int col = 0; col < g.width; ++col) {
                const std::size_t i = g.index(col, row);
                if (cov.server[i] == no_server) continue;
                server_site[i] = static_cast<std::uint32_t>(site_of(cov.server[i]));
                served[server_site[i]].add(col, row);
            }
    }
    for (std::size_t w0 = 0; w0 < waiters.size(); w0 += batch) {
        const std::size_t w1 = std::min(waiters.size(), w0 + batch);
        tbb::parallel_for(w0, w1, [&](std::size_t w) {
            const std::size_t s = waiters[w];
            if (!kept[s].dbm.empty()) return;
            CellBox clip;
            for (const auto sensed : senses[s]) clip.add(served[sensed]);
            const CellFilter need{&server_site, &senses[s]};
            if (!clip.empty()) kept[s] = field_of(heights, sites[s], config, scratch.local(), &clip, need);
        });
        tbb::parallel_for(0, tiles, [&](int tile) {
            const int row_end = std::min(g.height, (tile + 1) * tile_rows);
            for (std::size_t w = w0; w < w1; ++w) {
                const std::size_t s = waiters[w];
                const ApField& f = kept[s];
                for (int row = std::max(tile * tile_rows, f.row0); row < std::min(row_end, f.row0 + f.rows); ++row) {
                    const float* src = f.dbm.data() + static_cast<std::size_t>(row - f.row0) * static_cast<std::size_t>(f.cols);
                    const std::size_t i0 = g.index(f.col0, row);
                    for (int c = 0; c < f.cols; ++c) {
                        const std::size_t i = i0 + static_cast<std::size_t>(c);
                        if (src[c] == no_signal || server_site[i] == UINT32_MAX || server_site[i] == s) continue;
                        const std::uint32_t server = server_site[i];
                        if (!std::binary_search(senses[s].begin(), senses[s].end(), server)) continue;
                        waiting_mw[i] += overlap[site_group[s] * group_count + site_group[server]] * milliwatts(src[c]);
                    }
                }
            }
        });
        for (std::size_t w = w0; w < w1; ++w) kept[waiters[w]] = {};
    }

    // SINR of the best server over noise + the APs that do not wait for it.
    const double noise_mw = std::pow(10.0, config.noise_floor_dbm / 10.0);
    tbb::parallel_for(0, tiles, [&](int tile) {
        for (int row = tile * tile_rows; row < std::min(g.height, (tile + 1) * tile_rows); ++row)
            for (int col = 0; col < g.width; ++col) {
                const std::size_t i = g.index(col, row);
                if (cov.server[i] == no_server) continue;
                const std::size_t to = site_group[site_of(cov.server[i])];
                double all_mw = 0.0;   // in group order
                for (std::size_t from = 0; from < group_count; ++from)
                    all_mw += overlap[from * group_count + to] * group_mw[i * group_count + from];
                const double own_mw = milliwatts(cov.rssi_dbm[i]);
                const double waiting = waiting_mw.empty() ? 0.0 : waiting_mw[i];
                const double interference_mw = std::max(0.0, all_mw - own_mw - waiting);
                cov.sinr_db[i] = static_cast<float>(cov.rssi_dbm[i] - 10.0 * std::log10(noise_mw + interference_mw));
            }
    });
    return cov;
}

}  // namespace citytwin::sim::wifi
