// Wifi coverage throughput: (AP, cell) pairs evaluated per second with obstruction
// (ITU-R P.1411 LoS/NLoS decided over the building-height raster), on real buildings
// (Monaco with its APs plus a grid of extra APs; north-bayreuth, the data folder's
// largest city by buildings) and a stress case of 1024 APs × 300 m radius at 1 m over
// a synthetic block city. Side by side, on a subset of rows of the same raster, two
// baselines of our own with the same per-cell work but line of sight decided per cell: a
// naive march along the segment in fixed 1 m steps sampling the height raster, and the
// exact cell walk (line_of_sight, the previous version's decision); and how often the
// radial viewshed's line of sight agrees with the exact walk on those rows.
//
//   build/bench/bench_wifi [monaco|bayreuth|stress|all] [threads=0 (all cores)]
//
// Peak memory is the process's (getrusage ru_maxrss), so run one case per process for a
// clean figure per case.
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/height_raster.hpp>
#include <citytwin/sim/viewshed.hpp>
#include <citytwin/sim/wifi_coverage.hpp>
#include <citytwin/sim/wifi_propagation.hpp>

#include <fmt/format.h>
#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace gd = citytwin::geodata;
namespace sim = citytwin::sim;
namespace wifi = citytwin::sim::wifi;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

// Extra APs on a regular lattice over `area` (cell-centred, so none on the edge),
// channels 1/6/11 in turn; ids continue after the existing ones.
void add_grid_aps(std::vector<gd::AccessPoint>& aps, const gd::Box& area, int count) {
    const int side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
    const double w = area.max.x - area.min.x, h = area.max.y - area.min.y;
    static constexpr int channels[] = {1, 6, 11};
    int added = 0;
    for (int j = 0; j < side && added < count; ++j)
        for (int i = 0; i < side && added < count; ++i, ++added) {
            gd::AccessPoint ap;
            ap.id = gd::AccessPointId(static_cast<std::uint32_t>(aps.size()));
            ap.position = {area.min.x + (i + 0.5) * w / side, area.min.y + (j + 0.5) * h / side};
            ap.name = fmt::format("bench-{}", added);
            ap.channel = channels[added % 3];
            aps.push_back(ap);
        }
}

// The naive line of sight: sample the segment every `step` metres (ends excluded) and
// compare the line's height there with the surface of the cell holding the sample. Same
// exemptions as the real test (end cells, the buildings the ends stand in).
bool march_los(const sim::HeightRaster& r, const gd::Point& a, double za, std::uint32_t own_a, const gd::Point& b,
               double zb, std::uint32_t own_b, double step) {
    const sim::Grid& g = r.grid;
    const auto ca = g.cell_of(a), cb = g.cell_of(b);
    const double d = std::hypot(b.x - a.x, b.y - a.y);
    const int n = std::max(1, static_cast<int>(std::ceil(d / step)));
    for (int k = 1; k < n; ++k) {
        const double t = static_cast<double>(k) / n;
        const auto c = g.cell_of({a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)});
        if (!c) continue;
        if ((ca && c->col == ca->col && c->row == ca->row) || (cb && c->col == cb->col && c->row == cb->row)) continue;
        const std::size_t i = g.index(c->col, c->row);
        const std::uint32_t id = r.building_id[i];
        const bool own = id != sim::no_building && (id == own_a || id == own_b);
        if (za + t * (zb - za) < r.ground[i] + (own ? 0.0f : r.building[i])) return false;
    }
    return true;
}

struct BaselineResult {
    std::uint64_t ap_cells = 0;
    double seconds = 0;
    std::uint64_t cells = 0, same_server = 0;  ///< cells with a server, of which the real one agrees
};

enum class Sight { NaiveMarch, ExactWalk };

