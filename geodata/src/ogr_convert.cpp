#include "ogr_convert.hpp"

namespace citytwin::geodata::detail {

namespace {
Polyline points_of(const OGRSimpleCurve& curve) {
    Polyline out;
    out.reserve(static_cast<std::size_t>(curve.getNumPoints()));
    for (int i = 0; i < curve.getNumPoints(); ++i) out.push_back({curve.getX(i), curve.getY(i)});
    return out;
}

void add_polygon(const OGRPolygon& poly, MultiPolygon& out) {
    if (poly.IsEmpty() || !poly.getExteriorRing()) return;
    Polygon p;
    p.outer = points_of(*poly.getExteriorRing());
    for (int i = 0; i < poly.getNumInteriorRings(); ++i) p.holes.push_back(points_of(*poly.getInteriorRing(i)));
    out.push_back(std::move(p));
}

std::unique_ptr<OGRLinearRing> ring_to_ogr(const Ring& ring) {
    auto r = std::make_unique<OGRLinearRing>();
    r->setNumPoints(static_cast<int>(ring.size()), FALSE);
    for (std::size_t i = 0; i < ring.size(); ++i) r->setPoint(static_cast<int>(i), ring[i].x, ring[i].y);
    return r;
}
}  // namespace

std::vector<Polyline> to_polylines(const OGRGeometry& g) {
    std::vector<Polyline> out;
    const auto type = wkbFlatten(g.getGeometryType());
    if (type == wkbLineString) {
        out.push_back(points_of(*g.toLineString()));
    } else if (type == wkbMultiLineString) {
        for (const auto* part : *g.toMultiLineString()) out.push_back(points_of(*part));
    }
    return out;
}

MultiPolygon to_multipolygon(const OGRGeometry& g) {
    MultiPolygon out;
    const auto type = wkbFlatten(g.getGeometryType());
    if (type == wkbPolygon) {
        add_polygon(*g.toPolygon(), out);
    } else if (type == wkbMultiPolygon) {
        for (const auto* part : *g.toMultiPolygon()) add_polygon(*part, out);
    } else if (type == wkbGeometryCollection) {
        for (const auto* part : *g.toGeometryCollection()) {
            MultiPolygon sub = to_multipolygon(*part);
            out.insert(out.end(), sub.begin(), sub.end());
        }
    }
    return out;
}

std::unique_ptr<OGRLineString> to_ogr(const Polyline& line) {
    auto l = std::make_unique<OGRLineString>();
    l->setNumPoints(static_cast<int>(line.size()), FALSE);
    for (std::size_t i = 0; i < line.size(); ++i) l->setPoint(static_cast<int>(i), line[i].x, line[i].y);
    return l;
}

std::unique_ptr<OGRMultiPolygon> to_ogr(const MultiPolygon& polygons) {
    auto mp = std::make_unique<OGRMultiPolygon>();
    for (const auto& p : polygons) {
        auto poly = std::make_unique<OGRPolygon>();
        poly->addRingDirectly(ring_to_ogr(p.outer).release());
        for (const auto& h : p.holes) poly->addRingDirectly(ring_to_ogr(h).release());
        mp->addGeometryDirectly(poly.release());
    }
    return mp;
}

}  // namespace citytwin::geodata::detail
