#include <citytwin/render/scene.hpp>

#include <citytwin/geodata/error.hpp>

#include <osg/BlendFunc>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/LightModel>
#include <osg/LOD>
#include <osg/LineWidth>
#include <osg/Point>
#include <osg/PolygonOffset>
#include <osg/Texture2D>
#include <osg/TriangleIndexFunctor>
#include <osgText/Text>
#include <osgUtil/Tessellator>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace citytwin::render {

namespace {

constexpr double path_lift_m = 1.6, road_lift_m = 1.0, vehicle_lift_m = 3.0, coverage_lift_m = 0.6, outline_lift_m = 4.0;

osg::Vec4 mix(const osg::Vec4& a, const osg::Vec4& b, float t) { return a * (1.0f - t) + b * t; }

void unlit(osg::StateSet* s) { s->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED); }

osg::ref_ptr<osg::Geode> geode_of(osg::Geometry* g, const std::string& name) {
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    g->setName(name);
    geode->setName(name);
    geode->addDrawable(g);
    return geode;
}

// Triangles of a tessellated geometry, for appending into a merged one.
struct CollectTriangles {
    std::vector<unsigned>* out = nullptr;
    void operator()(unsigned a, unsigned b, unsigned c) const {
        out->push_back(a);
        out->push_back(b);
        out->push_back(c);
    }
};

// Appends the roof of a footprint at height z (holes kept) via the GLU tessellator.
void append_roof(const geodata::MultiPolygon& mp, const std::function<osg::Vec3(const geodata::Point&)>& at, osg::Vec3Array& v,
                 osg::Vec3Array& n, osg::Vec4Array& c, const osg::Vec4& colour, std::vector<unsigned>& idx) {
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> pts = new osg::Vec3Array;
    g->setVertexArray(pts.get());
    for (const auto& poly : mp) {
        auto ring = [&](const geodata::Ring& r) {
            const unsigned start = static_cast<unsigned>(pts->size());
            const std::size_t count = r.size() > 1 && r.front().x == r.back().x && r.front().y == r.back().y ? r.size() - 1 : r.size();
            for (std::size_t i = 0; i < count; ++i) pts->push_back(at(r[i]));
            if (count >= 3) g->addPrimitiveSet(new osg::DrawArrays(GL_POLYGON, static_cast<GLint>(start), static_cast<GLsizei>(count)));
        };
        ring(poly.outer);
        for (const auto& h : poly.holes) ring(h);
    }
    if (g->getNumPrimitiveSets() == 0) return;
    osgUtil::Tessellator tess;
    tess.setTessellationType(osgUtil::Tessellator::TESS_TYPE_GEOMETRY);
    tess.setWindingType(osgUtil::Tessellator::TESS_WINDING_ODD);
    tess.setTessellationNormal(osg::Vec3(0, 0, 1));
    tess.retessellatePolygons(*g);
    const auto* tv = static_cast<const osg::Vec3Array*>(g->getVertexArray());
    const unsigned base = static_cast<unsigned>(v.size());
    for (const auto& p : *tv) {
        v.push_back(p);
        n.push_back({0, 0, 1});
        c.push_back(colour);
    }
    std::vector<unsigned> tris;
    osg::TriangleIndexFunctor<CollectTriangles> f;
    f.out = &tris;
    g->accept(f);
    for (unsigned i : tris) idx.push_back(base + i);
}

