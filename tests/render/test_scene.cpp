// The 3D view on the real Monaco data, rendered offscreen (ctest runs under xvfb-run):
// buildings where buildings are, roads that change with the hour and with a closure, the
// legend and attribution, clear errors, and a glTF export that matches the scene.
#include "../geodata/test_helpers.hpp"

#include <citytwin/geodata/error.hpp>
#include <citytwin/render/gltf_export.hpp>
#include <citytwin/render/scene.hpp>
#include <citytwin/render/view.hpp>
#include <citytwin/render/view_data.hpp>
#include <citytwin/scenarios/run.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <set>

namespace citytwin::render {
namespace {

using testing::TempDir;
using testing::write_file;

const std::string monaco_scenario = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml";

// Monaco with a 20 % sample and 10 m wifi cells: a real day in about a second.
ViewData monaco(const std::vector<std::pair<std::string, std::string>>& extra_edits = {}) {
    scenarios::ScenarioOverrides o;
    o.values = {{"demand.synthetic.sample", "0.2"}, {"mobility.iterations", "1"}, {"wifi.cell_size_m", "10"}};
    o.edits = extra_edits;
    scenarios::RunOptions run;
    run.progress = false;
    return view_data(scenarios::run_scenario(scenarios::load_scenario(monaco_scenario, o), run));
}

const ViewData& baseline() {
    static const ViewData data = monaco();
    return data;
}

constexpr int W = 640, H = 360;

const unsigned char* pixel(const osg::Image& img, const osg::Vec2d& p) {
    return img.data(static_cast<int>(p.x()), static_cast<int>(p.y()));
}

int difference(const unsigned char* a, const unsigned char* b) {
    return std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]);
}

osg::ref_ptr<osg::Image> shot(const ViewData& data, std::set<Layer> layers, std::int32_t time, CameraPose* pose_out = nullptr,
                              const ViewData* base = nullptr) {
    SceneOptions o;
    o.layers = layers;
    o.time = time;
    o.baseline = base;
    CityScene scene(data, o);
    const CameraPose pose = camera_pose(scene, "overview");
    if (pose_out) *pose_out = pose;
    osg::ref_ptr<osg::Camera> hud = layers.count(Layer::Hud) ? make_hud(scene, W, H) : nullptr;
    return render_image(scene.root(), hud.get(), pose, W, H);
}

TEST(MonacoView, ScreenshotIsNotBlankAndHasBuildingPixelsWhereBuildingsAre) {
    const ViewData& d = baseline();
    CameraPose pose;
    const auto full = shot(d, {all_layers.begin(), all_layers.end()}, 8 * 3600, &pose);
    std::set<std::uint32_t> colours;
    for (int y = 0; y < H; y += 2)
        for (int x = 0; x < W; x += 2) {
            const unsigned char* p = full->data(x, y);
            colours.insert(static_cast<std::uint32_t>(p[0] << 16 | p[1] << 8 | p[2]));
        }
    EXPECT_GT(colours.size(), 200u) << "a real city view has many colours";

    // The ten largest buildings: the roof centre of each shows a building colour in a view
    // with buildings only, and the plain ground in a view without them.
    const auto with = shot(d, {Layer::Terrain, Layer::Buildings}, 8 * 3600);
    const auto without = shot(d, {Layer::Terrain}, 8 * 3600);
    std::vector<std::size_t> order(d.buildings.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) {
        return geodata::area(d.buildings[a].footprint) > geodata::area(d.buildings[b].footprint);
    });
    SceneOptions o;
    o.layers = {Layer::Terrain};
    const CityScene probe(d, o);
    int checked = 0, matched = 0;
    for (std::size_t k = 0; k < 10; ++k) {
        const auto& b = d.buildings[order[k]];
        if (!geodata::contains(b.footprint, b.centroid)) continue;   // an L-shaped roof: centroid outside
        const osg::Vec3d roof = probe.to_local(b.centroid) + osg::Vec3d(0, 0, b.height_m);
        const auto at = project(pose, W, H, roof);
        if (!at || at->x() < 1 || at->y() < 1 || at->x() >= W - 1 || at->y() >= H - 1) continue;
        ++checked;
        const unsigned char* p = pixel(*with, *at);
        const osg::Vec4 c = building_colour(b.use);
        // Lit roof: the colour scaled by the light, so its channels keep their order.
        const bool building_like = difference(p, pixel(*without, *at)) > 40 &&
                                   (c.r() >= c.b()) == (p[0] + 4 >= p[2]);
        matched += building_like ? 1 : 0;
    }
    ASSERT_GE(checked, 5);
    EXPECT_GE(matched, checked - 1) << matched << " of " << checked;
}

