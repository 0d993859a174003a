#include <citytwin/sim/wifi_coverage.hpp>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

namespace citytwin::sim::wifi {

namespace {

// Rows per task. Fixed (not chosen by the partitioner) so the work split is the same
// for every thread count; results would not change anyway, as each cell is independent.
constexpr int tile_rows = 8;

struct ApSite {
    const geodata::AccessPoint* ap;
    double z;          ///< antenna elevation (ground + height)
};

struct Heard {
    double dbm;
    std::size_t site;
};

}  // namespace

bool co_channel(const geodata::AccessPoint& a, const geodata::AccessPoint& b) {
    return a.channel == b.channel && std::abs(a.frequency_ghz - b.frequency_ghz) < 1.0;
}

std::optional<double> received_dbm(const HeightRaster& heights, const geodata::AccessPoint& ap, std::size_t cell,
                                   const CoverageConfig& config) {
    const Grid& g = heights.grid;
    const int col = static_cast<int>(cell % static_cast<std::size_t>(g.width));
    const int row = static_cast<int>(cell / static_cast<std::size_t>(g.width));
    const geodata::Point rx = g.centre(col, row);
    const double dx = ap.position.x - rx.x, dy = ap.position.y - rx.y;
    const double d2 = dx * dx + dy * dy;
    if (d2 > config.max_radius_m * config.max_radius_m) return std::nullopt;
    const double dz = ground_at(heights, ap.position) + ap.height_m - (heights.ground[cell] + config.receiver_height_m);
    const bool los = config.propagation.model == PathLossModel::P1411 &&
                     line_of_sight(heights, ap.position, ap.height_m, rx, config.receiver_height_m);
    return ap.tx_power_dbm -
           path_loss_db(config.propagation, std::sqrt(d2 + dz * dz), ap.frequency_ghz, los, heights.indoor(cell));
}

Coverage compute_coverage(const HeightRaster& heights, const std::vector<geodata::AccessPoint>& aps,
                          const CoverageConfig& config) {
    const Grid& g = heights.grid;
    Coverage cov;
    cov.grid = g;
    cov.rssi_dbm.assign(g.cells(), no_signal);
    cov.server.assign(g.cells(), no_server);
    cov.sinr_db.assign(g.cells(), no_signal);
    cov.servers.assign(g.cells(), 0);

    std::vector<ApSite> sites;
    for (const auto& ap : aps) sites.push_back({&ap, ground_at(heights, ap.position) + ap.height_m});
    std::sort(sites.begin(), sites.end(), [](const ApSite& x, const ApSite& y) { return x.ap->id < y.ap->id; });

    const double r2 = config.max_radius_m * config.max_radius_m;
    const double noise_mw = std::pow(10.0, config.noise_floor_dbm / 10.0);
    const bool needs_los = config.propagation.model == PathLossModel::P1411;
    // Blocks of about 8 m: small enough to fit between buildings along a street, large
    // enough to decide a link in a few blocks instead of many cells. With fewer than 4
    // cells a side (cells over ~2 m) the walks are short and the pre-test costs more
    // than it saves (bench_wifi), so it is left out.
    const int block_cells = static_cast<int>(std::lround(8.0 / g.cell_size));
    const bool use_blocks = needs_los && block_cells >= 4;
    const BlockBounds blocks = use_blocks ? BlockBounds(heights, block_cells) : BlockBounds{};
    const int tiles = (g.height + tile_rows - 1) / tile_rows;
    std::vector<std::uint64_t> tile_pairs(static_cast<std::size_t>(tiles), 0), tile_los(static_cast<std::size_t>(tiles), 0);

    tbb::parallel_for(0, tiles, [&](int tile) {
        const int row0 = tile * tile_rows, row1 = std::min(g.height, row0 + tile_rows);
        // APs that can reach this tile at all, in id order.
        const double y_top = g.origin_y - row0 * g.cell_size, y_bottom = g.origin_y - row1 * g.cell_size;
        const double x_left = g.origin_x, x_right = g.origin_x + g.width * g.cell_size;
        std::vector<std::size_t> near;
        for (std::size_t s = 0; s < sites.size(); ++s) {
            const geodata::Point& p = sites[s].ap->position;
            const double dx = std::max({x_left - p.x, 0.0, p.x - x_right});
            const double dy = std::max({y_bottom - p.y, 0.0, p.y - y_top});
            if (dx * dx + dy * dy <= r2) near.push_back(s);
        }
        std::vector<Heard> heard;
        std::uint64_t pairs = 0, los_pairs = 0;
        for (int row = row0; row < row1; ++row)
            for (int col = 0; col < g.width; ++col) {
                const std::size_t i = g.index(col, row);
                const geodata::Point rx = g.centre(col, row);
                const double z_rx = heights.ground[i] + config.receiver_height_m;
                const bool indoor = heights.indoor(i);
                heard.clear();
                for (const std::size_t s : near) {
                    const geodata::AccessPoint& ap = *sites[s].ap;
                    const double dx = ap.position.x - rx.x, dy = ap.position.y - rx.y;
                    const double d2 = dx * dx + dy * dy;
                    if (d2 > r2) continue;
                    const double dz = sites[s].z - z_rx;
                    // classify() decides only where the exact walk would decide the same.
                    bool los = false;
                    if (needs_los) {
                        const auto sight =
                            use_blocks ? blocks.classify(heights, ap.position, ap.height_m, rx, config.receiver_height_m)
                                       : BlockBounds::Sight::Unknown;
                        los = sight == BlockBounds::Sight::Unknown
                                  ? line_of_sight(heights, ap.position, ap.height_m, rx, config.receiver_height_m)
                                  : sight == BlockBounds::Sight::Clear;
                    }
                    const double loss =
                        path_loss_db(config.propagation, std::sqrt(d2 + dz * dz), ap.frequency_ghz, los, indoor);
                    heard.push_back({ap.tx_power_dbm - loss, s});
                    ++pairs;
                    los_pairs += los ? 1 : 0;
                }
                if (heard.empty()) continue;
                // Strictly greater: the lowest id wins a tie (heard is in id order).
                std::size_t best = 0;
                std::uint16_t usable = 0;
                for (std::size_t k = 0; k < heard.size(); ++k) {
                    if (heard[k].dbm > heard[best].dbm) best = k;
                    if (heard[k].dbm >= config.threshold_dbm) ++usable;
                }
                const geodata::AccessPoint& server = *sites[heard[best].site].ap;
                double interference_mw = 0.0;  // summed in id order: same bits every run
                for (std::size_t k = 0; k < heard.size(); ++k)
                    if (k != best && co_channel(*sites[heard[k].site].ap, server))
                        interference_mw += std::pow(10.0, heard[k].dbm / 10.0);
                cov.rssi_dbm[i] = static_cast<float>(heard[best].dbm);
                cov.server[i] = server.id.value;
                cov.sinr_db[i] = static_cast<float>(heard[best].dbm - 10.0 * std::log10(noise_mw + interference_mw));
                cov.servers[i] = usable;
            }
        tile_pairs[static_cast<std::size_t>(tile)] = pairs;
        tile_los[static_cast<std::size_t>(tile)] = los_pairs;
    });
    for (int t = 0; t < tiles; ++t) {
        cov.ap_cells += tile_pairs[static_cast<std::size_t>(t)];
        cov.los_ap_cells += tile_los[static_cast<std::size_t>(t)];
    }
    return cov;
}

}  // namespace citytwin::sim::wifi
