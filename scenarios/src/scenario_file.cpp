#include "city_section.hpp"

#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/scenarios/yaml_reader.hpp>

#include <citytwin/geodata/data_paths.hpp>
#include <citytwin/geodata/road_class.hpp>
#include <citytwin/geodata/text_match.hpp>
#include <citytwin/plugin_edits.hpp>
#include <citytwin/scenarios/yaml_parameters.hpp>

#include <citytwin/sim/clock.hpp>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace citytwin::scenarios {

using geodata::Error;
namespace fs = std::filesystem;

namespace {

sim::Seconds read_clock(const YamlMap& m, const char* key, sim::Seconds fallback) {
    const auto text = m.text(key);
    if (!text) return fallback;
    const auto t = sim::parse_clock(*text);
    if (!t) throw Error(m.where(key) + "'" + m.path_of(key) + "' must be a time like \"07:30\" or seconds, got '" + *text + "'");
    return *t;
}

double read_share(const YamlMap& m, const char* key, double fallback) {
    const double v = m.number(key).value_or(fallback);
    if (v < 0.0 || v > 1.0) throw Error(m.where(key) + "'" + m.path_of(key) + "' must be between 0 and 1");
    return v;
}

// A key whose text names one of a few choices; anything else is one error listing them.
template <class E>
void read_choice(const YamlMap& m, const char* key, const char* noun, std::initializer_list<std::pair<const char*, E>> choices,
                 E& out, const char* note = "") {
    const auto v = m.text(key);
    if (!v) return;
    std::string known;
    for (const auto& [name, value] : choices) {
        if (*v == name) {
            out = value;
            return;
        }
        known += (known.empty() ? "" : ", ") + std::string(name);
    }
    throw Error(m.where(key) + "'" + m.path_of(key) + "': unknown " + noun + " '" + *v + "' (known: " + known + note + ")");
}

// Shares of the non-car modes in Malmö's travel survey (RVU 2018: bike 26, walk 14,
// transit 25 of 65 %): how a legacy `car_share` splits the rest.
constexpr std::array<double, sim::mode_count> rvu_2018_shares = {0.34, 0.26, 0.14, 0.25};

sim::SyntheticDemandConfig read_synthetic(const YamlMap& m) {
    m.allow_only({"population", "floor_area_per_person_m2", "employment_rate", "car_share", "sample", "work_start",
                  "work_start_sd_min", "work_hours", "child_share", "senior_share", "education_share",
                  "other_tour_rate", "stop_rate", "car_availability", "bike_ownership"});
    sim::SyntheticDemandConfig c;
    read_number(m, "population", c.population);
    if (c.population < 0) throw Error(m.where("population") + "'" + m.path_of("population") + "' must be ≥ 0 (0: from the buildings)");
    read_number(m, "floor_area_per_person_m2", c.floor_area_per_person_m2);
    if (c.floor_area_per_person_m2 <= 0) throw Error(m.where("floor_area_per_person_m2") + "must be > 0");
    c.employment_rate = read_share(m, "employment_rate", c.employment_rate);
    c.child_share = read_share(m, "child_share", c.child_share);
    c.senior_share = read_share(m, "senior_share", c.senior_share);
    if (c.child_share + c.senior_share > 1.0)
        throw Error(m.where("senior_share") + "'child_share' + 'senior_share' must be ≤ 1");
    c.education_share = read_share(m, "education_share", c.education_share);
    c.other_tour_rate = read_share(m, "other_tour_rate", c.other_tour_rate);
    c.stop_rate = read_share(m, "stop_rate", c.stop_rate);
    c.car_availability = read_share(m, "car_availability", c.car_availability);
    c.bike_ownership = read_share(m, "bike_ownership", c.bike_ownership);
    if (m.number("car_share")) {
        // Before mode choice this was a coin flip per person; now it is a target share of
        // car trips, the other modes sharing the rest as in RVU 2018.
        const double car = read_share(m, "car_share", 0.34);
        std::array<double, sim::mode_count> t{};
        t[0] = car;
        for (std::size_t k = 1; k < sim::mode_count; ++k) t[k] = (1.0 - car) * rvu_2018_shares[k] / (1.0 - rvu_2018_shares[0]);
        c.choice.target_shares = t;
    }
    c.sample = read_share(m, "sample", c.sample);
    if (c.sample <= 0) throw Error(m.where("sample") + "'" + m.path_of("sample") + "' must be > 0");
    c.work_start_mean = read_clock(m, "work_start", c.work_start_mean);
    if (auto sd = m.number("work_start_sd_min")) c.work_start_sd = static_cast<sim::Seconds>(*sd * 60);
    if (auto h = m.number("work_hours")) c.work_duration_mean = static_cast<sim::Seconds>(*h * 3600);
    return c;
}

/// A map keyed by mode or tour purpose name: every key must be one of `names`.
template <std::size_t N, typename Read>
void read_named(const YamlMap& m, const std::array<std::string_view, N>& names, Read read) {
    std::vector<std::string> allowed(names.begin(), names.end());
    m.allow_only(allowed);
    for (std::size_t k = 0; k < N; ++k) read(k, std::string(names[k]));
}

constexpr std::array<std::string_view, sim::mode_count> mode_names = {"car", "bike", "walk", "transit"};
constexpr std::array<std::string_view, sim::tour_purpose_count> purpose_names = {"work", "education", "other"};

// demand.choice: zones, utilities and the modes' times and costs.
void read_choice(const YamlMap& m, sim::ChoiceConfig& c) {
    m.allow_only({"zone_size_m", "utility_per_minute", "distance_decay", "modes", "skim_hour", "feedback_rounds"});
    read_number(m, "zone_size_m", c.zone_size_m);
    if (!(c.zone_size_m >= 50.0 && c.zone_size_m <= 20000.0))
        throw Error(m.where("zone_size_m") + "'" + m.path_of("zone_size_m") + "' must be 50…20000 m");
    read_number(m, "utility_per_minute", c.utility_per_minute);
    if (!(c.utility_per_minute < 0.0 && c.utility_per_minute > -5.0))
        throw Error(m.where("utility_per_minute") + "'" + m.path_of("utility_per_minute") + "' must be negative (−5…0)");
    if (auto h = m.integer("skim_hour")) {
        if (*h < 0 || *h > 23) throw Error(m.where("skim_hour") + "'" + m.path_of("skim_hour") + "' must be 0…23");
        c.skim_hour = *h;
    }
    if (auto r = m.integer("feedback_rounds")) {
        if (*r < 0 || *r > 10)
            throw Error(m.where("feedback_rounds") + "'" + m.path_of("feedback_rounds") +
                        "' must be 0…10 (each round chooses and loads the whole demand again)");
        c.feedback_rounds = static_cast<int>(*r);
    }
    if (auto d = m.map("distance_decay"))
        read_named(*d, purpose_names, [&](std::size_t k, const std::string& key) {
            read_number(*d, key.c_str(), c.distance_decay[k]);
            if (!(c.distance_decay[k] > 0.0 && c.distance_decay[k] <= 50.0))
                throw Error(d->where(key.c_str()) + "'" + d->path_of(key.c_str()) + "' must be > 0 (≤ 50)");
        });
    if (auto modes = m.map("modes"))
        read_named(*modes, mode_names, [&](std::size_t k, const std::string& key) {
            const auto one = modes->map(key.c_str());
            if (!one) return;
            one->allow_only({"speed_kmh", "detour", "time_weight", "wait_s", "cost_per_km", "fixed_cost", "constant"});
            sim::ModeParameters& p = c.modes[k];
            auto in_range = [&](const char* name, double& v, double lo, double hi) {
                read_number(*one, name, v);
                if (!(v >= lo && v <= hi))
                    throw Error(one->where(name) + "'" + one->path_of(name) + "' must be " + std::to_string(lo) + "…" + std::to_string(hi));
            };
            if (k != 0) in_range("speed_kmh", p.speed_kmh, 1.0, 200.0);
            else if (one->number("speed_kmh") || one->number("detour"))
                throw Error(one->where() + "'" + one->path_of("speed_kmh") + "': cars drive on the road network (speeds are the roads')");
            if (k != 0) in_range("detour", p.detour, 1.0, 3.0);
            in_range("time_weight", p.time_weight, 0.1, 10.0);
            in_range("wait_s", p.wait_s, 0.0, 7200.0);
            in_range("cost_per_km", p.cost_per_km, 0.0, 1e4);
            in_range("fixed_cost", p.fixed_cost, 0.0, 1e5);
            in_range("constant", p.constant, -30.0, 30.0);
        });
}

// demand.external: commuters and through traffic crossing the area's edge.
sim::ExternalDemandConfig read_external(const YamlMap& m) {
    m.allow_only({"inbound_commuters", "outbound_commuters", "through_vehicles", "modes", "lowest_class"});
    sim::ExternalDemandConfig c;
    for (const auto& [key, value] : {std::pair{"inbound_commuters", &c.inbound_commuters},
                                     std::pair{"outbound_commuters", &c.outbound_commuters},
                                     std::pair{"through_vehicles", &c.through_vehicles}}) {
        read_number(m, key, *value);
        if (!(*value >= 0.0 && *value <= 1e7))
            throw Error(m.where(key) + "'" + m.path_of(key) + "' must be 0…10 000 000 per day");
    }
    if (auto modes = m.map("modes")) {
        double total = 0.0;
        read_named(*modes, mode_names, [&](std::size_t k, const std::string& key) {
            c.commuter_modes[k] = read_share(*modes, key.c_str(), 0.0);
            total += c.commuter_modes[k];
        });
        if (total <= 0.0) throw Error(modes->where() + "'" + m.path_of("modes") + "' needs at least one share > 0");
    }
    if (auto t = m.text("lowest_class")) {
        const auto cls = geodata::road_class_from_osm(*t);
        if (!cls) throw Error(m.where("lowest_class") + "'" + m.path_of("lowest_class") + "' must be an OSM highway class (motorway … residential), got '" + *t + "'");
        c.lowest_class = *cls;
    }
    return c;
}

// demand.targets: shares and trip lengths the choice model is calibrated to.
void read_targets(const YamlMap& m, sim::ChoiceConfig& c) {
    m.allow_only({"mode_shares", "mean_trip_km"});
    if (auto shares = m.map("mode_shares")) {
        std::array<double, sim::mode_count> t{};
        double total = 0.0;
        read_named(*shares, mode_names, [&](std::size_t k, const std::string& key) {
            t[k] = read_share(*shares, key.c_str(), 0.0);
            total += t[k];
        });
        if (total <= 0.0) throw Error(shares->where() + "'" + m.path_of("mode_shares") + "' needs at least one share > 0");
        c.target_shares = t;
    }
    if (auto km = m.map("mean_trip_km"))
        read_named(*km, purpose_names, [&](std::size_t k, const std::string& key) {
            read_number(*km, key.c_str(), c.target_mean_km[k]);
            if (!(c.target_mean_km[k] >= 0.0 && c.target_mean_km[k] <= 200.0))
                throw Error(km->where(key.c_str()) + "'" + km->path_of(key.c_str()) + "' must be 0…200 km");
        });
}

geodata::OdTableConfig read_trip_table(const YamlMap& m, const fs::path& base) {
    m.allow_only({"source", "layer", "where", "crs", "id_field", "departure_field", "origin_x_field",
                  "origin_y_field", "destination_x_field", "destination_y_field", "origin_link_field",
                  "destination_link_field"});
    geodata::OdTableConfig c;
    read_layer(m, base, c);
    read_text(m, "departure_field", c.departure_field);
    read_text(m, "origin_x_field", c.origin_x_field);
    read_text(m, "origin_y_field", c.origin_y_field);
    read_text(m, "destination_x_field", c.destination_x_field);
    read_text(m, "destination_y_field", c.destination_y_field);
    read_text(m, "origin_link_field", c.origin_link_field);
    read_text(m, "destination_link_field", c.destination_link_field);
    if (c.id_field.empty()) c.id_field = "id";
    return c;
}

// mobility.junctions: the junction model's switches and the generated signal plans' rule.
void read_junctions(const YamlMap& m, sim::JunctionConfig& c) {
    m.allow_only({"control", "cycle_s", "lost_per_phase_s", "min_green_s", "pedestrian_green_s", "saturation_flow_per_lane"});
    if (auto t = m.text("control")) {
        if (*t != "on" && *t != "off")
            throw Error(m.where("control") + "'" + m.path_of("control") + "' must be on or off (got '" + *t + "')");
        c.enabled = *t == "on";
    }
    auto positive = [&](const char* key, double& value, double low, double high) {
        read_number(m, key, value);
        if (!(value >= low && value <= high))
            throw Error(m.where(key) + "'" + m.path_of(key) + "' must be " + std::to_string(low) + "…" + std::to_string(high) + " s");
    };
    positive("cycle_s", c.cycle_s, 20.0, 300.0);
    positive("lost_per_phase_s", c.lost_per_phase_s, 0.0, 20.0);
    positive("min_green_s", c.min_green_s, 1.0, 120.0);
    positive("pedestrian_green_s", c.pedestrian_green_s, 0.0, 120.0);
    read_number(m, "saturation_flow_per_lane", c.saturation_flow_per_lane);
    if (!(c.saturation_flow_per_lane >= 300.0 && c.saturation_flow_per_lane <= 3600.0))
        throw Error(m.where("saturation_flow_per_lane") + "'" + m.path_of("saturation_flow_per_lane") +
                    "' must be 300…3600 veh/h per lane");
}

void read_mobility(const YamlMap& m, sim::MobilityConfig& c) {
    m.allow_only({"iterations", "reroute_share", "gap_sample_trips", "value_of_time_per_hour", "stuck_time_s", "stuck_rule", "flow_capacity_factor",
                  "storage_capacity_factor", "trajectory_interval_s", "trajectory_max_vehicles", "junctions", "write_routes",
                  "min_saving", "target_gap"});
    if (auto j = m.map("junctions")) read_junctions(*j, c.loading.junctions);
    if (auto it = m.integer("iterations")) {
        if (*it < 1 || *it > 1000) throw Error(m.where("iterations") + "'" + m.path_of("iterations") + "' must be 1…1000");
        c.iterations = *it;
    }
    c.reroute_share = read_share(m, "reroute_share", c.reroute_share);
    c.min_saving = read_share(m, "min_saving", c.min_saving);
    c.target_gap = read_share(m, "target_gap", c.target_gap);
    if (auto g = m.integer("gap_sample_trips")) c.gap_sample_trips = static_cast<std::size_t>(std::max(1, *g));
    if (auto s = m.integer("stuck_time_s")) {
        // 0 would take every queued vehicle out at once; longer than a day is no rule at all.
        if (*s < 1 || *s > 86400)
            throw Error(m.where("stuck_time_s") + "'" + m.path_of("stuck_time_s") + "' must be 1…86400 s (got " + std::to_string(*s) + ")");
        c.loading.stuck_time = *s;
    }
    if (auto r = m.text("stuck_rule")) {
        if (*r != "jump_ahead" && *r != "move_on")
            throw Error(m.where("stuck_rule") + "'" + m.path_of("stuck_rule") + "' must be jump_ahead (SUMO) or move_on (MATSim) (got '" + *r + "')");
        c.loading.stuck_rule = *r == "move_on" ? sim::StuckRule::MoveOn : sim::StuckRule::JumpAhead;
    }
    read_number(m, "value_of_time_per_hour", c.value_of_time_per_hour);
    if (!(c.value_of_time_per_hour > 0.0))
        throw Error(m.where("value_of_time_per_hour") + "'" + m.path_of("value_of_time_per_hour") + "' must be > 0");
    read_number(m, "flow_capacity_factor", c.loading.flow_capacity_factor);
    read_number(m, "storage_capacity_factor", c.loading.storage_capacity_factor);
    if (auto s = m.integer("trajectory_interval_s")) c.loading.trajectory_interval = *s;
    if (auto n = m.integer("trajectory_max_vehicles")) c.loading.trajectory_max_vehicles = static_cast<std::size_t>(std::max(0, *n));
    if (c.loading.flow_capacity_factor <= 0 || c.loading.storage_capacity_factor <= 0)
        throw Error(m.where() + "capacity factors must be > 0");
}

// wifi.channel_plan and its channel lists, and the carrier-sense levels.
void read_wifi_channels(const YamlMap& m, sim::wifi::CoverageConfig& c) {
    using sim::wifi::ChannelPlan;
    read_choice<ChannelPlan>(m, "channel_plan", "plan", {{"data", ChannelPlan::Data}, {"auto", ChannelPlan::Auto}},
                             c.channel_plan);
    auto channels = [&](const char* key, std::vector<int>& out, int lowest, int highest) {
        const auto list = m.text_list(key);
        if (!list) return;
        out.clear();
        for (const auto& t : *list) {
            char* end = nullptr;
            const long ch = std::strtol(t.c_str(), &end, 10);
            if (t.empty() || *end != '\0' || ch < lowest || ch > highest)
                throw Error(m.where(key) + "'" + m.path_of(key) + "': '" + t + "' is no channel number (" +
                            std::to_string(lowest) + "-" + std::to_string(highest) + ")");
            out.push_back(static_cast<int>(ch));
        }
        if (out.empty()) throw Error(m.where(key) + "'" + m.path_of(key) + "' needs at least one channel");
    };
    channels("auto_channels_2g4", c.auto_channels_2g4, 1, 14);
    channels("auto_channels_5g", c.auto_channels_5g, 32, 177);
    read_number(m, "cca_preamble_dbm", c.cca_preamble_dbm);
    read_number(m, "cca_energy_dbm", c.cca_energy_dbm);
    if (!(c.cca_energy_dbm >= c.cca_preamble_dbm))
        throw Error(m.where("cca_energy_dbm") + "'" + m.path_of("cca_energy_dbm") + "' must be at least cca_preamble_dbm");
}

// wifi.mac_*: what the 802.11 MAC leaves of the PHY rate (sim/wifi_mac.hpp).
void read_wifi_mac(const YamlMap& m, sim::wifi::MacConfig& mac) {
    if (auto b = m.integer("mac_frame_bytes")) mac.frame_bytes = *b;
    if (!(mac.frame_bytes >= 1 && mac.frame_bytes <= 7935))
        throw Error(m.where("mac_frame_bytes") + "'" + m.path_of("mac_frame_bytes") + "' must be 1-7935 bytes (an A-MSDU at most)");
    if (auto n = m.integer("mac_frames_per_access")) mac.frames_per_access = *n;
    if (!(mac.frames_per_access >= 1 && mac.frames_per_access <= 64))
        throw Error(m.where("mac_frames_per_access") + "'" + m.path_of("mac_frames_per_access") +
                    "' must be 1-64 (1: no aggregation; an A-MPDU holds at most 64)");
    read_number(m, "mac_efficiency", mac.fixed_efficiency);
    if (!(mac.fixed_efficiency >= 0.0 && mac.fixed_efficiency <= 1.0))
        throw Error(m.where("mac_efficiency") + "'" + m.path_of("mac_efficiency") +
                    "' must be between 0 and 1 (0: the 802.11 timing model)");
}

sim::wifi::CoverageConfig read_wifi(const YamlMap& m) {
    m.allow_only({"model", "nlos_environment", "cell_size_m", "max_radius_m", "receiver_height_m", "threshold_dbm",
                  "noise_floor_dbm", "entry_loss_db", "log_distance_exponent", "log_distance_reference_loss_db",
                  "use_terrain", "active_share", "active_share_home", "active_share_street", "active_by_hour",
                  "client_limit", "peak_quantile", "rasters_in_geopackage", "line_of_sight",
                  "location_probability", "entry_loss", "building_type", "thermally_efficient_uses",
                  "shadowing_sigma_db", "beyond_validity", "channel_plan", "auto_channels_2g4", "auto_channels_5g",
                  "cca_preamble_dbm", "cca_energy_dbm", "mac_frame_bytes", "mac_frames_per_access", "mac_efficiency"});
    sim::wifi::CoverageConfig c;
    auto& p = c.propagation;
    // A scenario states coverage at 90 % of locations, indoors behind P.2109's entry loss
    // (the library's defaults are the plain median formulas).
    p.location_probability = 0.9;
    p.entry_loss_model = sim::wifi::EntryLossModel::P2109;
    using namespace sim::wifi;
    read_choice<PathLossModel>(m, "model", "model",
                               {{"free_space", PathLossModel::FreeSpace}, {"log_distance", PathLossModel::LogDistance},
                                {"p1411", PathLossModel::P1411}},
                               p.model);
    read_choice<NlosEnvironment>(m, "nlos_environment", "environment",
                                 {{"urban", NlosEnvironment::Urban}, {"residential", NlosEnvironment::Residential}},
                                 p.nlos_environment);
    read_choice<LineOfSightMethod>(m, "line_of_sight", "method",
                                   {{"viewshed", LineOfSightMethod::Viewshed}, {"exact", LineOfSightMethod::Exact}},
                                   c.line_of_sight);
    auto positive = [&](const char* key, double& out, double upper) {
        read_number(m, key, out);
        if (!(out > 0.0) || out > upper)
            throw Error(m.where(key) + "'" + m.path_of(key) + "' must be > 0 and <= " + std::to_string(static_cast<long>(upper)));
    };
    positive("cell_size_m", c.cell_size_m, 1000.0);
    positive("max_radius_m", c.max_radius_m, 100000.0);
    read_number(m, "receiver_height_m", c.receiver_height_m);
    if (c.receiver_height_m < 0.0)
        throw Error(m.where("receiver_height_m") + "'" + m.path_of("receiver_height_m") + "' must be >= 0");
    read_number(m, "threshold_dbm", c.threshold_dbm);
    read_number(m, "noise_floor_dbm", c.noise_floor_dbm);
    read_number(m, "entry_loss_db", p.entry_loss_db);
    if (p.entry_loss_db < 0.0) throw Error(m.where("entry_loss_db") + "'" + m.path_of("entry_loss_db") + "' must be >= 0");
    // A fixed entry_loss_db without entry_loss: means the fixed model (as before P.2109).
    if (m.has("entry_loss_db") && !m.has("entry_loss")) p.entry_loss_model = sim::wifi::EntryLossModel::Fixed;
    read_choice<EntryLossModel>(m, "entry_loss", "model", {{"p2109", EntryLossModel::P2109}, {"fixed", EntryLossModel::Fixed}},
                                p.entry_loss_model, " — fixed adds entry_loss_db");
    if (m.has("entry_loss")) {
        if (p.entry_loss_model == sim::wifi::EntryLossModel::P2109 && m.has("entry_loss_db"))
            throw Error(m.where("entry_loss_db") + "'" + m.path_of("entry_loss_db") +
                        "' is for entry_loss: fixed; P.2109 works the loss out per building type");
    }
    auto building_type = [&](const std::string& key, const std::string& v) {
        if (v == "traditional") return sim::wifi::BuildingEntryType::Traditional;
        if (v == "thermally_efficient") return sim::wifi::BuildingEntryType::ThermallyEfficient;
        throw Error(m.where(key) + "'" + m.path_of(key) + "': unknown building type '" + v +
                    "' (known: traditional, thermally_efficient)");
    };
    if (auto t = m.text("building_type")) c.default_building_type = building_type("building_type", *t);
    if (auto uses = m.text_list("thermally_efficient_uses")) {
        using geodata::BuildingUse;
        for (const auto& u : *uses) {
            bool found = false;
            for (const BuildingUse use : {BuildingUse::Residential, BuildingUse::Commercial, BuildingUse::Industrial,
                                          BuildingUse::Public, BuildingUse::Other})
                if (u == geodata::to_string(use)) {
                    c.thermally_efficient_uses.push_back(use);
                    found = true;
                }
            if (!found)
                throw Error(m.where("thermally_efficient_uses") + "'" + m.path_of("thermally_efficient_uses") +
                            "': unknown building use '" + u + "' (known: residential, commercial, industrial, public, other)");
        }
    }
    read_number(m, "location_probability", p.location_probability);
    if (!(p.location_probability > 0.0 && p.location_probability < 1.0))
        throw Error(m.where("location_probability") + "'" + m.path_of("location_probability") +
                    "' must be between 0 and 1 (exclusive; 0.5 = the median)");
    read_number(m, "shadowing_sigma_db", p.shadowing_sigma_db);
    if (!(p.shadowing_sigma_db >= 0.0 && p.shadowing_sigma_db <= 30.0))
        throw Error(m.where("shadowing_sigma_db") + "'" + m.path_of("shadowing_sigma_db") + "' must be between 0 and 30 dB");
    read_choice<BeyondValidity>(m, "beyond_validity", "choice",
                                {{"extrapolate", BeyondValidity::Extrapolate}, {"free_space", BeyondValidity::FreeSpace},
                                 {"log_distance", BeyondValidity::LogDistance}, {"refuse", BeyondValidity::Refuse}},
                                p.beyond_validity);
    positive("log_distance_exponent", p.log_distance_exponent, 10.0);
    read_number(m, "log_distance_reference_loss_db", p.log_distance_reference_loss_db);
    if (m.has("use_terrain")) {
        const auto t = m.text("use_terrain");
        if (t == "true") c.use_terrain = true;
        else if (t == "false") c.use_terrain = false;
        else throw Error(m.where("use_terrain") + "'" + m.path_of("use_terrain") + "' must be true or false");
    }
    for (auto [key, share] : {std::pair{"active_share", &c.capacity.active_share},
                              std::pair{"active_share_home", &c.capacity.active_share_home},
                              std::pair{"active_share_street", &c.capacity.active_share_street}}) {
        read_number(m, key, *share);
        if (!(*share >= 0.0 && *share <= 1.0))
            throw Error(m.where(key) + "'" + m.path_of(key) + "' must be between 0 and 1");
    }
    if (const auto hours = m.text_list("active_by_hour")) {
        if (hours->size() != c.capacity.active_by_hour.size())
            throw Error(m.where("active_by_hour") + "'" + m.path_of("active_by_hour") + "' needs 24 factors (hours 0-23), not " +
                        std::to_string(hours->size()));
        for (std::size_t h = 0; h < hours->size(); ++h) {
            char* end = nullptr;
            const double f = std::strtod((*hours)[h].c_str(), &end);
            if ((*hours)[h].empty() || *end != '\0' || !(f >= 0.0) || f * c.capacity.active_share > 1.0 ||
                f * c.capacity.active_share_street > 1.0)
                throw Error(m.where("active_by_hour") + "'" + m.path_of("active_by_hour") + "': hour " + std::to_string(h) +
                            " '" + (*hours)[h] + "' must be a factor >= 0 that keeps every active share <= 1");
            c.capacity.active_by_hour[h] = f;
        }
    }
    read_number(m, "peak_quantile", c.capacity.peak_quantile);
    if (!(c.capacity.peak_quantile >= 0.5 && c.capacity.peak_quantile < 1.0))
        throw Error(m.where("peak_quantile") + "'" + m.path_of("peak_quantile") + "' must be at least 0.5 and below 1");
    read_number(m, "client_limit", c.capacity.client_limit);
    if (!(c.capacity.client_limit >= 0.0))
        throw Error(m.where("client_limit") + "'" + m.path_of("client_limit") + "' must be >= 0");
    read_wifi_channels(m, c);
    read_wifi_mac(m, c.capacity.mac);
    return c;
}

// A base file's relative sources are made absolute, so that a variant in another folder
// still finds them.
void absolutize_sources(YAML::Node node, const fs::path& base_dir) {
    if (node.IsMap()) {
        for (auto kv : node) {
            if (kv.first.as<std::string>() == "source" && kv.second.IsScalar()) {
                const fs::path p = base_dir / kv.second.as<std::string>();
                if (fs::path(kv.second.as<std::string>()).is_relative() && fs::exists(p))
                    kv.second = fs::weakly_canonical(p).string();
            } else {
                absolutize_sources(kv.second, base_dir);
            }
        }
    } else if (node.IsSequence()) {
        for (auto item : node) absolutize_sources(item, base_dir);
    }
}

// Variant keys override the base's; nested mappings merge key by key; lists and values
// replace. Nodes are shared, not copied, so they keep their line numbers.
YAML::Node merge(YAML::Node base, const YAML::Node& over) {
    if (!base.IsMap() || !over.IsMap()) return over;
    for (const auto& kv : over) {
        const std::string key = kv.first.as<std::string>();
        // Looked up through a const view: a non-const [] would leave an empty entry behind.
        if (const YAML::Node existing = static_cast<const YAML::Node&>(base)[key]) base[key] = merge(existing, kv.second);
        else base[kv.first] = kv.second;   // keyed by the variant's own key node: its line stays
    }
    return base;
}

void read_edits(const YamlMap& root, std::vector<EditSpec>& out) {
    const YAML::Node list = root.value("edits");
    if (!list) return;
    if (!list.IsSequence()) root.type_error("edits", "a list of edits (- close_links: {…})");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string path = "edits[" + std::to_string(i) + "]";
        if (!list[i].IsMap() || list[i].size() != 1)
            throw Error(line_of(root.file(), list[i]) + "'" + path + "' must be one edit: {kind: {parameters}}");
        const auto kv = *list[i].begin();
        const std::string kind = kv.first.as<std::string>();
        const auto& kinds = plugin::edit_kinds();
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
            std::string msg = line_of(root.file(), kv.first) + "unknown edit '" + path + "." + kind + "'";
            const auto near = geodata::closest_names(kind, kinds, 1);
            std::string known;
            for (const auto& k : kinds) known += (known.empty() ? "" : ", ") + k;
            msg += near.empty() ? " (known: " + known + ")" : " (did you mean '" + near.front() + "'?)";
            throw Error(msg);
        }
        // Keys are checked now, not after the city has loaded.
        YamlParameters(kv.second, root.file(), path + "." + kind, {}).allow_only(plugin::edit_keys(kind));
        out.push_back({kind, kv.second, root.file(), path + "." + kind});
    }
}

