// glTF export on small hand-built OSG scenes. Every file is read back with a GLB reader
// written here from the specification (header, chunks, padding, accessors, bufferViews),
// checked for the structural rules of glTF 2.0, and compared with the input geometry:
// counts, bounds after the Y-up swap and the transforms, colours, normals, winding.
#include <citytwin/geodata/error.hpp>
#include <citytwin/render/gltf_export.hpp>

#include <nlohmann/json.hpp>

#include <osg/Camera>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/MatrixTransform>
#include <osg/Switch>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace citytwin::render {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int ubyte = 5121, uint = 5125, float_ = 5126;

class TempFolder {
public:
    TempFolder() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = fs::temp_directory_path() /
                ("citytwin_gltf_" + std::to_string(stamp) + "_" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t u32_at(const std::string& s, std::size_t offset) {
    std::uint32_t v = 0;
    std::memcpy(&v, s.data() + offset, 4);
    return v;
}

struct Glb {
    json gltf;
    std::vector<std::uint8_t> bin;
};

/// The container: 12-byte header, JSON chunk padded with spaces, BIN chunk padded with zeros.
void read_glb(const fs::path& p, Glb& glb) {
    ASSERT_TRUE(fs::exists(p)) << p;
    const std::string data = slurp(p);
    ASSERT_GE(data.size(), 28u);
    EXPECT_EQ(data.substr(0, 4), "glTF");
    EXPECT_EQ(u32_at(data, 0), 0x46546C67u);
    EXPECT_EQ(u32_at(data, 4), 2u);
    ASSERT_EQ(u32_at(data, 8), data.size());
    const std::uint32_t json_length = u32_at(data, 12);
    EXPECT_EQ(u32_at(data, 16), 0x4E4F534Au);
    EXPECT_EQ(json_length % 4, 0u);
    ASSERT_LE(20u + json_length + 8u, data.size());
    const std::string text = data.substr(20, json_length);
    const std::size_t last = text.find_last_not_of(' ');
    ASSERT_NE(last, std::string::npos);
    EXPECT_EQ(text[last], '}');
    EXPECT_LT(text.size() - last - 1, 4u) << "padding beyond 4-byte alignment";
    glb.gltf = json::parse(text.substr(0, last + 1));

    const std::size_t bin_at = 20 + json_length;
    const std::uint32_t bin_length = u32_at(data, bin_at);
    EXPECT_EQ(u32_at(data, bin_at + 4), 0x004E4942u);
    EXPECT_EQ(bin_length % 4, 0u);
    ASSERT_EQ(bin_at + 8 + bin_length, data.size()) << "a BIN chunk ending at the end of the file";
    glb.bin.assign(data.begin() + static_cast<std::ptrdiff_t>(bin_at + 8), data.end());
}

std::size_t component_size(int type) {
    switch (type) {
    case ubyte: return 1;
    case 5123: return 2;
    case uint:
    case float_: return 4;
    default: return 0;
    }
}

std::size_t component_count(const std::string& type) {
    if (type == "SCALAR") return 1;
    if (type == "VEC2") return 2;
    if (type == "VEC3") return 3;
    if (type == "VEC4") return 4;
    return 0;
}

/// Every component of accessor `index` (bounds checked by validate()).
template <class T>
std::vector<T> values(const Glb& glb, std::size_t index) {
    const json& a = glb.gltf.at("accessors").at(index);
    const json& view = glb.gltf.at("bufferViews").at(a.at("bufferView").get<std::size_t>());
    const std::size_t n = a.at("count").get<std::size_t>() * component_count(a.at("type"));
    const std::size_t offset = view.at("byteOffset").get<std::size_t>() + a.value("byteOffset", std::size_t{0});
    std::vector<T> out(n);
    if (offset + n * sizeof(T) <= glb.bin.size()) std::memcpy(out.data(), glb.bin.data() + offset, n * sizeof(T));
    return out;
}

std::array<double, 3> cross_of(const std::vector<float>& p, std::uint32_t a, std::uint32_t b, std::uint32_t c) {
    const double ux = p[3 * b] - p[3 * a], uy = p[3 * b + 1] - p[3 * a + 1], uz = p[3 * b + 2] - p[3 * a + 2];
    const double vx = p[3 * c] - p[3 * a], vy = p[3 * c + 1] - p[3 * a + 1], vz = p[3 * c + 2] - p[3 * a + 2];
    return {uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx};
}

/// The rules of the specification this exporter must keep, and the stats the file holds.
void validate(const Glb& glb, GltfStats& counted) {
    const json& g = glb.gltf;
    ASSERT_EQ(g.at("asset").at("version"), "2.0");
    ASSERT_EQ(g.at("buffers").size(), 1u);
    EXPECT_FALSE(g.at("buffers").at(0).contains("uri"));
    EXPECT_EQ(g.at("buffers").at(0).at("byteLength").get<std::size_t>(), glb.bin.size());

    const json& views = g.at("bufferViews");
    for (const json& v : views) {
        EXPECT_EQ(v.at("buffer"), 0);
        const auto offset = v.value("byteOffset", std::size_t{0}), length = v.at("byteLength").get<std::size_t>();
        EXPECT_EQ(offset % 4, 0u);
        EXPECT_GT(length, 0u);
        EXPECT_LE(offset + length, glb.bin.size());
        if (v.contains("byteStride")) {
            const auto stride = v.at("byteStride").get<std::size_t>();
            EXPECT_EQ(stride % 4, 0u);
            EXPECT_GE(stride, 4u);
            EXPECT_LE(stride, 252u);
        }
    }
    const json& accessors = g.at("accessors");
    std::vector<std::size_t> accessors_of_view(views.size(), 0);
    for (const json& a : accessors) {
        ASSERT_LT(a.at("bufferView").get<std::size_t>(), views.size());
        const json& v = views.at(a.at("bufferView").get<std::size_t>());
        const std::size_t element = component_size(a.at("componentType")) * component_count(a.at("type"));
        ASSERT_GT(element, 0u) << a;
        const auto offset = a.value("byteOffset", std::size_t{0});
        EXPECT_EQ(offset % 4, 0u);
        EXPECT_GE(a.at("count").get<std::size_t>(), 1u);
        ++accessors_of_view[a.at("bufferView").get<std::size_t>()];
        // values() reads tightly packed elements: a stride, where given, is the element size.
        if (v.contains("byteStride")) {
            EXPECT_EQ(v.at("byteStride").get<std::size_t>(), element) << a;
        }
        EXPECT_LE(offset + a.at("count").get<std::size_t>() * element, v.at("byteLength").get<std::size_t>()) << a;
    }

    const json& materials = g.at("materials");
    ASSERT_EQ(materials.size(), 1u);
    EXPECT_EQ(materials.at(0).at("doubleSided"), true);
    EXPECT_EQ(materials.at(0).at("pbrMetallicRoughness").at("metallicFactor"), 0.0);
    EXPECT_EQ(materials.at(0).at("pbrMetallicRoughness").at("roughnessFactor"), 1.0);
    EXPECT_EQ(materials.at(0).at("pbrMetallicRoughness").at("baseColorFactor"), json({1.0, 1.0, 1.0, 1.0}));

    const json& meshes = g.at("meshes");
    const json& nodes = g.at("nodes");
    ASSERT_EQ(g.at("scene"), 0);
    ASSERT_EQ(g.at("scenes").size(), 1u);
    ASSERT_EQ(nodes.size(), meshes.size());
    std::set<std::size_t> meshes_in_nodes;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        EXPECT_EQ(g.at("scenes").at(0).at("nodes").at(i), i);
        meshes_in_nodes.insert(nodes.at(i).at("mesh").get<std::size_t>());
        EXPECT_EQ(nodes.at(i).at("name"), meshes.at(nodes.at(i).at("mesh").get<std::size_t>()).at("name"));
    }
    EXPECT_EQ(meshes_in_nodes.size(), meshes.size());

    std::set<std::size_t> index_views, attribute_views;
    counted = {};
    for (const json& mesh : meshes) {
        ++counted.meshes;
        ASSERT_GE(mesh.at("primitives").size(), 1u);
        const json& attributes = mesh.at("primitives").at(0).at("attributes");
        const json& position = accessors.at(attributes.at("POSITION").get<std::size_t>());
        const std::size_t n = position.at("count");
        counted.vertices += n;
        for (const json& p : mesh.at("primitives")) {
            ++counted.primitives;
            EXPECT_EQ(p.at("attributes"), attributes) << "primitives of a mesh share its vertices";
            EXPECT_EQ(p.at("material"), 0);
            for (const auto& [semantic, index] : p.at("attributes").items()) {
                const json& a = accessors.at(index.get<std::size_t>());
                EXPECT_EQ(a.at("count"), n) << semantic;
                attribute_views.insert(a.at("bufferView").get<std::size_t>());
                if (semantic == "POSITION" || semantic == "NORMAL") {
                    EXPECT_EQ(a.at("componentType"), float_);
                    EXPECT_EQ(a.at("type"), "VEC3");
                } else {
                    EXPECT_EQ(semantic, "COLOR_0");
                    EXPECT_EQ(a.at("type"), "VEC4");
                    if (a.at("componentType") == ubyte)
                        EXPECT_EQ(a.at("normalized"), true);
                    else
                        EXPECT_EQ(a.at("componentType"), float_);
                }
            }
            const json& ia = accessors.at(p.at("indices").get<std::size_t>());
            index_views.insert(ia.at("bufferView").get<std::size_t>());
            EXPECT_EQ(ia.at("componentType"), uint);
            EXPECT_EQ(ia.at("type"), "SCALAR");
            const auto indices = values<std::uint32_t>(glb, p.at("indices"));
            for (std::uint32_t i : indices) ASSERT_LT(i, n);
            if (p.at("mode") == 4) {
                EXPECT_EQ(indices.size() % 3, 0u);
                counted.triangles += indices.size() / 3;
            } else {
                EXPECT_EQ(p.at("mode"), 1);
                EXPECT_EQ(indices.size() % 2, 0u);
                counted.lines += indices.size() / 2;
            }
        }
        // POSITION min/max are required and must be the exact bounds of the data.
        const auto pos = values<float>(glb, attributes.at("POSITION"));
        std::array<float, 3> lo{pos[0], pos[1], pos[2]}, hi = lo;
        for (std::size_t i = 0; i < pos.size(); ++i) {
            lo[i % 3] = std::min(lo[i % 3], pos[i]);
            hi[i % 3] = std::max(hi[i % 3], pos[i]);
        }
        EXPECT_EQ(position.at("min"), json(lo));
        EXPECT_EQ(position.at("max"), json(hi));
        if (attributes.contains("NORMAL")) {
            const auto normals = values<float>(glb, attributes.at("NORMAL"));
            for (std::size_t i = 0; i < normals.size(); i += 3)
                EXPECT_NEAR(std::hypot(normals[i], normals[i + 1], normals[i + 2]), 1.0, 1e-6);
        }
    }
    for (std::size_t v : index_views) {
        EXPECT_EQ(attribute_views.count(v), 0u) << "indices and attributes in one bufferView";
        EXPECT_FALSE(views.at(v).contains("byteStride"));
        EXPECT_EQ(views.at(v).at("target"), 34963);
    }
    for (std::size_t v : attribute_views) {
        EXPECT_EQ(views.at(v).at("target"), 34962);
        if (accessors_of_view[v] > 1) {
            EXPECT_TRUE(views.at(v).contains("byteStride")) << "shared vertex bufferView " << v;
        }
    }
}

/// Exports, reads back, validates; the stats returned must be what the file holds.
void export_and_read(const osg::Node& root, const fs::path& path, Glb& glb, const GltfOptions& options = {}) {
    GltfStats written;
    ASSERT_NO_THROW(written = write_glb(root, path.string(), options));
    EXPECT_FALSE(fs::exists(path.string() + ".part"));
    ASSERT_NO_FATAL_FAILURE(read_glb(path, glb));
    GltfStats counted;
    ASSERT_NO_FATAL_FAILURE(validate(glb, counted));
    EXPECT_EQ(written.meshes, counted.meshes);
    EXPECT_EQ(written.primitives, counted.primitives);
    EXPECT_EQ(written.vertices, counted.vertices);
    EXPECT_EQ(written.triangles, counted.triangles);
    EXPECT_EQ(written.lines, counted.lines);
}

const json& mesh_named(const Glb& glb, const std::string& name) {
    for (const json& m : glb.gltf.at("meshes"))
        if (m.at("name") == name) return m;
    static const json none = json::object({{"primitives", json::array({json::object({{"attributes", json::object()}})})}});
    ADD_FAILURE() << "no mesh named " << name;
    return none;
}

const json& primitive_of(const json& mesh, int mode) {
    for (const json& p : mesh.at("primitives"))
        if (p.at("mode") == mode) return p;
    static const json none = json::object();
    ADD_FAILURE() << "no primitive of mode " << mode;
    return none;
}

osg::Vec3d swapped(const osg::Vec3d& v) { return {v.x(), v.z(), -v.y()}; }

// A box from (0,0,0) to (1,2,3) (Z-up): eight corners, corner i at ((i&1), 2((i>>1)&1), 3(i>>2)),
// twelve outward-wound triangles, a colour and a diagonal normal per corner.
osg::ref_ptr<osg::Geometry> box(const std::string& name) {
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    g->setName(name);
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec3Array> n = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4ubArray> c = new osg::Vec4ubArray;
    for (unsigned i = 0; i < 8; ++i) {
        const float x = static_cast<float>(i & 1u), y = static_cast<float>((i >> 1) & 1u), z = static_cast<float>(i >> 2);
        v->push_back({x, 2 * y, 3 * z});
        osg::Vec3 normal(2 * x - 1, 2 * y - 1, 2 * z - 1);
        normal.normalize();
        n->push_back(normal);
        c->push_back(osg::Vec4ub(static_cast<std::uint8_t>(30 * i), static_cast<std::uint8_t>(255 - 20 * i),
                                 static_cast<std::uint8_t>(7 * i), static_cast<std::uint8_t>(200 + i)));
    }
    g->setVertexArray(v.get());
    g->setNormalArray(n.get(), osg::Array::BIND_PER_VERTEX);
    g->setColorArray(c.get(), osg::Array::BIND_PER_VERTEX);
    const unsigned faces[12][3] = {{0, 2, 1}, {1, 2, 3}, {4, 5, 6}, {5, 7, 6},   // bottom, top
                                   {0, 1, 4}, {1, 5, 4}, {2, 6, 3}, {3, 6, 7},   // y = 0, y = 2
                                   {0, 4, 2}, {2, 4, 6}, {1, 3, 5}, {3, 7, 5}};  // x = 0, x = 1
    osg::ref_ptr<osg::DrawElementsUInt> tris = new osg::DrawElementsUInt(GL_TRIANGLES);
    for (const auto& f : faces)
        for (unsigned i : f) tris->push_back(i);
    g->addPrimitiveSet(tris.get());
    return g;
}

/// A DrawElements set (MixinVector has no insert of an initializer list).
template <class Elements>
Elements* elements(GLenum mode, std::initializer_list<typename Elements::value_type> indices) {
    auto* e = new Elements(mode);
    for (auto i : indices) e->push_back(i);
    return e;
}

osg::ref_ptr<osg::Geode> in_geode(osg::Geometry* g, const std::string& name = "") {
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName(name);
    geode->addDrawable(g);
    return geode;
}

/// Every triangle's face normal points away from `centre` (outward winding kept).
void expect_outward(const std::vector<float>& pos, const std::vector<std::uint32_t>& tris, const osg::Vec3d& centre) {
    for (std::size_t t = 0; t + 2 < tris.size(); t += 3) {
        const auto n = cross_of(pos, tris[t], tris[t + 1], tris[t + 2]);
        double dot = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            const double mid = (pos[3 * tris[t] + k] + pos[3 * tris[t + 1] + k] + pos[3 * tris[t + 2] + k]) / 3.0;
            dot += n[k] * (mid - centre[static_cast<int>(k)]);
        }
        EXPECT_GT(dot, 0.0) << "triangle " << t / 3;
    }
}

