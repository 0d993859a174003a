#pragma once
// Path-loss models for wifi coverage: pure functions of distance and frequency, each
// with its formula and source. Distances are metres, losses dB (positive = attenuation).
#include <algorithm>
#include <cmath>
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

enum class PathLossModel { FreeSpace, LogDistance, P1411 };
/// NLoS coefficients of P.1411 used when the line of sight is blocked.
enum class NlosEnvironment { Urban, Residential };

std::string_view to_string(PathLossModel m);
std::string_view to_string(NlosEnvironment e);

/// The model and its parameters, as chosen by the scenario (`wifi:` section).
struct PropagationConfig {
    PathLossModel model = PathLossModel::P1411;
    NlosEnvironment nlos_environment = NlosEnvironment::Urban;
    double log_distance_exponent = 3.0;
    double log_distance_reference_loss_db = 40.05;  ///< free space at 1 m, 2.4 GHz
    /// Added for receivers inside a building (one exterior wall); 0 = off.
    double entry_loss_db = 0.0;
};

/// The configured model at one frequency, its frequency terms worked out once: the loss
/// of a link is then one log10 of the squared distance and a few multiply-adds (the
/// per-cell loops of the coverage model call it hundreds of millions of times).
/// Same formulas as the functions above, in the form 10·a·log10(d) = 5·a·log10(d²).
class PathLossAt {
public:
    PathLossAt(const PropagationConfig& config, double frequency_ghz);
    /// Loss in dB at squared 3-D distance `distance_sq_m2` (clamped to min_distance_m).
    double operator()(double distance_sq_m2, bool line_of_sight, bool indoor) const {
        const double lg = std::log10(std::max(distance_sq_m2, min_distance_m * min_distance_m));
        double loss = los_slope_ * lg + los_offset_;
        if (!line_of_sight && nlos_) loss = std::max(loss, nlos_slope_ * lg + nlos_offset_);
        return indoor ? loss + entry_loss_db_ : loss;
    }

private:
    double los_slope_ = 0, los_offset_ = 0;    ///< loss = slope·log10(d²) + offset
    double nlos_slope_ = 0, nlos_offset_ = 0;  ///< P.1411 NLoS, never below LoS
    bool nlos_ = false;
    double entry_loss_db_ = 0;
};

/// Path loss for one link. `line_of_sight` picks P.1411's LoS or NLoS coefficients
/// (the other models ignore it; NLoS is never taken below LoS, whose fit holds from
/// 5 m while the NLoS fits hold from 30 m); `indoor` adds the entry loss.
double path_loss_db(const PropagationConfig& config, double distance_m, double frequency_ghz, bool line_of_sight,
                    bool indoor);

}  // namespace citytwin::sim::wifi
