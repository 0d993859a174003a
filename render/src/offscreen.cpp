#include <citytwin/render/view.hpp>

#include <citytwin/geodata/error.hpp>

#include <osg/GraphicsContext>
#include <osgDB/WriteFile>
#include <osgViewer/Viewer>

#include <cstring>
#include <filesystem>

namespace citytwin::render {

namespace {

// Copies the frame buffer once the frame is drawn.
struct Grab : osg::Camera::DrawCallback {
    osg::ref_ptr<osg::Image> image = new osg::Image;
    int width = 0, height = 0;
    void operator()(osg::RenderInfo&) const override { image->readPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE); }
};

}  // namespace

osg::ref_ptr<osg::Image> render_image(osg::Node* world, osg::Camera* hud, const CameraPose& pose, int width, int height) {
    if (width < 16 || height < 16 || width > 16384 || height > 16384)
        throw geodata::Error("image size " + std::to_string(width) + "x" + std::to_string(height) + " is out of range (16…16384)");
    osg::ref_ptr<osg::GraphicsContext::Traits> traits = new osg::GraphicsContext::Traits;
    traits->readDISPLAY();
    traits->setUndefinedScreenDetailsToDefaultScreen();
    traits->x = 0;
    traits->y = 0;
    traits->width = width;
    traits->height = height;
    traits->pbuffer = true;
    traits->doubleBuffer = false;
    traits->red = traits->green = traits->blue = 8;
    traits->alpha = 0;   // an RGBA8 pbuffer config does not exist under Xvfb (BadMatch); the image is read as RGBA anyway
    traits->depth = 24;
    traits->samples = 0;
    osg::ref_ptr<osg::GraphicsContext> gc = osg::GraphicsContext::createGraphicsContext(traits.get());
    if (!gc) {
        traits->samples = 0;   // no multisampling in this GL: draw without
        gc = osg::GraphicsContext::createGraphicsContext(traits.get());
    }
    if (!gc || !gc->valid())
        throw geodata::Error("cannot create an OpenGL context for offscreen rendering (no X display? run under "
                             "`xvfb-run -a` or set DISPLAY)");
    osgViewer::Viewer viewer;
    viewer.setThreadingModel(osgViewer::Viewer::SingleThreaded);
    osg::Camera* cam = viewer.getCamera();
    cam->setGraphicsContext(gc.get());
    cam->setViewport(0, 0, width, height);
    cam->setClearColor({0.62f, 0.74f, 0.86f, 1});   // a light sky
    cam->setProjectionMatrixAsPerspective(pose.fov_deg, static_cast<double>(width) / height, 1.0, 1e6);
    cam->setViewMatrix(pose.view());
    cam->setDrawBuffer(GL_FRONT);
    cam->setReadBuffer(GL_FRONT);
    osg::ref_ptr<osg::Group> root = new osg::Group;
    root->addChild(world);
    if (hud) {
        hud->setGraphicsContext(gc.get());
        hud->setViewport(0, 0, width, height);
        root->addChild(hud);
    }
    viewer.setSceneData(root.get());
    viewer.setCameraManipulator(nullptr);
    osg::ref_ptr<Grab> grab = new Grab;
    grab->width = width;
    grab->height = height;
    cam->setFinalDrawCallback(grab.get());
    viewer.realize();
    viewer.frame();
    cam->setFinalDrawCallback(nullptr);
    if (hud) {
        root->removeChild(hud);
        hud->setGraphicsContext(nullptr);
    }
    osg::ref_ptr<osg::Image> image = grab->image;
    return image;
}

osg::ref_ptr<osg::Image> side_by_side(const osg::Image& left, const osg::Image& right) {
    const int w = left.s() + right.s(), h = std::max(left.t(), right.t());
    osg::ref_ptr<osg::Image> out = new osg::Image;
    out->allocateImage(w, h, 1, GL_RGBA, GL_UNSIGNED_BYTE);
    std::memset(out->data(), 0, out->getTotalSizeInBytes());
    for (int row = 0; row < h; ++row) {
        if (row < left.t()) std::memcpy(out->data(0, row), left.data(0, row), static_cast<std::size_t>(left.s()) * 4);
        if (row < right.t()) std::memcpy(out->data(left.s(), row), right.data(0, row), static_cast<std::size_t>(right.s()) * 4);
    }
    return out;
}

void write_png(const osg::Image& image, const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    if (!target.parent_path().empty() && !fs::is_directory(target.parent_path()))
        throw geodata::Error(path + ": folder " + target.parent_path().string() + " does not exist");
    const std::string tmp = (target.parent_path() / ("." + target.filename().string() + ".part.png")).string();
    if (!osgDB::writeImageFile(image, tmp)) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw geodata::Error(path + ": cannot write the PNG (is OpenSceneGraph's png plugin installed?)");
    }
    fs::rename(tmp, target);
}

}  // namespace citytwin::render