TEST(GltfExport, BoxWithVertexColoursAndNormalsRoundTrips) {
    TempFolder tmp;
    const auto root = in_geode(box("building_tile_3").get(), "tile_geode");
    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*root, tmp / "box.glb", glb));
    ASSERT_EQ(glb.gltf.at("meshes").size(), 1u);
    const json& mesh = mesh_named(glb, "building_tile_3");
    ASSERT_EQ(mesh.at("primitives").size(), 1u);
    const json& prim = primitive_of(mesh, 4);
    const json& acc = glb.gltf.at("accessors");
    EXPECT_EQ(acc.at(prim.at("attributes").at("POSITION").get<std::size_t>()).at("count"), 8);
    EXPECT_EQ(acc.at(prim.at("indices").get<std::size_t>()).at("count"), 36);

    // Y-up: (x, y, z) → (x, z, −y), so the 1 × 2 × 3 box spans x 0..1, y 0..3, z −2..0.
    const json& position = acc.at(prim.at("attributes").at("POSITION").get<std::size_t>());
    EXPECT_EQ(position.at("min"), json({0.0, 0.0, -2.0}));
    EXPECT_EQ(position.at("max"), json({1.0, 3.0, 0.0}));

    const auto input = box("x");
    const auto* in_v = static_cast<const osg::Vec3Array*>(input->getVertexArray());
    const auto* in_n = static_cast<const osg::Vec3Array*>(input->getNormalArray());
    const auto* in_c = static_cast<const osg::Vec4ubArray*>(input->getColorArray());
    const auto pos = values<float>(glb, prim.at("attributes").at("POSITION"));
    const auto nrm = values<float>(glb, prim.at("attributes").at("NORMAL"));
    ASSERT_EQ(acc.at(prim.at("attributes").at("COLOR_0").get<std::size_t>()).at("componentType"), ubyte);
    const auto col = values<std::uint8_t>(glb, prim.at("attributes").at("COLOR_0"));
    ASSERT_EQ(pos.size(), 24u);
    ASSERT_EQ(nrm.size(), 24u);
    ASSERT_EQ(col.size(), 32u);
    for (std::size_t i = 0; i < 8; ++i) {
        const osg::Vec3d p = swapped((*in_v)[i]), n = swapped((*in_n)[i]);
        for (std::size_t k = 0; k < 3; ++k) {
            EXPECT_EQ(pos[3 * i + k], p[static_cast<int>(k)]) << "vertex " << i;
            EXPECT_NEAR(nrm[3 * i + k], n[static_cast<int>(k)], 1e-6) << "normal " << i;
        }
        for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(col[4 * i + k], (*in_c)[i][static_cast<unsigned>(k)]) << "colour " << i;
    }
    const auto tris = values<std::uint32_t>(glb, prim.at("indices"));
    ASSERT_EQ(tris.size(), 36u);
    const osg::Vec3d centre = swapped({0.5, 1.0, 1.5});
    expect_outward(pos, tris, centre);
    // Same triangles as the input, in order.
    const auto* in_tris = static_cast<const osg::DrawElementsUInt*>(input->getPrimitiveSet(0));
    EXPECT_EQ(tris, std::vector<std::uint32_t>(in_tris->begin(), in_tris->end()));
}

