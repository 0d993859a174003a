// glTF 2.0 binary export: collect every Geometry under the root with its accumulated
// transform, then write one GLB (12-byte header, JSON chunk, BIN chunk) to "<path>.part"
// and rename it. The BIN chunk holds one bufferView per attribute format (positions,
// normals, byte colours, float colours; each with its byteStride, as the specification asks
// of vertex views shared by several accessors) and one for all indices; each accessor is an
// offset into its view. Little-endian; every offset is a multiple of 4, as every element size is.
#include <citytwin/render/gltf_export.hpp>

#include <citytwin/geodata/error.hpp>

#include <nlohmann/json.hpp>

#include <osg/Camera>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Matrixd>
#include <osg/NodeVisitor>
#include <osg/PrimitiveSet>
#include <osg/Transform>
#include <osg/TriangleIndexFunctor>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <type_traits>

namespace citytwin::render {
namespace {

static_assert(std::endian::native == std::endian::little, "GLB is little-endian; add byte swapping for this host");

constexpr std::uint32_t glb_magic = 0x46546C67;        // "glTF"
constexpr std::uint32_t glb_version = 2;
constexpr std::uint32_t chunk_json = 0x4E4F534A;       // "JSON"
constexpr std::uint32_t chunk_bin = 0x004E4942;        // "BIN\0"
constexpr int component_ubyte = 5121;
constexpr int component_uint = 5125;
constexpr int component_float = 5126;
constexpr int target_array_buffer = 34962;
constexpr int target_element_array_buffer = 34963;
constexpr int mode_lines = 1;
constexpr int mode_triangles = 4;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw geodata::Error(geodata::context_message(path, "", -1, "glTF export: " + what));
}

/// One glTF mesh: attributes per exported vertex, indices into them.
struct MeshData {
    std::string name;
    std::vector<float> positions;           ///< x, y, z per vertex
    std::vector<float> normals;             ///< empty or x, y, z per vertex (unit length)
    std::vector<std::uint8_t> colors_ub;    ///< empty or r, g, b, a per vertex
    std::vector<float> colors_f;            ///< empty or r, g, b, a per vertex
    std::vector<std::uint32_t> triangles;   ///< 3 per triangle
    std::vector<std::uint32_t> lines;       ///< 2 per segment
    std::array<float, 3> min{}, max{};

    std::size_t vertex_count() const { return positions.size() / 3; }
};

struct TriangleCollector {
    std::vector<std::uint32_t> indices;
    void operator()(unsigned int a, unsigned int b, unsigned int c) {
        if (a == b || b == c || a == c) return;   // stitching between strips: no area
        indices.insert(indices.end(), {a, b, c});
    }
};

/// Segments of GL_LINES, GL_LINE_STRIP and GL_LINE_LOOP (TriangleIndexFunctor ignores lines).
class LineCollector : public osg::PrimitiveIndexFunctor {
public:
    std::vector<std::uint32_t> indices;

    void setVertexArray(unsigned int, const osg::Vec2*) override {}
    void setVertexArray(unsigned int, const osg::Vec3*) override {}
    void setVertexArray(unsigned int, const osg::Vec4*) override {}
    void setVertexArray(unsigned int, const osg::Vec2d*) override {}
    void setVertexArray(unsigned int, const osg::Vec3d*) override {}
    void setVertexArray(unsigned int, const osg::Vec4d*) override {}