void read_plugins(const YamlMap& root, std::vector<PluginSpec>& out) {
    const YAML::Node list = root.value("plugins");
    if (!list) return;
    if (!list.IsSequence()) root.type_error("plugins", "a list of plugins (- name: roadworks)");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string path = "plugins[" + std::to_string(i) + "]";
        const YamlMap entry(list[i], root.file(), path);
        entry.allow_only({"name", "path", "params"});
        PluginSpec p;
        const auto name = entry.text("name");
        if (!name) throw Error(entry.where() + "'" + path + ".name' is required");
        p.name = *name;
        if (auto file = entry.text("path")) {
            p.path = (fs::path(root.file()).parent_path() / *file).lexically_normal().string();
            p.path_where = entry.where("path");
        }
        if (entry.has("params")) p.params = entry.value("params");
        p.file = root.file();
        p.key_path = path + ".params";
        out.push_back(std::move(p));
    }
}

// Reads `path` with everything it extends merged in; edits, plugins and plugin folders
// are collected file by file (base first) so their errors keep their own file and line.
Scenario load_scenario_in_chain(const std::string& path, const ScenarioOverrides& overrides, std::vector<std::string> chain);

YAML::Node resolved_root(const std::string& path, Scenario& s, std::vector<std::string>& chain) {
    YAML::Node root = load_yaml_file(path);
    const YamlMap top(root, path, "");
    top.allow_only({"extends", "name", "description", "city", "seed", "threads", "time", "demand", "mobility", "wifi",
                    "edits", "plugins", "plugin_path"});
    YAML::Node merged(YAML::NodeType::Map);
    if (auto parent = top.text("extends")) {
        const fs::path base = (fs::path(path).parent_path() / *parent).lexically_normal();
        if (!fs::exists(base)) throw Error(top.where("extends") + "'extends': " + base.string() + ": file not found");
        if (std::find(chain.begin(), chain.end(), base.string()) != chain.end())
            throw Error(top.where("extends") + "'extends': " + base.string() + " extends itself (directly or through others)");
        chain.push_back(base.string());
        s.extends.push_back(base.string());
        load_scenario_in_chain(base.string(), {}, chain);   // a base is a scenario too: its errors name its own file
        merged = resolved_root(base.string(), s, chain);
        absolutize_sources(merged, base.parent_path());
    }
    read_edits(top, s.edits);
    read_plugins(top, s.plugins);
    if (auto dirs = top.text_list("plugin_path")) {
        if (s.plugin_path_where.empty()) s.plugin_path_where = top.where("plugin_path");
        for (const auto& d : *dirs) s.plugin_path.push_back((fs::path(path).parent_path() / d).lexically_normal().string());
    }
    for (const char* key : {"extends", "edits", "plugins", "plugin_path"}) root.remove(key);
    return merged.size() == 0 ? root : merge(merged, root);
}