// A regular grid over [x0, x1] × [y0, y1] following the ground, with texture coordinates.
osg::ref_ptr<osg::Geometry> ground_grid(double x0, double y0, double x1, double y1, int nx, int ny,
                                        const std::function<osg::Vec3(double, double)>& at) {
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec2Array> t = new osg::Vec2Array;
    for (int j = 0; j <= ny; ++j)
        for (int i = 0; i <= nx; ++i) {
            const double u = static_cast<double>(i) / nx, w = static_cast<double>(j) / ny;
            v->push_back(at(x0 + u * (x1 - x0), y0 + w * (y1 - y0)));
            t->push_back(osg::Vec2(static_cast<float>(u), static_cast<float>(w)));
        }
    osg::ref_ptr<osg::DrawElementsUInt> tris = new osg::DrawElementsUInt(GL_TRIANGLES);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const unsigned a = static_cast<unsigned>(j * (nx + 1) + i), b = a + 1, c = a + static_cast<unsigned>(nx + 1), d = c + 1;
            for (unsigned k : {a, b, d, a, d, c}) tris->push_back(k);
        }
    g->setVertexArray(v.get());
    g->setTexCoordArray(0, t.get());
    g->addPrimitiveSet(tris.get());
    osg::ref_ptr<osg::Vec3Array> normals = new osg::Vec3Array;
    normals->push_back({0, 0, 1});
    g->setNormalArray(normals.get(), osg::Array::BIND_OVERALL);
    return g;
}

}  // namespace

std::string_view to_string(Layer layer) {
    switch (layer) {
        case Layer::Terrain: return "terrain";
        case Layer::Buildings: return "buildings";
        case Layer::Roads: return "roads";
        case Layer::Vehicles: return "vehicles";
        case Layer::Coverage: return "coverage";
        case Layer::AccessPoints: return "aps";
        case Layer::Districts: return "districts";
        case Layer::Paths: return "paths";
        case Layer::Hud: return "hud";
    }
    return "?";
}

std::set<Layer> parse_layers(const std::string& list) {
    std::set<Layer> out;
    std::stringstream ss(list);
    for (std::string name; std::getline(ss, name, ',');) {
        if (name.empty()) continue;
        const auto it = std::find_if(all_layers.begin(), all_layers.end(), [&](Layer l) { return to_string(l) == name; });
        if (it == all_layers.end()) {
            std::string known;
            for (Layer l : all_layers) known += " " + std::string(to_string(l));
            throw geodata::Error("unknown layer '" + name + "' (known:" + known + ")");
        }
        out.insert(*it);
    }
    return out;
}

osg::Vec4 volume_capacity_colour(float vc) {
    if (!(vc > 0.0f)) return {0.55f, 0.55f, 0.58f, 1.0f};
    const osg::Vec4 green{0.10f, 0.75f, 0.25f, 1}, yellow{0.98f, 0.85f, 0.10f, 1}, red{0.90f, 0.10f, 0.10f, 1};
    return vc < 0.5f ? mix(green, yellow, vc / 0.5f) : mix(yellow, red, std::min(1.0f, (vc - 0.5f) / 0.5f));
}

osg::Vec4 flow_change_colour(float delta, float scale) {
    const osg::Vec4 grey{0.60f, 0.60f, 0.62f, 1}, red{0.92f, 0.12f, 0.10f, 1}, blue{0.10f, 0.35f, 0.95f, 1};
    if (delta == 0.0f || scale <= 0.0f) return grey;
    const float t = std::min(1.0f, std::sqrt(std::abs(delta) / scale));
    return mix(grey, delta > 0 ? red : blue, 0.35f + 0.65f * t);
}

osg::Vec4 rssi_colour(float dbm) {
    const float t = std::clamp((dbm + 95.0f) / 50.0f, 0.0f, 1.0f);
    const osg::Vec4 weak{0.85f, 0.15f, 0.55f, 1}, mid{0.25f, 0.45f, 0.95f, 1}, strong{0.10f, 0.90f, 0.95f, 1};
    return t < 0.5f ? mix(weak, mid, t / 0.5f) : mix(mid, strong, (t - 0.5f) / 0.5f);
}

osg::Vec4 building_colour(geodata::BuildingUse use) {
    switch (use) {
        case geodata::BuildingUse::Residential: return {0.93f, 0.84f, 0.70f, 1};
        case geodata::BuildingUse::Commercial: return {0.62f, 0.72f, 0.90f, 1};
        case geodata::BuildingUse::Industrial: return {0.70f, 0.64f, 0.75f, 1};
        case geodata::BuildingUse::Public: return {0.92f, 0.62f, 0.55f, 1};
        case geodata::BuildingUse::Other: return {0.86f, 0.86f, 0.84f, 1};
    }
    return {0.86f, 0.86f, 0.84f, 1};
}

