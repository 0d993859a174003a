// citytwin view: the 3D city for decision makers — interactive, or offscreen images,
// image sequences and scene exports for reports, videos and web pages.
#include "commands.hpp"

#include <citytwin/geodata/error.hpp>
#include <citytwin/render/gltf_export.hpp>
#include <citytwin/render/scene.hpp>
#include <citytwin/render/view.hpp>
#include <citytwin/render/view_data.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/sim/clock.hpp>

#include <fmt/format.h>
#include <osgDB/WriteFile>
#include <osgGA/GUIEventHandler>
#include <osgGA/TrackballManipulator>
#include <osgText/Text>
#include <osgUtil/LineSegmentIntersector>
#include <osgViewer/Viewer>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>

namespace citytwin::app {

namespace {

namespace fs = std::filesystem;

render::ViewData load(const std::string& input, const ViewArgs& args) {
    const std::string ext = fs::path(input).extension().string();
    if (ext == ".gpkg") return render::read_view_data(input);
    if (ext != ".yaml" && ext != ".yml")
        throw geodata::Error(input + ": give a scenario file (.yaml) or a result GeoPackage (.gpkg)");
    scenarios::RunOptions opts;
    opts.threads = args.threads;
    opts.progress = args.progress;
    opts.plugin_dirs = args.plugin_dirs;
    opts.allow_scenario_plugins = args.allow_scenario_plugins;
    return render::view_data(scenarios::run_scenario(scenarios::load_scenario(input), opts));
}

std::int32_t clock_arg(const std::string& text, const char* option) {
    const auto t = sim::parse_clock(text);
    if (!t) throw geodata::Error(std::string(option) + ": '" + text + "' is not a time like 08:00");
    return *t;
}

std::pair<int, int> size_arg(const std::string& text) {
    int w = 0, h = 0;
    char x = 0;
    if (std::sscanf(text.c_str(), "%d%c%d", &w, &x, &h) != 3 || x != 'x' || w < 16 || h < 16)
        throw geodata::Error("--size: '" + text + "' is not WIDTHxHEIGHT (e.g. 1280x720)");
    return {w, h};
}

// One image: the variant (roads by volume/capacity, or by the change against the
// baseline), or with --split the baseline on the left and the variant's changes on the right.
render::SceneOptions scene_options(const ViewArgs& args, std::int32_t time) {
    render::SceneOptions o;
    o.time = time;
    if (!args.layers.empty()) o.layers = render::parse_layers(args.layers);
    if (args.color_by == "height") o.building_colours = render::SceneOptions::BuildingColours::Height;
    else if (args.color_by == "signal") o.building_colours = render::SceneOptions::BuildingColours::IndoorSignal;
    else if (args.color_by != "use")
        throw geodata::Error("--color-by: '" + args.color_by + "' (use: use, height or signal)");
    return o;
}

// Images of one view: the scenes are built once (buildings merged, textures made) and
// only moved in time from frame to frame; one offscreen context per image half.
class Pictures {
public:
    Pictures(const render::ViewData& data, const render::ViewData* baseline, const ViewArgs& args, std::int32_t time, int w, int h)
        : split_(baseline && args.split), h_(h) {
        const render::SceneOptions opts = scene_options(args, time);
        render::SceneOptions variant = opts;
        variant.baseline = baseline;   // roads by the change when there is a baseline
        if (split_) halves_.push_back(make(*baseline, opts, args, w / 2));
        halves_.push_back(make(data, variant, args, split_ ? w - w / 2 : w));
    }

    osg::ref_ptr<osg::Image> at(std::int32_t time) {
        std::vector<osg::ref_ptr<osg::Image>> images;
        for (auto& half : halves_) {
            if (half.scene->options().time != time) {
                half.scene->set_time(time);
                if (half.hud) half.hud = render::make_hud(*half.scene, half.width, h_);   // the clock moved
            }
            images.push_back(half.renderer->render(half.scene->root(), half.hud.get(), half.pose));
        }
        return split_ ? render::side_by_side(*images[0], *images[1]) : images[0];
    }

private:
    struct Half {
        std::unique_ptr<render::CityScene> scene;
        render::CameraPose pose;
        osg::ref_ptr<osg::Camera> hud;
        std::unique_ptr<render::OffscreenRenderer> renderer;
        int width = 0;
    };
    Half make(const render::ViewData& d, const render::SceneOptions& o, const ViewArgs& args, int width) {
        Half half;
        half.scene = std::make_unique<render::CityScene>(d, o);
        half.pose = render::camera_pose(*half.scene, args.camera);
        if (o.layers.count(render::Layer::Hud)) half.hud = render::make_hud(*half.scene, width, h_);
        half.renderer = std::make_unique<render::OffscreenRenderer>(width, h_);
        half.width = width;
        return half;
    }