// Best-server RSSI on every `stride`-th row with line of sight decided per cell, by the
// naive 1 m march or by the exact cell walk (line_of_sight: the previous version's
// decision); same per-cell work as the real implementation otherwise (3-D distance,
// P.1411 by LoS, entry loss, best server).
BaselineResult baseline(const sim::HeightRaster& r, const std::vector<gd::AccessPoint>& aps,
                        const wifi::CoverageConfig& cfg, int stride, const wifi::Coverage& real, Sight sight) {
    const sim::Grid& g = r.grid;
    const int rows = (g.height + stride - 1) / stride;
    std::vector<std::uint64_t> pairs(static_cast<std::size_t>(rows), 0), served(pairs), agree(pairs);
    std::vector<double> ap_z;
    std::vector<std::uint32_t> ap_own;
    for (const auto& ap : aps) {
        const auto c = g.cell_of(ap.position);
        ap_z.push_back(sim::ground_at(r, ap.position) + ap.height_m);
        ap_own.push_back(c ? r.building_id[g.index(c->col, c->row)] : sim::no_building);
    }
    const double r2 = cfg.max_radius_m * cfg.max_radius_m;
    const auto t0 = Clock::now();
    tbb::parallel_for(0, rows, [&](int k) {
        const int row = k * stride;
        for (int col = 0; col < g.width; ++col) {
            const std::size_t i = g.index(col, row);
            const gd::Point rx = g.centre(col, row);
            const double z_rx = r.ground[i] + cfg.receiver_height_m;
            const bool indoor = r.indoor(i);
            double best = -1e300;
            std::uint32_t best_id = wifi::no_server;
            for (std::size_t s = 0; s < aps.size(); ++s) {
                const double dx = aps[s].position.x - rx.x, dy = aps[s].position.y - rx.y;
                const double d2 = dx * dx + dy * dy;
                if (d2 > r2) continue;
                const bool los =
                    sight == Sight::NaiveMarch
                        ? march_los(r, aps[s].position, ap_z[s], ap_own[s], rx, z_rx, r.building_id[i], 1.0)
                        : sim::line_of_sight(r, aps[s].position, aps[s].height_m, rx, cfg.receiver_height_m);
                const double dz = ap_z[s] - z_rx;
                const double dbm = aps[s].tx_power_dbm -
                                   wifi::path_loss_db(cfg.propagation, std::sqrt(d2 + dz * dz), aps[s].frequency_ghz,
                                                      los, indoor);
                if (dbm > best) best = dbm, best_id = aps[s].id.value;
                ++pairs[static_cast<std::size_t>(k)];
            }
            if (best_id != wifi::no_server) {
                ++served[static_cast<std::size_t>(k)];
                agree[static_cast<std::size_t>(k)] += real.server[i] == best_id ? 1 : 0;
            }
        }
    });
    BaselineResult b;
    b.seconds = seconds_since(t0);
    for (int k = 0; k < rows; ++k) {
        b.ap_cells += pairs[static_cast<std::size_t>(k)];
        b.cells += served[static_cast<std::size_t>(k)];
        b.same_server += agree[static_cast<std::size_t>(k)];
    }
    return b;
}

struct Agreement {
    std::uint64_t pairs = 0, same = 0, viewshed_only = 0, exact_only = 0;  ///< LoS in one of the two
};

// Line of sight per (AP, cell) on every `stride`-th row: the radial viewshed citytwin uses
// against the exact per-cell walk.
Agreement los_agreement(const sim::HeightRaster& r, const std::vector<gd::AccessPoint>& aps,
                        const wifi::CoverageConfig& cfg, int stride) {
    const sim::Grid& g = r.grid;
    const int rows = (g.height + stride - 1) / stride;
    std::vector<Agreement> per_row(static_cast<std::size_t>(rows));
    const double r2 = cfg.max_radius_m * cfg.max_radius_m;
    tbb::parallel_for(0, rows, [&](int k) {
        const int row = k * stride;
        Agreement& a = per_row[static_cast<std::size_t>(k)];
        sim::RayHorizon ray;
        for (const auto& ap : aps) {
            const sim::Viewshed view(r, ap.position, ap.height_m, cfg.max_radius_m);
            for (int col = 0; col < g.width; ++col) {
                const gd::Point rx = g.centre(col, row);
                const double dx = ap.position.x - rx.x, dy = ap.position.y - rx.y;
                if (dx * dx + dy * dy > r2) continue;
                view.walk(view.ray_of(col, row), cfg.max_radius_m, ray);
                const bool fast = view.visible(ray, col, row, cfg.receiver_height_m);
                const bool exact = sim::line_of_sight(r, ap.position, ap.height_m, rx, cfg.receiver_height_m);
                ++a.pairs;
                a.same += fast == exact ? 1 : 0;
                a.viewshed_only += fast && !exact ? 1 : 0;
                a.exact_only += exact && !fast ? 1 : 0;
            }
        }
    });
    Agreement total;
    for (const auto& a : per_row) {
        total.pairs += a.pairs;
        total.same += a.same;
        total.viewshed_only += a.viewshed_only;
        total.exact_only += a.exact_only;
    }
    return total;
}