TEST(GltfExport, QuadsBecomeTwoTrianglesEachWithFloatColours) {
    TempFolder tmp;
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    g->setName("quads");
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
    for (int q = 0; q < 2; ++q)
        for (const auto& corner : {osg::Vec2(0, 0), osg::Vec2(1, 0), osg::Vec2(1, 1), osg::Vec2(0, 1)}) {
            v->push_back({corner.x() + 2.0f * static_cast<float>(q), corner.y(), 5.0f});
            c->push_back({0.125f * static_cast<float>(v->size()), 0.5f, 1.0f - 0.0625f * static_cast<float>(v->size()), 0.75f});
        }
    g->setVertexArray(v.get());
    g->setColorArray(c.get(), osg::Array::BIND_PER_VERTEX);
    g->addPrimitiveSet(new osg::DrawArrays(GL_QUADS, 0, 8));
    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*in_geode(g.get()), tmp / "quads.glb", glb));
    const json& prim = primitive_of(mesh_named(glb, "quads"), 4);
    const auto tris = values<std::uint32_t>(glb, prim.at("indices"));
    ASSERT_EQ(tris.size(), 12u) << "2 quads → 4 triangles";
    for (std::size_t t = 0; t < 4; ++t) {
        const std::set<std::uint32_t> corners(tris.begin() + static_cast<std::ptrdiff_t>(3 * t),
                                              tris.begin() + static_cast<std::ptrdiff_t>(3 * t + 3));
        EXPECT_EQ(corners.size(), 3u);
        EXPECT_EQ(*corners.rbegin() / 4, *corners.begin() / 4) << "a triangle within one quad";
    }
    // Facing +z in the scene → +y in glTF, for every triangle.
    const auto pos = values<float>(glb, prim.at("attributes").at("POSITION"));
    for (std::size_t t = 0; t < tris.size(); t += 3) EXPECT_GT(cross_of(pos, tris[t], tris[t + 1], tris[t + 2])[1], 0.0);

    const json& color = glb.gltf.at("accessors").at(prim.at("attributes").at("COLOR_0").get<std::size_t>());
    EXPECT_EQ(color.at("componentType"), float_);
    EXPECT_FALSE(prim.at("attributes").contains("NORMAL"));
    const auto col = values<float>(glb, prim.at("attributes").at("COLOR_0"));
    ASSERT_EQ(col.size(), 32u);
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(col[4 * i + k], (*c)[i][static_cast<int>(k)]);
}

