#pragma once
// The city as an OpenSceneGraph scene in local coordinates (metres from the centre of the
// study area, z up): terrain or ground, buildings extruded with roofs and merged into one
// geometry per tile (a few dozen draw calls, not one per building), roads coloured by
// volume/capacity (or by the change against a baseline) for the shown hour, vehicles at
// the shown second, the wifi coverage draped on the ground, access points and district
// outlines, and the walking and cycling network coloured by who walks or rides it. Time-dependent layers are rebuilt by set_time().
#include <citytwin/render/view_data.hpp>

#include <osg/Group>
#include <osg/Switch>
#include <osg/Vec3d>

#include <array>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace citytwin::render {

enum class Layer { Terrain, Buildings, Roads, Vehicles, Coverage, AccessPoints, Districts, Paths, Hud };
inline constexpr std::array<Layer, 9> all_layers{Layer::Terrain,  Layer::Buildings,    Layer::Roads,
                                                 Layer::Vehicles, Layer::Coverage,     Layer::AccessPoints,
                                                 Layer::Districts, Layer::Paths,       Layer::Hud};
std::string_view to_string(Layer layer);
/// "buildings,roads,hud" → layers; an unknown name is a geodata::Error listing the known ones.
std::set<Layer> parse_layers(const std::string& list);

struct SceneOptions {
    std::int32_t time = 8 * 3600;          ///< seconds since midnight
    std::set<Layer> layers{all_layers.begin(), all_layers.end()};
    /// Buildings are merged per square tile of this size; 0: the city's extent / 8 (at
    /// least 500 m), so a city of any size draws at most ~64 building geometries.
    double tile_m = 0.0;
    /// Far tiles (smaller on screen than lod_pixels × √triangles, scaled up when the whole
    /// city has more than ~1.5 M triangles of detail) draw each building as its roof box:
    /// dense cities stay interactive, a small city keeps its detail.
    double lod_pixels = 0.6;
    const ViewData* baseline = nullptr;    ///< set: roads coloured by the flow change against it
    /// Roofs and walls by use, by height, or by the wifi signal indoors (rssi_colour of the
    /// building's indoor RSSI; grey without one).
    enum class BuildingColours { Use, Height, IndoorSignal } building_colours = BuildingColours::Use;
};

/// Colours used by the scene and its legend.
osg::Vec4 volume_capacity_colour(float vc);      ///< green → yellow → red; grey without traffic
osg::Vec4 flow_change_colour(float delta, float scale);   ///< blue less, red more, grey unchanged
osg::Vec4 rssi_colour(float dbm);                ///< −95 dBm red … −45 dBm green
osg::Vec4 building_colour(geodata::BuildingUse use);
osg::Vec4 height_colour(double height_m);        ///< low warm grey … 60 m and more deep blue
/// A path link by who uses it in the hour: blue walkers, violet both, orange cyclists (by
/// their shares), from grey (nobody) to full colour at `scale` users (log scale).
osg::Vec4 path_colour(float pedestrians, float cyclists, float scale);

struct SceneStats {
    std::size_t building_tiles = 0, buildings = 0, triangles = 0, vertices = 0;
    std::size_t far_triangles = 0;   ///< of the simplified (far) versions of the tiles
    double tile_m = 0;
};

class CityScene {
public:
    CityScene(const ViewData& data, SceneOptions options);

    osg::Group* root() { return root_.get(); }
    const ViewData& data() const { return data_; }
    const SceneOptions& options() const { return options_; }
    const SceneStats& stats() const { return stats_; }
    /// Local coordinates of a point of the working CRS (z: metres above the ground there + dz).
    osg::Vec3d to_local(const geodata::Point& p, double dz = 0.0) const;
    double ground(const geodata::Point& p) const;
    /// The working-CRS point at local (0, 0).
    geodata::Point origin() const { return origin_; }
    /// Roads and vehicles for another moment.
    void set_time(std::int32_t seconds);
    void set_visible(Layer layer, bool on);
    bool visible(Layer layer) const;

private:
    osg::Vec4 roof_colour(const ViewBuilding& b) const;
    void build_static();
    osg::ref_ptr<osg::Node> build_roads() const;
    osg::ref_ptr<osg::Node> build_vehicles() const;
    osg::ref_ptr<osg::Node> build_paths() const;
    /// Links as lines `right_m` to the right of their direction, `lift_m` above the ground.
    osg::ref_ptr<osg::Node> draw_links(const std::vector<ViewLink>& links, const std::function<osg::Vec4(std::size_t)>& colour_of,
                                       double lift_m, double right_m, float width, const std::string& name) const;
    void replace(Layer layer, osg::ref_ptr<osg::Node> node);

    const ViewData& data_;
    SceneOptions options_;
    geodata::Point origin_;
    SceneStats stats_;
    osg::ref_ptr<osg::Switch> root_;
    std::array<unsigned, all_layers.size()> index_{};   ///< child index of each layer in root_
};

}  // namespace citytwin::render