    void drawArrays(GLenum mode, GLint first, GLsizei count) override {
        // A negative first wraps to a huge index, which the caller's range check reports.
        const auto base = static_cast<unsigned int>(first);
        add(mode, count, [base](GLsizei i) { return base + static_cast<unsigned int>(i); });
    }
    void drawElements(GLenum mode, GLsizei count, const GLubyte* idx) override {
        add(mode, count, [idx](GLsizei i) { return static_cast<unsigned int>(idx[i]); });
    }
    void drawElements(GLenum mode, GLsizei count, const GLushort* idx) override {
        add(mode, count, [idx](GLsizei i) { return static_cast<unsigned int>(idx[i]); });
    }
    void drawElements(GLenum mode, GLsizei count, const GLuint* idx) override {
        add(mode, count, [idx](GLsizei i) { return static_cast<unsigned int>(idx[i]); });
    }

private:
    template <class At>
    void add(GLenum mode, GLsizei count, At at) {
        switch (mode) {
        case GL_LINES:
            for (GLsizei i = 0; i + 1 < count; i += 2) segment(at(i), at(i + 1));
            break;
        case GL_LINE_STRIP:
        case GL_LINE_LOOP:
            for (GLsizei i = 0; i + 1 < count; ++i) segment(at(i), at(i + 1));
            if (mode == GL_LINE_LOOP && count > 2) segment(at(count - 1), at(0));
            break;
        default:
            break;
        }
    }
    void segment(unsigned int a, unsigned int b) {
        if (a != b) indices.insert(indices.end(), {a, b});
    }
};

/// Positions or normals of any 2-4 component float/double array, as doubles (z = 0 for 2D).
std::optional<std::vector<osg::Vec3d>> to_vec3d(const osg::Array& a) {
    std::vector<osg::Vec3d> out;
    out.reserve(a.getNumElements());
    auto copy = [&out](const auto& arr, auto make) {
        for (const auto& v : arr) out.push_back(make(v));
    };
    switch (a.getType()) {
    case osg::Array::Vec3ArrayType:
        copy(static_cast<const osg::Vec3Array&>(a), [](const osg::Vec3& v) { return osg::Vec3d(v); });
        break;
    case osg::Array::Vec3dArrayType:
        copy(static_cast<const osg::Vec3dArray&>(a), [](const osg::Vec3d& v) { return v; });
        break;
    case osg::Array::Vec2ArrayType:
        copy(static_cast<const osg::Vec2Array&>(a), [](const osg::Vec2& v) { return osg::Vec3d(v.x(), v.y(), 0.0); });
        break;
    case osg::Array::Vec2dArrayType:
        copy(static_cast<const osg::Vec2dArray&>(a), [](const osg::Vec2d& v) { return osg::Vec3d(v.x(), v.y(), 0.0); });
        break;
    case osg::Array::Vec4ArrayType:
        copy(static_cast<const osg::Vec4Array&>(a), [](const osg::Vec4& v) { return osg::Vec3d(v.x(), v.y(), v.z()); });
        break;
    case osg::Array::Vec4dArrayType:
        copy(static_cast<const osg::Vec4dArray&>(a), [](const osg::Vec4d& v) { return osg::Vec3d(v.x(), v.y(), v.z()); });
        break;
    default:
        return std::nullopt;
    }
    return out;
}

/// Colours as written: Vec4ub/Vec3ub stay unsigned bytes, float and double ones become floats.
struct Colors {
    std::vector<std::array<std::uint8_t, 4>> ub;
    std::vector<std::array<float, 4>> f;
    std::size_t size() const { return ub.empty() ? f.size() : ub.size(); }
};

std::optional<Colors> to_colors(const osg::Array& a) {
    Colors c;
    auto to_float = [&c](const auto& arr, float alpha) {
        for (const auto& v : arr) {
            std::array<float, 4> rgba{static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2]), alpha};
            if constexpr (std::remove_cvref_t<decltype(v)>::num_components == 4) rgba[3] = static_cast<float>(v[3]);
            c.f.push_back(rgba);
        }
    };
    switch (a.getType()) {
    case osg::Array::Vec4ubArrayType:
        for (const auto& v : static_cast<const osg::Vec4ubArray&>(a)) c.ub.push_back({v.r(), v.g(), v.b(), v.a()});
        break;
    case osg::Array::Vec3ubArrayType:
        for (const auto& v : static_cast<const osg::Vec3ubArray&>(a)) c.ub.push_back({v.r(), v.g(), v.b(), 255});
        break;
    case osg::Array::Vec4ArrayType: to_float(static_cast<const osg::Vec4Array&>(a), 1.0f); break;
    case osg::Array::Vec3ArrayType: to_float(static_cast<const osg::Vec3Array&>(a), 1.0f); break;
    case osg::Array::Vec4dArrayType: to_float(static_cast<const osg::Vec4dArray&>(a), 1.0f); break;
    case osg::Array::Vec3dArrayType: to_float(static_cast<const osg::Vec3dArray&>(a), 1.0f); break;
    default: return std::nullopt;
    }
    return c;
}

