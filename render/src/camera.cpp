#include <citytwin/render/view.hpp>

#include <citytwin/geodata/error.hpp>

#include <cmath>
#include <sstream>

namespace citytwin::render {

namespace {
constexpr double pi = 3.14159265358979323846;

// Looking north from the south-south-west, down at `pitch_deg`, far enough to see `size` metres.
CameraPose looking_at(const osg::Vec3d& center, double size, double pitch_deg) {
    const double distance = 0.75 * size / std::tan(20.0 * pi / 180.0);
    const double p = pitch_deg * pi / 180.0, h = 15.0 * pi / 180.0;
    const osg::Vec3d back(-std::sin(h) * std::cos(p), -std::cos(h) * std::cos(p), std::sin(p));
    return {center + back * distance, center, {0, 0, 1}, 40.0};
}
}  // namespace

CameraPose camera_pose(const CityScene& scene, const std::string& spec) {
    const auto& b = scene.data().bounds;
    const double size = std::max(b.max.x - b.min.x, b.max.y - b.min.y);
    const geodata::Point mid{(b.min.x + b.max.x) / 2, (b.min.y + b.max.y) / 2};
    if (spec == "overview") return looking_at(scene.to_local(mid), 0.75 * size, 62.0);
    if (spec == "street") {
        const osg::Vec3d c = scene.to_local(mid, 1.7);
        return {c + osg::Vec3d(-60, -220, 45), c, {0, 0, 1}, 55.0};
    }
    if (spec.rfind("district:", 0) == 0) {
        const std::string name = spec.substr(9);
        std::string known;
        for (const auto& d : scene.data().districts) {
            if (d.name == name) {
                const auto db = geodata::bounds(d.area);
                return looking_at(scene.to_local(geodata::centroid(d.area)), std::max(db.max.x - db.min.x, db.max.y - db.min.y), 45.0);
            }
            known += " '" + d.name + "'";
        }
        throw geodata::Error("camera: no district '" + name + "' (districts:" + (known.empty() ? " none" : known) + ")");
    }
    std::vector<double> v;
    std::stringstream ss(spec);
    for (std::string part; std::getline(ss, part, ',');) {
        try {
            std::size_t used = 0;
            v.push_back(std::stod(part, &used));
            if (used != part.size()) v.clear();
        } catch (const std::exception&) {
            v.clear();
            break;
        }
    }
    if (v.size() != 5)
        throw geodata::Error("unknown camera '" + spec + "' (use overview, street, district:<name>, or x,y,z,heading,pitch "
                             "with x, y in the working CRS)");
    const osg::Vec3d eye = scene.to_local({v[0], v[1]}, 0) + osg::Vec3d(0, 0, v[2] - scene.ground({v[0], v[1]}));
    const double h = v[3] * pi / 180.0, p = v[4] * pi / 180.0;
    const osg::Vec3d dir(std::sin(h) * std::cos(p), std::cos(h) * std::cos(p), std::sin(p));
    return {eye, eye + dir * 100.0, {0, 0, 1}, 50.0};
}

std::optional<osg::Vec2d> project(const CameraPose& pose, int width, int height, const osg::Vec3d& local) {
    const osg::Vec3d in_view = local * pose.view();
    if (in_view.z() >= 0) return std::nullopt;   // behind the eye (OpenGL looks down −z)
    const osg::Matrixd proj = osg::Matrixd::perspective(pose.fov_deg, static_cast<double>(width) / height, 1.0, 1e6);
    const osg::Vec3d ndc = in_view * proj;
    return osg::Vec2d((ndc.x() + 1) * 0.5 * width, (ndc.y() + 1) * 0.5 * height);
}

}  // namespace citytwin::render
