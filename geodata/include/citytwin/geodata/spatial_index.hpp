#pragma once
// R-tree queries over the model (Boost.Geometry inside): nearest link to a point,
// buildings crossed by a segment. Results are ordered by id, never by tree layout.
#include <citytwin/geodata/city_model.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace citytwin::geodata {

struct NearestLink {
    LinkId link;
    double distance_m = 0.0;
    Point projected;          ///< closest point on the link geometry
};

class LinkIndex {
public:
    explicit LinkIndex(const RoadNetwork& network);
    /// Only links with usable[id] != 0 (e.g. those never closed); empty: all links.
    LinkIndex(const RoadNetwork& network, const std::vector<char>& usable);
    ~LinkIndex();
    LinkIndex(LinkIndex&&) noexcept;
    LinkIndex& operator=(LinkIndex&&) noexcept;

    /// Closest link (ties: lowest id); nullopt for an empty network.
    std::optional<NearestLink> nearest(const Point& p) const;
    std::size_t segment_count() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class BuildingIndex {
public:
    explicit BuildingIndex(const std::vector<Building>& buildings);
    ~BuildingIndex();
    BuildingIndex(BuildingIndex&&) noexcept;
    BuildingIndex& operator=(BuildingIndex&&) noexcept;

    /// Buildings whose footprint the segment a-b touches, sorted by id.
    std::vector<BuildingId> crossed_by(const Point& a, const Point& b) const;
    /// Building containing p, if any (lowest id when footprints overlap).
    std::optional<BuildingId> containing(const Point& p) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace citytwin::geodata
