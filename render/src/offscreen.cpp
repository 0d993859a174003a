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
    mutable osg::ref_ptr<osg::Image> image = new osg::Image;
    int width = 0, height = 0;
    void operator()(osg::RenderInfo&) const override { image->readPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE); }
};

}  // namespace

struct OffscreenRenderer::Impl {
    int width = 0, height = 0;
    osg::ref_ptr<osg::GraphicsContext> gc;
    osgViewer::Viewer viewer;
    osg::ref_ptr<osg::Group> root = new osg::Group;
    osg::ref_ptr<Grab> grab = new Grab;
};

OffscreenRenderer::OffscreenRenderer(int width, int height) : impl_(std::make_unique<Impl>()) {
    if (width < 16 || height < 16 || width > 16384 || height > 16384)
        throw geodata::Error("image size " + std::to_string(width) + "x" + std::to_string(height) + " is out of range (16…16384)");
    impl_->width = width;
    impl_->height = height;
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
    impl_->gc = osg::GraphicsContext::createGraphicsContext(traits.get());
    if (!impl_->gc || !impl_->gc->valid())
        throw geodata::Error("cannot create an OpenGL context for offscreen rendering (no X display? run under "
                             "`xvfb-run -a` or set DISPLAY)");
    auto& viewer = impl_->viewer;
    viewer.setThreadingModel(osgViewer::Viewer::SingleThreaded);
    osg::Camera* cam = viewer.getCamera();
    cam->setGraphicsContext(impl_->gc.get());
    cam->setViewport(0, 0, width, height);
    cam->setClearColor({0.62f, 0.74f, 0.86f, 1});   // a light sky
    cam->setDrawBuffer(GL_FRONT);
    cam->setReadBuffer(GL_FRONT);
    impl_->grab->width = width;
    impl_->grab->height = height;
    cam->setFinalDrawCallback(impl_->grab.get());
    viewer.setSceneData(impl_->root.get());
    viewer.setCameraManipulator(nullptr);
    viewer.realize();
}

OffscreenRenderer::~OffscreenRenderer() = default;

osg::ref_ptr<osg::Image> OffscreenRenderer::render(osg::Node* world, osg::Camera* hud, const CameraPose& pose) {
    osg::Camera* cam = impl_->viewer.getCamera();
    cam->setProjectionMatrixAsPerspective(pose.fov_deg, static_cast<double>(impl_->width) / impl_->height, 1.0, 1e6);
    cam->setViewMatrix(pose.view());
    auto& root = *impl_->root;
    root.removeChildren(0, root.getNumChildren());
    root.addChild(world);
    if (hud) {
        hud->setGraphicsContext(impl_->gc.get());
        hud->setViewport(0, 0, impl_->width, impl_->height);
        root.addChild(hud);
    }
    impl_->grab->image = new osg::Image;
    impl_->viewer.frame();
    if (hud) {
        root.removeChild(hud);
        hud->setGraphicsContext(nullptr);
    }
    root.removeChildren(0, root.getNumChildren());
    return impl_->grab->image;
}

osg::ref_ptr<osg::Image> render_image(osg::Node* world, osg::Camera* hud, const CameraPose& pose, int width, int height) {
    OffscreenRenderer renderer(width, height);
    return renderer.render(world, hud, pose);
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