osg::Vec4 height_colour(double height_m) {
    const float t = static_cast<float>(std::clamp(height_m / 60.0, 0.0, 1.0));
    return mix({0.90f, 0.86f, 0.78f, 1}, {0.20f, 0.30f, 0.75f, 1}, t);
}

osg::Vec4 path_colour(float pedestrians, float cyclists, float scale) {
    const float users = pedestrians + cyclists;
    const osg::Vec4 nobody{0.45f, 0.45f, 0.45f, 1}, walk{0.15f, 0.55f, 1.0f, 1}, both{0.75f, 0.30f, 0.95f, 1},
        bike{1.0f, 0.50f, 0.0f, 1};
    if (users <= 0.0f) return nobody;
    // blue → violet → orange: a straight blend of blue and orange would be grey, like nobody
    const float share = cyclists / users;
    const osg::Vec4 mode = share < 0.5f ? mix(walk, both, 2.0f * share) : mix(both, bike, 2.0f * share - 1.0f);
    // log scale: a footway with 3 walkers an hour shows, the busiest cycleway is not the only one
    const float t = std::clamp(0.35f + 0.65f * std::log1p(users) / std::log1p(std::max(scale, 1.0f)), 0.0f, 1.0f);
    return mix(nobody, mode, t);
}

osg::Vec4 CityScene::roof_colour(const ViewBuilding& b) const {
    switch (options_.building_colours) {
    case SceneOptions::BuildingColours::Height: return height_colour(b.height_m);
    case SceneOptions::BuildingColours::IndoorSignal:
        return std::isnan(b.indoor_rssi_dbm) ? osg::Vec4{0.55f, 0.55f, 0.55f, 1} : rssi_colour(b.indoor_rssi_dbm);
    case SceneOptions::BuildingColours::Use: break;
    }
    return building_colour(b.use);
}

CityScene::CityScene(const ViewData& data, SceneOptions options) : data_(data), options_(std::move(options)) {
    if (data_.bounds.empty()) throw geodata::Error("nothing to show: the city has no roads, buildings or districts");
    origin_ = {std::round((data_.bounds.min.x + data_.bounds.max.x) / 2), std::round((data_.bounds.min.y + data_.bounds.max.y) / 2)};
    root_ = new osg::Switch;
    root_->setName("city");
    osg::StateSet* ss = root_->getOrCreateStateSet();
    osg::ref_ptr<osg::LightModel> lm = new osg::LightModel;
    lm->setTwoSided(true);
    lm->setAmbientIntensity({0.45f, 0.45f, 0.45f, 1});
    ss->setAttributeAndModes(lm.get());
    ss->setMode(GL_NORMALIZE, osg::StateAttribute::ON);
    for (std::size_t i = 0; i < all_layers.size(); ++i) {
        index_[i] = root_->getNumChildren();
        root_->addChild(new osg::Group, options_.layers.count(all_layers[i]) > 0);
    }
    build_static();
    set_time(options_.time);
}

double CityScene::ground(const geodata::Point& p) const {
    if (!data_.terrain) return 0.0;
    const float z = data_.terrain->sample(p);
    return z == data_.terrain->nodata || std::isnan(z) ? 0.0 : z;
}

osg::Vec3d CityScene::to_local(const geodata::Point& p, double dz) const {
    return {p.x - origin_.x, p.y - origin_.y, ground(p) + dz};
}

void CityScene::replace(Layer layer, osg::ref_ptr<osg::Node> node) {
    const unsigned i = index_[static_cast<std::size_t>(layer)];
    const bool on = root_->getValue(i);
    node->setName(std::string(to_string(layer)));
    root_->setChild(i, node.get());
    root_->setValue(i, on);
}

void CityScene::set_visible(Layer layer, bool on) { root_->setValue(index_[static_cast<std::size_t>(layer)], on); }
bool CityScene::visible(Layer layer) const { return root_->getValue(index_[static_cast<std::size_t>(layer)]); }

