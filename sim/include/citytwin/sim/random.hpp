#pragma once
// Counter-based random numbers: a draw is a pure function of (seed, purpose, entity,
// index), so results never depend on which thread asks or in what order.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace citytwin::sim {

/// What a random draw is for; part of the key so streams never overlap.
enum class Stream : std::uint64_t {
    Residents = 1,
    Chain,
    Mode,
    WorkPlace,
    OtherPlace,
    DepartureTime,
    Duration,
    Replan,
    JunctionOrder,
    Person,
    StopPlace,
    External,
};

/// SplitMix64 finaliser: a strong 64-bit mix (Steele et al., "Fast splittable PRNGs").
constexpr std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Uniform in [0, 1) for the key (seed, stream, entity, index).
inline double uniform(std::uint64_t seed, Stream stream, std::uint64_t entity, std::uint64_t index = 0) {
    std::uint64_t h = mix64(seed ^ 0x9e3779b97f4a7c15ULL);
    h = mix64(h ^ static_cast<std::uint64_t>(stream));
    h = mix64(h ^ entity);
    h = mix64(h ^ (index * 0x9e3779b97f4a7c15ULL));
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

/// Standard normal by Box–Muller from two keyed uniforms.
inline double normal(std::uint64_t seed, Stream stream, std::uint64_t entity, std::uint64_t index = 0) {
    const double u1 = uniform(seed, stream, entity, 2 * index);
    const double u2 = uniform(seed, stream, entity, 2 * index + 1);
    return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(6.283185307179586 * u2);
}

/// Index i of a cumulative row (non-decreasing, n ≥ 1, last > 0) whose interval holds
/// u · total: an entity drawn in proportion to its weight.
inline std::size_t draw_cumulative(const double* cumulative, std::size_t n, double u) {
    const double* it = std::upper_bound(cumulative, cumulative + n, u * cumulative[n - 1]);
    return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative), n - 1);
}

}  // namespace citytwin::sim
