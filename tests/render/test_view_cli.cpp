// `citytwin view` as a user runs it: screenshots from a scenario and from a result file,
// the split view, frame sequences, exports, and clear errors.
#include "../geodata/test_helpers.hpp"

#include <gtest/gtest.h>
#include <osg/Image>
#include <osg/Node>
#include <osgDB/ReadFile>

#include <cstdlib>
#include <filesystem>
#include <utility>

namespace citytwin::render {
namespace {

namespace fs = std::filesystem;
using testing::run_citytwin;
using testing::TempDir;
using testing::write_file;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A quick Monaco day (10 % sample) extending the bundled baseline.
std::string quick_scenario(const TempDir& dir, const std::string& name, const std::string& extra = "") {
    const std::string path = (dir / (name + ".yaml")).string();
    write_file(path, "extends: " + std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml\n"
                     "name: " + name + "\n"
                     "demand: {synthetic: {population: 38000, car_share: 0.35, sample: 0.1}}\n"
                     "mobility: {iterations: 1}\n"
                     "wifi: {cell_size_m: 10}\n" + extra);
    return path;
}

TEST(ViewCli, ScreenshotFromAScenarioAndFromAResultFile) {
    TempDir dir;
    const auto scenario = quick_scenario(dir, "quick");
    const auto png = (dir / "monaco.png").string();
    auto r = run_citytwin({"-q", "view", scenario, "--screenshot", png, "--time", "08:00", "--size", "480x270"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    osg::ref_ptr<osg::Image> img = osgDB::readRefImageFile(png);
    ASSERT_TRUE(img);
    EXPECT_EQ(img->s(), 480);
    EXPECT_EQ(img->t(), 270);

    const auto gpkg = (dir / "m.gpkg").string();
    ASSERT_EQ(run_citytwin({"-q", "run", scenario, "--out", gpkg}).exit_code, 0);
    const auto png2 = (dir / "from-result.png").string();
    r = run_citytwin({"-q", "view", gpkg, "--screenshot", png2, "--size", "480x270", "--camera", "district:Monte-Carlo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(png2));

    // The result file's paths and path_flows: walkers and cyclists coloured by mode at 08:00
    // (counted where the view differs from one of the masts alone: the sky is bluish).
    const auto png3 = (dir / "paths.png").string(), png4 = (dir / "masts.png").string();
    for (const auto& [file, layer] : {std::pair{png3, "paths"}, std::pair{png4, "aps"}}) {
        r = run_citytwin({"-q", "view", gpkg, "--screenshot", file, "--size", "480x270", "--layers", layer, "--time", "08:00"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    osg::ref_ptr<osg::Image> paths = osgDB::readRefImageFile(png3), masts = osgDB::readRefImageFile(png4);
    ASSERT_TRUE(paths && masts);
    int orange = 0, blue = 0;
    for (int y = 0; y < paths->t(); ++y)
        for (int x = 0; x < paths->s(); ++x) {
            const unsigned char *p = paths->data(x, y), *q = masts->data(x, y);
            if (std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) <= 40) continue;
            orange += p[0] > 150 && p[0] > p[2] + 80 && p[1] > 40 ? 1 : 0;
            blue += p[2] > 150 && p[2] > p[0] + 60 ? 1 : 0;
        }
    EXPECT_GT(orange, 50);
    EXPECT_GT(blue, 50);
}

TEST(ViewCli, SplitViewFramesAndExports) {
    TempDir dir;
    const auto base = quick_scenario(dir, "base");
    const auto variant = quick_scenario(dir, "closed", "edits:\n  - close_links: {streets: ['Boulevard Albert 1er']}\n");
    const auto split = (dir / "split.png").string();
    auto r = run_citytwin({"-q", "view", variant, "--baseline", base, "--split", "--screenshot", split, "--size", "640x240"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    osg::ref_ptr<osg::Image> img = osgDB::readRefImageFile(split);
    ASSERT_TRUE(img);
    EXPECT_EQ(img->s(), 640);

    const auto gpkg = (dir / "m.gpkg").string();
    ASSERT_EQ(run_citytwin({"-q", "run", base, "--out", gpkg}).exit_code, 0);
    fs::create_directory(dir / "frames");
    r = run_citytwin({"-q", "view", gpkg, "--frames", (dir / "frames").string(), "--from", "07:00", "--to", "07:02",
                      "--step", "60", "--size", "320x180"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir / "frames" / "frame-00000.png"));
    EXPECT_TRUE(fs::exists(dir / "frames" / "frame-00002.png"));
    EXPECT_FALSE(fs::exists(dir / "frames" / "frame-00003.png"));

    r = run_citytwin({"view", gpkg, "--export", (dir / "monaco.glb").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "meshes")) << r.err;
    r = run_citytwin({"-q", "view", gpkg, "--export", (dir / "monaco.osgb").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    osg::ref_ptr<osg::Node> node = osgDB::readRefNodeFile((dir / "monaco.osgb").string());
    EXPECT_TRUE(node);
}

TEST(ViewCli, WindowRunsAndClosesByItselfAlsoSplitAndColouredByHeight) {
    TempDir dir;
    const auto base = quick_scenario(dir, "base");
    const auto gpkg = (dir / "m.gpkg").string();
    ASSERT_EQ(run_citytwin({"-q", "run", base, "--out", gpkg}).exit_code, 0);
    auto r = run_citytwin({"-q", "view", gpkg, "--exit-after", "1.5"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = run_citytwin({"-q", "view", gpkg, "--baseline", gpkg, "--split", "--exit-after", "1.5"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Colour by height: the same view, other building colours.
    const auto by_use = (dir / "use.png").string(), by_height = (dir / "height.png").string();
    ASSERT_EQ(run_citytwin({"-q", "view", gpkg, "--screenshot", by_use, "--size", "640x360", "--layers", "buildings"}).exit_code, 0);
    ASSERT_EQ(run_citytwin({"-q", "view", gpkg, "--screenshot", by_height, "--size", "640x360", "--layers", "buildings",
                            "--color-by", "height"}).exit_code, 0);
    osg::ref_ptr<osg::Image> a = osgDB::readRefImageFile(by_use), b = osgDB::readRefImageFile(by_height);
    ASSERT_TRUE(a && b);
    int differ = 0;
    for (int y = 0; y < 360; ++y)
        for (int x = 0; x < 640; ++x)
            differ += std::abs(a->data(x, y)[2] - b->data(x, y)[2]) > 30 ? 1 : 0;
    EXPECT_GT(differ, 200);
}

TEST(ViewCli, BadOptionsAreOneClearError) {
    TempDir dir;
    const auto gpkg = (dir / "missing.gpkg").string();
    auto r = run_citytwin({"view", gpkg, "--layers", "buildings,trees", "--screenshot", (dir / "x.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "citytwin: error: unknown layer 'trees'")) << r.err;
    r = run_citytwin({"view", gpkg, "--split", "--screenshot", (dir / "x.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "--split needs --baseline")) << r.err;
    r = run_citytwin({"view", gpkg, "--screenshot", (dir / "x.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "missing.gpkg")) << r.err;
    r = run_citytwin({"view", gpkg, "--time", "8 o'clock", "--screenshot", (dir / "x.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "--time: '8 o'clock' is not a time")) << r.err;
    r = run_citytwin({"view", gpkg, "--color-by", "colour", "--screenshot", (dir / "x.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "--color-by: 'colour'")) << r.err;
    r = run_citytwin({"view", quick_scenario(dir, "q"), "--camera", "birdseye", "--screenshot", (dir / "x.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "unknown camera 'birdseye'")) << r.err;
}

}  // namespace
}  // namespace citytwin::render