void CityScene::build_static() {
    const auto& b = data_.bounds;
    const double margin = 0.05 * std::max(b.max.x - b.min.x, b.max.y - b.min.y);
    // Ground: the terrain when the city has one, else a flat plane.
    {
        const int steps = data_.terrain ? 160 : 1;
        auto g = ground_grid(b.min.x - margin, b.min.y - margin, b.max.x + margin, b.max.y + margin, steps, steps,
                             [&](double x, double y) { return osg::Vec3(to_local({x, y}, -0.2)); });
        osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
        c->push_back({0.36f, 0.40f, 0.36f, 1});
        g->setColorArray(c.get(), osg::Array::BIND_OVERALL);
        replace(Layer::Terrain, geode_of(g.get(), "terrain"));
    }
    // Buildings: walls and roofs of every building of a tile in one geometry.
    {
        struct Mesh {
            osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
            osg::ref_ptr<osg::Vec3Array> n = new osg::Vec3Array;
            osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
            std::vector<unsigned> idx;
            // A wall quad from a to b, z0 to z1.
            void wall(const osg::Vec3& a, const osg::Vec3& b, float z0, float z1, const osg::Vec4& colour) {
                osg::Vec3 nrm(b.y() - a.y(), a.x() - b.x(), 0);
                nrm.normalize();
                const unsigned s = static_cast<unsigned>(v->size());
                for (const auto& p : {osg::Vec3(a.x(), a.y(), z0), osg::Vec3(b.x(), b.y(), z0), osg::Vec3(b.x(), b.y(), z1),
                                      osg::Vec3(a.x(), a.y(), z1)}) {
                    v->push_back(p);
                    n->push_back(nrm);
                    c->push_back(colour);
                }
                for (unsigned k : {0u, 1u, 2u, 0u, 2u, 3u}) idx.push_back(s + k);
            }
            osg::ref_ptr<osg::Geometry> geometry(const std::string& name) {
                osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
                g->setName(name);
                g->setVertexArray(v.get());
                g->setNormalArray(n.get(), osg::Array::BIND_PER_VERTEX);
                g->setColorArray(c.get(), osg::Array::BIND_PER_VERTEX);
                g->addPrimitiveSet(new osg::DrawElementsUInt(GL_TRIANGLES, idx.begin(), idx.end()));
                g->setUseVertexBufferObjects(true);
                return g;
            }
        };
        struct Tile {
            Mesh near, far;
        };
        const double tile = options_.tile_m > 0 ? options_.tile_m
                                                 : std::max(500.0, std::max(b.max.x - b.min.x, b.max.y - b.min.y) / 8.0);
        stats_.tile_m = tile;
        std::map<std::pair<long, long>, Tile> tiles;
        for (const auto& bld : data_.buildings) {
            Tile& t = tiles[{std::lround(std::floor((bld.centroid.x - b.min.x) / tile)),
                             std::lround(std::floor((bld.centroid.y - b.min.y) / tile))}];
            const double base = ground(bld.centroid);   // a building stands level on its centroid's ground
            const osg::Vec4 roof = roof_colour(bld);
            const osg::Vec4 wall = roof * 0.82f;
            const float z0 = static_cast<float>(base), z1 = static_cast<float>(base + bld.height_m);
            auto at = [&](const geodata::Point& p, double z) {
                return osg::Vec3(static_cast<float>(p.x - origin_.x), static_cast<float>(p.y - origin_.y), static_cast<float>(base + z));
            };
            for (const auto& poly : bld.footprint) {
                auto walls = [&](const geodata::Ring& r) {
                    for (std::size_t i = 0; i + 1 < r.size(); ++i) t.near.wall(at(r[i], 0), at(r[i + 1], 0), z0, z1, wall);
                };
                walls(poly.outer);
                for (const auto& h : poly.holes) walls(h);
            }
            append_roof(bld.footprint, [&](const geodata::Point& p) { return at(p, bld.height_m); }, *t.near.v, *t.near.n,
                        *t.near.c, roof, t.near.idx);
            // Far version: the bounding box's roof, 2 triangles (seen from afar, from above,
            // walls are a few pixels; the roof colour and height carry the picture).
            const auto bb = geodata::bounds(bld.footprint);
            const osg::Vec3 p00 = at(bb.min, 0), p11 = at(bb.max, 0), p10(p11.x(), p00.y(), 0), p01(p00.x(), p11.y(), 0);
            const unsigned s0 = static_cast<unsigned>(t.far.v->size());
            for (const auto& p : {p00, p10, p11, p01}) {
                t.far.v->push_back(osg::Vec3(p.x(), p.y(), z1));
                t.far.n->push_back({0, 0, 1});
                t.far.c->push_back(roof * (0.75f + 0.25f * std::min(1.0f, static_cast<float>(bld.height_m) / 60.0f)));
            }
            for (unsigned k : {0u, 1u, 2u, 0u, 2u, 3u}) t.far.idx.push_back(s0 + k);
            ++stats_.buildings;
        }
        // A city with more detail than software GL draws in a frame (~1.5 M triangles)
        // keeps full detail only for its nearest tiles: the switch size grows with it.
        std::size_t near_total = 0;
        for (const auto& [key, t] : tiles) near_total += t.near.idx.size() / 3;
        const double lod_scale = std::max(1.0, std::sqrt(static_cast<double>(near_total) / 1.5e6));
        osg::ref_ptr<osg::Group> group = new osg::Group;
        for (auto& [key, t] : tiles) {
            const std::string name = "buildings tile " + std::to_string(key.first) + "," + std::to_string(key.second);
            stats_.triangles += t.near.idx.size() / 3;
            stats_.vertices += t.near.v->size();
            stats_.far_triangles += t.far.idx.size() / 3;
            ++stats_.building_tiles;
            // Pixel-size LOD: detail while the tile covers more pixels than its triangles warrant.
            osg::ref_ptr<osg::LOD> lod = new osg::LOD;
            lod->setName(name);
            lod->setRangeMode(osg::LOD::PIXEL_SIZE_ON_SCREEN);
            const float switch_px =
                static_cast<float>(options_.lod_pixels * lod_scale * std::sqrt(static_cast<double>(t.near.idx.size() / 3)));
            lod->addChild(geode_of(t.near.geometry(name).get(), name).get(), switch_px, 1e9f);
            lod->addChild(geode_of(t.far.geometry(name + " far").get(), name + " far").get(), 0.0f, switch_px);
            group->addChild(lod.get());
        }
        replace(Layer::Buildings, group);
    }
    // Coverage: the RSSI raster as a texture on a sheet following the ground.
    if (data_.rssi) {
        const auto& r = *data_.rssi;
        osg::ref_ptr<osg::Image> img = new osg::Image;
        img->allocateImage(r.width, r.height, 1, GL_RGBA, GL_UNSIGNED_BYTE);
        for (int row = 0; row < r.height; ++row)
            for (int col = 0; col < r.width; ++col) {
                const float dbm = r.values[static_cast<std::size_t>(row) * static_cast<std::size_t>(r.width) + static_cast<std::size_t>(col)];
                unsigned char* px = img->data(col, r.height - 1 - row);   // image row 0 is the southern edge
                const bool shown = dbm != r.nodata && !std::isnan(dbm) && dbm >= data_.threshold_dbm;
                const osg::Vec4 c = rssi_colour(dbm);
                for (int k = 0; k < 3; ++k) px[k] = static_cast<unsigned char>(std::lround(255 * c[static_cast<unsigned>(k)]));
                px[3] = shown ? 170 : 0;
            }
        const double x0 = r.origin_x, y1 = r.origin_y, x1 = x0 + r.width * r.cell_size, y0 = y1 - r.height * r.cell_size;
        auto g = ground_grid(x0, y0, x1, y1, std::min(r.width, 200), std::min(r.height, 200),
                             [&](double x, double y) { return osg::Vec3(to_local({x, y}, coverage_lift_m)); });
        osg::ref_ptr<osg::Texture2D> tex = new osg::Texture2D(img.get());
        tex->setFilter(osg::Texture::MIN_FILTER, osg::Texture::LINEAR);
        tex->setFilter(osg::Texture::MAG_FILTER, osg::Texture::NEAREST);
        tex->setResizeNonPowerOfTwoHint(false);
        osg::StateSet* s = g->getOrCreateStateSet();
        s->setTextureAttributeAndModes(0, tex.get());
        s->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA));
        s->setRenderingHint(osg::StateSet::TRANSPARENT_BIN);
        s->setAttributeAndModes(new osg::PolygonOffset(-1.0f, -1.0f));
        unlit(s);
        osg::ref_ptr<osg::Vec4Array> white = new osg::Vec4Array;
        white->push_back({1, 1, 1, 1});
        g->setColorArray(white.get(), osg::Array::BIND_OVERALL);
        replace(Layer::Coverage, geode_of(g.get(), "wifi coverage"));
    }
    // Access points: magenta masts with a dot on top.
    {
        osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
        osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
        for (const auto& p : data_.access_points) {
            if (std::isnan(p.x)) continue;
            v->push_back(to_local(p, 0));
            v->push_back(to_local(p, 14));
        }
        osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
        c->push_back({1.0f, 0.1f, 0.85f, 1});
        g->setVertexArray(v.get());
        g->setColorArray(c.get(), osg::Array::BIND_OVERALL);
        g->addPrimitiveSet(new osg::DrawArrays(GL_LINES, 0, static_cast<GLsizei>(v->size())));
        osg::ref_ptr<osg::DrawElementsUInt> tops = new osg::DrawElementsUInt(GL_POINTS);
        for (unsigned i = 1; i < v->size(); i += 2) tops->push_back(i);
        g->addPrimitiveSet(tops.get());
        osg::StateSet* s = g->getOrCreateStateSet();
        s->setAttributeAndModes(new osg::LineWidth(3.0f));
        s->setAttributeAndModes(new osg::Point(9.0f));
        unlit(s);
        replace(Layer::AccessPoints, geode_of(g.get(), "access points"));
    }
    // Districts: outlines and names.
    {
        osg::ref_ptr<osg::Group> group = new osg::Group;
        osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
        osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
        for (const auto& d : data_.districts) {
            for (const auto& poly : d.area) {
                const GLint start = static_cast<GLint>(v->size());
                for (const auto& p : poly.outer) v->push_back(to_local(p, outline_lift_m));
                g->addPrimitiveSet(new osg::DrawArrays(GL_LINE_STRIP, start, static_cast<GLsizei>(poly.outer.size())));
            }
            osg::ref_ptr<osgText::Text> label = new osgText::Text;
            label->setText(d.name, osgText::String::ENCODING_UTF8);
            label->setCharacterSizeMode(osgText::Text::SCREEN_COORDS);
            label->setCharacterSize(16.0f);
            label->setAxisAlignment(osgText::Text::SCREEN);
            label->setAlignment(osgText::Text::CENTER_CENTER);
            label->setColor({1, 1, 1, 1});
            label->setFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
            label->setBackdropType(osgText::Text::OUTLINE);
            label->setPosition(to_local(geodata::centroid(d.area), 60));
            osg::ref_ptr<osg::Geode> lg = new osg::Geode;
            lg->addDrawable(label.get());
            group->addChild(lg.get());
        }
        osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
        c->push_back({1, 1, 1, 0.9f});
        g->setVertexArray(v.get());
        g->setColorArray(c.get(), osg::Array::BIND_OVERALL);
        osg::StateSet* s = g->getOrCreateStateSet();
        s->setAttributeAndModes(new osg::LineWidth(2.0f));
        unlit(s);
        group->addChild(geode_of(g.get(), "district outlines"));
        replace(Layer::Districts, group);
    }
}