    bool split_;
    int h_;
    std::vector<Half> halves_;
};

// Keys: space play/pause, +/- speed, [ ] one hour back/on, 1…9 layers, c camera presets
// (overview, street, each district), b baseline/variant.
class ViewControls : public osgGA::GUIEventHandler {
public:
    ViewControls(render::CityScene& scene, render::CityScene* other, osgText::Text* clock, osgText::Text* info, bool split)
        : scene_(scene), other_(other), clock_(clock), info_(info), split_(split) {}

    bool handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) override {
        auto* viewer = dynamic_cast<osgViewer::Viewer*>(&aa);
        if (ea.getEventType() == osgGA::GUIEventAdapter::FRAME) {
            const auto now = std::chrono::steady_clock::now();
            const double dt = std::chrono::duration<double>(now - last_).count();
            last_ = now;
            if (playing_) {
                time_ += dt * speed_;
                if (time_ >= 24 * 3600) time_ = 0;
                const auto t = static_cast<std::int32_t>(time_);
                if (t / 10 != shown_ / 10) {   // vehicles move every 10 simulated seconds
                    for (render::CityScene* s : {&scene_, other_}) if (s && (split_ || s == &current())) s->set_time(t);
                    shown_ = t;
                }
            }
            clock_->setText(fmt::format("{:02d}:{:02d}  ×{:.0f}{}", shown_ / 3600, (shown_ / 60) % 60, speed_,
                                        playing_ ? "" : "  (paused)"));
            return false;
        }
        if (ea.getEventType() == osgGA::GUIEventAdapter::PUSH && ea.getButton() == osgGA::GUIEventAdapter::LEFT_MOUSE_BUTTON &&
            (ea.getModKeyMask() & osgGA::GUIEventAdapter::MODKEY_CTRL) && viewer) {
            pick(*viewer, ea.getX(), ea.getY());
            return true;
        }
        if (ea.getEventType() != osgGA::GUIEventAdapter::KEYDOWN) return false;
        const int key = ea.getKey();
        if (key == ' ') playing_ = !playing_;
        else if (key == '+' || key == '=') speed_ = std::min(3600.0, speed_ * 2);
        else if (key == '[' || key == ']') {
            time_ = std::clamp(time_ + (key == ']' ? 3600.0 : -3600.0), 0.0, 24 * 3600.0 - 1);
            shown_ = static_cast<std::int32_t>(time_);
            for (render::CityScene* s : {&scene_, other_}) if (s) s->set_time(shown_);
        }
        else if (key == '-') speed_ = std::max(1.0, speed_ / 2);
        else if (key >= '1' && key < '1' + static_cast<int>(render::all_layers.size())) {
            const auto layer = render::all_layers[static_cast<std::size_t>(key - '1')];
            current().set_visible(layer, !current().visible(layer));
        } else if (key == 'b' && other_ && viewer && !split_) {
            current_is_other_ = !current_is_other_;
            current().set_time(shown_);
            viewer->setSceneData(current().root());
            info_->setText(current_is_other_ ? "showing: baseline (b: variant)" : "showing: variant (b: baseline)");
        } else if (key == 'c' && viewer) {
            std::vector<std::string> presets{"overview", "street"};
            for (const auto& d : current().data().districts) presets.push_back("district:" + d.name);
            preset_ = (preset_ + 1) % static_cast<int>(presets.size());
            const auto pose = render::camera_pose(current(), presets[static_cast<std::size_t>(preset_)]);
            info_->setText("camera: " + presets[static_cast<std::size_t>(preset_)]);
            viewer->getCameraManipulator()->setHomePosition(pose.eye, pose.center, pose.up);
            viewer->home();
        } else {
            return false;
        }
        return true;
    }

private:
    render::CityScene& current() { return current_is_other_ ? *other_ : scene_; }