TEST(GltfExport, TriangleStripOfNVerticesGivesNMinusTwoConsistentTriangles) {
    TempFolder tmp;
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    for (int i = 0; i < 7; ++i) v->push_back({static_cast<float>(i / 2), static_cast<float>(i % 2), 0.0f});
    g->setVertexArray(v.get());
    g->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLE_STRIP, 0, 7));
    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*in_geode(g.get(), "strip_geode"), tmp / "strip.glb", glb));
    // The Geometry has no name: the Geode's is used.
    const json& prim = primitive_of(mesh_named(glb, "strip_geode"), 4);
    const auto tris = values<std::uint32_t>(glb, prim.at("indices"));
    ASSERT_EQ(tris.size(), 3u * 5u);
    const auto pos = values<float>(glb, prim.at("attributes").at("POSITION"));
    const double first_sign = cross_of(pos, tris[0], tris[1], tris[2])[1];
    EXPECT_NE(first_sign, 0.0);
    for (std::uint32_t t = 0; t < 5; ++t) {
        const std::set<std::uint32_t> corners(tris.begin() + 3 * t, tris.begin() + 3 * t + 3);
        EXPECT_EQ(corners, (std::set<std::uint32_t>{t, t + 1, t + 2}));
        EXPECT_GT(cross_of(pos, tris[3 * t], tris[3 * t + 1], tris[3 * t + 2])[1] * first_sign, 0.0)
            << "strip triangles alternate their index order to keep one winding";
    }
}

