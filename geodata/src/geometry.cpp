#include <citytwin/geodata/geometry.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace citytwin::geodata {

Box Box::none() {
    constexpr double inf = std::numeric_limits<double>::infinity();
    return Box{{inf, inf}, {-inf, -inf}};
}

void Box::extend(const Point& p) {
    min.x = std::min(min.x, p.x);
    min.y = std::min(min.y, p.y);
    max.x = std::max(max.x, p.x);
    max.y = std::max(max.y, p.y);
}

void Box::extend(const Box& b) {
    if (b.empty()) return;
    extend(b.min);
    extend(b.max);
}

double length(const Polyline& line) {
    double sum = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i)
        sum += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    return sum;
}

namespace {
// Shoelace moments relative to an origin near the data: projected coordinates are in
// the millions, where plain x*y products lose centimetres.
struct RingMoments {
    double twice_area = 0.0;  ///< signed
    double mx = 0.0, my = 0.0;
};

RingMoments ring_moments(const Ring& ring, const Point& o) {
    RingMoments m;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const double ax = ring[i].x - o.x, ay = ring[i].y - o.y;
        const double bx = ring[i + 1].x - o.x, by = ring[i + 1].y - o.y;
        const double cross = ax * by - bx * ay;
        m.twice_area += cross;
        m.mx += (ax + bx) * cross;
        m.my += (ay + by) * cross;
    }
    return m;
}

double ring_area(const Ring& ring) {
    return ring.empty() ? 0.0 : std::abs(ring_moments(ring, ring.front()).twice_area) / 2.0;
}
}  // namespace

double area(const Polygon& polygon) {
    double a = ring_area(polygon.outer);
    for (const auto& hole : polygon.holes) a -= ring_area(hole);
    return std::max(0.0, a);
}

double area(const MultiPolygon& polygons) {
    double a = 0.0;
    for (const auto& p : polygons) a += area(p);
    return a;
}

Point centroid(const MultiPolygon& polygons) {
    if (polygons.empty() || polygons.front().outer.empty()) return {};
    const Point o = polygons.front().outer.front();
    double a2 = 0.0, mx = 0.0, my = 0.0;
    // Outer rings count positive and holes negative, whatever their orientation.
    auto add = [&](const Ring& ring, double sign) {
        const RingMoments m = ring_moments(ring, o);
        const double s = (m.twice_area < 0 ? -sign : sign);
        a2 += s * m.twice_area;
        mx += s * m.mx;
        my += s * m.my;
    };
    for (const auto& poly : polygons) {
        add(poly.outer, 1.0);
        for (const auto& hole : poly.holes) add(hole, -1.0);
    }
    if (std::abs(a2) < 1e-12) return o;
    return {o.x + mx / (3.0 * a2), o.y + my / (3.0 * a2)};
}

namespace {
bool ring_contains(const Ring& ring, const Point& p) {
    bool inside = false;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const Point& a = ring[i];
        const Point& b = ring[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
    }
    return inside;
}
}  // namespace

bool contains(const MultiPolygon& polygons, const Point& p) {
    for (const auto& poly : polygons) {
        if (poly.outer.size() < 3 || !ring_contains(poly.outer, p)) continue;
        bool in_hole = false;
        for (const auto& h : poly.holes) in_hole = in_hole || (h.size() >= 3 && ring_contains(h, p));
        if (!in_hole) return true;
    }
    return false;
}

Point point_along(const Polyline& line, double distance) {
    if (line.empty()) return {};
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double seg = std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        if (distance <= seg && seg > 0.0) {
            const double t = std::max(0.0, distance) / seg;
            return {line[i - 1].x + t * (line[i].x - line[i - 1].x), line[i - 1].y + t * (line[i].y - line[i - 1].y)};
        }
        distance -= seg;
    }
    return line.back();
}

double distance_along(const Polyline& line, const Point& p) {
    double best = std::numeric_limits<double>::infinity(), at = 0.0, walked = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        const double dx = line[i].x - line[i - 1].x, dy = line[i].y - line[i - 1].y;
        const double seg2 = dx * dx + dy * dy, seg = std::sqrt(seg2);
        const double t = seg2 > 0.0 ? std::clamp(((p.x - line[i - 1].x) * dx + (p.y - line[i - 1].y) * dy) / seg2, 0.0, 1.0) : 0.0;
        const double d = std::hypot(line[i - 1].x + t * dx - p.x, line[i - 1].y + t * dy - p.y);
        if (d < best) best = d, at = walked + t * seg;
        walked += seg;
    }
    return at;
}

Box bounds(const Polyline& line) {
    Box b = Box::none();
    for (const auto& p : line) b.extend(p);
    return b;
}

Box bounds(const MultiPolygon& polygons) {
    Box b = Box::none();
    for (const auto& poly : polygons)
        for (const auto& p : poly.outer) b.extend(p);
    return b;
}

}  // namespace citytwin::geodata
