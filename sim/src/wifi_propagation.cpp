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

double path_loss_db(const PropagationConfig& config, double distance_m, double frequency_ghz, bool line_of_sight,
                    bool indoor) {
    double loss = 0.0;
    switch (config.model) {
        case PathLossModel::FreeSpace: loss = free_space_loss_db(distance_m, frequency_ghz * 1000.0); break;
        case PathLossModel::LogDistance:
            loss = log_distance_loss_db(distance_m, config.log_distance_exponent, config.log_distance_reference_loss_db);
            break;
        case PathLossModel::P1411: {
            loss = p1411_loss_db(distance_m, frequency_ghz, p1411_los);
            // The NLoS fits start at 30 m; below ~9 m they would predict less loss than
            // LoS, which a blocked path never has, so NLoS is never below LoS.
            if (!line_of_sight)
                loss = std::max(loss, p1411_loss_db(distance_m, frequency_ghz,
                                                    config.nlos_environment == NlosEnvironment::Urban
                                                        ? p1411_nlos_urban
                                                        : p1411_nlos_residential));
            break;
        }
    }
    return indoor ? loss + config.entry_loss_db : loss;
}

}  // namespace citytwin::sim::wifi