TEST(GltfExport, EveryPrimitiveSetKindIsTriangulated) {
    TempFolder tmp;
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    g->setName("kinds");
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    for (int i = 0; i < 12; ++i) {
        const float a = 0.5f * static_cast<float>(i);
        v->push_back({std::cos(a), std::sin(a), 0.0f});
    }
    g->setVertexArray(v.get());
    g->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLE_FAN, 0, 5));  // 3
    auto* polygon = elements<osg::DrawElementsUShort>(GL_POLYGON, {6, 7, 8, 9});  // 2
    g->addPrimitiveSet(polygon);
    g->addPrimitiveSet(new osg::DrawArrays(GL_QUAD_STRIP, 0, 6));  // 2 quads → 4
    auto* ub = elements<osg::DrawElementsUByte>(GL_TRIANGLES, {0, 1, 2, 3, 4, 5});  // 2
    g->addPrimitiveSet(ub);
    auto* lengths = new osg::DrawArrayLengths(GL_TRIANGLE_STRIP, 0);
    lengths->push_back(4);  // 2
    lengths->push_back(3);  // 1
    g->addPrimitiveSet(lengths);
    // (1,2,2) and (2,2,10) have no area; (0,1,2) and (2,10,11) remain
    auto* stitched = elements<osg::DrawElementsUInt>(GL_TRIANGLE_STRIP, {0, 1, 2, 2, 10, 11});
    g->addPrimitiveSet(stitched);
    g->addPrimitiveSet(new osg::DrawArrays(GL_POINTS, 0, 12));  // 0
    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*in_geode(g.get()), tmp / "kinds.glb", glb));
    const json& mesh = mesh_named(glb, "kinds");
    EXPECT_EQ(mesh.at("primitives").size(), 1u) << "all triangle sets merge into one primitive";
    const auto tris = values<std::uint32_t>(glb, primitive_of(mesh, 4).at("indices"));
    EXPECT_EQ(tris.size(), 3u * (3 + 2 + 4 + 2 + 2 + 1 + 2));
    for (std::size_t t = 0; t + 2 < tris.size(); t += 3) {
        EXPECT_NE(tris[t], tris[t + 1]);
        EXPECT_NE(tris[t + 1], tris[t + 2]);
        EXPECT_NE(tris[t], tris[t + 2]);
    }
}