/// An array's binding; BIND_UNDEFINED (no binding given) is read as OpenGL would use the
/// array: per vertex if it has an element per vertex, overall if it has one element.
osg::Array::Binding binding_of(const osg::Array* a, std::size_t vertices) {
    if (a == nullptr || a->getNumElements() == 0) return osg::Array::BIND_OFF;
    const osg::Array::Binding b = a->getBinding();
    if (b != osg::Array::BIND_UNDEFINED) return b;
    if (a->getNumElements() >= vertices) return osg::Array::BIND_PER_VERTEX;
    return a->getNumElements() == 1 ? osg::Array::BIND_OVERALL : osg::Array::BIND_OFF;
}

/// Element of an attribute array for source vertex `v` of primitive set `set`.
std::size_t attribute_index(osg::Array::Binding b, std::size_t v, std::size_t set) {
    switch (b) {
    case osg::Array::BIND_PER_VERTEX: return v;
    case osg::Array::BIND_PER_PRIMITIVE_SET: return set;
    default: return 0;
    }
}

class SceneCollector : public osg::NodeVisitor {
public:
    SceneCollector(const std::string& path, const GltfOptions& options)
        : osg::NodeVisitor(TRAVERSE_ACTIVE_CHILDREN), path_(path), options_(options) {
        matrices_.emplace_back();   // identity
    }

    std::vector<MeshData> meshes;
    std::size_t geometries_seen = 0;

    void apply(osg::Camera& camera) override {
        // A camera inside the scene renders a HUD or a texture, not world geometry.
        if (getNodePath().size() <= 1) traverse(camera);
    }

    void apply(osg::Transform& transform) override {
        osg::Matrixd m = matrices_.back();
        transform.computeLocalToWorldMatrix(m, this);
        matrices_.push_back(m);
        traverse(transform);
        matrices_.pop_back();
    }

    void apply(osg::Geometry& geometry) override {
        ++geometries_seen;
        std::string name = geometry.getName();
        const osg::NodePath& np = getNodePath();
        if (name.empty() && np.size() >= 2) name = np[np.size() - 2]->getName();
        if (name.empty()) name = "mesh_" + std::to_string(meshes.size());
        MeshData mesh = convert(geometry, name);
        if (!mesh.triangles.empty() || !mesh.lines.empty()) meshes.push_back(std::move(mesh));
    }

private:
    [[noreturn]] void fail_geometry(const std::string& name, const std::string& what) const {
        fail(path_, "geometry '" + name + "': " + what);
    }

    osg::Vec3d to_gltf(const osg::Vec3d& v) const {
        return options_.y_up ? osg::Vec3d(v.x(), v.z(), -v.y()) : v;
    }

