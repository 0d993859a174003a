#include <citytwin/sim/wifi_propagation.hpp>

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

PathLossAt::PathLossAt(const PropagationConfig& config, double frequency_ghz) : entry_loss_db_(config.entry_loss_db) {
    // Each model as slope·log10(d²) + offset: the offset is the loss at 1 m.
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
            const P1411Coefficients& nlos =
                config.nlos_environment == NlosEnvironment::Urban ? p1411_nlos_urban : p1411_nlos_residential;
            los_slope_ = 5.0 * p1411_los.alpha;
            los_offset_ = p1411_loss_db(1.0, frequency_ghz, p1411_los);
            nlos_slope_ = 5.0 * nlos.alpha;
            nlos_offset_ = p1411_loss_db(1.0, frequency_ghz, nlos);
            nlos_ = true;
            break;
        }
    }
}

double path_loss_db(const PropagationConfig& config, double distance_m, double frequency_ghz, bool line_of_sight,
                    bool indoor) {
    return PathLossAt(config, frequency_ghz)(distance_m * distance_m, line_of_sight, indoor);
}

}  // namespace citytwin::sim::wifi