    void pick(osgViewer::Viewer& viewer, float x, float y) {
        osg::ref_ptr<osgUtil::LineSegmentIntersector> hit =
            new osgUtil::LineSegmentIntersector(osgUtil::Intersector::WINDOW, x, y);
        osgUtil::IntersectionVisitor iv(hit.get());
        viewer.getCamera()->accept(iv);
        if (!hit->containsIntersections()) return;
        const auto& first = *hit->getIntersections().begin();
        const osg::Vec3d p = first.getWorldIntersectPoint();
        const auto& d = current().data();
        const geodata::Point origin = current().origin();
        const geodata::Point at{p.x() + origin.x, p.y() + origin.y};
        const std::string text = render::describe_at(d, at, shown_);
        info_->setText(text);
    }

    render::CityScene& scene_;
    render::CityScene* other_;
    osgText::Text* clock_;
    osgText::Text* info_;
    bool split_ = false;
    bool playing_ = true, current_is_other_ = false;
    double speed_ = 60, time_ = 0;
    std::int32_t shown_ = 0;
    int preset_ = 0;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();

public:
    void start_at(std::int32_t t) { time_ = t, shown_ = t; }
};

int interactive(const render::ViewData& data, const render::ViewData* baseline, const ViewArgs& args, std::int32_t time) {
    render::SceneOptions opts = scene_options(args, time);
    std::unique_ptr<render::CityScene> other;
    if (baseline) other = std::make_unique<render::CityScene>(*baseline, opts);
    if (baseline && args.split) opts.baseline = baseline;   // the right half shows the change
    render::CityScene scene(data, opts);
    constexpr int W = 1280, H = 720;
    osgViewer::Viewer viewer;
    viewer.setUpViewInWindow(50, 50, W, H);
    const auto pose = render::camera_pose(scene, args.camera);
    viewer.setCameraManipulator(new osgGA::TrackballManipulator);
    viewer.getCameraManipulator()->setHomePosition(pose.eye, pose.center, pose.up);
    viewer.getCamera()->setClearColor({0.62f, 0.74f, 0.86f, 1});
    viewer.getCamera()->setProjectionMatrixAsPerspective(pose.fov_deg, static_cast<double>(W) / H, 1.0, 1e6);
    const bool split = baseline && args.split;
    osg::ref_ptr<osg::Group> nothing = new osg::Group;
    viewer.setSceneData(split ? nothing.get() : scene.root());
    viewer.realize();
    osgViewer::Viewer::Windows windows;
    viewer.getWindows(windows);
    if (windows.empty()) throw geodata::Error("cannot open a window (no display?); use --screenshot for images");
    if (split) {
        // Two halves following the same camera: baseline left, the variant's changes right.
        // Each half keeps the vertical field of view; x is scaled to its half width.
        for (int half = 0; half < 2; ++half) {
            osg::ref_ptr<osg::Camera> cam = new osg::Camera;
            cam->setGraphicsContext(windows.front());
            cam->setViewport(half * W / 2, 0, W / 2, H);
            cam->addChild(half == 0 ? other->root() : scene.root());
            cam->setClearColor({0.62f, 0.74f, 0.86f, 1});
            viewer.addSlave(cam.get(), osg::Matrixd::scale(2.0, 1.0, 1.0), osg::Matrixd::identity(), false);
        }
    }
    osg::ref_ptr<osg::Camera> hud = render::make_hud(scene, W, H, false);
    hud->setGraphicsContext(windows.front());
    hud->setViewport(0, 0, W, H);
    osg::ref_ptr<osg::Geode> live = new osg::Geode;
    osg::ref_ptr<osgText::Text> clock = new osgText::Text, info = new osgText::Text;
    for (osgText::Text* t : {clock.get(), info.get()}) t->setFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    clock->setPosition({W - 16, H - 38, 0});
    clock->setAlignment(osgText::Text::RIGHT_BASE_LINE);
    clock->setCharacterSize(30);
    clock->setColor({1, 0.95f, 0.6f, 1});
    info->setPosition({320, 40, 0});
    info->setCharacterSize(15);
    info->setText(std::string(split ? "left: baseline, right: change · " : "") +
                  "space play/pause · +/- speed · [ ] hour · 1-9 layers · c camera · b baseline · ctrl+click: building, AP or road");
    live->addDrawable(clock.get());
    live->addDrawable(info.get());
    hud->addChild(live.get());
    viewer.addSlave(hud.get(), false);
    osg::ref_ptr<ViewControls> controls = new ViewControls(scene, other.get(), clock.get(), info.get(), split);
    controls->start_at(time);
    viewer.addEventHandler(controls.get());
    viewer.home();
    // --exit-after: a kiosk or a smoke test closes the window by itself.
    const auto start = std::chrono::steady_clock::now();
    while (!viewer.done()) {
        if (args.exit_after > 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > args.exit_after)
            break;
        viewer.frame();
    }
    return 0;
}

}  // namespace

