#pragma once
// Looking at a CityScene: camera presets, the heads-up display (clock, scenario, KPIs,
// legends, attribution), and offscreen rendering to images (pbuffer; works under Xvfb
// with software GL).
#include <citytwin/render/scene.hpp>

#include <osg/Camera>
#include <osg/Image>
#include <osg/Matrixd>

#include <memory>
#include <string>

namespace citytwin::render {

struct CameraPose {
    osg::Vec3d eye, center, up{0, 0, 1};
    double fov_deg = 40.0;
    osg::Matrixd view() const { return osg::Matrixd::lookAt(eye, center, up); }
};

/// "overview", "street", "district:<name>", or "x,y,z,heading,pitch" (x, y in the working
/// CRS, z metres above sea level, heading degrees clockwise from north, pitch degrees,
/// negative looking down). Anything else is a geodata::Error listing the presets.
CameraPose camera_pose(const CityScene& scene, const std::string& spec);

/// An orthographic overlay camera drawing the clock, scenario name, KPIs, legends and the
/// data attribution for a width × height image.
/// with_clock = false leaves the clock out (a window draws a live one).
osg::ref_ptr<osg::Camera> make_hud(const CityScene& scene, int width, int height, bool with_clock = true);

/// Where a scene point lands in a width × height image (pixels, origin bottom-left as in
/// osg::Image); nullopt behind the camera.
std::optional<osg::Vec2d> project(const CameraPose& pose, int width, int height, const osg::Vec3d& local);

/// An offscreen OpenGL context (pbuffer) that renders frames of a given size; keep one
/// for a sequence of frames. Throws geodata::Error when no context can be made (no X
/// display: run under xvfb-run).
class OffscreenRenderer {
public:
    OffscreenRenderer(int width, int height);
    ~OffscreenRenderer();
    OffscreenRenderer(const OffscreenRenderer&) = delete;
    OffscreenRenderer& operator=(const OffscreenRenderer&) = delete;
    /// Draws one frame and reads it back (the read waits for the GPU: a true frame time).
    osg::ref_ptr<osg::Image> render(osg::Node* world, osg::Camera* hud, const CameraPose& pose);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One frame with a fresh OffscreenRenderer.
osg::ref_ptr<osg::Image> render_image(osg::Node* world, osg::Camera* hud, const CameraPose& pose, int width, int height);

/// Two images side by side (split view).
osg::ref_ptr<osg::Image> side_by_side(const osg::Image& left, const osg::Image& right);

/// Writes a PNG through a temporary name; throws geodata::Error naming the path.
void write_png(const osg::Image& image, const std::string& path);

}  // namespace citytwin::render
