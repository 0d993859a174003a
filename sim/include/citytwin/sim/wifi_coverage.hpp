#pragma once
// Wifi coverage over the study area: for every grid cell, the received power from each
// access point within reach, the best server, SINR against co-channel interference and
// the number of usable servers. Line of sight from a viewshed per AP (viewshed.hpp).
// Memory is a few rasters of the study area, one power sum per cell and channel in use,
// and a bounded batch of APs' fields — never APs × area.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/height_raster.hpp>
#include <citytwin/sim/wifi_mac.hpp>
#include <citytwin/sim/wifi_propagation.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace citytwin::sim::wifi {

/// The scenario's `wifi.active_share*` and `wifi.client_limit` (capacity model).
struct CapacityConfig {
    /// Share of the people present away from home (at work, school, shops, visiting) who
    /// use the public wifi (an assumption; set it from association logs).
    double active_share = 0.1;
    /// The same at home: only people without their own connection. Eurostat
    /// (isoc_ci_in_h): 95 % of households in EU cities had internet access at home in
    /// 2023, so 0.1 × 0.05.
    double active_share_home = 0.005;
    /// The same in the streets and squares (walkers, cyclists, car travellers).
    double active_share_street = 0.1;
    /// Per hour of the day (0–23), a factor on all three shares (default 1: no profile).
    std::array<double, 24> active_by_hour = [] {
        std::array<double, 24> a{};
        a.fill(1.0);
        return a;
    }();
    double client_limit = 30.0;      ///< associated users per radio above which an AP is overloaded
    /// The busy moments of an hour: users active at once are a Poisson number with the
    /// hour's mean (independent users), and the client limit is checked on this quantile.
    double peak_quantile = 0.95;
    MacConfig mac;                   ///< what the MAC leaves of the PHY rate (wifi_mac.hpp)
};

/// Where the APs' channels come from: the data (`channel`), or an automatic plan
/// (wifi_channels.hpp assign_channels) over the channels of each band.
enum class ChannelPlan { Data, Auto };

/// How P.1411's line of sight is decided: a viewshed per AP (fast; shadow edges within
/// half a cell) or an exact walk along every AP–cell line (the reference; 2–6× slower).
enum class LineOfSightMethod { Viewshed, Exact };

/// The scenario's `wifi:` section (scenarios/README.md).
struct CoverageConfig {
    PropagationConfig propagation;
    LineOfSightMethod line_of_sight = LineOfSightMethod::Viewshed;
    double cell_size_m = 5.0;
    double max_radius_m = 300.0;        ///< APs farther than this from a cell are ignored there
    double receiver_height_m = 1.5;     ///< above ground, outdoors and indoors (ground floor)
    double threshold_dbm = -75.0;       ///< "covered" and "usable server" level
    double noise_floor_dbm = -95.0;
    bool use_terrain = true;            ///< ground from the city's terrain raster when it has one
    /// P.2109 type of each building by id (entry_loss_model p2109); ids beyond the list
    /// and an empty list: default_building_type.
    BuildingEntryType default_building_type = BuildingEntryType::Traditional;
    /// Uses whose buildings are thermally efficient (the rest: default_building_type);
    /// assign_building_types turns this into building_types for a city.
    std::vector<geodata::BuildingUse> thermally_efficient_uses;
    std::vector<BuildingEntryType> building_types;
    CapacityConfig capacity;
    ChannelPlan channel_plan = ChannelPlan::Data;
    std::vector<int> auto_channels_2g4{1, 6, 11};   ///< the three 20 MHz channels that do not overlap
    /// 20 MHz channels of 5 GHz open to outdoor use in Europe (ETSI EN 301 893: 36–64
    /// need indoor use or DFS; 100–140 with DFS; here the whole list, a planner trims it).
    std::vector<int> auto_channels_5g{36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140};
    /// Carrier sense (IEEE 802.11-2020 17.3.10.6): a co-channel 802.11 preamble is
    /// detected from the minimum sensitivity of 6 Mbit/s, any energy 20 dB above it.
    double cca_preamble_dbm = -82.0;
    double cca_energy_dbm = -62.0;
};

inline constexpr float no_signal = -9999.0f;          ///< rssi/sinr where no AP is within reach
inline constexpr std::uint32_t no_server = UINT32_MAX;

struct Coverage {
    Grid grid;
    std::vector<float> rssi_dbm;             ///< best-server received power
    std::vector<std::uint32_t> server;       ///< AP id of the best server (ties: lowest id)
    /// Best server over noise + the interference of the APs that do not sense it (hidden
    /// nodes), each weighted by its channel overlap with the server; APs that sense the
    /// server wait for it instead (they share its airtime: `senses`).
    std::vector<float> sinr_db;
    std::vector<std::uint16_t> servers;      ///< APs received at >= threshold
    std::uint64_t ap_cells = 0;              ///< (AP, cell) pairs evaluated (within max radius)
    std::uint64_t los_ap_cells = 0;          ///< of which with line of sight (P.1411 only)
    std::uint64_t beyond_validity_ap_cells = 0;  ///< of which outside the model's validity range
    /// By AP id: the ids of the APs whose transmissions it senses (defers to), ascending.
    std::vector<std::vector<std::uint32_t>> senses;
};

/// Fills config.building_types for the city's buildings from default_building_type and
/// thermally_efficient_uses.
void assign_building_types(CoverageConfig& config, const geodata::CityModel& model);

/// Where the receiver of a cell is: outdoors, or inside its building (of that building's
/// P.2109 type).
ReceiverSite receiver_site(const HeightRaster& heights, std::size_t cell, const CoverageConfig& config);

/// Received power of every AP at every cell of `heights.grid`, the best server, and its
/// SINR against the APs that do not sense it (carrier_sense in wifi_channels.hpp). APs are computed in
/// parallel, in batches taken in id order, and merged into each cell in id order (a
/// fixed split into row tiles, each cell written by one task), so the rasters are
/// bit-identical for any thread count.
/// `progress(aps_done, aps_total)` is called from the calling thread after each batch.
Coverage compute_coverage(const HeightRaster& heights, const std::vector<geodata::AccessPoint>& aps,
                          const CoverageConfig& config,
                          const std::function<void(std::size_t, std::size_t)>& progress = {});

/// The cells where `ap` alone arrives at or above `floor_dbm` (ascending), with its power
/// there: the values compute_coverage merges, to the bit. For planners' what-ifs that
/// weigh many candidate sites over whole areas.
std::vector<std::pair<std::uint32_t, float>> cells_reached(const HeightRaster& heights, const geodata::AccessPoint& ap,
                                                          const CoverageConfig& config, double floor_dbm);

/// Received power (dBm) of one AP at one cell, exactly as compute_coverage finds it (it
/// walks the one viewshed ray that decides the cell); nullopt beyond max_radius_m. For
/// planners' what-ifs that test many candidate sites at a few cells (building
/// centroids) instead of recomputing whole rasters.
std::optional<double> received_dbm(const HeightRaster& heights, const geodata::AccessPoint& ap, std::size_t cell,
                                   const CoverageConfig& config);

}  // namespace citytwin::sim::wifi