osg::ref_ptr<osg::Node> CityScene::build_roads() const {
    const std::size_t hour = static_cast<std::size_t>(std::max(0, options_.time) / 3600);
    const ViewData* base = options_.baseline;
    float scale = 0;   // the largest change, for the colour ramp
    auto delta = [&](std::size_t l) -> float {
        const float now = data_.hours ? data_.flow[std::min(hour, data_.hours - 1) * data_.links.size() + l] : 0.0f;
        const float before = base && base->hours && l < base->links.size()
                                 ? base->flow[std::min(hour, base->hours - 1) * base->links.size() + l] : 0.0f;
        return now - before;
    };
    if (base)
        for (std::size_t l = 0; l < data_.links.size(); ++l) scale = std::max(scale, std::abs(delta(l)));
    // Each direction 2.5 m to the right of its travel: both directions of a street show.
    return draw_links(data_.links, [&](std::size_t l) {
        return base ? flow_change_colour(delta(l), scale) : volume_capacity_colour(data_.vc(hour, l));
    }, road_lift_m, 2.5, 3.0f, "roads");
}

osg::ref_ptr<osg::Node> CityScene::build_paths() const {
    const std::size_t hour = static_cast<std::size_t>(std::max(0, options_.time) / 3600);
    float scale = 1.0f;   // the busiest link of the day sets full colour, so hours compare
    for (std::size_t h = 0; h < data_.path_hours; ++h)
        for (std::size_t l = 0; l < data_.paths.size(); ++l)
            scale = std::max(scale, data_.walkers(h, l) + data_.riders(h, l));
    // Each direction 1 m to the right: inside the road's lines on a shared street.
    return draw_links(data_.paths, [&](std::size_t l) { return path_colour(data_.walkers(hour, l), data_.riders(hour, l), scale); },
                      path_lift_m, 1.0, 2.0f, "paths");
}