TEST(GltfExport, NestedTransformsApplyToPositionsAndNormals) {
    TempFolder tmp;
    osg::ref_ptr<osg::MatrixTransform> outer = new osg::MatrixTransform(osg::Matrix::translate(100, 200, 10));
    osg::ref_ptr<osg::MatrixTransform> inner = new osg::MatrixTransform(osg::Matrix::scale(2, 2, 2));
    outer->addChild(inner.get());
    inner->addChild(in_geode(box("moved").get()).get());
    outer->addChild(in_geode(box("only_translated").get()).get());
    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*outer, tmp / "moved.glb", glb));
    ASSERT_EQ(glb.gltf.at("meshes").size(), 2u);
    const json& acc = glb.gltf.at("accessors");
    // Scaled ×2 then moved: x 100..102, y 200..204, z 10..16 → glTF x, z, −y.
    const json& moved = primitive_of(mesh_named(glb, "moved"), 4);
    EXPECT_EQ(acc.at(moved.at("attributes").at("POSITION").get<std::size_t>()).at("min"), json({100.0, 10.0, -204.0}));
    EXPECT_EQ(acc.at(moved.at("attributes").at("POSITION").get<std::size_t>()).at("max"), json({102.0, 16.0, -200.0}));
    const json& translated = primitive_of(mesh_named(glb, "only_translated"), 4);
    EXPECT_EQ(acc.at(translated.at("attributes").at("POSITION").get<std::size_t>()).at("min"), json({100.0, 10.0, -202.0}));
    EXPECT_EQ(acc.at(translated.at("attributes").at("POSITION").get<std::size_t>()).at("max"), json({101.0, 13.0, -200.0}));
    const auto pos = values<float>(glb, moved.at("attributes").at("POSITION"));
    expect_outward(pos, values<std::uint32_t>(glb, moved.at("indices")), swapped({101, 202, 13}));
    // A uniform scale and a translation leave unit normals as they were.
    const auto input = box("x");
    const auto* in_n = static_cast<const osg::Vec3Array*>(input->getNormalArray());
    const auto nrm = values<float>(glb, moved.at("attributes").at("NORMAL"));
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(nrm[3 * i + k], swapped((*in_n)[i])[static_cast<int>(k)], 1e-6);
}

TEST(GltfExport, MirrorAndNonUniformScaleKeepWindingAndTransformNormalsByInverseTranspose) {
    TempFolder tmp;
    // Mirror x and stretch x by 4: a face normal (1, 1, 0)/√2 becomes (−1/4, 1, 0) normalized.
    osg::ref_ptr<osg::MatrixTransform> mirror = new osg::MatrixTransform(osg::Matrix::scale(-4, 1, 1));
    osg::ref_ptr<osg::Geometry> g = box("mirrored");
    osg::ref_ptr<osg::Vec3Array> n = new osg::Vec3Array;
    n->push_back(osg::Vec3(1, 1, 0) / std::sqrt(2.0f));
    g->setNormalArray(n.get(), osg::Array::BIND_OVERALL);
    mirror->addChild(in_geode(g.get()).get());
    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*mirror, tmp / "mirror.glb", glb));
    const json& prim = primitive_of(mesh_named(glb, "mirrored"), 4);
    const auto pos = values<float>(glb, prim.at("attributes").at("POSITION"));
    expect_outward(pos, values<std::uint32_t>(glb, prim.at("indices")), swapped({-2, 1, 1.5}));
    const auto nrm = values<float>(glb, prim.at("attributes").at("NORMAL"));
    ASSERT_EQ(nrm.size(), 24u) << "an overall normal is expanded to every vertex";
    osg::Vec3d expected(-0.25, 1, 0);
    expected.normalize();
    expected = swapped(expected);
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(nrm[3 * i + k], expected[static_cast<int>(k)], 1e-6);
}