    MeshData convert(const osg::Geometry& geometry, const std::string& name) const {
        MeshData mesh;
        mesh.name = name;
        const osg::Array* vertex_array = geometry.getVertexArray();
        if (vertex_array == nullptr || vertex_array->getNumElements() == 0) return mesh;
        const auto vertices = to_vec3d(*vertex_array);
        if (!vertices) fail_geometry(name, std::string("unsupported vertex array type ") + vertex_array->className());
        const std::size_t n = vertices->size();

        const osg::Array* normal_array = geometry.getNormalArray();
        const osg::Array* color_array = geometry.getColorArray();
        const osg::Array::Binding normal_binding = binding_of(normal_array, n);
        const osg::Array::Binding color_binding = binding_of(color_array, n);
        const std::size_t sets = geometry.getNumPrimitiveSets();

        std::optional<std::vector<osg::Vec3d>> normals;
        if (normal_binding != osg::Array::BIND_OFF) {
            normals = to_vec3d(*normal_array);
            if (!normals) fail_geometry(name, std::string("unsupported normal array type ") + normal_array->className());
        }
        std::optional<Colors> colors;
        if (color_binding != osg::Array::BIND_OFF) {
            colors = to_colors(*color_array);
            if (!colors) fail_geometry(name, std::string("unsupported colour array type ") + color_array->className());
        }
        auto check_size = [&](osg::Array::Binding b, std::size_t size, const char* what) {
            const std::size_t needed = b == osg::Array::BIND_PER_VERTEX ? n : b == osg::Array::BIND_PER_PRIMITIVE_SET ? sets : 1;
            if (size < needed)
                fail_geometry(name, std::string(what) + " array has " + std::to_string(size) + " elements, " +
                                        std::to_string(needed) + " needed");
        };
        if (normals) check_size(normal_binding, normals->size(), "normal");
        if (colors) check_size(color_binding, colors->size(), "colour");

        // Exported vertices: the source vertices in their order, unless an attribute is bound
        // per primitive set; then a vertex used by two sets may need two values and each
        // (set, vertex) pair becomes its own vertex, numbered in order of first use.
        const bool per_set = normal_binding == osg::Array::BIND_PER_PRIMITIVE_SET ||
                             color_binding == osg::Array::BIND_PER_PRIMITIVE_SET;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> sources;   // (vertex, set) per exported vertex
        std::vector<std::uint32_t> exported_of(per_set ? n : 0);
        std::vector<std::uint32_t> stamp(per_set ? n : 0, std::numeric_limits<std::uint32_t>::max());
        if (!per_set) {
            sources.reserve(n);
            for (std::size_t v = 0; v < n; ++v) sources.emplace_back(static_cast<std::uint32_t>(v), 0u);
        }

        osg::TriangleIndexFunctor<TriangleCollector> tris;
        LineCollector lines;
        for (std::size_t s = 0; s < sets; ++s) {
            const osg::PrimitiveSet* set = geometry.getPrimitiveSet(static_cast<unsigned int>(s));
            if (set == nullptr) continue;
            const std::size_t tri_begin = tris.indices.size(), line_begin = lines.indices.size();
            set->accept(tris);
            if (options_.include_lines) set->accept(lines);
            for (auto* list : {&tris.indices, &lines.indices}) {
                const std::size_t begin = list == &tris.indices ? tri_begin : line_begin;
                for (std::size_t i = begin; i < list->size(); ++i) {
                    std::uint32_t& index = (*list)[i];
                    if (index >= n)
                        fail_geometry(name, "primitive set " + std::to_string(s) + " uses vertex " +
                                                std::to_string(index) + " of " + std::to_string(n));
                    if (!per_set) continue;
                    if (stamp[index] != s) {
                        stamp[index] = static_cast<std::uint32_t>(s);
                        exported_of[index] = static_cast<std::uint32_t>(sources.size());
                        sources.emplace_back(index, static_cast<std::uint32_t>(s));
                    }
                    index = exported_of[index];
                }
            }
        }
        if (tris.indices.empty() && lines.indices.empty()) return mesh;
        // 0xFFFFFFFF is the primitive restart value, which glTF forbids as an index.
        if (sources.size() >= std::numeric_limits<std::uint32_t>::max())
            fail_geometry(name, "too many vertices (" + std::to_string(sources.size()) + ")");

        const osg::Matrixd& m = matrices_.back();
        // Normals take the inverse transpose; with row vectors (OSG) that is M⁻¹ applied on the left.
        osg::Matrixd inverse;
        if (!inverse.invert(m)) inverse = m;
        const osg::Vec3d up = to_gltf({0.0, 0.0, 1.0});

        mesh.positions.reserve(3 * sources.size());
        if (normals) mesh.normals.reserve(3 * sources.size());
        mesh.min.fill(std::numeric_limits<float>::max());
        mesh.max.fill(std::numeric_limits<float>::lowest());
        for (const auto& [v, s] : sources) {
            const osg::Vec3d p = to_gltf((*vertices)[v] * m);
            for (int k = 0; k < 3; ++k) {
                if (!std::isfinite(p[k]) || std::abs(p[k]) > std::numeric_limits<float>::max())
                    fail_geometry(name, "vertex " + std::to_string(v) + " is not a finite float coordinate");
                const float f = static_cast<float>(p[k]) + 0.0f;   // + 0: no −0 from the Y-up swap
                mesh.positions.push_back(f);
                mesh.min[static_cast<std::size_t>(k)] = std::min(mesh.min[static_cast<std::size_t>(k)], f);
                mesh.max[static_cast<std::size_t>(k)] = std::max(mesh.max[static_cast<std::size_t>(k)], f);
            }
            if (normals) {
                osg::Vec3d nrm = to_gltf(osg::Matrixd::transform3x3(inverse, (*normals)[attribute_index(normal_binding, v, s)]));
                // glTF requires unit normals; a zero or broken one becomes "up".
                const double len = nrm.length();
                nrm = std::isfinite(len) && len > 0.0 ? nrm / len : up;
                for (int k = 0; k < 3; ++k) mesh.normals.push_back(static_cast<float>(nrm[k]));
            }
            if (colors) {
                const std::size_t c = attribute_index(color_binding, v, s);
                if (!colors->ub.empty())
                    mesh.colors_ub.insert(mesh.colors_ub.end(), colors->ub[c].begin(), colors->ub[c].end());
                else
                    mesh.colors_f.insert(mesh.colors_f.end(), colors->f[c].begin(), colors->f[c].end());
            }
        }
        // A mirroring transform flips the winding; swap two corners to keep front faces front.
        const osg::Vec3d row0 = osg::Matrixd::transform3x3(osg::Vec3d(1, 0, 0), m);
        const osg::Vec3d row1 = osg::Matrixd::transform3x3(osg::Vec3d(0, 1, 0), m);
        const osg::Vec3d row2 = osg::Matrixd::transform3x3(osg::Vec3d(0, 0, 1), m);
        const bool mirrored = (row0 ^ row1) * row2 < 0.0;   // determinant of the 3x3 part
        if (mirrored)
            for (std::size_t i = 0; i + 2 < tris.indices.size(); i += 3) std::swap(tris.indices[i + 1], tris.indices[i + 2]);
        mesh.triangles = std::move(tris.indices);
        mesh.lines = std::move(lines.indices);
        return mesh;
    }