// The configuration as run: the merged keys plus every edit and plugin, as YAML.
std::string resolved_text(const Scenario& s, YAML::Node merged) {
    if (!s.edits.empty()) {
        YAML::Node edits(YAML::NodeType::Sequence);
        for (const auto& e : s.edits) {
            YAML::Node one;
            one[e.kind] = e.params ? e.params : YAML::Node(YAML::NodeType::Map);
            edits.push_back(one);
        }
        merged["edits"] = edits;
    }
    if (!s.plugins.empty()) {
        YAML::Node plugins(YAML::NodeType::Sequence);
        for (const auto& p : s.plugins) {
            YAML::Node one;
            one["name"] = p.name;
            if (!p.path.empty()) one["path"] = p.path;
            if (p.params) one["params"] = p.params;
            plugins.push_back(one);
        }
        merged["plugins"] = plugins;
    }
    std::string header = "# resolved from " + s.path;
    for (const auto& e : s.extends) header += " (extends " + e + ")";
    return header + "\n" + YAML::Dump(merged) + "\n";
}

YAML::Node parse_value(const std::string& path, const std::string& key, const std::string& text) {
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw Error(path + ": override '" + key + "': not a YAML value: " + text + " (" + e.msg + ")");
    }
}

// "name[3]" → ("name", 3); anything else → (text, npos).
std::pair<std::string, std::size_t> indexed(const std::string& part) {
    const auto open = part.find('[');
    if (open == std::string::npos || part.back() != ']') return {part, std::string::npos};
    return {part.substr(0, open), static_cast<std::size_t>(std::stoul(part.substr(open + 1, part.size() - open - 2)))};
}

