#include <citytwin/geodata/city_model.hpp>

#include <algorithm>
#include <cmath>

namespace citytwin::geodata {

namespace {
// CSR adjacency: ids grouped by node, in link-id order within each node (counting sort).
void build_csr(std::size_t node_count, const std::vector<Link>& links, bool outgoing,
               std::vector<std::uint32_t>& offsets, std::vector<LinkId>& ids) {
    offsets.assign(node_count + 1, 0);
    for (const auto& l : links) ++offsets[(outgoing ? l.from : l.to).value + 1];
    for (std::size_t i = 1; i < offsets.size(); ++i) offsets[i] += offsets[i - 1];
    ids.resize(links.size());
    std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (const auto& l : links) ids[fill[(outgoing ? l.from : l.to).value]++] = l.id;
}
}  // namespace

RoadNetwork::RoadNetwork(std::vector<Node> nodes, std::vector<Link> links)
    : nodes_(std::move(nodes)), links_(std::move(links)) {
    build_csr(nodes_.size(), links_, true, out_offsets_, out_ids_);
    build_csr(nodes_.size(), links_, false, in_offsets_, in_ids_);
}

RoadNetwork::Range RoadNetwork::out_links(NodeId n) const {
    return {out_ids_.data() + out_offsets_[n.value], out_ids_.data() + out_offsets_[n.value + 1]};
}

RoadNetwork::Range RoadNetwork::in_links(NodeId n) const {
    return {in_ids_.data() + in_offsets_[n.value], in_ids_.data() + in_offsets_[n.value + 1]};
}

std::string_view to_string(BuildingUse u) {
    switch (u) {
        case BuildingUse::Residential: return "residential";
        case BuildingUse::Commercial: return "commercial";
        case BuildingUse::Industrial: return "industrial";
        case BuildingUse::Public: return "public";
        case BuildingUse::Other: return "other";
    }
    return "other";
}

std::string_view to_string(HeightSource s) {
    switch (s) {
        case HeightSource::Height: return "height";
        case HeightSource::Levels: return "levels";
        case HeightSource::Default: return "default";
    }
    return "default";
}

bool Raster::contains(const Point& p) const {
    return p.x >= origin_x && p.x < origin_x + width * cell_size && p.y <= origin_y &&
           p.y > origin_y - height * cell_size;
}

float Raster::sample(const Point& p) const {
    // Cell centres are at origin + (i + 0.5) × size; interpolate between the four around p.
    const double fx = (p.x - origin_x) / cell_size - 0.5;
    const double fy = (origin_y - p.y) / cell_size - 0.5;
    const int x0 = static_cast<int>(std::floor(fx)), y0 = static_cast<int>(std::floor(fy));
    auto at = [&](int x, int y) {
        x = std::clamp(x, 0, width - 1);
        y = std::clamp(y, 0, height - 1);
        return values[static_cast<std::size_t>(y) * width + x];
    };
    if (!contains(p) || width == 0 || height == 0) return nodata;
    const float v00 = at(x0, y0), v10 = at(x0 + 1, y0), v01 = at(x0, y0 + 1), v11 = at(x0 + 1, y0 + 1);
    if (v00 == nodata || v10 == nodata || v01 == nodata || v11 == nodata) return nodata;
    const double tx = fx - x0, ty = fy - y0;
    return static_cast<float>((v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty);
}

}  // namespace citytwin::geodata
