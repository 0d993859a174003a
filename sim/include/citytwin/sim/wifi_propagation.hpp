#pragma once
// Path-loss models for wifi coverage: pure functions of distance and frequency, each
// with its formula and source. Distances are metres, losses dB (positive = attenuation).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace citytwin::sim::wifi {

/// Distances below this are treated as this (the formulas diverge toward d = 0).
inline constexpr double min_distance_m = 1.0;

/// Free-space path loss (Friis), e.g. ITU-R P.525:
///   FSPL dB = 20·log10(d_m) + 20·log10(f_MHz) − 27.55
/// (−27.55 = 20·log10(4π/c) with d in m and f in MHz). 2.4 GHz at 100 m: 80.05 dB.
double free_space_loss_db(double distance_m, double frequency_mhz);

/// Log-distance model (Rappaport, "Wireless Communications", §4.9):
///   L dB = L(1 m) + 10·n·log10(d_m / 1 m)
/// n = path-loss exponent (2 free space, ~2.7–3.5 urban, 4–6 obstructed indoor);
/// L(1 m) = reference loss at 1 m (free space at 2.4 GHz: 40.05 dB).
double log_distance_loss_db(double distance_m, double exponent, double reference_loss_db);

/// Coefficients of the ITU-R P.1411 site-general model.
struct P1411Coefficients {
    double alpha;  ///< distance coefficient
    double beta;   ///< offset, dB
    double gamma;  ///< frequency coefficient
};

// ITU-R P.1411-11 (2021), §4.1.1 "site-general model" for propagation between
// terminals located below roof-top height, Table 4 "Basic transmission loss
// coefficients for below-rooftop propagation" (median values):
//   LoS, urban high-rise / urban low-rise / suburban: 0.8–82 GHz, 5–660 m,   σ 5.06 dB
//   NLoS, urban high-rise:                            0.8–82 GHz, 30–715 m,  σ 7.60 dB
//   NLoS, residential:                                0.8–73 GHz, 30–170 m,  σ 3.07 dB
// (Table 4 also has NLoS urban low-rise/suburban, 10–73 GHz only: not offered here.)
inline constexpr P1411Coefficients p1411_los{2.12, 29.2, 2.11};
inline constexpr P1411Coefficients p1411_nlos_urban{4.00, 10.2, 2.36};
inline constexpr P1411Coefficients p1411_nlos_residential{3.01, 18.8, 2.07};

/// ITU-R P.1411-11 eq. (1), site-general, below rooftop:
///   L dB = 10·α·log10(d_m) + β + 10·γ·log10(f_GHz)
/// with d the direct 3-D distance between the terminals.
double p1411_loss_db(double distance_m, double frequency_ghz, const P1411Coefficients& c);

/// Location variability σ (dB) of the P.1411 site-general fits, Table 4 (same rows as
/// the coefficients above).
inline constexpr double p1411_sigma_los_db = 5.06;
inline constexpr double p1411_sigma_nlos_urban_db = 7.60;
inline constexpr double p1411_sigma_nlos_residential_db = 3.07;

/// Validity ranges of the P.1411 site-general fits (Table 4): distance and frequency.
struct ValidityRange {
    double min_distance_m, max_distance_m;
    double min_frequency_ghz, max_frequency_ghz;
};
inline constexpr ValidityRange p1411_los_range{5.0, 660.0, 0.8, 82.0};
inline constexpr ValidityRange p1411_nlos_urban_range{30.0, 715.0, 0.8, 82.0};
inline constexpr ValidityRange p1411_nlos_residential_range{30.0, 170.0, 0.8, 73.0};

/// Building types of ITU-R P.2109 (Annex 1 §3, Table 1): traditional buildings, and
/// thermally efficient ones (metallised glass, foil-backed panels) that lose far more.
enum class BuildingEntryType : std::uint8_t { Traditional, ThermallyEfficient };
std::string_view to_string(BuildingEntryType t);

/// ITU-R P.2109-2 (2019), Annex 1 §3: building entry loss (dB) not exceeded with
/// probability `probability` (0 < p < 1), frequency 0.08–100 GHz, elevation angle of the
/// path at the façade in degrees (0 = horizontal):
///   L_BEL(P) = 10·log10(10^(0.1·A(P)) + 10^(0.1·B(P)) + 10^(0.1·C)),  C = −3.0
///   A(P) = F⁻¹(P)·σ1 + μ1,  B(P) = F⁻¹(P)·σ2 + μ2
///   μ1 = L_h + L_e,  L_h = r + s·log10(f) + t·(log10 f)²,  L_e = 0.212·|θ|
///   μ2 = w + x·log10(f),  σ1 = u + v·log10(f),  σ2 = y + z·log10(f)
/// with r…z from Table 1 and F⁻¹ the inverse standard normal distribution. At 2.4 GHz
/// the median is 15.2 dB (traditional) and 30.6 dB (thermally efficient).
double p2109_entry_loss_db(double frequency_ghz, double probability, BuildingEntryType type,
                           double elevation_deg = 0.0);

/// F⁻¹(p), the standard normal quantile (Boost.Math): 0.9 -> 1.2816.
double standard_normal_quantile(double probability);

enum class PathLossModel { FreeSpace, LogDistance, P1411 };
/// NLoS coefficients of P.1411 used when the line of sight is blocked.
enum class NlosEnvironment { Urban, Residential };

