#include <citytwin/sim/wifi_channels.hpp>
#include <citytwin/sim/wifi_coverage.hpp>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace citytwin::sim::wifi {

namespace {

// The HT20 transmit spectral mask (IEEE 802.11-2020 19.3.18.1) as (offset MHz, dBr)
// corners, linear in dB between them and flat beyond the last.
constexpr std::array<std::pair<double, double>, 8> mask{
    {{-30.0, -45.0}, {-20.0, -28.0}, {-11.0, -20.0}, {-9.0, 0.0}, {9.0, 0.0}, {11.0, -20.0}, {20.0, -28.0}, {30.0, -45.0}}};
constexpr double receiver_half_band_mhz = 8.75;   // 56 occupied subcarriers × 312.5 kHz / 2

// ∫ 10^((a + b·x) / 10) dx over [x0, x1] (a straight line in dB is an exponential in power).
double exp_segment(double a, double b, double x0, double x1) {
    if (x1 <= x0) return 0.0;
    if (b == 0.0) return std::pow(10.0, a / 10.0) * (x1 - x0);
    const double k = b * std::log(10.0) / 10.0;
    return std::pow(10.0, a / 10.0) * (std::exp(k * x1) - std::exp(k * x0)) / k;
}

// ∫ mask in linear power over [x0, x1].
double mask_power(double x0, double x1) {
    double sum = exp_segment(mask.front().second, 0.0, x0, std::min(x1, mask.front().first)) +
                 exp_segment(mask.back().second, 0.0, std::max(x0, mask.back().first), x1);
    for (std::size_t k = 0; k + 1 < mask.size(); ++k) {
        const auto [u0, d0] = mask[k];
        const auto [u1, d1] = mask[k + 1];
        const double slope = (d1 - d0) / (u1 - u0);
        sum += exp_segment(d0 - slope * u0, slope, std::max(x0, u0), std::min(x1, u1));
    }
    return sum;
}

double milliwatts(double dbm) { return std::pow(10.0, dbm / 10.0); }

}  // namespace

int band_of(double frequency_ghz) { return frequency_ghz < 3.0 ? 2 : frequency_ghz < 5.925 ? 5 : 6; }

double channel_centre_mhz(int channel, double frequency_ghz) {
    switch (band_of(frequency_ghz)) {
    case 2: return channel == 14 ? 2484.0 : 2407.0 + 5.0 * channel;
    case 5: return 5000.0 + 5.0 * channel;
    default: return 5950.0 + 5.0 * channel;
    }
}

double channel_overlap(double separation_mhz) {
    const double s = std::abs(separation_mhz), h = receiver_half_band_mhz;
    return mask_power(-h - s, h - s) / mask_power(-h, h);
}

double channel_overlap(const geodata::AccessPoint& a, const geodata::AccessPoint& b) {
    if (band_of(a.frequency_ghz) != band_of(b.frequency_ghz)) return 0.0;
    return channel_overlap(channel_centre_mhz(a.channel, a.frequency_ghz) - channel_centre_mhz(b.channel, b.frequency_ghz));
}