// Sets node[a][b][c] = value for "a.b.c", creating mappings on the way.
void set_path(YAML::Node node, const std::vector<std::string>& parts, std::size_t from, const YAML::Node& value) {
    for (std::size_t i = from; i + 1 < parts.size(); ++i) {
        if (!node[parts[i]] || !node[parts[i]].IsMap()) node[parts[i]] = YAML::Node(YAML::NodeType::Map);
        node.reset(node[parts[i]]);   // rebind (operator= would overwrite the parent)
    }
    node[parts.back()] = value;
}

void apply_overrides(const std::string& path, const ScenarioOverrides& o, YAML::Node& merged, Scenario& s) {
    for (const auto& [key, text] : o.values) {
        std::vector<std::string> parts;
        std::stringstream ss(key);
        for (std::string part; std::getline(ss, part, '.');) parts.push_back(part);
        if (parts.empty() || std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); }))
            throw Error(path + ": override '" + key + "': not a key path (like demand.synthetic.car_share)");
        const YAML::Node value = parse_value(path, key, text);
        const auto [head, index] = indexed(parts[0]);
        if (index == std::string::npos) {
            set_path(merged, parts, 0, value);
            continue;
        }
        // plugins[i].params.x / edits[i].kind.x: into that entry's parameters.
        const std::size_t count = head == "plugins" ? s.plugins.size() : head == "edits" ? s.edits.size() : 0;
        if ((head != "plugins" && head != "edits") || index >= count)
            throw Error(path + ": override '" + key + "': the scenario has " + std::to_string(count) + " " + head +
                        (head == "plugins" || head == "edits" ? "" : " (only plugins[i] and edits[i] take an index)"));
        const std::string expected = head == "plugins" ? "params" : s.edits[index].kind;
        if (parts.size() < 3 || parts[1] != expected)
            throw Error(path + ": override '" + key + "': expected " + head + "[" + std::to_string(index) + "]." + expected + ".<key>");
        YAML::Node& params = head == "plugins" ? s.plugins[index].params : s.edits[index].params;
        params.reset(params && params.IsMap() ? YAML::Clone(params) : YAML::Node(YAML::NodeType::Map));
        set_path(params, parts, 2, value);
    }
    for (const auto& [kind, text] : o.edits) {
        const auto& kinds = plugin::edit_kinds();
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
            const auto near = geodata::closest_names(kind, kinds, 1);
            throw Error(path + ": override: unknown edit '" + kind + "'" + (near.empty() ? "" : " (did you mean '" + near.front() + "'?)"));
        }
        s.edits.push_back({kind, parse_value(path, kind, text), path, "edits[" + std::to_string(s.edits.size()) + "]." + kind});
    }
    for (const auto& [name, text] : o.plugins)
        s.plugins.push_back({name, "", parse_value(path, name, text), path,
                             "plugins[" + std::to_string(s.plugins.size()) + "].params", ""});
}

}  // namespace

