#pragma once
// Wifi capacity: who is where at each hour of the day, which access point serves them,
// and how the AP's airtime is shared among its users (README "Wifi coverage").
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/network_loading.hpp>
#include <citytwin/sim/wifi_coverage.hpp>

#include <cstdint>
#include <vector>

namespace citytwin::sim::wifi {

inline constexpr int hours_per_day = 24;

/// People present per hour and building: present[h * buildings + b], h = 0..23.
/// Person p lives in the building where the persons are numbered in building order from
/// `residents` (as synthetic demand numbers them). At the middle of hour h (h:30) a person
/// is at the destination building of their latest trip departed before then, else at home.
/// Commuters from outside count where their trips take them; residents who work outside
/// are not counted while they are out. Each person counts `weight` (1 / sample for a
/// sampled demand). Without `demand`, or when its residents do not match `residents`,
/// everybody is at home all day. With `at_home`, it gets the part of `present` who are in
/// their own home (same layout).
std::vector<double> people_present(const std::vector<std::uint32_t>& residents, const Demand* demand, double weight,
                                   std::vector<double>* at_home = nullptr);

/// PHY rate (Mbit/s) of 802.11n, 20 MHz, one spatial stream, 800 ns guard interval, for
/// an SINR (dB): MCS0..7 = 6.5, 13, 19.5, 26, 39, 52, 58.5, 65. The SINR thresholds
/// (2, 5, 9, 11, 15, 18, 20, 25 dB) are typical planning values, not taken from the
/// standard (which specifies receiver sensitivities, not SINRs). Below MCS0's threshold a
/// client still associates at the lowest rate (MCS0).
double mcs_rate_mbps(double sinr_db);

/// People travelling by car at the middle of an hour, placed where the mobility run
/// sampled its vehicles then.
struct MovingPeople {
    int hour = 0;
    geodata::Point position;
    double weight = 0.0;   ///< persons this sample stands for
};

/// Car travellers en route at h:30 (departed, not yet arrived in the mobility run) are
/// taken out of the destination building `present` put them in, and spread over the
/// vehicle positions sampled at that time (each sample standing for en-route / samples
/// persons, times `weight`). Hours without samples lose those travellers (say so). Those
/// on their way home leave `at_home` as well.
std::vector<MovingPeople> people_on_the_move(const Demand& demand, const LoadingResult& loading, std::size_t buildings,
                                             double weight, std::vector<double>& present,
                                             std::vector<double>* at_home = nullptr);

/// Walkers and cyclists on the path network at h:30, where their routes put them
/// (demand.active: each link at the mode's speed, as the trips were timed; `departures`
/// per trip, e.g. the mobility run's re-timed tours, or empty for the trips' own). They
/// are taken out of the destination building `present` put them in. The minutes walked
/// to and from the network, and walk and bike trips the network did not serve, stay
/// counted at the destination. Each person counts `weight`. Those on their way home leave
/// `at_home` as well.
std::vector<MovingPeople> people_on_foot(const geodata::CityModel& model, const Demand& demand,
                                         const std::vector<Seconds>& departures, double weight,
                                         std::vector<double>& present, std::vector<double>* at_home = nullptr);

struct ApHourLoad {
    std::uint32_t ap = 0;
    int hour = 0;
    /// People present it serves × their active share (home, away or street) × the hour's factor.
    double users = 0.0;
    /// The AP's share of the air: 1 / (1 + Σ over the APs it senses of the chance that
    /// they have a user, 1 − e^−users) — saturated neighbours take turns equally.
    double airtime_share = 1.0;
    double throughput_per_user_mbps = 0.0;  ///< NaN when no users
    /// Users at the hour's busy moments: the peak_quantile of a Poisson number with mean
    /// `users` (busy_users); 0 without users.
    double peak_users = 0.0;
    bool overloaded = false;             ///< peak_users > client_limit
};

/// The q-quantile of a Poisson number with mean `mean` (the smallest k with P(N <= k) >= q);
/// 0 for a mean of 0.
double busy_users(double mean, double q);

struct CapacityResult {
    std::vector<ApHourLoad> loads;       ///< every (AP, hour): index ap * 24 + hour
    std::size_t overloaded_aps_peak = 0; ///< max over hours of overloaded APs
    int overloaded_peak_hour = 0;        ///< first hour with that many
    double peak_hour_users = 0.0;        ///< max over hours of users on all APs
    int peak_hour = 0;                   ///< first hour with that many
    /// Mean throughput of the peak hour's users (weighted by users); NaN without users.
    double peak_hour_throughput_per_user_mbps = 0.0;
};

/// Loads per AP and hour. A building's people are served by the best server of its
/// home cell (`homes`, by building id: wifi_kpis.hpp home_cells; empty: its centroid's
/// cell) when that cell's RSSI is >= the threshold, else by none. The AP's airtime
/// share (against the APs it senses: coverage.senses) is shared so that every user gets
/// the same throughput T (802.11 DCF per-frame fairness): Σ_u T / rate_u = share,
/// T = share / Σ_u (1 / rate_u), rate_u what the MAC leaves (mac_goodput_mbps) of the
/// PHY rate of the SINR of the user's cell. With fewer than one user, T is share × the
/// users' mean rate.
/// Users: people at home (`at_home`, people_present; none given: nobody is at home) ×
/// active_share_home, the rest of `present` × active_share, `moving` × active_share_street,
/// each × active_by_hour. Sums run in building order: the same result for any thread count.
CapacityResult wifi_capacity(const geodata::CityModel& model, const Coverage& coverage,
                             const std::vector<double>& present, const CoverageConfig& config,
                             const CapacityConfig& capacity, const std::vector<MovingPeople>& moving = {},
                             const std::vector<std::size_t>& homes = {}, const std::vector<double>* at_home = nullptr);

}  // namespace citytwin::sim::wifi