std::vector<ApLink> ap_links(const HeightRaster& heights, const std::vector<geodata::AccessPoint>& aps,
                             const CoverageConfig& config, double floor_dbm) {
    const std::size_t n = aps.size();
    // Between two fixed antennas the median loss: the location margin is for where a
    // user may stand, not for a link between two masts.
    PropagationConfig median = config.propagation;
    median.location_probability = 0.5;
    std::vector<PathLossAt> loss;
    std::vector<double> z(n);
    for (std::size_t a = 0; a < n; ++a) {
        loss.emplace_back(median, aps[a].frequency_ghz);
        z[a] = ground_at(heights, aps[a].position) + aps[a].height_m;
    }
    const bool needs_los = config.propagation.model == PathLossModel::P1411;
    std::vector<std::vector<ApLink>> heard(n);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t to) {
        for (std::size_t from = 0; from < n; ++from) {
            if (from == to) continue;
            const auto& tx = aps[from];
            const double dx = tx.position.x - aps[to].position.x, dy = tx.position.y - aps[to].position.y;
            const double dz = z[from] - z[to];
            const double d2 = dx * dx + dy * dy + dz * dz;
            // The least loss either line of sight could give first: most pairs end here.
            const double best = tx.tx_power_dbm - std::min(loss[from](d2, true, ReceiverSite::Outdoor),
                                                           loss[from](d2, false, ReceiverSite::Outdoor));
            if (best < floor_dbm) continue;
            // As the coverage fields decide it: walked for P.1411, NLoS for the other models.
            const bool los = needs_los && line_of_sight(heights, tx.position, tx.height_m, aps[to].position, aps[to].height_m);
            const double dbm = tx.tx_power_dbm - loss[from](d2, los, ReceiverSite::Outdoor);
            if (dbm >= floor_dbm)
                heard[to].push_back({static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(to), dbm});
        }
    });
    std::vector<ApLink> out;
    for (auto& h : heard) out.insert(out.end(), h.begin(), h.end());
    return out;
}

std::vector<std::vector<std::uint32_t>> carrier_sense(const std::vector<geodata::AccessPoint>& aps,
                                                      const std::vector<ApLink>& links, const CoverageConfig& config) {
    std::vector<std::vector<std::uint32_t>> senses(aps.size());
    for (const auto& l : links) {
        const auto& tx = aps[l.from];
        const auto& rx = aps[l.to];
        const double overlap = channel_overlap(tx, rx);
        if (overlap <= 0.0) continue;
        const bool same = band_of(tx.frequency_ghz) == band_of(rx.frequency_ghz) &&
                          channel_centre_mhz(tx.channel, tx.frequency_ghz) == channel_centre_mhz(rx.channel, rx.frequency_ghz);
        const bool sensed = same ? l.dbm >= config.cca_preamble_dbm
                                 : l.dbm + 10.0 * std::log10(overlap) >= config.cca_energy_dbm;
        if (sensed) senses[l.to].push_back(l.from);   // links come ordered by (to, from)
    }
    return senses;
}

std::vector<int> assign_channels(const std::vector<geodata::AccessPoint>& aps, const std::vector<ApLink>& links,
                                 const CoverageConfig& config) {
    const std::size_t n = aps.size();
    // Signal between each pair (both directions, mW), and how many would hear each AP on
    // a shared channel.
    std::vector<std::vector<std::pair<std::uint32_t, double>>> near(n);
    std::vector<std::size_t> degree(n, 0);
    for (const auto& l : links) {
        near[l.to].emplace_back(l.from, milliwatts(l.dbm));
        near[l.from].emplace_back(l.to, milliwatts(l.dbm));
        if (l.dbm >= config.cca_preamble_dbm) ++degree[l.to];
    }
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return degree[a] > degree[b]; });
    std::vector<int> channel(n);
    std::vector<char> placed(n, 0);
    for (std::size_t a = 0; a < n; ++a) channel[a] = aps[a].channel;
    for (const auto a : order) {
        const int band = band_of(aps[a].frequency_ghz);
        const std::vector<int>* list = band == 2 ? &config.auto_channels_2g4 : band == 5 ? &config.auto_channels_5g : nullptr;
        if (list && !list->empty()) {
            double least = 0.0;
            for (std::size_t k = 0; k < list->size(); ++k) {
                const double centre = channel_centre_mhz((*list)[k], aps[a].frequency_ghz);
                double cost = 0.0;   // summed in link order: the same every run
                for (const auto& [b, mw] : near[a]) {
                    if (!placed[b] || band_of(aps[b].frequency_ghz) != band) continue;
                    cost += mw * channel_overlap(centre - channel_centre_mhz(channel[b], aps[b].frequency_ghz));
                }
                if (k == 0 || cost < least) {
                    least = cost;
                    channel[a] = (*list)[k];
                }
            }
        }
        placed[a] = 1;
    }
    return channel;
}

}  // namespace citytwin::sim::wifi