void run_case(const std::string& label, const sim::HeightRaster& heights, const std::vector<gd::AccessPoint>& aps,
              const wifi::CoverageConfig& cfg, double raster_seconds, double baseline_share) {
    const auto t0 = Clock::now();
    const wifi::Coverage cov = wifi::compute_coverage(heights, aps, cfg);
    const double s = seconds_since(t0);
    const double rate = static_cast<double>(cov.ap_cells) / s;
    // FNV-1a over the output rasters: equal digests across versions = unchanged results.
    std::uint64_t digest = 14695981039346656037ull;
    auto mix = [&](const auto& v) {
        const auto* p = reinterpret_cast<const unsigned char*>(v.data());
        for (std::size_t k = 0; k < v.size() * sizeof(v[0]); ++k) digest = (digest ^ p[k]) * 1099511628211ull;
    };
    mix(cov.rssi_dbm);
    mix(cov.server);
    mix(cov.sinr_db);
    mix(cov.servers);
    fmt::print("{}: {} APs, {} x {} cells of {} m, radius {} m; height raster {:.2f} s\n", label, aps.size(),
               heights.grid.width, heights.grid.height, cfg.cell_size_m, cfg.max_radius_m, raster_seconds);
    fmt::print("  citytwin  : {:.3e} AP-cells ({:.1f}% LoS) in {:.2f} s = {:.3e} AP-cells/s, peak RSS {:.0f} MB\n",
               static_cast<double>(cov.ap_cells), 100.0 * static_cast<double>(cov.los_ap_cells) /
                                                     static_cast<double>(std::max<std::uint64_t>(1, cov.ap_cells)),
               s, rate, peak_rss_mb());
    fmt::print("  rasters digest {:016x}\n", digest);
    const int stride = std::max(1, static_cast<int>(std::lround(1.0 / baseline_share)));
    for (const Sight sight : {Sight::NaiveMarch, Sight::ExactWalk}) {
        const BaselineResult b = baseline(heights, aps, cfg, stride, cov, sight);
        const double brate = static_cast<double>(b.ap_cells) / b.seconds;
        fmt::print("  {}: {:.3e} AP-cells (every {} row) in {:.2f} s = {:.3e} AP-cells/s; same best server in "
                   "{:.2f}% of {} cells; citytwin / this = {:.1f}x\n",
                   sight == Sight::NaiveMarch ? "naive 1 m march " : "exact cell walk ", static_cast<double>(b.ap_cells),
                   stride, b.seconds, brate,
                   100.0 * static_cast<double>(b.same_server) / static_cast<double>(std::max<std::uint64_t>(1, b.cells)),
                   b.cells, rate / brate);
    }
    const Agreement a = los_agreement(heights, aps, cfg, stride);
    const double n = static_cast<double>(std::max<std::uint64_t>(1, a.pairs));
    fmt::print("  line of sight, viewshed vs exact walk (same rows): same in {:.3f}% of {} AP-cells; LoS only in "
               "the viewshed {:.3f}%, only in the exact walk {:.3f}%\n",
               100.0 * static_cast<double>(a.same) / n, a.pairs, 100.0 * static_cast<double>(a.viewshed_only) / n,
               100.0 * static_cast<double>(a.exact_only) / n);
}

