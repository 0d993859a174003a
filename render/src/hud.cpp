#include <citytwin/render/view.hpp>

#include <osg/BlendFunc>
#include <osg/Geode>
#include <osg/Geometry>
#include <osgText/Text>

#include <cstdio>

namespace citytwin::render {

namespace {

// DejaVu Sans (Debian fonts-dejavu-core) has ©, ≥, Ö …; OSG's built-in font has ASCII only.
osg::ref_ptr<osgText::Font> hud_font() {
    static const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    return osgText::readRefFontFile(path);
}

// Texts and boxes of the overlay; all boxes go into one geometry (one draw call).
class Overlay {
public:
    explicit Overlay(osg::Geode* g) : geode_(g), font_(hud_font()) {
        boxes_->setName("hud panels");
        boxes_->setVertexArray(box_vertices_.get());
        boxes_->setColorArray(box_colours_.get(), osg::Array::BIND_PER_VERTEX);
        boxes_->addPrimitiveSet(box_quads_.get());
        geode_->addDrawable(boxes_.get());
    }

    void text(const std::string& s, float x, float y, float size, osgText::Text::AlignmentType align = osgText::Text::LEFT_BASE_LINE,
              const osg::Vec4& colour = {1, 1, 1, 1}) {
        osg::ref_ptr<osgText::Text> t = new osgText::Text;
        if (font_) t->setFont(font_.get());
        t->setText(s, osgText::String::ENCODING_UTF8);
        t->setCharacterSize(size);
        t->setPosition({x, y, 0});
        t->setAlignment(align);
        t->setColor(colour);
        t->setName("hud text: " + s);
        geode_->addDrawable(t.get());
    }
    void box(float x0, float y0, float x1, float y1, const osg::Vec4& colour) {
        for (const auto& p : {osg::Vec3(x0, y0, 0), osg::Vec3(x1, y0, 0), osg::Vec3(x1, y1, 0), osg::Vec3(x0, y1, 0)}) {
            box_vertices_->push_back(p);
            box_colours_->push_back(colour);
        }
        box_quads_->setCount(static_cast<GLsizei>(box_vertices_->size()));
    }

private:
    osg::Geode* geode_;
    osg::ref_ptr<osgText::Font> font_;
    osg::ref_ptr<osg::Geometry> boxes_ = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> box_vertices_ = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4Array> box_colours_ = new osg::Vec4Array;
    osg::ref_ptr<osg::DrawArrays> box_quads_ = new osg::DrawArrays(GL_QUADS, 0, 0);
};

std::string clock(std::int32_t s) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", s / 3600, (s / 60) % 60);
    return buf;
}

}  // namespace