TEST(GltfExport, LinesBecomeLinePrimitivesOrAreSkipped) {
    TempFolder tmp;
    osg::ref_ptr<osg::Group> root = new osg::Group;
    osg::ref_ptr<osg::Geometry> roads = new osg::Geometry;
    roads->setName("roads");
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    for (int i = 0; i < 6; ++i) v->push_back({static_cast<float>(i), static_cast<float>(i * i), 0.5f});
    roads->setVertexArray(v.get());
    roads->addPrimitiveSet(new osg::DrawArrays(GL_LINES, 0, 4));  // 0-1, 2-3
    auto* strip = elements<osg::DrawElementsUShort>(GL_LINE_STRIP, {1, 2, 4});  // 1-2, 2-4
    roads->addPrimitiveSet(strip);
    roads->addPrimitiveSet(new osg::DrawArrays(GL_LINE_LOOP, 3, 3));  // 3-4, 4-5, 5-3
    root->addChild(in_geode(roads.get()).get());
    osg::ref_ptr<osg::Geometry> mixed = box("mixed");
    mixed->addPrimitiveSet(new osg::DrawArrays(GL_LINE_STRIP, 0, 4));  // 3 segments
    root->addChild(in_geode(mixed.get()).get());

    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*root, tmp / "lines.glb", glb));
    const json& road_mesh = mesh_named(glb, "roads");
    ASSERT_EQ(road_mesh.at("primitives").size(), 1u);
    const auto segments = values<std::uint32_t>(glb, primitive_of(road_mesh, 1).at("indices"));
    EXPECT_EQ(segments, (std::vector<std::uint32_t>{0, 1, 2, 3, 1, 2, 2, 4, 3, 4, 4, 5, 5, 3}));
    const json& mixed_mesh = mesh_named(glb, "mixed");
    ASSERT_EQ(mixed_mesh.at("primitives").size(), 2u);
    EXPECT_EQ(values<std::uint32_t>(glb, primitive_of(mixed_mesh, 1).at("indices")),
              (std::vector<std::uint32_t>{0, 1, 1, 2, 2, 3}));
    EXPECT_EQ(values<std::uint32_t>(glb, primitive_of(mixed_mesh, 4).at("indices")).size(), 36u);

    GltfOptions no_lines;
    no_lines.include_lines = false;
    Glb without;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*root, tmp / "no_lines.glb", without, no_lines));
    ASSERT_EQ(without.gltf.at("meshes").size(), 1u) << "a geometry of lines only is left out";
    const json& only = mesh_named(without, "mixed");
    ASSERT_EQ(only.at("primitives").size(), 1u);
    EXPECT_EQ(only.at("primitives").at(0).at("mode"), 4);
}

TEST(GltfExport, OverallAndPerPrimitiveSetColoursAreExpandedPerVertex) {
    TempFolder tmp;
    osg::ref_ptr<osg::Group> root = new osg::Group;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    v->push_back({0, 0, 0});
    v->push_back({1, 0, 0});
    v->push_back({0, 1, 0});
    v->push_back({1, 1, 0});

    osg::ref_ptr<osg::Geometry> overall = new osg::Geometry;
    overall->setName("overall");
    overall->setVertexArray(v.get());
    osg::ref_ptr<osg::Vec4Array> one = new osg::Vec4Array;
    one->push_back({0.25f, 0.5f, 0.75f, 1.0f});
    overall->setColorArray(one.get(), osg::Array::BIND_OVERALL);
    osg::ref_ptr<osg::Vec3Array> zero = new osg::Vec3Array;
    zero->push_back({0, 0, 0});   // glTF wants unit normals: a zero one becomes "up"
    overall->setNormalArray(zero.get(), osg::Array::BIND_OVERALL);
    overall->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLE_STRIP, 0, 4));
    root->addChild(in_geode(overall.get()).get());

    // Two sets share vertices 1 and 2 but have different colours: 6 vertices out.
    osg::ref_ptr<osg::Geometry> per_set = new osg::Geometry;
    per_set->setName("per_set");
    per_set->setVertexArray(v.get());
    osg::ref_ptr<osg::Vec4ubArray> two = new osg::Vec4ubArray;
    two->push_back({255, 0, 0, 255});
    two->push_back({0, 0, 255, 128});
    per_set->setColorArray(two.get(), osg::Array::BIND_PER_PRIMITIVE_SET);
    auto* a = elements<osg::DrawElementsUInt>(GL_TRIANGLES, {0, 1, 2});
    auto* b = elements<osg::DrawElementsUInt>(GL_TRIANGLES, {1, 3, 2});
    per_set->addPrimitiveSet(a);
    per_set->addPrimitiveSet(b);
    root->addChild(in_geode(per_set.get()).get());

    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*root, tmp / "colours.glb", glb));
    const json& o = primitive_of(mesh_named(glb, "overall"), 4);
    const auto oc = values<float>(glb, o.at("attributes").at("COLOR_0"));
    ASSERT_EQ(oc.size(), 16u);
    for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(oc[i], (*one)[0][static_cast<int>(i % 4)]);
    EXPECT_EQ(values<std::uint32_t>(glb, o.at("indices")).size(), 6u);
    EXPECT_EQ(values<float>(glb, o.at("attributes").at("NORMAL")), (std::vector<float>{0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0}));

    const json& p = primitive_of(mesh_named(glb, "per_set"), 4);
    const auto pc = values<std::uint8_t>(glb, p.at("attributes").at("COLOR_0"));
    const auto pos = values<float>(glb, p.at("attributes").at("POSITION"));
    const auto idx = values<std::uint32_t>(glb, p.at("indices"));
    ASSERT_EQ(pc.size(), 24u);
    ASSERT_EQ(idx.size(), 6u);
    const unsigned source[6] = {0, 1, 2, 1, 3, 2};
    for (std::size_t corner = 0; corner < 6; ++corner) {
        const std::uint32_t out = idx[corner];
        const osg::Vec3d expected = swapped((*v)[source[corner]]);
        for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(pos[3 * out + k], expected[static_cast<int>(k)]);
        for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(pc[4 * out + k], (*two)[corner / 3][static_cast<unsigned>(k)]);
    }
}

