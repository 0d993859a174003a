#pragma once
// Where people go and by which mode. The city is cut into square zones; between every
// pair of zones each mode has a time, a distance and a money cost (the "skims": cars on
// the road network, the other modes from the straight-line distance and a detour factor
// until they have networks of their own). A person's tour picks its destination by a
// logit on the modes' logsum (so distance, congestion, tolls and the modes a person has
// all shape where they go) and its mode by a multinomial logit; work tours are doubly
// constrained to the jobs (Furness balancing). The modes' constants are calibrated to
// target shares and the distance decay to target trip lengths (Ortúzar & Willumsen,
// "Modelling Transport", 4th ed.: ch. 5 gravity/Furness, ch. 7–8 logit and calibration).
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/router.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citytwin::sim {

enum class Mode : std::uint8_t { Car, Bike, Walk, Transit };
inline constexpr std::size_t mode_count = 4;
std::string_view to_string(Mode m);
/// "car", "bike", "walk", "transit"; nullopt for anything else.
std::optional<Mode> mode_from_string(std::string_view name);

/// What a tour is for: its main destination's kind.
enum class TourPurpose : std::uint8_t { Work, Education, Other };
inline constexpr std::size_t tour_purpose_count = 3;
std::string_view to_string(TourPurpose p);

/// A person's choice set: car available (bit 0), bike owned (bit 1). Walk and transit
/// are open to everyone.
inline constexpr std::size_t segment_count = 4;
inline std::size_t segment_of(bool car, bool bike) { return (car ? 1u : 0u) | (bike ? 2u : 0u); }

/// How a mode's time and money enter its utility (scenarios/README.md "demand.modes").
struct ModeParameters {
    double speed_kmh = 0.0;     ///< off-network modes: door-to-door speed on the detoured distance
    double detour = 1.3;        ///< network distance / straight-line distance (off-network modes)
    double time_weight = 1.0;   ///< minutes of this mode's travel feel like this many generalised minutes
    double wait_s = 0.0;        ///< fixed time per trip: parking and walking to the car, waiting for transit
    double cost_per_km = 0.0;   ///< money per km (fuel and wear; fares by distance)
    double fixed_cost = 0.0;    ///< money per trip (parking, a flat fare)
    double constant = 0.0;      ///< alternative-specific constant (utility units); calibrated when targets are set
};

struct ChoiceConfig {
    double zone_size_m = 500.0;
    std::array<ModeParameters, mode_count> modes = default_modes();
    double utility_per_minute = -0.06;     ///< generalised minutes → utility
    double value_of_time_per_hour = 150.0; ///< money → minutes (the same value the router uses for tolls)
    /// Scale on the logsum in destination choice per tour purpose: larger = destinations closer.
    std::array<double, tour_purpose_count> distance_decay = {1.0, 1.0, 1.0};
    /// > 0: the decay of that purpose is calibrated to this mean trip length (km).
    std::array<double, tour_purpose_count> target_mean_km = {0.0, 0.0, 0.0};
    /// Shares of all trips by mode (normalised); set: the constants are calibrated to them.
    std::optional<std::array<double, mode_count>> target_shares;
    int skim_hour = 8;                     ///< the hour whose road costs (tolls, closures) the skims use
    /// Rounds of demand after the first: destinations and modes chosen again on the car
    /// times of skim_hour as the previous round's traffic experienced them, and loaded
    /// again (MATSim's and the four-step model's feedback loop). 0: free-flow car skims.
    int feedback_rounds = 0;

    static std::array<ModeParameters, mode_count> default_modes();
};

/// Square cells of the city that hold buildings; every building is in one zone.
struct Zones {
    double size_m = 0.0, min_x = 0.0, min_y = 0.0;
    std::vector<geodata::Point> centre;            ///< per zone: mean of its buildings' centroids
    std::vector<std::uint32_t> zone_of_building;   ///< per building
    std::size_t count() const { return centre.size(); }
};
/// At most this many zones (the skims are zones² per mode): a larger zone_size_m beyond.
inline constexpr std::size_t max_zones = 2500;
/// Throws geodata::Error naming zone_size_m when the city would need more than max_zones.
Zones make_zones(const geodata::CityModel& model, double zone_size_m);

/// Time (s), distance (m) and money per mode between zones: value[m][from * Z + to].
/// A car entry with infinite time: no route.
struct Skims {
    std::size_t zones = 0;
    std::array<std::vector<float>, mode_count> time_s, distance_m, money;
    std::size_t at(std::uint32_t from, std::uint32_t to) const { return from * zones + to; }
};
/// `car_times` (optional): per link and hour, e.g. a loading's experienced times; else free flow.
Skims build_skims(const geodata::CityModel& model, const Zones& zones, const ChoiceConfig& config,
                  const LinkCosts* car_times = nullptr);

/// Tours that start in each zone: tours[(purpose * Z + zone) * segment_count + segment],
/// and the trips each such tour makes on average (2 out and back, more with a stop).
struct TourCounts {
    std::vector<double> tours;
    std::array<double, tour_purpose_count> trips_per_tour = {2.0, 2.0, 2.0};
};

/// What calibration reached (reported under demand.calibration in the KPIs).
struct ChoiceReport {
    std::array<double, mode_count> constants{};
    std::array<double, tour_purpose_count> distance_decay{};
    std::array<double, mode_count> expected_shares{};
    std::array<double, tour_purpose_count> expected_mean_km{};
    int iterations = 0;
    bool calibrated = false;   ///< targets given and met (shares within 0.1 point, lengths within 1 %)
    bool targets = false;      ///< targets were given (here or, for a variant, on the unedited city)
    bool on_unedited_city = false;   ///< constants and decays from the city before edits and plugins
    /// Feedback (ChoiceConfig::feedback_rounds): the car share drawn in each round, the
    /// first on free-flow car times, each next one on the previous round's traffic.
    std::vector<double> car_share_by_round;
};

class ChoiceModel {
public:
    /// attraction[(purpose * Z + zone)]: how much each zone draws tours of that purpose
    /// (work: jobs; the balancing scales them to the workers).
    ChoiceModel(Skims skims, const ChoiceConfig& config, std::vector<double> attraction, TourCounts counts);

    /// Calibrates constants and decays to the config's targets (nothing to do without).
    const ChoiceReport& calibrate();
    const ChoiceReport& report() const { return report_; }

    /// Destination zone of a tour from its home zone, for a uniform draw u.
    std::uint32_t destination(TourPurpose p, std::uint32_t home, std::size_t segment, double u) const;
    /// Mode of a tour to its main destination, for a uniform draw u.
    Mode mode(std::uint32_t from, std::uint32_t to, std::size_t segment, double u) const;
    /// A stop on the way home (an "other" activity) reached from `from` by the tour's mode.
    std::uint32_t stop(Mode m, std::uint32_t from, double u) const;

    const Skims& skims() const { return skims_; }

private:
    double utility(Mode m, std::size_t od) const;
    /// Mode utilities of od for segment s, unavailable = -inf; returns the logsum.
    double mode_utilities(std::size_t od, std::size_t s, std::array<double, mode_count>& v) const;
    void build_tables();
    /// The cumulative destination weights of a tour from `home` (work: the balanced row).
    const double* destination_row(TourPurpose p, std::uint32_t home, std::size_t segment) const;
    void balance_work();
    /// Expected mode shares of all trips and mean km of each purpose under the current parameters.
    void expected(std::array<double, mode_count>& shares, std::array<double, tour_purpose_count>& km);
    double expected_km(TourPurpose p);

    Skims skims_;
    ChoiceConfig config_;
    std::vector<double> attraction_;
    TourCounts counts_;
    std::size_t z_ = 0;
    std::vector<float> logsum_;   ///< [od * segment_count + s]
    /// Destination weights, cumulative per row: [(purpose * Z + from) * segment_count + s][to].
    std::vector<double> destination_cdf_;
    std::vector<double> stop_cdf_;        ///< [(mode * Z + from) * Z + to]
    std::vector<double> work_cdf_;        ///< balanced work tours, cumulative per row [from * Z + to]
    ChoiceReport report_;
};

}  // namespace citytwin::sim