Scenario load_scenario(const std::string& path, const ScenarioOverrides& overrides) {
    return load_scenario_in_chain(path, overrides, {fs::path(path).lexically_normal().string()});
}

namespace {
// `chain`: the files being read, this one last (an extends: back into it is a cycle).
Scenario load_scenario_in_chain(const std::string& path, const ScenarioOverrides& overrides, std::vector<std::string> chain) {
    Scenario s;
    YAML::Node merged = resolved_root(path, s, chain);
    if (!overrides.empty()) apply_overrides(path, overrides, merged, s);
    const YamlMap root(merged, path, "");
    root.allow_only({"name", "description", "city", "seed", "threads", "time", "demand", "mobility", "wifi"});
    s.path = path;
    read_text(root, "name", s.name);
    read_text(root, "description", s.description);
    const auto city = root.map("city");
    if (!city) throw Error(root.where() + "'city' is required");
    const fs::path base = fs::path(path).parent_path();
    s.city = read_city(*city, base);
    if (s.city.name.empty()) s.city.name = s.name;
    s.text = resolved_text(s, YAML::Clone(merged));
    if (auto seed = root.integer("seed")) s.seed = static_cast<std::uint64_t>(*seed);
    if (auto t = root.integer("threads")) s.threads = *t;
    if (auto time = root.map("time")) {
        time->allow_only({"start", "end"});
        s.mobility.loading.start = read_clock(*time, "start", s.mobility.loading.start);
        s.mobility.loading.end = read_clock(*time, "end", s.mobility.loading.end);
        if (s.mobility.loading.end <= s.mobility.loading.start)
            throw Error(time->where("end") + "'time.end' must be after 'time.start'");
        // A run's tables grow with its hours: a week is the longest day a scenario may ask for.
        if (s.mobility.loading.end - s.mobility.loading.start > 7 * 24 * 3600)
            throw Error(time->where("end") + "'time.end' must be at most 7 days (168:00:00) after 'time.start'");
    }
    if (auto demand = root.map("demand")) {
        demand->allow_only({"synthetic", "trips", "choice", "targets", "external"});
        if (auto syn = demand->map("synthetic")) {
            s.synthetic = read_synthetic(*syn);
            if (auto choice = demand->map("choice")) read_choice(*choice, s.synthetic->choice);
            if (auto targets = demand->map("targets")) read_targets(*targets, s.synthetic->choice);
            if (auto external = demand->map("external")) s.synthetic->external = read_external(*external);
        } else if (demand->map("choice") || demand->map("targets") || demand->map("external")) {
            throw Error(demand->where() + "'demand.choice', 'demand.targets' and 'demand.external' act on synthetic demand ('demand.synthetic'); a trip table's trips are cars");
        }
        if (auto trips = demand->map("trips")) s.trip_table = read_trip_table(*trips, base);
        if (s.synthetic && s.trip_table)
            throw Error(demand->where() + "'demand' takes either 'synthetic' or 'trips', not both");
        if (!s.synthetic && !s.trip_table) throw Error(demand->where() + "'demand' needs 'synthetic' or 'trips'");
        if (!s.city.roads) throw Error(demand->where() + "'demand' needs 'city.roads' to drive on");
    }
    if (auto mob = root.map("mobility")) {
        read_mobility(*mob, s.mobility);
        if (s.synthetic) s.synthetic->choice.value_of_time_per_hour = s.mobility.value_of_time_per_hour;
        if (auto w = mob->boolean("write_routes")) s.write_routes = *w;
    }
    if (auto wifi = root.map("wifi")) {
        s.wifi = read_wifi(*wifi);
        // APs whose data says their channel keep it; the rest (OpenStreetMap says none)
        // get a plan, as an operator would give them.
        if (!wifi->has("channel_plan"))
            s.wifi->channel_plan = s.city.access_points && !s.city.access_points->channel_field.empty()
                                       ? sim::wifi::ChannelPlan::Data
                                       : sim::wifi::ChannelPlan::Auto;
        if (auto t = wifi->text("rasters_in_geopackage")) {
            if (*t != "true" && *t != "false")
                throw Error(wifi->where("rasters_in_geopackage") + "'wifi.rasters_in_geopackage' must be true or false");
            s.wifi_rasters_in_geopackage = *t == "true";
        }
    }
    // A sampled population drives on proportionally scaled capacities (MATSim convention)
    // unless the file sets the factors itself.
    if (s.synthetic && s.synthetic->sample < 1.0) {
        const auto mob = root.map("mobility");
        if (!mob || !mob->has("flow_capacity_factor")) s.mobility.loading.flow_capacity_factor = s.synthetic->sample;
        if (!mob || !mob->has("storage_capacity_factor")) s.mobility.loading.storage_capacity_factor = s.synthetic->sample;
    }
    return s;
}

}  // namespace

geodata::CityModel load_scenario_city(const Scenario& scenario, const geodata::LoadOptions& options,
                                      geodata::LoadReport& report) {
    try {
        return geodata::load_city(scenario.city, options, report);
    } catch (const Error& e) {
        throw Error(scenario.path + ": city: " + e.what());
    }
}

void check_output_path(const std::string& path) {
    if (geodata::is_gdal_connection(path)) return;  // PG:… and other connection strings
    const fs::path p(path);
    if (fs::is_directory(p)) throw Error(path + ": is a folder; give a file name such as out.gpkg");
    if (!p.parent_path().empty() && !fs::is_directory(p.parent_path()))
        throw Error(path + ": folder " + p.parent_path().string() + " does not exist");
}

}  // namespace citytwin::scenarios
