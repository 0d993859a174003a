#pragma once
// What a user gets of a PHY rate once the 802.11 MAC has taken its share: the time on
// air of one channel access (inter-frame spaces, back-off, preamble, the data and the
// acknowledgement) for the payload it carries (README "Wifi coverage", capacity).
namespace citytwin::sim::wifi {

/// The scenario's `wifi.mac_*` keys.
struct MacConfig {
    /// IP packet bytes per MAC frame (1500: a full Ethernet MTU, bulk traffic).
    int frame_bytes = 1500;
    /// MAC frames sent in one channel access: 1 = no aggregation (legacy clients, the
    /// conservative case); 802.11n clients may aggregate up to 64 (A-MPDU).
    int frames_per_access = 1;
    /// > 0: a fixed share of the PHY rate instead of the timing model (e.g. from your
    /// own measurements); 0: the timing model.
    double fixed_efficiency = 0.0;
};

/// Payload throughput (Mbit/s) of one saturated sender at `phy_rate_mbps` (an 802.11n
/// HT20 one-stream rate: 6.5 … 65), without collisions, from the timings of IEEE
/// 802.11-2020: DIFS 34 µs (SIFS 16 µs + 2 slots of 9 µs), a mean back-off of CWmin / 2
/// = 7.5 slots, the HT-mixed preamble of one stream (36 µs), the data in 4 µs symbols
/// (16 service + 6 tail bits; QoS MAC header 26 B, LLC/SNAP 8 B, FCS 4 B; with
/// aggregation a 4 B delimiter per frame and padding to 4 B), SIFS, and an ACK (one
/// frame) or a compressed BlockAck (several) in legacy OFDM at the highest basic rate
/// of 6, 12, 24 Mbit/s not above the data rate (20 µs preamble). A 1500 B frame at
/// 65 Mbit/s gives 32.1 Mbit/s (49 %); at 6.5 Mbit/s 5.72 Mbit/s (88 %).
double mac_goodput_mbps(double phy_rate_mbps, const MacConfig& mac);

}  // namespace citytwin::sim::wifi