void city_case(const std::string& label, const std::string& scenario_path, int extra_aps, double baseline_share) {
    const auto s = citytwin::scenarios::load_scenario(scenario_path);
    gd::LoadReport report;
    const auto t0 = Clock::now();
    const gd::CityModel model = gd::load_city(s.city, {}, report);
    const double load_s = seconds_since(t0);
    const wifi::CoverageConfig cfg = s.wifi.value_or(wifi::CoverageConfig{});
    std::vector<gd::AccessPoint> aps = *model.access_points;
    const std::size_t own = aps.size();
    add_grid_aps(aps, model.bounds, extra_aps);
    const auto t1 = Clock::now();
    const sim::HeightRaster heights =
        sim::build_height_raster(model, sim::Grid::covering(model.bounds, cfg.cell_size_m), cfg.use_terrain);
    const double raster_s = seconds_since(t1);
    fmt::print("{}: {} buildings, {} own APs + {} on a grid; city load {:.2f} s\n", label, model.buildings->size(), own,
               extra_aps, load_s);
    run_case(label, heights, aps, cfg, raster_s, baseline_share);
}

// A block city on a 3 km square: 40 m blocks between 20 m streets (60 m pitch), each
// block one building 6–33 m high (a fixed hash of its position), 1024 APs at 4 m on a
// 32 × 32 lattice kept 300 m inside the edge so every AP's disc lies in the raster.
void stress_case(double baseline_share) {
    wifi::CoverageConfig cfg;
    cfg.cell_size_m = 1.0;
    cfg.max_radius_m = 300.0;
    const double side = 3000.0;
    const auto t0 = Clock::now();
    sim::HeightRaster r;
    r.grid = sim::Grid::covering({{0.0, 0.0}, {side, side}}, cfg.cell_size_m);
    const sim::Grid& g = r.grid;
    r.ground.assign(g.cells(), 0.0f);
    r.building.assign(g.cells(), 0.0f);
    r.building_id.assign(g.cells(), sim::no_building);
    const int pitch = 60, block = 40, blocks_per_row = g.width / pitch + 1;
    for (int row = 0; row < g.height; ++row)
        for (int col = 0; col < g.width; ++col) {
            if (col % pitch >= block || row % pitch >= block) continue;
            const auto id = static_cast<std::uint32_t>((row / pitch) * blocks_per_row + col / pitch);
            const std::uint32_t hash = id * 2654435761u;
            r.building[g.index(col, row)] = 6.0f + static_cast<float>((hash >> 16) % 28);
            r.building_id[g.index(col, row)] = id;
        }
    const double raster_s = seconds_since(t0);
    std::vector<gd::AccessPoint> aps;
    add_grid_aps(aps, {{300.0, 300.0}, {side - 300.0, side - 300.0}}, 1024);
    run_case("stress", r, aps, cfg, raster_s, baseline_share);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string which = argc > 1 ? argv[1] : "all";
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const auto control = std::make_unique<tbb::global_control>(
        tbb::global_control::max_allowed_parallelism,
        static_cast<std::size_t>(threads > 0 ? threads : tbb::info::default_concurrency()));
    fmt::print("threads: {}\n", threads > 0 ? threads : tbb::info::default_concurrency());
    const fs::path scenarios = fs::path(CITYTWIN_SOURCE_DIR) / "scenarios";
    try {
        if (which == "monaco" || which == "all")
            city_case("monaco", (scenarios / "monaco" / "baseline.yaml").string(), 200, 0.25);
        if (which == "bayreuth" || which == "all")
            city_case("north-bayreuth", (scenarios / "north-bayreuth" / "baseline.yaml").string(), 400, 0.1);
        if (which == "stress" || which == "all") stress_case(0.01);
    } catch (const std::exception& e) {
        fmt::print(stderr, "bench_wifi: {}\n", e.what());
        return 1;
    }
    return 0;
}
