#include <citytwin/geodata/feature_reader.hpp>

#include "loaders.hpp"
#include "ogr_convert.hpp"

#include <citytwin/geodata/error.hpp>

namespace citytwin::geodata {

using detail::make_srs;

std::vector<Point> transform_points(const std::vector<Point>& points, const std::string& from_crs,
                                    const std::string& to_crs) {
    const OGRSpatialReference from = make_srs(from_crs), to = make_srs(to_crs);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &to));
    if (!ct) throw Error("no transformation from " + from_crs + " to the working CRS");
    std::vector<Point> out = points;
    for (auto& p : out)
        if (!ct->Transform(1, &p.x, &p.y)) throw Error("coordinate (" + std::to_string(p.x) + ", " + std::to_string(p.y) +
                                                      ") cannot be transformed from " + from_crs);
    return out;
}

namespace {

// Every feature's geometry through `take`; an empty result is an error naming the layer.
template <typename Take>
void each_geometry(const LayerSource& source, const std::string& to_crs, const char* wanted, Take take) {
    detail::LayerReader reader(source, make_srs(to_crs));
    std::size_t found = 0;
    while (auto f = reader.next()) found += take(*f->GetGeometryRef());
    if (found == 0) throw Error(context_message(source.source, reader.layer_name(), -1, std::string("has no ") + wanted));
}

}  // namespace

std::vector<MultiPolygon> read_polygons(const LayerSource& source, const std::string& to_crs) {
    std::vector<MultiPolygon> out;
    each_geometry(source, to_crs, "polygons", [&](const OGRGeometry& g) {
        auto mp = detail::to_multipolygon(g);
        if (mp.empty()) return 0;
        out.push_back(std::move(mp));
        return 1;
    });
    return out;
}

std::vector<Polyline> read_lines(const LayerSource& source, const std::string& to_crs) {
    std::vector<Polyline> out;
    each_geometry(source, to_crs, "lines", [&](const OGRGeometry& g) {
        auto lines = detail::to_polylines(g);
        for (auto& l : lines) out.push_back(std::move(l));
        return static_cast<int>(lines.size());
    });
    return out;
}

std::vector<Point> read_points(const LayerSource& source, const std::string& to_crs) {
    std::vector<Point> out;
    each_geometry(source, to_crs, "points, lines or polygons", [&](const OGRGeometry& g) {
        const auto type = wkbFlatten(g.getGeometryType());
        if (type == wkbPoint) {
            const auto& p = *g.toPoint();
            out.push_back({p.getX(), p.getY()});
            return 1;
        }
        if (type == wkbMultiPoint) {
            for (const auto* p : *g.toMultiPoint()) out.push_back({p->getX(), p->getY()});
            return 1;
        }
        if (auto mp = detail::to_multipolygon(g); !mp.empty()) {
            out.push_back(centroid(mp));
            return 1;
        }
        const auto lines = detail::to_polylines(g);
        for (const auto& l : lines) out.push_back(point_along(l, 0.5 * length(l)));
        return static_cast<int>(lines.size());
    });
    return out;
}

std::vector<Building> read_building_layer(const BuildingLayerConfig& config, const std::string& to_crs) {
    LoadReport report;
    auto buildings = detail::read_buildings(config, make_srs(to_crs), {false}, report);
    if (buildings.empty()) throw Error(config.source + ": has no building footprints (polygons)");
    return buildings;
}

}  // namespace citytwin::geodata