TEST(MonacoView, RoadsChangeColourBetweenNightAndEveningPeak) {
    const ViewData& d = baseline();
    const auto night = shot(d, {Layer::Roads}, 3 * 3600), peak = shot(d, {Layer::Roads}, 17 * 3600);
    int changed = 0, grey_night = 0, grey_peak = 0;
    auto grey = [](const unsigned char* p) { return std::abs(p[0] - p[1]) < 12 && std::abs(p[1] - p[2]) < 16 && p[0] > 100 && p[0] < 170; };
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            changed += difference(night->data(x, y), peak->data(x, y)) > 60 ? 1 : 0;
            grey_night += grey(night->data(x, y)) ? 1 : 0;
            grey_peak += grey(peak->data(x, y)) ? 1 : 0;
        }
    EXPECT_GT(changed, 500);
    EXPECT_GT(grey_night, grey_peak) << "roads without traffic are grey at night";
}

// Pixels of the walk (blue) and bike (orange) ends of the path colours, where the image
// differs from the empty view (the sky and ground are bluish too).
int walk_pixels(const osg::Image& img, const osg::Image& empty) {
    int n = 0;
    for (int y = 0; y < img.t(); ++y)
        for (int x = 0; x < img.s(); ++x) {
            const unsigned char* p = img.data(x, y);
            n += difference(p, empty.data(x, y)) > 40 && p[2] > 150 && p[2] > p[0] + 60 ? 1 : 0;
        }
    return n;
}
int bike_pixels(const osg::Image& img, const osg::Image& empty) {
    int n = 0;
    for (int y = 0; y < img.t(); ++y)
        for (int x = 0; x < img.s(); ++x) {
            const unsigned char* p = img.data(x, y);
            n += difference(p, empty.data(x, y)) > 40 && p[0] > 150 && p[0] > p[2] + 80 && p[1] > 40 ? 1 : 0;
        }
    return n;
}

TEST(MonacoView, PathsShowWalkersAndCyclistsByColourAndHour) {
    const ViewData& d = baseline();
    ASSERT_GT(d.paths.size(), d.links.size()) << "the path network is denser than the roads";
    ASSERT_EQ(d.path_hours, 24u);
    float walkers = 0, riders = 0;
    for (std::size_t l = 0; l < d.paths.size(); ++l) walkers += d.walkers(8, l), riders += d.riders(8, l);
    EXPECT_GT(walkers, 100.0f);
    EXPECT_GT(riders, 100.0f);
    const auto morning = shot(d, {Layer::Paths}, 8 * 3600), night = shot(d, {Layer::Paths}, 3 * 3600);
    const auto empty = shot(d, {}, 8 * 3600);
    const int walk_am = walk_pixels(*morning, *empty), bike_am = bike_pixels(*morning, *empty);
    EXPECT_GT(walk_am, 200);
    EXPECT_GT(bike_am, 200);
    EXPECT_LT(walk_pixels(*night, *empty) + bike_pixels(*night, *empty), (walk_am + bike_am) / 4)
        << "hardly anyone walks or rides at 03:00";
    // The colours themselves: grey for nobody, the mode's hue when one mode has the link.
    const osg::Vec4 none = path_colour(0, 0, 10), walk = path_colour(10, 0, 10), bike = path_colour(0, 10, 10);
    EXPECT_FLOAT_EQ(none.r(), none.b());
    EXPECT_GT(walk.b(), walk.r() + 0.5f);
    EXPECT_GT(bike.r(), bike.b() + 0.5f);
    EXPECT_LT(path_colour(1, 0, 100).b(), path_colour(100, 0, 100).b()) << "busier is brighter";
}

TEST(MonacoView, ClosedStreetChangesPixelsAlongIt) {
    const ViewData& base = baseline();
    const ViewData closed = monaco({{"close_links", "{streets: ['Boulevard Albert 1er'], from: '07:00', to: '19:00'}"}});
    CameraPose pose;
    const auto before = shot(base, {Layer::Roads}, 12 * 3600, &pose), after = shot(closed, {Layer::Roads}, 12 * 3600);
    SceneOptions o;
    o.layers = {Layer::Roads};
    const CityScene probe(closed, o);
    int along = 0, changed = 0;
    for (const auto& l : closed.links) {
        if (l.name != "Boulevard Albert 1er") continue;
        for (const auto& q : l.line) {
            const auto at = project(pose, W, H, probe.to_local(q, 1.0));
            if (!at) continue;
            // The street is drawn 2.5 m to the right of travel: look in a 3 × 3 window.
            bool differs = false;
            for (int dx = -1; dx <= 1; ++dx)
                for (int dy = -1; dy <= 1; ++dy) {
                    const osg::Vec2d p(at->x() + dx, at->y() + dy);
                    if (p.x() < 0 || p.y() < 0 || p.x() >= W || p.y() >= H) continue;
                    differs = differs || difference(pixel(*before, p), pixel(*after, p)) > 60;
                }
            ++along;
            changed += differs ? 1 : 0;
        }
    }
    ASSERT_GT(along, 5);
    EXPECT_GE(changed, along / 3) << changed << " of " << along << " points along the street changed";
    // Far from the street, most of the image is the same.
    int total_changed = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) total_changed += difference(before->data(x, y), after->data(x, y)) > 60 ? 1 : 0;
    EXPECT_LT(total_changed, W * H / 10);
}