int run_view(const ViewArgs& args) {
    const std::int32_t time = clock_arg(args.time, "--time");
    const auto [w, h] = size_arg(args.size);
    scene_options(args, time);   // a typo in --layers or --color-by fails before any work
    if (args.split && args.baseline.empty()) throw geodata::Error("--split needs --baseline BASE (scenario or result)");
    const render::ViewData data = load(args.input, args);
    std::optional<render::ViewData> baseline;
    if (!args.baseline.empty()) baseline = load(args.baseline, args);
    const render::ViewData* base = baseline ? &*baseline : nullptr;

    bool offscreen = false;
    std::unique_ptr<Pictures> pictures;
    if (!args.screenshot.empty() || !args.frames.empty()) pictures = std::make_unique<Pictures>(data, base, args, time, w, h);
    if (!args.screenshot.empty()) {
        const auto t0 = std::chrono::steady_clock::now();
        render::write_png(*pictures->at(time), args.screenshot);
        if (args.progress)
            fmt::print(stderr, "wrote {} ({}x{}, {} in {:.1f} s)\n", args.screenshot, w, h, args.time,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        offscreen = true;
    }
    if (!args.frames.empty()) {
        if (!fs::is_directory(args.frames)) throw geodata::Error("--frames: " + args.frames + " is not a folder");
        const std::int32_t from = clock_arg(args.from, "--from"), to = clock_arg(args.to, "--to");
        if (to < from || args.step <= 0) throw geodata::Error("--frames: need --from <= --to and --step > 0 (seconds)");
        int n = 0;
        for (std::int32_t t = from; t <= to; t += args.step, ++n) {
            const std::string path = (fs::path(args.frames) / fmt::format("frame-{:05d}.png", n)).string();
            render::write_png(*pictures->at(t), path);
            if (args.progress) fmt::print(stderr, "\rframes: {} of {} ({:02d}:{:02d})", n + 1, (to - from) / args.step + 1, t / 3600, (t / 60) % 60);
        }
        if (args.progress) fmt::print(stderr, "\nwrote {} frames to {} (ffmpeg -framerate 10 -i {}/frame-%05d.png city.mp4)\n", n,
                                      args.frames, args.frames);
        offscreen = true;
    }
    if (!args.export_path.empty()) {
        render::SceneOptions opts = scene_options(args, time);
        opts.layers.erase(render::Layer::Hud);
        opts.layers.erase(render::Layer::Districts);   // screen-aligned labels do not travel
        render::CityScene scene(data, opts);
        const std::string ext = fs::path(args.export_path).extension().string();
        if (ext == ".glb") {
            render::GltfOptions g;
            g.extras = {{"crs", data.crs}, {"scenario", data.name}, {"attribution", data.attribution}};
            const auto stats = render::write_glb(*scene.root(), args.export_path, g);
            if (args.progress)
                fmt::print(stderr, "wrote {}: {} meshes, {} vertices, {} triangles\n", args.export_path, stats.meshes,
                           stats.vertices, stats.triangles);
        } else if (ext == ".osgb" || ext == ".osgt" || ext == ".ive") {
            const std::string tmp = args.export_path + ".part" + ext;
            if (!osgDB::writeNodeFile(*scene.root(), tmp)) throw geodata::Error(args.export_path + ": cannot write the scene");
            fs::rename(tmp, args.export_path);
            if (args.progress) fmt::print(stderr, "wrote {}\n", args.export_path);
        } else {
            throw geodata::Error(args.export_path + ": export to .glb (glTF 2.0) or .osgb");
        }
        offscreen = true;
    }
    if (offscreen) return 0;
    return interactive(data, base, args, time);
}

}  // namespace citytwin::app
