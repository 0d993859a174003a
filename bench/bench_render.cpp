// Frame time, draw calls and triangles of the 3D view, rendered offscreen at 1280×720
// (run under xvfb-run: software GL), for every city in ../shared/data and for a stress
// scene of ≥ 100 000 buildings (Monaco tiled). Baseline in the same run: the same
// buildings drawn as one geometry per building (what a naive viewer does).
//   xvfb-run -a build/bench/bench_render [frames]
#include <citytwin/render/scene.hpp>
#include <citytwin/render/view.hpp>
#include <citytwin/render/view_data.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <fmt/format.h>
#include <osg/Geode>
#include <osg/Geometry>
#include <osgUtil/Statistics>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

using namespace citytwin;

namespace {

struct Counts {
    std::size_t drawables = 0, primitive_sets = 0, triangles = 0;
};

Counts count(osg::Node& node) {
    osgUtil::StatsVisitor sv;
    node.accept(sv);
    Counts c;
    c.drawables = sv._numInstancedDrawable;   // (a Geometry is counted as a Drawable too)
    for (const auto& [mode, n] : sv._instancedStats._primitiveCount) {
        c.primitive_sets += n.first;
        if (mode == GL_TRIANGLES) c.triangles += n.second;
    }
    return c;
}

double median_frame_ms(render::OffscreenRenderer& r, osg::Node* world, osg::Camera* hud, const render::CameraPose& pose, int frames) {
    std::vector<double> ms;
    r.render(world, hud, pose);   // first frame: uploads (VBOs, textures)
    for (int i = 0; i < frames; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        r.render(world, hud, pose);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// Monaco's buildings repeated on a grid until there are at least `target`.
render::ViewData tiled(const render::ViewData& city, std::size_t target) {
    render::ViewData v = city;
    v.buildings.clear();
    v.links.clear();
    v.districts.clear();
    v.access_points.clear();
    v.terrain.reset();
    v.rssi.reset();
    const double dx = city.bounds.max.x - city.bounds.min.x + 100, dy = city.bounds.max.y - city.bounds.min.y + 100;
    const int side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(target) / static_cast<double>(city.buildings.size()))));
    v.bounds = geodata::Box::none();
    for (int i = 0; i < side && v.buildings.size() < target; ++i)
        for (int j = 0; j < side && v.buildings.size() < target; ++j)
            for (const auto& b : city.buildings) {
                render::ViewBuilding c = b;
                for (auto& poly : c.footprint) {
                    for (auto& p : poly.outer) p.x += i * dx, p.y += j * dy;
                    for (auto& h : poly.holes)
                        for (auto& p : h) p.x += i * dx, p.y += j * dy;
                }
                c.centroid.x += i * dx;
                c.centroid.y += j * dy;
                v.bounds.extend(geodata::bounds(c.footprint));
                v.buildings.push_back(std::move(c));
            }
    return v;
}

void report(const std::string& name, const render::ViewData& data, int frames, render::OffscreenRenderer& renderer,
            bool naive_baseline, double lod_pixels = 0.6) {
    const auto t0 = std::chrono::steady_clock::now();
    render::SceneOptions opts;
    opts.lod_pixels = lod_pixels;
    opts.layers = {render::Layer::Terrain, render::Layer::Buildings, render::Layer::Roads, render::Layer::Hud};
    render::CityScene scene(data, opts);
    const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto pose = render::camera_pose(scene, "overview");
    osg::ref_ptr<osg::Camera> hud = render::make_hud(scene, 1280, 720);
    const Counts c = count(*scene.root());
    const double ms = median_frame_ms(renderer, scene.root(), hud.get(), pose, frames);
    // Each tile holds two levels; one of them is drawn.
    const std::size_t drawn = c.drawables - scene.stats().building_tiles;
    fmt::print("{:<22} {:>8} {:>6} {:>10} {:>9} {:>10.1f} {:>9.2f}", name, data.buildings.size(), scene.stats().building_tiles,
               drawn, scene.stats().triangles, ms, build_s);
    if (naive_baseline) {
        // Buildings only: merged tiles vs the same buildings one geometry each (a node per
        // building, what a naive viewer does).
        render::SceneOptions merged_opts, one;
        merged_opts.layers = one.layers = {render::Layer::Buildings};
        one.tile_m = 1e-3;   // every building its own tile
        render::CityScene merged(data, merged_opts), per_building(data, one);
        const double merged_ms = median_frame_ms(renderer, merged.root(), nullptr, pose, frames);
        const double naive_ms = median_frame_ms(renderer, per_building.root(), nullptr, pose, frames);
        fmt::print("   buildings only: merged {:.1f} ms vs one geometry per building ({} draw calls) {:.1f} ms",
                   merged_ms, count(*per_building.root()).drawables / 2 /* two levels */, naive_ms);
    }
    fmt::print("\n");
}

}  // namespace

int main(int argc, char** argv) {
    const int frames = argc > 1 ? std::atoi(argv[1]) : 9;
    render::OffscreenRenderer renderer(1280, 720);
    fmt::print("1280x720 offscreen, median of {} frames; draw calls = drawables drawn (geometries and texts; one LOD\n"
               "level per tile); triangles = full-detail building triangles\n", frames);
    fmt::print("{:<22} {:>8} {:>6} {:>10} {:>9} {:>10} {:>9}\n", "city", "bldgs", "tiles", "drawcalls", "triangles", "frame ms",
               "build s");
    const std::string root = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/";
    render::ViewData monaco_city;
    for (const char* city : {"monaco", "liechtenstein", "andorra", "north-bayreuth", "helsinki-centre", "gothenburg"}) {
        const auto s = scenarios::load_scenario(root + city + "/baseline.yaml");
        geodata::LoadReport report_;
        const auto model = scenarios::load_scenario_city(s, {false}, report_);
        const auto data = render::view_data(model, city);
        if (std::string(city) == "monaco") monaco_city = data;
        report(city, data, frames, renderer, std::string(city) == "monaco");
    }
    const auto stress = tiled(monaco_city, 100000);
    const std::string stress_name = "monaco x" + std::to_string(stress.buildings.size() / monaco_city.buildings.size());
    report(stress_name + " (stress)", stress, frames, renderer, false);
    // The floor of this approach: every tile at its far level (roof boxes only).
    report(stress_name + " all far", stress, frames, renderer, false, 1e9);
    report(stress_name + " all near", stress, frames, renderer, false, 0.0);
    return 0;
}