    const std::string& path_;
    const GltfOptions& options_;
    std::vector<osg::Matrixd> matrices_;   ///< accumulated local-to-root matrix per open Transform
};

/// The bufferViews of the BIN chunk (see the top of the file), in file order, and the
/// byteStride each declares.
enum class View { Positions, Normals, ColorsUbyte, ColorsFloat, Indices };
constexpr std::size_t view_count = 5;
constexpr std::array<std::size_t, view_count> view_stride{12, 12, 4, 16, 0};   ///< 0: indices, no stride

template <class T>
void append_bytes(std::vector<std::uint8_t>& out, const std::vector<T>& data) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
    out.insert(out.end(), bytes, bytes + data.size() * sizeof(T));
}

void put_u32(std::string& out, std::uint32_t v) {
    char b[4];
    std::memcpy(b, &v, 4);
    out.append(b, 4);
}

}  // namespace

GltfStats write_glb(const osg::Node& root, const std::string& path, const GltfOptions& options) {
    SceneCollector collector(path, options);
    // accept() is non-const in OSG; the collector only reads the scene.
    const_cast<osg::Node&>(root).accept(collector);
    if (collector.meshes.empty())
        fail(path, collector.geometries_seen == 0
                       ? "the scene has no osg::Geometry to export (empty or hidden)"
                       : "none of the scene's " + std::to_string(collector.geometries_seen) +
                             " geometries has triangles" + (options.include_lines ? " or lines" : ""));

    std::array<std::vector<std::uint8_t>, view_count> views;
    nlohmann::json accessors = nlohmann::json::array(), meshes = nlohmann::json::array(),
                   nodes = nlohmann::json::array(), scene_nodes = nlohmann::json::array();
    // Accessors refer to views by kind; the indices of the non-empty views are fixed below.
    std::vector<std::pair<std::size_t, View>> accessor_views;
    auto add_accessor = [&](View view, std::size_t offset, int component, std::size_t count, const char* type) {
        nlohmann::json a = {{"byteOffset", offset}, {"componentType", component}, {"count", count}, {"type", type}};
        accessor_views.emplace_back(accessors.size(), view);
        accessors.push_back(std::move(a));
        return accessors.size() - 1;
    };

    GltfStats stats;
    for (MeshData& mesh : collector.meshes) {
        nlohmann::json attributes;
        auto& pos_view = views[static_cast<std::size_t>(View::Positions)];
        const std::size_t pos = add_accessor(View::Positions, pos_view.size(), component_float, mesh.vertex_count(), "VEC3");
        accessors[pos]["min"] = {mesh.min[0], mesh.min[1], mesh.min[2]};
        accessors[pos]["max"] = {mesh.max[0], mesh.max[1], mesh.max[2]};
        append_bytes(pos_view, mesh.positions);
        attributes["POSITION"] = pos;
        if (!mesh.normals.empty()) {
            auto& view = views[static_cast<std::size_t>(View::Normals)];
            attributes["NORMAL"] = add_accessor(View::Normals, view.size(), component_float, mesh.vertex_count(), "VEC3");
            append_bytes(view, mesh.normals);
        }
        if (!mesh.colors_ub.empty()) {
            auto& view = views[static_cast<std::size_t>(View::ColorsUbyte)];
            const std::size_t c = add_accessor(View::ColorsUbyte, view.size(), component_ubyte, mesh.vertex_count(), "VEC4");
            accessors[c]["normalized"] = true;
            attributes["COLOR_0"] = c;
            append_bytes(view, mesh.colors_ub);
        } else if (!mesh.colors_f.empty()) {
            auto& view = views[static_cast<std::size_t>(View::ColorsFloat)];
            attributes["COLOR_0"] = add_accessor(View::ColorsFloat, view.size(), component_float, mesh.vertex_count(), "VEC4");
            append_bytes(view, mesh.colors_f);
        }

        nlohmann::json primitives = nlohmann::json::array();
        auto& index_view = views[static_cast<std::size_t>(View::Indices)];
        for (const auto& [indices, mode] : {std::pair{&mesh.triangles, mode_triangles}, std::pair{&mesh.lines, mode_lines}}) {
            if (indices->empty()) continue;
            const std::size_t acc = add_accessor(View::Indices, index_view.size(), component_uint, indices->size(), "SCALAR");
            append_bytes(index_view, *indices);
            primitives.push_back({{"attributes", attributes}, {"indices", acc}, {"mode", mode}, {"material", 0}});
        }

        nlohmann::json m = {{"primitives", std::move(primitives)}};
        if (!mesh.name.empty()) m["name"] = mesh.name;
        nlohmann::json node = {{"mesh", meshes.size()}};
        if (!mesh.name.empty()) node["name"] = mesh.name;
        scene_nodes.push_back(nodes.size());
        nodes.push_back(std::move(node));
        meshes.push_back(std::move(m));

        ++stats.meshes;
        stats.primitives += (mesh.triangles.empty() ? 0 : 1) + (mesh.lines.empty() ? 0 : 1);
        stats.vertices += mesh.vertex_count();
        stats.triangles += mesh.triangles.size() / 3;
        stats.lines += mesh.lines.size() / 2;
        MeshData copied = std::move(mesh);   // its bytes are in the views now: free them early
    }

    // Lay the non-empty views end to end; every view length is a multiple of 4.
    nlohmann::json buffer_views = nlohmann::json::array();
    std::array<std::size_t, view_count> view_index{};
    std::size_t bin_size = 0;
    for (std::size_t v = 0; v < view_count; ++v) {
        if (views[v].empty()) continue;
        view_index[v] = buffer_views.size();
        nlohmann::json view = {{"buffer", 0}, {"byteOffset", bin_size}, {"byteLength", views[v].size()}};
        if (view_stride[v] == 0) {
            view["target"] = target_element_array_buffer;
        } else {
            view["target"] = target_array_buffer;
            view["byteStride"] = view_stride[v];
        }
        buffer_views.push_back(std::move(view));
        bin_size += views[v].size();
    }
    for (const auto& [accessor, view] : accessor_views)
        accessors[accessor]["bufferView"] = view_index[static_cast<std::size_t>(view)];

    nlohmann::json asset = {{"version", "2.0"}, {"generator", options.generator}};
    if (!options.extras.empty()) {
        nlohmann::json extras = nlohmann::json::object();
        for (const auto& [key, value] : options.extras) extras[key] = value;
        asset["extras"] = std::move(extras);
    }
    const nlohmann::json material = {
        {"name", "vertex_colours"},
        {"doubleSided", true},
        {"pbrMetallicRoughness", {{"baseColorFactor", {1.0, 1.0, 1.0, 1.0}}, {"metallicFactor", 0.0}, {"roughnessFactor", 1.0}}}};
    const nlohmann::json gltf = {
        {"asset", std::move(asset)},
        {"scene", 0},
        {"scenes", nlohmann::json::array({{{"nodes", std::move(scene_nodes)}}})},
        {"nodes", std::move(nodes)},
        {"meshes", std::move(meshes)},
        {"materials", nlohmann::json::array({material})},
        {"accessors", std::move(accessors)},
        {"bufferViews", std::move(buffer_views)},
        {"buffers", nlohmann::json::array({{{"byteLength", bin_size}}})},
    };

    std::string json;
    try {
        json = gltf.dump();
    } catch (const nlohmann::json::exception& e) {   // invalid UTF-8 in a name or an extra
        fail(path, std::string("cannot encode the JSON chunk: ") + e.what());
    }
    json.append((4 - json.size() % 4) % 4, ' ');
    const std::uint64_t total = 12 + 8 + json.size() + 8 + std::uint64_t{bin_size};
    if (total > std::numeric_limits<std::uint32_t>::max())
        fail(path, "the file would be " + std::to_string(total) + " bytes, more than GLB's 4 GiB limit");

    std::string header;
    put_u32(header, glb_magic);
    put_u32(header, glb_version);
    put_u32(header, static_cast<std::uint32_t>(total));
    put_u32(header, static_cast<std::uint32_t>(json.size()));
    put_u32(header, chunk_json);
    std::string bin_header;
    put_u32(bin_header, static_cast<std::uint32_t>(bin_size));
    put_u32(bin_header, chunk_bin);

    const std::string part = path + ".part";
    namespace fs = std::filesystem;
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec)) fail(path, "folder '" + parent.string() + "' does not exist");
    {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        if (!out) fail(path, "cannot create '" + part + "': " + std::strerror(errno));
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        out.write(json.data(), static_cast<std::streamsize>(json.size()));
        out.write(bin_header.data(), static_cast<std::streamsize>(bin_header.size()));
        for (const auto& v : views) out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size()));
        out.close();
        if (!out) {
            const std::string cause = std::strerror(errno);
            fs::remove(part, ec);
            fail(path, "cannot write '" + part + "': " + cause);
        }
    }
    fs::rename(part, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(part, ignored);
        fail(path, "cannot rename '" + part + "': " + ec.message());
    }
    return stats;
}

}  // namespace citytwin::render
