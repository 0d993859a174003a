#pragma once
// Strong id types: an id of one kind cannot be passed where another is expected.
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace citytwin::geodata {

template <typename Tag>
struct StrongId {
    std::uint32_t value = std::numeric_limits<std::uint32_t>::max();

    constexpr StrongId() = default;
    constexpr explicit StrongId(std::uint32_t v) : value(v) {}
    constexpr bool valid() const { return value != std::numeric_limits<std::uint32_t>::max(); }
    constexpr auto operator<=>(const StrongId&) const = default;
};

using NodeId = StrongId<struct NodeTag>;
using LinkId = StrongId<struct LinkTag>;
using BuildingId = StrongId<struct BuildingTag>;
using AccessPointId = StrongId<struct AccessPointTag>;
using DistrictId = StrongId<struct DistrictTag>;

}  // namespace citytwin::geodata

template <typename Tag>
struct std::hash<citytwin::geodata::StrongId<Tag>> {
    std::size_t operator()(const citytwin::geodata::StrongId<Tag>& id) const noexcept {
        return std::hash<std::uint32_t>{}(id.value);
    }
};
