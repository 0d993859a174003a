#include <citytwin/sim/wifi_propagation.hpp>

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>

namespace citytwin::sim::wifi {

double free_space_loss_db(double distance_m, double frequency_mhz) {
    const double d = std::max(distance_m, min_distance_m);
    return 20.0 * std::log10(d) + 20.0 * std::log10(frequency_mhz) - 27.55;
}

double log_distance_loss_db(double distance_m, double exponent, double reference_loss_db) {
    const double d = std::max(distance_m, min_distance_m);
    return reference_loss_db + 10.0 * exponent * std::log10(d);
}

double p1411_loss_db(double distance_m, double frequency_ghz, const P1411Coefficients& c) {
    const double d = std::max(distance_m, min_distance_m);
    return 10.0 * c.alpha * std::log10(d) + c.beta + 10.0 * c.gamma * std::log10(frequency_ghz);
}

namespace {

// ITU-R P.2109-2, Table 1: r, s, t, u, v, w, x, y, z per building type.
struct P2109Coefficients {
    double r, s, t, u, v, w, x, y, z;
};
constexpr P2109Coefficients p2109_traditional{12.64, 3.72, 0.96, 9.6, 2.0, 9.1, -3.0, 4.5, -2.0};
constexpr P2109Coefficients p2109_thermally_efficient{28.19, -3.00, 8.48, 13.5, 3.8, 27.8, -2.9, 9.4, -2.1};
constexpr double p2109_c_db = -3.0;

}  // namespace

double standard_normal_quantile(double probability) {
    return boost::math::quantile(boost::math::normal_distribution<double>(0.0, 1.0), probability);
}

double p2109_entry_loss_db(double frequency_ghz, double probability, BuildingEntryType type, double elevation_deg) {
    const P2109Coefficients& k = type == BuildingEntryType::Traditional ? p2109_traditional : p2109_thermally_efficient;
    const double lf = std::log10(frequency_ghz);
    const double l_h = k.r + k.s * lf + k.t * lf * lf;
    const double l_e = 0.212 * std::abs(elevation_deg);
    const double mu1 = l_h + l_e, mu2 = k.w + k.x * lf;
    const double sigma1 = k.u + k.v * lf, sigma2 = k.y + k.z * lf;
    const double q = standard_normal_quantile(probability);
    const double a = q * sigma1 + mu1, b = q * sigma2 + mu2;
    return 10.0 * std::log10(std::pow(10.0, 0.1 * a) + std::pow(10.0, 0.1 * b) + std::pow(10.0, 0.1 * p2109_c_db));
}

std::string_view to_string(BuildingEntryType t) {
    return t == BuildingEntryType::Traditional ? "traditional" : "thermally_efficient";
}

std::string_view to_string(EntryLossModel m) { return m == EntryLossModel::Fixed ? "fixed" : "p2109"; }

std::string_view to_string(BeyondValidity b) {
    switch (b) {
        case BeyondValidity::Extrapolate: return "extrapolate";
        case BeyondValidity::FreeSpace: return "free_space";
        case BeyondValidity::LogDistance: return "log_distance";
        case BeyondValidity::Refuse: return "refuse";
    }
    return "extrapolate";
}

ReceiverSite indoor_site(BuildingEntryType t) {
    return t == BuildingEntryType::Traditional ? ReceiverSite::Traditional : ReceiverSite::ThermallyEfficient;
}

std::string_view to_string(PathLossModel m) {
    switch (m) {
        case PathLossModel::FreeSpace: return "free_space";
        case PathLossModel::LogDistance: return "log_distance";
        case PathLossModel::P1411: return "p1411";
    }
    return "p1411";
}

std::string_view to_string(NlosEnvironment e) {
    return e == NlosEnvironment::Urban ? "urban" : "residential";
}

PathLossAt::PathLossAt(const PropagationConfig& config, double frequency_ghz) {
    // Each model as slope·log10(d²) + offset: the offset is the loss at 1 m.
    double sigma_los = config.shadowing_sigma_db, sigma_nlos = config.shadowing_sigma_db;
    switch (config.model) {
        case PathLossModel::FreeSpace:
            los_slope_ = 10.0;
            los_offset_ = free_space_loss_db(1.0, frequency_ghz * 1000.0);
            break;
        case PathLossModel::LogDistance:
            los_slope_ = 5.0 * config.log_distance_exponent;
            los_offset_ = config.log_distance_reference_loss_db;
            break;
        case PathLossModel::P1411: {
            // The NLoS fits start at 30 m; below ~9 m they would predict less loss than
            // LoS, which a blocked path never has, so NLoS is never below LoS.
            const bool urban = config.nlos_environment == NlosEnvironment::Urban;
            const P1411Coefficients& nlos = urban ? p1411_nlos_urban : p1411_nlos_residential;
            const ValidityRange& nlos_range = urban ? p1411_nlos_urban_range : p1411_nlos_residential_range;
            los_slope_ = 5.0 * p1411_los.alpha;
            los_offset_ = p1411_loss_db(1.0, frequency_ghz, p1411_los);
            nlos_slope_ = 5.0 * nlos.alpha;
            nlos_offset_ = p1411_loss_db(1.0, frequency_ghz, nlos);
            nlos_ = true;
            sigma_los = p1411_sigma_los_db;
            sigma_nlos = urban ? p1411_sigma_nlos_urban_db : p1411_sigma_nlos_residential_db;
            checks_range_ = true;
            los_max_sq_ = p1411_los_range.max_distance_m * p1411_los_range.max_distance_m;
            nlos_max_sq_ = nlos_range.max_distance_m * nlos_range.max_distance_m;
            frequency_valid_ = frequency_ghz >= std::max(p1411_los_range.min_frequency_ghz, nlos_range.min_frequency_ghz) &&
                               frequency_ghz <= std::min(p1411_los_range.max_frequency_ghz, nlos_range.max_frequency_ghz);
            if (config.beyond_validity == BeyondValidity::FreeSpace) {
                fallback_ = true;
                fallback_slope_ = 10.0;
                fallback_offset_ = free_space_loss_db(1.0, frequency_ghz * 1000.0);
            } else if (config.beyond_validity == BeyondValidity::LogDistance) {
                fallback_ = true;
                fallback_slope_ = 5.0 * config.log_distance_exponent;
                fallback_offset_ = config.log_distance_reference_loss_db;
            }
            break;
        }
    }
    // Margins for the location probability (module comment in the header).
    const double p = config.location_probability;
    const double q = p == 0.5 ? 0.0 : standard_normal_quantile(p);
    const double sigmas[2] = {sigma_los, sigma_nlos};
    for (std::size_t path = 0; path < 2; ++path) {
        const double outdoor = q * sigmas[path];
        extra_[path][static_cast<std::size_t>(ReceiverSite::Outdoor)] = outdoor;
        for (const BuildingEntryType type : {BuildingEntryType::Traditional, BuildingEntryType::ThermallyEfficient}) {
            double indoor = outdoor + config.entry_loss_db;
            if (config.entry_loss_model == EntryLossModel::P2109) {
                const double median = p2109_entry_loss_db(frequency_ghz, 0.5, type);
                const double bel_spread = q == 0.0 ? 0.0 : p2109_entry_loss_db(frequency_ghz, p, type) - median;
                indoor = median + std::copysign(std::hypot(outdoor, bel_spread), q);
            }
            extra_[path][static_cast<std::size_t>(indoor_site(type))] = indoor;
        }
    }
}

double path_loss_db(const PropagationConfig& config, double distance_m, double frequency_ghz, bool line_of_sight,
                    bool indoor) {
    return PathLossAt(config, frequency_ghz)(distance_m * distance_m, line_of_sight, indoor);
}

}  // namespace citytwin::sim::wifi
