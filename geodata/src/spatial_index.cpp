#include <citytwin/geodata/spatial_index.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace citytwin::geodata {

namespace {
using BgPoint = bg::model::d2::point_xy<double>;
using BgSegment = bg::model::segment<BgPoint>;
using BgBox = bg::model::box<BgPoint>;
using BgPolygon = bg::model::polygon<BgPoint>;
using BgMultiPolygon = bg::model::multi_polygon<BgPolygon>;

BgPoint to_bg(const Point& p) { return {p.x, p.y}; }

BgMultiPolygon to_bg(const MultiPolygon& mp) {
    BgMultiPolygon out;
    for (const auto& poly : mp) {
        BgPolygon p;
        for (const auto& q : poly.outer) p.outer().push_back(to_bg(q));
        for (const auto& h : poly.holes) {
            p.inners().emplace_back();
            for (const auto& q : h) p.inners().back().push_back(to_bg(q));
        }
        bg::correct(p);  // orientation and closure as Boost.Geometry expects
        out.push_back(std::move(p));
    }
    return out;
}
}  // namespace

struct LinkIndex::Impl {
    using Value = std::pair<BgSegment, std::uint32_t>;
    bgi::rtree<Value, bgi::rstar<16>> tree;
};

LinkIndex::LinkIndex(const RoadNetwork& network) : LinkIndex(network, {}) {}

LinkIndex::LinkIndex(const RoadNetwork& network, const std::vector<char>& usable) : impl_(std::make_unique<Impl>()) {
    std::vector<Impl::Value> values;
    for (const auto& l : network.links())
        if (usable.empty() || usable[l.id.value])
            for (std::size_t i = 1; i < l.geometry.size(); ++i)
            values.emplace_back(BgSegment(to_bg(l.geometry[i - 1]), to_bg(l.geometry[i])), l.id.value);
    impl_->tree = decltype(impl_->tree)(values.begin(), values.end());  // bulk load (packing)
}
LinkIndex::~LinkIndex() = default;
LinkIndex::LinkIndex(LinkIndex&&) noexcept = default;
LinkIndex& LinkIndex::operator=(LinkIndex&&) noexcept = default;

std::size_t LinkIndex::segment_count() const { return impl_->tree.size(); }

std::optional<NearestLink> LinkIndex::nearest(const Point& p) const {
    if (impl_->tree.empty()) return std::nullopt;
    // The nearest distance first, then every segment at that distance (a junction can
    // hold many), and the lowest id among them: the tree's own order must never decide.
    std::vector<Impl::Value> hits;
    impl_->tree.query(bgi::nearest(to_bg(p), 1), std::back_inserter(hits));
    const double d = bg::distance(to_bg(p), hits.front().first);
    const double pad = d * 1e-9 + 1e-9;
    hits.clear();
    impl_->tree.query(bgi::intersects(BgBox(BgPoint(p.x - d - pad, p.y - d - pad), BgPoint(p.x + d + pad, p.y + d + pad))),
                      std::back_inserter(hits));
    std::optional<NearestLink> best;
    for (const auto& [seg, id] : hits) {
        const double dist = bg::distance(to_bg(p), seg);
        if (!best || dist < best->distance_m || (dist == best->distance_m && id < best->link.value)) {
            const double ax = bg::get<0, 0>(seg), ay = bg::get<0, 1>(seg);
            const double bx = bg::get<1, 0>(seg), by = bg::get<1, 1>(seg);
            const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            const double t = len2 > 0 ? std::clamp(((p.x - ax) * dx + (p.y - ay) * dy) / len2, 0.0, 1.0) : 0.0;
            best = NearestLink{LinkId(id), dist, Point{ax + t * dx, ay + t * dy}};
        }
    }
    return best;
}

struct BuildingIndex::Impl {
    using Value = std::pair<BgBox, std::uint32_t>;
    bgi::rtree<Value, bgi::rstar<16>> tree;
    std::vector<BgMultiPolygon> shapes;   ///< by position in the input vector
    std::vector<BuildingId> ids;          ///< by position
};

BuildingIndex::BuildingIndex(const std::vector<Building>& buildings) : impl_(std::make_unique<Impl>()) {
    std::vector<Impl::Value> values;
    impl_->shapes.reserve(buildings.size());
    for (const auto& b : buildings) {
        impl_->shapes.push_back(to_bg(b.footprint));
        impl_->ids.push_back(b.id);
        values.emplace_back(bg::return_envelope<BgBox>(impl_->shapes.back()),
                            static_cast<std::uint32_t>(impl_->ids.size() - 1));
    }
    impl_->tree = decltype(impl_->tree)(values.begin(), values.end());
}
BuildingIndex::~BuildingIndex() = default;
BuildingIndex::BuildingIndex(BuildingIndex&&) noexcept = default;
BuildingIndex& BuildingIndex::operator=(BuildingIndex&&) noexcept = default;

std::vector<BuildingId> BuildingIndex::crossed_by(const Point& a, const Point& b) const {
    const BgSegment seg(to_bg(a), to_bg(b));
    std::vector<Impl::Value> candidates;
    impl_->tree.query(bgi::intersects(bg::return_envelope<BgBox>(seg)), std::back_inserter(candidates));
    std::vector<BuildingId> out;
    for (const auto& [box, pos] : candidates)
        if (bg::intersects(seg, impl_->shapes[pos])) out.push_back(impl_->ids[pos]);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<BuildingId> BuildingIndex::containing(const Point& p) const {
    std::vector<Impl::Value> candidates;
    impl_->tree.query(bgi::intersects(to_bg(p)), std::back_inserter(candidates));  // boundary counts
    std::optional<BuildingId> best;
    for (const auto& [box, pos] : candidates)
        if (bg::covered_by(to_bg(p), impl_->shapes[pos]) && (!best || impl_->ids[pos] < *best))
            best = impl_->ids[pos];
    return best;
}

}  // namespace citytwin::geodata