TEST(GltfExport, NamesHiddenNodesAssetAndZUp) {
    TempFolder tmp;
    osg::ref_ptr<osg::Switch> root = new osg::Switch;
    root->addChild(in_geode(box("named").get(), "geode_name").get(), true);
    osg::ref_ptr<osg::Geometry> unnamed = box("");
    root->addChild(in_geode(unnamed.get()).get(), true);
    root->addChild(in_geode(box("switched_off").get()).get(), false);
    osg::ref_ptr<osg::Geode> masked = in_geode(box("masked").get());
    masked->setNodeMask(0);
    root->addChild(masked.get(), true);
    osg::ref_ptr<osg::Camera> hud = new osg::Camera;   // a HUD is not part of the city
    hud->addChild(in_geode(box("hud").get()).get());
    root->addChild(hud.get(), true);

    GltfOptions options;
    options.y_up = false;
    options.generator = "citytwin test";
    options.extras = {{"crs", "EPSG:32632"}, {"origin", "500000 5000000 0"}};
    Glb glb;
    ASSERT_NO_FATAL_FAILURE(export_and_read(*root, tmp / "names.glb", glb, options));
    std::vector<std::string> names;
    for (const json& m : glb.gltf.at("meshes")) names.push_back(m.at("name"));
    EXPECT_EQ(names, (std::vector<std::string>{"named", "mesh_1"}));
    EXPECT_EQ(glb.gltf.at("asset").at("generator"), "citytwin test");
    EXPECT_EQ(glb.gltf.at("asset").at("extras"), json({{"crs", "EPSG:32632"}, {"origin", "500000 5000000 0"}}));
    // Z-up kept: the box's own bounds.
    const json& prim = primitive_of(mesh_named(glb, "named"), 4);
    const json& position = glb.gltf.at("accessors").at(prim.at("attributes").at("POSITION").get<std::size_t>());
    EXPECT_EQ(position.at("min"), json({0.0, 0.0, 0.0}));
    EXPECT_EQ(position.at("max"), json({1.0, 2.0, 3.0}));
}

TEST(GltfExport, FailedExportsLeaveNoFileAndNameThePath) {
    TempFolder tmp;
    const auto root = in_geode(box("b").get());
    auto expect_error = [](const osg::Node& node, const fs::path& path, const std::string& needle) {
        try {
            write_glb(node, path.string());
            ADD_FAILURE() << "no error for " << path;
        } catch (const geodata::Error& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(path.string()), std::string::npos) << what;
            EXPECT_NE(what.find(needle), std::string::npos) << what;
        }
        EXPECT_FALSE(fs::exists(path.string() + ".part"));
    };

    const fs::path missing = tmp / "no_such_folder" / "city.glb";
    expect_error(*root, missing, "does not exist");
    EXPECT_FALSE(fs::exists(missing));

    const fs::path empty = tmp / "empty.glb";
    osg::ref_ptr<osg::Group> nothing = new osg::Group;
    expect_error(*nothing, empty, "no osg::Geometry");
    EXPECT_FALSE(fs::exists(empty));

    // Only points: geometry, but nothing glTF gets from it; an older file stays as it was.
    const fs::path kept = tmp / "kept.glb";
    ASSERT_NO_THROW(write_glb(*root, kept.string()));
    const std::string before = slurp(kept);
    osg::ref_ptr<osg::Geometry> points = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    v->push_back({0, 0, 0});
    points->setVertexArray(v.get());
    points->addPrimitiveSet(new osg::DrawArrays(GL_POINTS, 0, 1));
    expect_error(*in_geode(points.get()), kept, "has triangles or lines");
    EXPECT_EQ(slurp(kept), before);

    // An index past the vertex array.
    osg::ref_ptr<osg::Geometry> bad = new osg::Geometry;
    bad->setName("broken_tile");
    osg::ref_ptr<osg::Vec3Array> three = new osg::Vec3Array(3);
    bad->setVertexArray(three.get());
    auto* tri = elements<osg::DrawElementsUInt>(GL_TRIANGLES, {0, 1, 9});
    bad->addPrimitiveSet(tri);
    const fs::path out_of_range = tmp / "bad.glb";
    expect_error(*in_geode(bad.get()), out_of_range, "broken_tile");
    EXPECT_FALSE(fs::exists(out_of_range));

    // The target is a folder: writing the .part works, the rename does not.
    const fs::path folder = tmp / "folder.glb";
    fs::create_directories(folder / "inside");
    expect_error(*root, folder, "rename");
    EXPECT_TRUE(fs::is_directory(folder / "inside"));
}

}  // namespace
}  // namespace citytwin::render