std::string_view to_string(PathLossModel m);
std::string_view to_string(NlosEnvironment e);

/// How receivers inside a building lose signal: a fixed number of dB, or ITU-R P.2109 by
/// the building's type.
enum class EntryLossModel { Fixed, P2109 };
/// What a P.1411 link beyond its fit's validity range gets: the fit extrapolated (and a
/// warning), free space, the log-distance model, or the run refuses.
enum class BeyondValidity { Extrapolate, FreeSpace, LogDistance, Refuse };
std::string_view to_string(EntryLossModel m);
std::string_view to_string(BeyondValidity b);

/// Where a receiver is: outdoors, or inside a building of a P.2109 type.
enum class ReceiverSite : std::uint8_t { Outdoor, Traditional, ThermallyEfficient };
ReceiverSite indoor_site(BuildingEntryType t);

/// The model and its parameters. These library defaults are the plain formulas (median,
/// no entry loss); the scenario file's defaults are 0.9 location probability and P.2109
/// (scenarios/README.md).
struct PropagationConfig {
    PathLossModel model = PathLossModel::P1411;
    NlosEnvironment nlos_environment = NlosEnvironment::Urban;
    double log_distance_exponent = 3.0;
    double log_distance_reference_loss_db = 40.05;  ///< free space at 1 m, 2.4 GHz
    EntryLossModel entry_loss_model = EntryLossModel::Fixed;
    /// Fixed model: added for receivers inside a building (one exterior wall); 0 = off.
    double entry_loss_db = 0.0;
    /// Share of locations whose loss must not exceed the link budget for "covered": the
    /// margin F⁻¹(p)·σ is added to the median loss. 0.5 = the median (no margin).
    double location_probability = 0.5;
    /// σ (dB) of free space and log-distance, which have none of their own; P.1411 uses
    /// its Table 4 values.
    double shadowing_sigma_db = 0.0;
    BeyondValidity beyond_validity = BeyondValidity::Extrapolate;
};

/// The configured model at one frequency, its frequency terms and margins worked out
/// once: the loss of a link is then one log10 of the squared distance and a few
/// multiply-adds (the per-cell loops of the coverage model call it hundreds of millions
/// of times). Same formulas as the functions above, in the form 10·a·log10(d) = 5·a·log10(d²).
///
/// Margins: outdoors F⁻¹(p)·σ of the path (LoS or NLoS σ). Indoors the building entry
/// loss is a second, independent spread: the margin is F⁻¹(p)·√(σ² + σ_BEL²) on top of
/// the median entry loss, with F⁻¹(p)·σ_BEL = L_BEL(p) − L_BEL(0.5) (P.2109 at p; the
/// way 3GPP TR 38.901 §7.4.3 adds its O2I spread to shadow fading).
class PathLossAt {
public:
    PathLossAt(const PropagationConfig& config, double frequency_ghz);
    /// Loss in dB at squared 3-D distance `distance_sq_m2` (clamped to min_distance_m),
    /// margin for the location probability included.
    double operator()(double distance_sq_m2, bool line_of_sight, ReceiverSite site) const {
        const double lg = std::log10(std::max(distance_sq_m2, min_distance_m * min_distance_m));
        double loss = los_slope_ * lg + los_offset_;
        if (!line_of_sight && nlos_) loss = std::max(loss, nlos_slope_ * lg + nlos_offset_);
        if (fallback_ && beyond_validity(distance_sq_m2, line_of_sight)) loss = fallback_slope_ * lg + fallback_offset_;
        return loss + extra_[line_of_sight ? 0 : 1][static_cast<std::size_t>(site)];
    }
    /// The loss with a plain indoor flag (traditional building when indoors).
    double operator()(double distance_sq_m2, bool line_of_sight, bool indoor) const {
        return (*this)(distance_sq_m2, line_of_sight, indoor ? ReceiverSite::Traditional : ReceiverSite::Outdoor);
    }
    /// True when this link lies outside the range the model's fit was made for (P.1411:
    /// distance above the LoS/NLoS maximum, or the frequency outside the range).
    bool beyond_validity(double distance_sq_m2, bool line_of_sight) const {
        return checks_range_ && (!frequency_valid_ || distance_sq_m2 > (line_of_sight ? los_max_sq_ : nlos_max_sq_));
    }

private:
    double los_slope_ = 0, los_offset_ = 0;    ///< loss = slope·log10(d²) + offset
    double nlos_slope_ = 0, nlos_offset_ = 0;  ///< P.1411 NLoS, never below LoS
    bool nlos_ = false;
    bool checks_range_ = false, frequency_valid_ = true;
    double los_max_sq_ = 0, nlos_max_sq_ = 0;
    bool fallback_ = false;
    double fallback_slope_ = 0, fallback_offset_ = 0;
    /// [LoS, NLoS][site]: location margin plus the entry loss of the site
    std::array<std::array<double, 3>, 2> extra_{};
};

/// Path loss for one link. `line_of_sight` picks P.1411's LoS or NLoS coefficients
/// (the other models ignore it; NLoS is never taken below LoS, whose fit holds from
/// 5 m while the NLoS fits hold from 30 m); `indoor` adds the entry loss.
double path_loss_db(const PropagationConfig& config, double distance_m, double frequency_ghz, bool line_of_sight,
                    bool indoor);

}  // namespace citytwin::sim::wifi