osg::ref_ptr<osg::Camera> make_hud(const CityScene& scene, int width, int height, bool with_clock) {
    const ViewData& d = scene.data();
    osg::ref_ptr<osg::Camera> hud = new osg::Camera;
    hud->setName("hud");
    hud->setProjectionMatrixAsOrtho2D(0, width, 0, height);
    hud->setReferenceFrame(osg::Transform::ABSOLUTE_RF);
    hud->setViewMatrix(osg::Matrix::identity());
    hud->setClearMask(GL_DEPTH_BUFFER_BIT);
    hud->setRenderOrder(osg::Camera::POST_RENDER);
    hud->setAllowEventFocus(false);
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    osg::StateSet* s = geode->getOrCreateStateSet();
    s->setMode(GL_LIGHTING, osg::StateAttribute::OFF);
    s->setMode(GL_DEPTH_TEST, osg::StateAttribute::OFF);
    s->setMode(GL_BLEND, osg::StateAttribute::ON);
    s->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA));
    s->setRenderBinDetails(10, "RenderBin");
    hud->addChild(geode.get());
    Overlay o(geode.get());
    const float W = static_cast<float>(width), H = static_cast<float>(height), k = std::max(0.6f, H / 720.0f);
    const osg::Vec4 panel{0.05f, 0.07f, 0.10f, 0.72f};

    // Top: scenario, KPIs; the clock on the right.
    const float top_h = (44 + 20 * static_cast<float>(d.kpi_lines.size())) * k;
    o.box(0, H - top_h, W, H, panel);
    o.text(d.name, 14 * k, H - 32 * k, 24 * k);
    for (std::size_t i = 0; i < d.kpi_lines.size(); ++i)
        o.text(d.kpi_lines[i], 16 * k, H - (56 + 20 * static_cast<float>(i)) * k, 15 * k, osgText::Text::LEFT_BASE_LINE, {0.85f, 0.9f, 1, 1});
    if (with_clock)
        o.text(clock(scene.options().time), W - 16 * k, H - 38 * k, 34 * k, osgText::Text::RIGHT_BASE_LINE, {1, 0.95f, 0.6f, 1});

    // Bottom left: legends.
    // The road legend only when roads carry traffic (or a change) to read.
    const bool diff = scene.options().baseline != nullptr;
    const bool traffic = d.hours > 0 || diff;
    // The path legend when walkers and cyclists were routed and their layer is shown.
    const bool paths = d.path_hours > 0 && scene.visible(Layer::Paths);
    const float traffic_top = static_cast<float>((d.rssi ? 48 : 0) + (traffic ? 64 : 0)) * k;
    const float lw = 300 * k, lh = traffic_top + (paths ? 64 * k : 0.0f);
    if (lh > 0) o.box(0, 0, lw, lh + 26 * k, panel);
    if (paths) {
        o.text("paths: who walks or rides (this hour)", 12 * k, lh + 6 * k, 14 * k);
        static const char* labels[] = {"nobody", "walkers", "both", "cyclists"};
        const osg::Vec4 colours[] = {path_colour(0, 0, 1), path_colour(1, 0, 1), path_colour(1, 1, 2), path_colour(0, 1, 1)};
        for (int i = 0; i < 4; ++i) {
            const float x = (12 + 70 * static_cast<float>(i)) * k, y = lh - 22 * k;
            o.box(x, y, x + 62 * k, y + 14 * k, colours[i]);
            o.text(labels[i], x, y - 16 * k, 12 * k);
        }
    }
    if (traffic) {
        o.text(diff ? "roads: traffic change vs baseline" : "roads: volume / capacity", 12 * k, traffic_top + 6 * k, 14 * k);
        for (int i = 0; i < 5; ++i) {
            const float x = (12 + 56 * static_cast<float>(i)) * k, y = traffic_top - 22 * k;
            const osg::Vec4 c = diff ? flow_change_colour(static_cast<float>(i - 2), 2.0f)
                                     : volume_capacity_colour(0.25f * static_cast<float>(i) + 0.001f);
            o.box(x, y, x + 50 * k, y + 14 * k, c);
            static const char* vc_labels[] = {"0", "0.25", "0.5", "0.75", "≥1"};
            static const char* diff_labels[] = {"fewer", "", "same", "", "more"};
            o.text(diff ? diff_labels[i] : vc_labels[i], x, y - 16 * k, 12 * k);
        }
    }
    if (d.rssi) {
        const bool indoors = scene.options().building_colours == SceneOptions::BuildingColours::IndoorSignal;
        o.text(indoors ? "wifi signal (dBm); buildings: indoors" : "wifi signal (dBm)", 12 * k, (traffic ? 56 : 48) * k, 14 * k);
        for (int i = 0; i < 50; ++i) {
            const float dbm = -95.0f + static_cast<float>(i);
            const float x = (12 + 5.5f * static_cast<float>(i)) * k;
            o.box(x, 26 * k, x + 5.6f * k, 42 * k, rssi_colour(dbm));
        }
        char thr[32];
        std::snprintf(thr, sizeof thr, "%.0f", -95.0);
        o.text(thr, 12 * k, 10 * k, 12 * k);
        o.text("-70", 12 * k + 137 * k, 10 * k, 12 * k, osgText::Text::CENTER_BASE_LINE);
        o.text("-45", 12 * k + 275 * k, 10 * k, 12 * k, osgText::Text::RIGHT_BASE_LINE);
    }
    // Bottom right: attribution (always, even without other overlay text).
    const std::string credit = d.attribution.empty() ? "© OpenStreetMap contributors" : d.attribution;
    const float cw = (8.0f * static_cast<float>(credit.size()) + 20) * k * 0.9f;
    o.box(W - cw, 0, W, 24 * k, panel);
    o.text(credit, W - 10 * k, 8 * k, 13 * k, osgText::Text::RIGHT_BASE_LINE);
    return hud;
}

}  // namespace citytwin::render