osg::ref_ptr<osg::Node> CityScene::draw_links(const std::vector<ViewLink>& links,
                                              const std::function<osg::Vec4(std::size_t)>& colour_of, double lift_m,
                                              double right_m, float width, const std::string& name) const {
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
    for (std::size_t l = 0; l < links.size(); ++l) {
        const auto& line = links[l].line;
        const osg::Vec4 colour = colour_of(l);
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            osg::Vec3d a = to_local(line[i], lift_m), b = to_local(line[i + 1], lift_m);
            osg::Vec3d right(b.y() - a.y(), a.x() - b.x(), 0);
            if (right.length() > 0) right *= right_m / right.length();
            v->push_back(a + right);
            v->push_back(b + right);
            c->push_back(colour);
            c->push_back(colour);
        }
    }
    g->setVertexArray(v.get());
    g->setColorArray(c.get(), osg::Array::BIND_PER_VERTEX);
    g->addPrimitiveSet(new osg::DrawArrays(GL_LINES, 0, static_cast<GLsizei>(v->size())));
    osg::StateSet* s = g->getOrCreateStateSet();
    s->setAttributeAndModes(new osg::LineWidth(width));
    unlit(s);
    return geode_of(g.get(), name);
}

osg::ref_ptr<osg::Node> CityScene::build_vehicles() const {
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    const auto& s = data_.vehicles;
    const std::int32_t t = options_.time;
    // Samples are sorted by (trip, time): a vehicle is shown between two of its samples
    // at most a minute apart, moved linearly between them.
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        const auto& a = s[i];
        const auto& b = s[i + 1];
        if (a.trip != b.trip || a.time > t || b.time <= t || b.time - a.time > 60) {
            if (a.time == t && (i == 0 || s[i - 1].trip != a.trip || s[i - 1].time != t)) v->push_back(to_local({a.x, a.y}, vehicle_lift_m));
            continue;
        }
        const double f = static_cast<double>(t - a.time) / (b.time - a.time);
        v->push_back(to_local({a.x + f * (b.x - a.x), a.y + f * (b.y - a.y)}, vehicle_lift_m));
    }
    osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
    c->push_back({1.0f, 1.0f, 1.0f, 1});
    g->setVertexArray(v.get());
    g->setColorArray(c.get(), osg::Array::BIND_OVERALL);
    g->addPrimitiveSet(new osg::DrawArrays(GL_POINTS, 0, static_cast<GLsizei>(v->size())));
    osg::StateSet* ss = g->getOrCreateStateSet();
    ss->setAttributeAndModes(new osg::Point(6.0f));
    unlit(ss);
    return geode_of(g.get(), "vehicles");
}

void CityScene::set_time(std::int32_t seconds) {
    options_.time = seconds;
    replace(Layer::Roads, build_roads());
    replace(Layer::Vehicles, build_vehicles());
    replace(Layer::Paths, build_paths());
}

}  // namespace citytwin::render
