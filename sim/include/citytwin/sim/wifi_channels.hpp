#pragma once
// Channels and carrier sense between access points: which APs hear each other, how much
// of one AP's power falls into another's channel, and an automatic channel plan
// (README "Wifi coverage", channels and interference).
//
// 802.11 APs that hear each other take turns on the air (CSMA/CA): they share airtime
// but do not interfere; an AP that cannot hear a serving AP transmits over it (a hidden
// node) and interferes at that AP's users. wifi_coverage counts interference only from
// those, wifi_capacity shares airtime among the others.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/height_raster.hpp>

#include <cstdint>
#include <vector>

namespace citytwin::sim::wifi {

struct CoverageConfig;

/// The band an AP's frequency lies in: 2 (2.4 GHz), 5 or 6 GHz. Channels overlap only within one.
int band_of(double frequency_ghz);

/// The centre frequency (MHz) of an AP's channel: 2.4 GHz 2407 + 5·ch (ch 14: 2484),
/// 5 GHz 5000 + 5·ch, 6 GHz 5950 + 5·ch.
double channel_centre_mhz(int channel, double frequency_ghz);

/// The share of a 20 MHz transmission's power that a receiver tuned `separation_mhz`
/// away takes in: the HT20 transmit spectral mask (IEEE 802.11-2020 19.3.18.1: 0 dBr to
/// ±9 MHz, −20 dBr at ±11, −28 dBr at ±20, −45 dBr from ±30 MHz, linear in dB between)
/// integrated over the receiver's occupied band (56 subcarriers, ±8.75 MHz), over the
/// same at 0 MHz. 1 on the same channel; the mask is the most a compliant transmitter
/// may leak, so this is an upper bound on adjacent-channel interference.
double channel_overlap(double separation_mhz);

/// The overlap between two APs' channels: 0 in different bands.
double channel_overlap(const geodata::AccessPoint& a, const geodata::AccessPoint& b);

/// Received power of one AP at another's antenna.
struct ApLink {
    std::uint32_t from = 0, to = 0;   ///< indexes into the AP list
    double dbm = 0.0;
};

/// Power (dBm, the coverage model's median path loss — location probability 0.5 —,
/// outdoors, line of sight walked exactly between the two antennas) of every AP at every
/// other AP where it reaches at least `floor_dbm`; no radius limit (the link budget
/// decides). Ordered by (to, from).
std::vector<ApLink> ap_links(const HeightRaster& heights, const std::vector<geodata::AccessPoint>& aps,
                             const CoverageConfig& config, double floor_dbm);

/// Which APs each AP senses (defers to), as indexes into the AP list, ascending: co-channel
/// at or above the preamble-detection level (config.cca_preamble_dbm, −82 dBm: IEEE
/// 802.11-2020 17.3.10.6), a partly overlapping channel when its power in the receiver's
/// band reaches the energy-detection level (config.cca_energy_dbm, −62 dBm).
std::vector<std::vector<std::uint32_t>> carrier_sense(const std::vector<geodata::AccessPoint>& aps,
                                                      const std::vector<ApLink>& links, const CoverageConfig& config);

/// An automatic channel plan: APs in the order of how many others they would hear on a
/// shared channel (most first, then list order) each take the channel of their band's
/// list (config.auto_channels_2g4 / auto_channels_5g) with the least overlap-weighted
/// power to and from the APs already placed (ties: the first in the list) — greedy
/// graph colouring weighted by signal. APs in another band (6 GHz) keep theirs.
std::vector<int> assign_channels(const std::vector<geodata::AccessPoint>& aps, const std::vector<ApLink>& links,
                                 const CoverageConfig& config);

}  // namespace citytwin::sim::wifi