TEST(MonacoView, LegendAndAttributionAreDrawn) {
    const ViewData& d = baseline();
    const auto plain = shot(d, {Layer::Terrain, Layer::Buildings}, 8 * 3600);
    const auto hud = shot(d, {Layer::Terrain, Layer::Buildings, Layer::Hud}, 8 * 3600);
    auto changed_in = [&](int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) n += difference(plain->data(x, y), hud->data(x, y)) > 30 ? 1 : 0;
        return n;
    };
    EXPECT_GT(changed_in(0, 0, 160, 60), 1000) << "legend (bottom left)";
    EXPECT_GT(changed_in(W - 200, 0, W, 14), 400) << "attribution (bottom right)";
    EXPECT_GT(changed_in(0, H - 40, W, H), 5000) << "title, KPIs and clock (top)";
    // The attribution is light text: bright pixels in its strip.
    int bright = 0;
    for (int x = W - 200; x < W; ++x)
        for (int y = 2; y < 12; ++y) bright += hud->data(x, y)[0] > 120 ? 1 : 0;   // the panel is dark (~40)
    EXPECT_GT(bright, 30);
}

TEST(MonacoView, UnknownCameraPresetAndLayerAreClearErrors) {
    CityScene scene(baseline(), {});
    try {
        camera_pose(scene, "birdseye");
        FAIL();
    } catch (const geodata::Error& e) {
        EXPECT_NE(std::string(e.what()).find("unknown camera 'birdseye' (use overview, street, district:<name>"), std::string::npos) << e.what();
    }
    try {
        camera_pose(scene, "district:Monte Carlo");
        FAIL();
    } catch (const geodata::Error& e) {
        EXPECT_NE(std::string(e.what()).find("'Monte-Carlo'"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(camera_pose(scene, "district:Monte-Carlo"));
    EXPECT_NO_THROW(camera_pose(scene, "373000,4843000,300,45,-30"));
    try {
        parse_layers("buildings,trees");
        FAIL();
    } catch (const geodata::Error& e) {
        EXPECT_EQ(std::string(e.what()), "unknown layer 'trees' (known: terrain buildings roads vehicles coverage aps districts paths hud)");
    }
}

TEST(MonacoView, PickingDescribesBuildingAccessPointAndRoad) {
    const ViewData& d = baseline();
    // The largest building whose centroid lies on its own roof (not a ring like the stadium).
    const ViewBuilding* b = nullptr;
    for (const auto& x : d.buildings)
        if (geodata::contains(x.footprint, x.centroid) && (!b || geodata::area(x.footprint) > geodata::area(b->footprint))) b = &x;
    ASSERT_NE(b, nullptr);
    const std::string building = describe_at(d, b->centroid, 8 * 3600);
    EXPECT_EQ(building.rfind("building: ", 0), 0u) << building;
    EXPECT_NE(building.find(std::to_string(static_cast<int>(std::lround(b->height_m))) + " m high"), std::string::npos) << building;
    // An access point standing outside any building, 5 m away.
    for (std::size_t i = 0; i < d.access_points.size(); ++i) {
        const geodata::Point near{d.access_points[i].x + 5, d.access_points[i].y};
        const std::string what = describe_at(d, near, 0);
        if (what.rfind("building", 0) == 0) continue;
        EXPECT_EQ(what.rfind("access point ", 0), 0u) << what;
        break;
    }
    // Out at sea, 300 m south of the southernmost road point: the nearest road and its hour.
    geodata::Point south = d.links[0].line[0];
    for (const auto& l : d.links)
        for (const auto& q : l.line)
            if (q.y < south.y) south = q;
    const std::string road = describe_at(d, {south.x, south.y - 300}, 17 * 3600 + 5);
    EXPECT_EQ(road.rfind("road link", 0), 0u) << road;
    EXPECT_NE(road.find("at 17:00"), std::string::npos) << road;
}

TEST(MonacoView, BuildingsColouredByTheSignalIndoorsFromARunAndFromItsResultFile) {
    scenarios::ScenarioOverrides o;
    o.values = {{"demand.synthetic.sample", "0.2"}, {"mobility.iterations", "1"}, {"wifi.cell_size_m", "10"}};
    scenarios::RunOptions opts;
    opts.progress = false;
    const auto run = scenarios::run_scenario(scenarios::load_scenario(monaco_scenario, o), opts);
    const ViewData d = view_data(run);
    // Every building the wifi run reached carries its indoor RSSI, the others none.
    std::size_t known = 0;
    for (const auto& b : d.buildings) known += std::isnan(b.indoor_rssi_dbm) ? 0 : 1;
    EXPECT_GT(known, d.buildings.size() / 4);   // 535 of 1207: those within an AP's 300 m
    EXPECT_LT(known, d.buildings.size());
    // The result file gives the viewer the same values.
    TempDir dir;
    const std::string gpkg = (dir / "m.gpkg").string();
    scenarios::write_results(run, gpkg);
    const ViewData stored = read_view_data(gpkg);
    ASSERT_EQ(stored.buildings.size(), d.buildings.size());
    for (std::size_t i = 0; i < d.buildings.size(); ++i) {
        if (std::isnan(d.buildings[i].indoor_rssi_dbm)) EXPECT_TRUE(std::isnan(stored.buildings[i].indoor_rssi_dbm)) << i;
        else EXPECT_NEAR(stored.buildings[i].indoor_rssi_dbm, d.buildings[i].indoor_rssi_dbm, 1e-3) << i;
    }
    // Picking says it; the picture changes with the colouring, and without any indoor
    // values every building is the same grey.
    const ViewBuilding* b = nullptr;
    for (const auto& x : d.buildings)
        if (!std::isnan(x.indoor_rssi_dbm) && geodata::contains(x.footprint, x.centroid)) b = &x;
    ASSERT_NE(b, nullptr);
    EXPECT_NE(describe_at(d, b->centroid, 0).find("wifi indoors"), std::string::npos) << describe_at(d, b->centroid, 0);
    auto colours = [](const ViewData& data, SceneOptions::BuildingColours by) {
        SceneOptions so;
        so.layers = {Layer::Buildings};
        so.building_colours = by;
        CityScene scene(data, so);
        const auto img = render_image(scene.root(), nullptr, camera_pose(scene, "overview"), W, H);
        std::set<std::uint32_t> out;
        for (int y = 0; y < H; y += 2)
            for (int x = 0; x < W; x += 2) {
                const unsigned char* p = img->data(x, y);
                out.insert(static_cast<std::uint32_t>(p[0] << 16 | p[1] << 8 | p[2]));
            }
        return out;
    };
    const auto by_use = colours(d, SceneOptions::BuildingColours::Use);
    const auto by_signal = colours(d, SceneOptions::BuildingColours::IndoorSignal);
    EXPECT_NE(by_use, by_signal);
    ViewData blank = d;
    for (auto& x : blank.buildings) x.indoor_rssi_dbm = std::numeric_limits<float>::quiet_NaN();
    EXPECT_LT(colours(blank, SceneOptions::BuildingColours::IndoorSignal).size(), by_signal.size());
}

TEST(MonacoView, BuildingsAreMergedIntoFewGeometries) {
    SceneOptions o;
    o.layers = {Layer::Buildings};
    CityScene scene(baseline(), o);
    EXPECT_EQ(scene.stats().buildings, baseline().buildings.size());
    EXPECT_LT(scene.stats().building_tiles, 40u) << "one geometry per 500 m tile, not one per building";
    EXPECT_GT(scene.stats().triangles, 12 * baseline().buildings.size() / 2);
}

TEST(MonacoView, GltfExportHasOneMeshPerBuildingTileWithTheSceneVertices) {
    SceneOptions o;
    o.layers = {Layer::Buildings};
    CityScene scene(baseline(), o);
    TempDir dir;
    const std::string path = (dir / "monaco.glb").string();
    const GltfStats stats = write_glb(*scene.root(), path);
    EXPECT_EQ(stats.meshes, scene.stats().building_tiles);
    EXPECT_EQ(stats.vertices, scene.stats().vertices);
    EXPECT_EQ(stats.triangles, scene.stats().triangles);
    // Read the JSON chunk back: meshes named after the tiles, accessors as counted.
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    ASSERT_GT(bytes.size(), 20u);
    std::uint32_t json_len = 0;
    std::memcpy(&json_len, bytes.data() + 12, 4);
    const auto j = nlohmann::json::parse(std::string(bytes.data() + 20, json_len));
    ASSERT_EQ(j["meshes"].size(), scene.stats().building_tiles);
    std::size_t vertices = 0;
    for (const auto& m : j["meshes"]) {
        EXPECT_EQ(m["name"].get<std::string>().rfind("buildings tile", 0), 0u);
        vertices += j["accessors"][m["primitives"][0]["attributes"]["POSITION"].get<std::size_t>()]["count"].get<std::size_t>();
    }
    EXPECT_EQ(vertices, scene.stats().vertices);
}

}  // namespace
}  // namespace citytwin::render
