#pragma once
// Plain geometry in the working (metric) CRS. Boost.Geometry works on these through
// adapters inside geodata/src, so public headers stay light.
#include <vector>

namespace citytwin::geodata {

struct Point {
    double x = 0.0;
    double y = 0.0;
    friend bool operator==(const Point&, const Point&) = default;
};

using Polyline = std::vector<Point>;

/// Closed ring: first point == last point.
using Ring = std::vector<Point>;

struct Polygon {
    Ring outer;
    std::vector<Ring> holes;
};

using MultiPolygon = std::vector<Polygon>;

struct Box {
    Point min{};
    Point max{};
    bool empty() const { return min.x > max.x || min.y > max.y; }
    void extend(const Point& p);
    void extend(const Box& b);
    static Box none();
};

double length(const Polyline& line);
/// Signed-area-free absolute area of a polygon with holes (m² in a metric CRS).
double area(const Polygon& polygon);
double area(const MultiPolygon& polygons);
/// Area-weighted centroid of the outer rings minus holes.
Point centroid(const MultiPolygon& polygons);
/// Point in polygon (even-odd over outer rings and holes); boundary points may go either way.
bool contains(const MultiPolygon& polygons, const Point& p);
/// Point at `distance` metres along a line (clamped to its ends).
Point point_along(const Polyline& line, double distance);
/// How far along the line (m from its start) its closest point to p lies.
double distance_along(const Polyline& line, const Point& p);
Box bounds(const Polyline& line);
Box bounds(const MultiPolygon& polygons);

}  // namespace citytwin::geodata
