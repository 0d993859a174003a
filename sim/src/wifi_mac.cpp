#include <citytwin/sim/wifi_mac.hpp>

#include <algorithm>
#include <cmath>

namespace citytwin::sim::wifi {

namespace {

// IEEE 802.11-2020 OFDM timings (clause 17.4.4 and 19.4.4), in µs.
constexpr double slot_us = 9.0;
constexpr double sifs_us = 16.0;
constexpr double difs_us = sifs_us + 2.0 * slot_us;
constexpr double mean_backoff_us = 15.0 / 2.0 * slot_us;   // CWmin = 15
// HT-mixed preamble, one spatial stream: L-STF 8, L-LTF 8, L-SIG 4, HT-SIG 8, HT-STF 4, HT-LTF 4.
constexpr double ht_preamble_us = 36.0;
constexpr double legacy_preamble_us = 20.0;   // L-STF, L-LTF, L-SIG
constexpr double symbol_us = 4.0;             // 3.2 µs + 0.8 µs long guard interval
constexpr double service_and_tail_bits = 16.0 + 6.0;
constexpr int mac_overhead_bytes = 26 + 8 + 4;   // QoS data header, LLC/SNAP, FCS
constexpr int ack_bytes = 14, block_ack_bytes = 32;
constexpr double max_ppdu_us = 5484.0;        // aPPDUMaxTime of the HT-mixed format

double symbols(double bits, double rate_mbps) { return std::ceil((bits + service_and_tail_bits) / (rate_mbps * symbol_us)); }

/// The acknowledgement's time on air: legacy OFDM at the highest basic rate <= the data rate.
double response_us(double data_rate_mbps, int bytes) {
    const double rate = data_rate_mbps >= 24.0 ? 24.0 : data_rate_mbps >= 12.0 ? 12.0 : 6.0;
    return legacy_preamble_us + symbol_us * symbols(8.0 * bytes, rate);
}

double psdu_bytes(int frames, int mpdu) {
    if (frames == 1) return mpdu;
    const int padded = (mpdu + 3) / 4 * 4;   // every subframe but the last padded to 4 B
    return frames * 4.0 + (frames - 1) * static_cast<double>(padded) + mpdu;
}

}  // namespace

double mac_goodput_mbps(double phy_rate_mbps, const MacConfig& mac) {
    if (!(phy_rate_mbps > 0.0)) return 0.0;
    if (mac.fixed_efficiency > 0.0) return mac.fixed_efficiency * phy_rate_mbps;
    const int mpdu = mac.frame_bytes + mac_overhead_bytes;
    // As many frames as asked for that fit in the longest PPDU (at least one).
    int frames = std::max(1, mac.frames_per_access);
    while (frames > 1 && ht_preamble_us + symbol_us * symbols(8.0 * psdu_bytes(frames, mpdu), phy_rate_mbps) > max_ppdu_us)
        --frames;
    const double data_us = symbol_us * symbols(8.0 * psdu_bytes(frames, mpdu), phy_rate_mbps);
    const double access_us = difs_us + mean_backoff_us + ht_preamble_us + data_us + sifs_us +
                             response_us(phy_rate_mbps, frames == 1 ? ack_bytes : block_ack_bytes);
    return 8.0 * mac.frame_bytes * frames / access_us;   // bits per µs = Mbit/s
}

}  // namespace citytwin::sim::wifi
