#pragma once
// glTF 2.0 binary (.glb) export of an OpenSceneGraph scene, for web viewers and GIS tools
// (Cesium, three.js, Blender). Geometry only: positions, normals, vertex colours, triangles
// and lines, one plain material; no textures, no hierarchy.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace osg {
class Node;
}

namespace citytwin::render {

struct GltfOptions {
    bool y_up = true;              ///< glTF is Y-up: (x, y, z) of the Z-up scene is written as (x, z, -y)
    bool include_lines = true;     ///< GL_LINES/LINE_STRIP/LINE_LOOP → glTF LINES primitives; false: skipped
    std::string generator = "citytwin";   ///< asset.generator
    /// Written as asset.extras {key: value} (e.g. {"crs", "EPSG:32632"}, {"origin", "…"}).
    std::vector<std::pair<std::string, std::string>> extras;
};

/// What write_glb() wrote: glTF meshes, primitives, vertices (accessor counts summed over
/// meshes), triangles and line segments.
struct GltfStats {
    std::size_t meshes = 0, primitives = 0, vertices = 0, triangles = 0, lines = 0;
};

/// Writes every osg::Geometry under `root` as one glTF mesh (and one node of the single
/// scene), named after the Geometry, else its parent (Geode), else "mesh_<n>". Positions and
/// normals get the accumulated osg::Transform matrices applied (in double precision: put a
/// local origin in a transform, floats hold ~7 digits). Triangles of any primitive set become
/// one indexed TRIANGLES primitive, line segments one LINES primitive, sharing POSITION
/// (with min/max), NORMAL (if the Geometry has normals) and COLOR_0 (unsigned byte normalized
/// for Vec4ub colours, else float) accessors; indices are UNSIGNED_INT. Per-primitive-set and
/// overall normals/colours are expanded to per-vertex. One material: doubleSided, PBR with
/// metallic 0, roughness 1, base colour white (multiplied by COLOR_0).
///
/// Traversal follows the active children (switched-off layers and nodes with a zero node
/// mask are left out) and skips nested osg::Camera subgraphs (HUDs). Points, non-Geometry
/// drawables (text) and triangles with a repeated vertex index (strip stitching) are not written.
///
/// The file is written to "<path>.part" and renamed at the end, so a failed export leaves
/// no file (and an existing `path` untouched). Throws geodata::Error naming `path` on any
/// failure: nothing to export, bad indices or arrays, non-finite coordinates, I/O errors.
GltfStats write_glb(const osg::Node& root, const std::string& path, const GltfOptions& options = {});

}  // namespace citytwin::render
