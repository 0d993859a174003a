#pragma once
// Geometry that scenario edits and plugins name: coordinates typed in a scenario (often
// lon/lat copied from a map) and features of a layer, all in the model's working CRS.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/geodata/city_model.hpp>

#include <string>
#include <vector>

namespace citytwin::geodata {

/// Points from `from_crs` (e.g. "EPSG:4326", x = lon, y = lat) into `to_crs`.
std::vector<Point> transform_points(const std::vector<Point>& points, const std::string& from_crs,
                                    const std::string& to_crs);

/// Polygonal features of a layer (each one multipolygon). Throws when it has none.
std::vector<MultiPolygon> read_polygons(const LayerSource& source, const std::string& to_crs);
/// Line features (each part one polyline). Throws when it has none.
std::vector<Polyline> read_lines(const LayerSource& source, const std::string& to_crs);
/// Point features; polygons give their centroid, lines their middle. Throws when it has none.
std::vector<Point> read_points(const LayerSource& source, const std::string& to_crs);
/// Buildings of a layer with the configured fields (ids from 0; residents/jobs when given).
std::vector<Building> read_building_layer(const BuildingLayerConfig& config, const std::string& to_crs);

}  // namespace citytwin::geodata
