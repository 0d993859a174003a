#pragma once
// Conversions between OGR geometries and the model's plain geometry types.
#include <citytwin/geodata/geometry.hpp>

#include <memory>
#include <ogr_geometry.h>

namespace citytwin::geodata::detail {

/// Line parts of a (multi)linestring; other geometry types give nothing.
std::vector<Polyline> to_polylines(const OGRGeometry& g);
/// Polygonal parts of a polygon, multipolygon or collection.
MultiPolygon to_multipolygon(const OGRGeometry& g);

std::unique_ptr<OGRLineString> to_ogr(const Polyline& line);
std::unique_ptr<OGRMultiPolygon> to_ogr(const MultiPolygon& polygons);

}  // namespace citytwin::geodata::detail
