#include <citytwin/scenarios/run.hpp>

#include <citytwin/scenarios/memory_budget.hpp>

#include "demand_results.hpp"
#include "transit_results.hpp"

#include <citytwin/geodata/data_paths.hpp>
#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/progress.hpp>
#include <citytwin/geodata/raster_writer.hpp>
#include <citytwin/plugin_edits.hpp>
#include <citytwin/scenarios/plugin_host.hpp>
#include <citytwin/sim/clock.hpp>
#include <citytwin/sim/wifi_channels.hpp>

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>

namespace citytwin::scenarios {

using geodata::Error;

namespace {

sim::Demand demand_from_table(const Scenario& s, const geodata::CityModel& model) {
    const auto records = geodata::read_od_table(*s.trip_table, model.crs_wkt);
    sim::Demand d;
    d.source = s.trip_table->source;
    d.trips.reserve(records.size());
    for (const auto& r : records) {
        const auto dep = sim::parse_clock(r.departure);
        if (!dep) throw Error(r.where + ": departure '" + r.departure + "' is not a time (HH:MM[:SS] or seconds)");
        sim::Trip t;
        t.id = static_cast<std::uint32_t>(d.trips.size());
        t.person = t.id;
        t.departure = *dep;
        t.origin = r.origin;
        t.destination = r.destination;
        if (r.origin_link) {
            if (*r.origin_link >= model.roads->link_count() || *r.destination_link >= model.roads->link_count())
                throw Error(r.where + ": link id out of range (the network has " +
                            std::to_string(model.roads->link_count()) + " links)");
            t.origin_link = *r.origin_link;
            t.destination_link = *r.destination_link;
        }
        d.trips.push_back(t);
    }
    d.persons = d.trips.size();
    return d;
}

// Turns "stage" callbacks into throttled progress lines, one Progress per stage.
class StageProgress {
public:
    explicit StageProgress(bool enabled) : enabled_(enabled) {}
    void operator()(const std::string& stage, std::size_t done, std::size_t total) {
        const std::string label = stage.substr(0, stage.find(','));
        if (!current_ || label != label_) {
            current_ = std::make_unique<geodata::Progress>(label, total, enabled_);
            label_ = label;
        }
        current_->update(done);
    }

private:
    bool enabled_;
    std::string label_;
    std::unique_ptr<geodata::Progress> current_;
};

// The links outside the path-loss model's validity range: said once on stderr (how many,
// which range, what they get), or an error with wifi.beyond_validity: refuse.
// A run that stopped short of its target gap is no equilibrium: its what-if deltas mix
// the change with the travellers' remaining re-routing. Say so once, with the cure.
void report_convergence(const sim::MobilityConfig& cfg, const sim::MobilityKpis& k, const std::string& path) {
    if (cfg.target_gap <= 0.0 || k.converged) return;
    std::fprintf(stderr,
                 "citytwin: warning: %s: mobility: relative gap %.4f after %d iterations is above mobility.target_gap %.4f: "
                 "the traffic is not at equilibrium (raise mobility.iterations, or lower mobility.reroute_share)\n",
                 path.c_str(), k.relative_gap, k.iterations, cfg.target_gap);
}

void report_validity(const sim::wifi::CoverageConfig& cfg, const sim::wifi::Coverage& cov, const std::string& path) {
    if (cov.beyond_validity_ap_cells == 0) return;
    const auto& p = cfg.propagation;
    const auto& nlos = p.nlos_environment == sim::wifi::NlosEnvironment::Urban ? sim::wifi::p1411_nlos_urban_range
                                                                               : sim::wifi::p1411_nlos_residential_range;
    char what[512];
    std::snprintf(what, sizeof what,
                  "%llu of %llu AP-cell links lie outside the validity of ITU-R P.1411 site-general (LoS to %.0f m, "
                  "NLoS %s to %.0f m, %.1f-%.0f GHz; wifi.max_radius_m is %.0f m)",
                  static_cast<unsigned long long>(cov.beyond_validity_ap_cells),
                  static_cast<unsigned long long>(cov.ap_cells), sim::wifi::p1411_los_range.max_distance_m,
                  std::string(sim::wifi::to_string(p.nlos_environment)).c_str(), nlos.max_distance_m,
                  nlos.min_frequency_ghz, nlos.max_frequency_ghz, cfg.max_radius_m);
    if (p.beyond_validity == sim::wifi::BeyondValidity::Refuse)
        throw Error(path + ": wifi: " + what + "; 'wifi.beyond_validity' is refuse (extrapolate, free_space or "
                    "log_distance run it; a smaller wifi.max_radius_m avoids it)");
    std::fprintf(stderr, "citytwin: warning: wifi: %s; they get %s (wifi.beyond_validity)\n", what,
                 p.beyond_validity == sim::wifi::BeyondValidity::Extrapolate
                     ? "the fit extrapolated"
                     : (std::string(sim::wifi::to_string(p.beyond_validity)) + " instead").c_str());
}

// wifi.channel_plan: auto — the APs get channels from the automatic plan (the model's
// access points are replaced, so the outputs show the channels the run used).
void plan_channels(const sim::HeightRaster& heights, const sim::wifi::CoverageConfig& cfg, geodata::CityModel& model,
                   bool progress) {
    if (cfg.channel_plan != sim::wifi::ChannelPlan::Auto || model.access_points->empty()) return;
    auto aps = *model.access_points;
    // Every AP heard above the noise floor counts: below carrier sense it interferes.
    const auto links = sim::wifi::ap_links(heights, aps, cfg, std::min(cfg.noise_floor_dbm, cfg.cca_preamble_dbm));
    const auto channels = sim::wifi::assign_channels(aps, links, cfg);
    std::map<int, std::size_t> count;
    for (std::size_t k = 0; k < aps.size(); ++k) ++count[aps[k].channel = channels[k]];
    model.access_points = std::make_shared<const std::vector<geodata::AccessPoint>>(std::move(aps));
    if (!progress) return;
    std::string plan;
    for (const auto& [ch, n] : count) plan += (plan.empty() ? "" : ", ") + std::to_string(n) + " on " + std::to_string(ch);
    std::fprintf(stderr, "wifi: channel plan (wifi.channel_plan: auto): %s\n", plan.c_str());
}

// A scenario that names only a city runs, but must not look as if traffic or wifi had been
// simulated and found nothing: what is skipped is said once, with the key that enables it.
void report_skipped(const Scenario& s, std::vector<std::string>& skipped) {
    std::string how;
    if (!s.synthetic && !s.trip_table) {
        skipped.emplace_back("mobility");
        how += "no 'demand:' section, so no traffic (add demand: {synthetic: {population: N}} or demand: {trips: {source: …}})";
    }
    if (!s.wifi) {
        skipped.emplace_back("wifi");
        how += std::string(how.empty() ? "" : "; ") +
               "no 'wifi:' section, so no coverage (add wifi: {} — access points from city.access_points)";
    }
    if (!how.empty()) std::fprintf(stderr, "citytwin: note: %s: %s\n", s.path.c_str(), how.c_str());
}

// Ordered AP pairs in which one senses the other (and so shares its airtime).
std::size_t sensing_pairs(const sim::wifi::Coverage& c) {
    std::size_t n = 0;
    for (const auto& s : c.senses) n += s.size();
    return n;
}

WifiOutput run_wifi(const Scenario& s, geodata::CityModel& model, const sim::Demand& demand,
                    const std::optional<sim::MobilityResult>& mobility, std::uint64_t seed, bool progress) {
    const auto t0 = std::chrono::steady_clock::now();
    sim::wifi::CoverageConfig cfg = *s.wifi;
    sim::wifi::assign_building_types(cfg, model);
    WifiOutput out;
    const sim::Grid grid = sim::Grid::covering(model.bounds, cfg.cell_size_m);
    if (progress)
        std::fprintf(stderr, "wifi: %zu access points, %d x %d cells of %.1f m, model %s\n", model.access_points->size(),
                     grid.width, grid.height, cfg.cell_size_m, std::string(sim::wifi::to_string(cfg.propagation.model)).c_str());
    const sim::HeightRaster heights = sim::build_height_raster(model, grid, cfg.use_terrain);
    plan_channels(heights, cfg, model, progress);
    {
        geodata::Progress bar("wifi coverage, access points", model.access_points->size(), progress);
        out.coverage = sim::wifi::compute_coverage(heights, *model.access_points, cfg,
                                                   [&](std::size_t done, std::size_t) { bar.update(done); });
        bar.finish();
    }
    report_validity(cfg, out.coverage, s.path);
    // Residents as the synthetic demand places them (whole population, not the sample);
    // without synthetic demand, the same rule with its defaults (home floor area / 40 m²).
    sim::SyntheticDemandConfig people;
    if (s.synthetic) {
        people = *s.synthetic;
        out.population_source = "synthetic demand";
    } else {
        out.population_source = "home floor area / 40 m2";
    }
    people.sample = 1.0;
    const auto residents = sim::residents_per_building(model, people, seed);
    const std::vector<std::size_t> homes = sim::wifi::home_cells(model, heights);   // KPIs and capacity alike
    // People present per hour. With synthetic demand, its persons move between buildings
    // (each counts 1 / sample); otherwise residents stay at home all day.
    if (s.synthetic && s.synthetic->sample > 0.0 && demand.source == "synthetic") {
        const auto sampled = sim::residents_per_building(model, *s.synthetic, seed);
        const double weight = 1.0 / s.synthetic->sample;
        out.present = sim::wifi::people_present(sampled, &demand, weight, &out.at_home);
        // Travellers are in the street, not yet at their destination: walkers and
        // cyclists where their routes put them, car travellers where the traffic did.
        out.on_foot = sim::wifi::people_on_foot(model, demand, mobility ? mobility->departures : std::vector<sim::Seconds>{},
                                                weight, out.present, &out.at_home);
        if (mobility)
            out.moving = sim::wifi::people_on_the_move(demand, mobility->loading, model.buildings->size(), weight, out.present,
                                                       &out.at_home);
    } else {
        out.present = sim::wifi::people_present(residents, nullptr, 1.0, &out.at_home);
    }
    out.kpis = sim::wifi::wifi_kpis(model, heights, out.coverage, residents, cfg, &homes, &out.on_foot);
    std::vector<sim::wifi::MovingPeople> travelling = out.on_foot;
    travelling.insert(travelling.end(), out.moving.begin(), out.moving.end());
    out.capacity = sim::wifi::wifi_capacity(model, out.coverage, out.present, cfg, cfg.capacity, travelling, homes, &out.at_home);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (progress)
        std::fprintf(stderr, "wifi: %llu AP-cell pairs (%llu with line of sight) in %.2f s\n",
                     static_cast<unsigned long long>(out.coverage.ap_cells),
                     static_cast<unsigned long long>(out.coverage.los_ap_cells), out.seconds);
    return out;
}

class StderrLog final : public plugin::Log {
public:
    StderrLog(std::string prefix, bool enabled) : prefix_(std::move(prefix)), enabled_(enabled) {}
    void info(const std::string& message) override {
        if (enabled_) std::fprintf(stderr, "%s: %s\n", prefix_.c_str(), message.c_str());
    }

private:
    std::string prefix_;
    bool enabled_;
};

class PluginSink final : public plugin::ResultSink {
public:
    PluginSink(PluginOutput& out, bool progress) : out_(out), log_("plugin " + out.name, progress) {}
    void add_kpi(const std::string& key, double value) override { out_.kpis.emplace_back(key, value); }
    void add_table(geodata::Table table) override {
        table.name = out_.name + "_" + table.name;
        out_.tables.push_back(std::move(table));
    }
    plugin::Log& log() override { return log_; }

private:
    PluginOutput& out_;
    StderrLog log_;
};

// The scenario's plugins, loaded (and their parameters checked) before any heavy work.
struct PluginSet {
    std::vector<std::unique_ptr<YamlParameters>> params;
    std::vector<std::unique_ptr<LoadedPlugin>> loaded;
};

PluginSet load_plugins(const Scenario& s, const RunOptions& options) {
    // A scenario file shared by a colleague must not run code on this machine unless its
    // user says so: plugin folders and files named by the scenario need the flag.
    if (!options.allow_scenario_plugins) {
        const std::string how = " loads plugin code from a place the scenario names; run with --allow-scenario-plugins "
                                "if you trust this file, or give the folder with --plugin-path";
        if (!s.plugin_path.empty()) throw Error(s.plugin_path_where + "'plugin_path'" + how);
        for (std::size_t i = 0; i < s.plugins.size(); ++i)
            if (!s.plugins[i].path.empty())
                throw Error(s.plugins[i].path_where + "'plugins[" + std::to_string(i) + "].path'" + how);
    }
    std::vector<std::string> dirs = options.plugin_dirs;
    dirs.insert(dirs.end(), s.plugin_path.begin(), s.plugin_path.end());
    const auto search = plugin_search_path(dirs);
    PluginSet set;
    for (const auto& spec : s.plugins) {
        set.params.push_back(std::make_unique<YamlParameters>(spec.params, spec.file, spec.key_path,
                                                              std::filesystem::path(spec.file).parent_path()));
        set.loaded.push_back(std::make_unique<LoadedPlugin>(spec.name, spec.path, search, *set.params.back()));
    }
    return set;
}

void apply_edits(const Scenario& s, geodata::CityModel& model, RunOutput& out, bool progress) {
    for (const auto& e : s.edits) {
        YamlParameters params(e.params, e.file, e.key_path, std::filesystem::path(e.file).parent_path());
        params.set_model(&model);
        out.edits.push_back(e.kind + ": " + plugin::apply_edit(e.kind, params, model));
        if (progress) std::fprintf(stderr, "edit %s\n", out.edits.back().c_str());
    }
}

bool same_city(const geodata::CityModel& a, const geodata::CityModel& b) {
    return a.roads == b.roads && a.paths == b.paths && a.buildings == b.buildings && a.tolls == b.tolls && a.closures == b.closures &&
           a.districts == b.districts;
}

// Targets describe today's city: a variant (edits, tolls from plugins) is calibrated on the
// city as loaded and keeps those constants, so its own effect on modes shows.
sim::Demand synthetic_demand(const Scenario& s, const geodata::CityModel& today, const geodata::CityModel& model,
                             std::uint64_t seed, bool progress) {
    const auto& cfg = *s.synthetic;
    const bool targets = cfg.choice.target_shares || cfg.choice.target_mean_km != std::array<double, sim::tour_purpose_count>{};
    sim::Demand demand;
    if (targets && !same_city(today, model)) {
        sim::ChoiceReport report;
        const sim::SyntheticDemandConfig fixed = sim::calibrated_on(today, cfg, seed, report);
        demand = sim::synthesize_demand(model, fixed, seed);
        const auto expected = demand.choice->expected_shares;
        const auto km = demand.choice->expected_mean_km;
        demand.choice = report;
        demand.choice->on_unedited_city = true;
        demand.choice->expected_shares = expected;   // this variant's, under today's constants
        demand.choice->expected_mean_km = km;
    } else {
        demand = sim::synthesize_demand(model, cfg, seed);
    }
    if (demand.choice && demand.choice->targets && !demand.choice->calibrated) {
        std::string reached;
        for (std::size_t m = 0; m < sim::mode_count; ++m)
            reached += std::string(m ? ", " : "") + std::string(sim::to_string(static_cast<sim::Mode>(m))) + " " +
                       std::to_string(demand.choice->expected_shares[m]).substr(0, 5);
        std::fprintf(stderr,
                     "citytwin: warning: demand.targets not reached after %d iterations (reached %s; mean km by "
                     "purpose %.2f/%.2f/%.2f): a share above what the persons' cars and bikes allow needs a higher "
                     "demand.synthetic.car_availability or bike_ownership\n",
                     demand.choice->iterations, reached.c_str(), demand.choice->expected_mean_km[0],
                     demand.choice->expected_mean_km[1], demand.choice->expected_mean_km[2]);
    } else if (progress && demand.choice && demand.choice->targets) {
        std::fprintf(stderr, "demand: choice model calibrated in %d iterations%s\n", demand.choice->iterations,
                     demand.choice->on_unedited_city ? " on the city before edits and plugins" : "");
    }
    return demand;
}

// The choice model of a round after the first: the constants and decays the first round
// used (calibrated, or given), no targets left, so congestion — not a recalibration —
// moves destinations and modes (baseline and variant alike).
sim::SyntheticDemandConfig with_constants_of(const sim::SyntheticDemandConfig& cfg, const sim::ChoiceReport& first) {
    sim::SyntheticDemandConfig fixed = cfg;
    for (std::size_t m = 0; m < sim::mode_count; ++m) fixed.choice.modes[m].constant = first.constants[m];
    fixed.choice.distance_decay = first.distance_decay;
    fixed.choice.target_shares.reset();
    fixed.choice.target_mean_km = {0.0, 0.0, 0.0};
    return fixed;
}

// times += (latest − times) / k; a link impassable in either keeps the latest.
void average_into(sim::LinkCosts& times, const sim::LinkCosts& latest, int k) {
    for (std::size_t i = 0; i < times.seconds.size() && i < latest.seconds.size(); ++i) {
        float& t = times.seconds[i];
        const float e = latest.seconds[i];
        t = std::isfinite(t) && std::isfinite(e) ? t + (e - t) / static_cast<float>(k) : e;
    }
}

plugin::ScenarioView scenario_view(const Scenario& s, std::uint64_t seed) {
    plugin::ScenarioView v;
    v.name = s.name;
    v.seed = seed;
    v.synthetic = s.synthetic ? &*s.synthetic : nullptr;
    v.mobility = (s.synthetic || s.trip_table) ? &s.mobility : nullptr;
    v.wifi = s.wifi ? &*s.wifi : nullptr;
    return v;
}

}  // namespace

RunOutput run_scenario(const Scenario& scenario, const RunOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    RunOutput out;
    out.scenario = scenario;
    out.seed = options.seed.value_or(scenario.seed);
    out.threads = options.threads.value_or(scenario.threads);
    if (out.threads <= 0) out.threads = tbb::info::default_concurrency();
    // Thread count changes speed only: every parallel loop writes disjoint slots.
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(out.threads));

    PluginSet plugins = load_plugins(scenario, options);
    out.model = load_scenario_city(scenario, {options.progress}, out.report);
    // Today's city, kept for calibration: edits and plugins replace the parts they change
    // (copy on write), so this shallow copy stays as loaded.
    const geodata::CityModel today = out.model;
    apply_edits(scenario, out.model, out, options.progress);
    check_memory(scenario, out.model, options.memory_limit ? options.memory_limit : default_memory_limit());
    const plugin::ScenarioView view = scenario_view(scenario, out.seed);
    for (auto& p : plugins.loaded) {
        p->params().set_model(&out.model);
        StderrLog log("plugin " + p->name(), options.progress);
        plugin::BeforeRun before{out.model, view, log};
        p->call("before_run", [&](plugin::Plugin& pl) { pl.before_run(before); });
    }
    // Plugins that observe the traffic see every step, in the order they are listed.
    sim::StepObserver observer;
    std::vector<LoadedPlugin*> observers;
    for (auto& p : plugins.loaded)
        if (p->get().observes_steps()) observers.push_back(p.get());
    if (!observers.empty())
        observer = [&](const sim::StepView& step, std::vector<sim::LinkEvent>& actions) {
            for (LoadedPlugin* p : observers) p->call("on_step", [&](plugin::Plugin& pl) { pl.on_step(step, actions); });
        };
    report_skipped(scenario, out.skipped);
    if (scenario.synthetic) out.demand = synthetic_demand(scenario, today, out.model, out.seed, options.progress);
    else if (scenario.trip_table) out.demand = demand_from_table(scenario, out.model);
    if (scenario.synthetic || scenario.trip_table) {
        if (options.progress)
            std::fprintf(stderr, "demand: %zu trips of %zu persons (%s)\n", out.demand.trips.size(), out.demand.persons,
                         out.demand.source.c_str());
        StageProgress progress(options.progress);
        out.mobility = sim::run_mobility(out.model, out.demand, scenario.mobility, out.seed, std::ref(progress), observer);
        // Feedback: destinations and modes chosen again on the car times the traffic had.
        const int rounds = scenario.synthetic && out.demand.choice ? scenario.synthetic->choice.feedback_rounds : 0;
        if (rounds > 0) {
            const sim::ChoiceReport first = *out.demand.choice;
            const sim::SyntheticDemandConfig fixed = with_constants_of(*scenario.synthetic, first);
            std::vector<double> car_share{out.mobility->demand.mode_share[static_cast<std::size_t>(sim::Mode::Car)]};
            // The times the choices see are the method of successive averages over the rounds
            // (round k weighs 1/k): choosing on the last round's times alone swings between
            // a jammed and an empty network (car share 37 %, 32 %, 33 % in Monaco with its
            // commuters) instead of settling.
            sim::LinkCosts times = out.mobility->congested;
            for (int round = 1; round <= rounds; ++round) {
                if (options.progress)
                    std::fprintf(stderr, "demand feedback round %d/%d: destinations and modes on the congested car times of %02d:00\n",
                                 round, rounds, scenario.synthetic->choice.skim_hour);
                if (round > 1) average_into(times, out.mobility->congested, round);
                sim::Demand next = sim::synthesize_demand(out.model, fixed, out.seed, &times);
                sim::ChoiceReport report = first;   // the calibration stays what it was
                report.expected_shares = next.choice->expected_shares;
                report.expected_mean_km = next.choice->expected_mean_km;
                next.choice = report;
                out.demand = std::move(next);
                out.mobility = sim::run_mobility(out.model, out.demand, scenario.mobility, out.seed, std::ref(progress), observer);
                car_share.push_back(out.mobility->demand.mode_share[static_cast<std::size_t>(sim::Mode::Car)]);
            }
            out.demand.choice->car_share_by_round = std::move(car_share);
        }
        report_convergence(scenario.mobility, out.mobility->kpis, scenario.path);
    }
    if (scenario.wifi) out.wifi = run_wifi(scenario, out.model, out.demand, out.mobility, out.seed, options.progress);
    for (auto& p : plugins.loaded) {
        PluginOutput po{p->name(), p->path(), p->summary(), {}, {}};
        PluginSink sink(po, options.progress);
        const plugin::RunResults results{out.model, view, out.demand, out.mobility ? &*out.mobility : nullptr,
                                         out.wifi ? &out.wifi->coverage : nullptr, out.wifi ? &out.wifi->kpis : nullptr};
        p->call("after_run", [&](plugin::Plugin& pl) { pl.after_run(results, sink); });
        out.plugins.push_back(std::move(po));
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

nlohmann::json kpis_json(const RunOutput& run) {
    nlohmann::json j;
    j["scenario"] = run.scenario.name;
    j["run"] = {{"seed", run.seed}, {"threads", run.threads}, {"seconds", run.seconds}, {"crs", run.model.crs}};
    j["skipped"] = run.skipped;
    j["city"] = {{"nodes", run.model.roads->node_count()}, {"links", run.model.roads->link_count()},
                 {"path_links", run.model.paths->link_count()}, {"buildings", run.model.buildings->size()}, {"access_points", run.model.access_points->size()}};
    if (run.mobility) {
        const auto& k = run.mobility->kpis;
        j["mobility"] = {
            {"trips", k.trips},
            {"car_trips", k.car_trips},
            {"other_mode_trips", k.other_mode_trips},
            {"completed", k.completed},
            {"unroutable", k.unroutable},
            {"stuck", k.stuck},
            {"abandoned", k.abandoned},
            {"en_route", k.en_route},
            {"not_started", k.not_started},
            {"junction_delay_s_per_trip", k.junction_delay_s_per_trip},
            {"signal_delay_s_per_trip", k.signal_delay_s_per_trip},
            {"signalised_junctions", k.signalised_junctions},
            {"mean_travel_time_s", k.mean_travel_time_s},
            {"mean_delay_s", k.mean_delay_s},
            {"vehicle_km", k.vehicle_km},
            {"vehicle_hours", k.vehicle_hours},
            {"congested_link_share", k.congested_link_share},
            {"peak_hour", k.peak_hour},
            {"iterations", k.iterations},
            {"relative_gap", k.relative_gap},
            {"relative_gap_by_iteration", run.mobility->relative_gap},
            {"target_gap", run.scenario.mobility.target_gap},
            {"converged", k.converged},
            {"closed_links", k.closed_links},
            {"toll_crossings", k.toll_crossings},
            {"toll_revenue", k.toll_revenue},
            {"note", "mobility.* is car traffic: only car trips are loaded on the roads (bike, walk and transit trips are in demand.*). "
                     "stuck: jumped ahead past a full link after stuck_time_s (they complete, their time is in the means); "
                     "abandoned: taken out before a closed link (their time until then is in the means); "
                     "not_started: a tour's next trip due after time.end (completed + unroutable + abandoned + en_route + "
                     "not_started = car_trips)"},
        };
    }
    if (run.mobility) {
        j["demand"] = demand_json(run.demand, run.mobility->demand);
        if (run.model.transit) j["demand"]["transit"] = transit_json(run);
    }
    if (!run.edits.empty()) j["edits"] = run.edits;
    for (const auto& p : run.plugins) {
        nlohmann::json pj = nlohmann::json::object();
        for (const auto& [key, value] : p.kpis) pj[key] = value;
        j["plugins"][p.name] = pj;
    }
    if (run.wifi) {
        const auto& k = run.wifi->kpis;
        const auto& cfg = *run.scenario.wifi;
        auto number_or_null = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
        nlohmann::json districts = nlohmann::json::array();
        for (const auto& d : k.districts)
            districts.push_back({{"id", d.id},
                                 {"name", d.name},
                                 {"area_covered_share", d.area_covered_share},
                                 {"population", d.population},
                                 {"population_covered_share", d.population_covered_share},
                                 {"street_person_hours", d.street_person_hours},
                                 {"outdoor_people_covered_share", d.outdoor_people_covered_share},
                                 {"aps", d.aps},
                                 {"people_per_ap", number_or_null(d.people_per_ap)}});
        j["wifi"] = {
            {"aps", k.aps},
            {"model", sim::wifi::to_string(cfg.propagation.model)},
            {"line_of_sight", cfg.line_of_sight == sim::wifi::LineOfSightMethod::Exact ? "exact" : "viewshed"},
            {"cell_size_m", cfg.cell_size_m},
            {"threshold_dbm", cfg.threshold_dbm},
            {"area_covered_share", k.area_covered_share},
            {"population_covered_share", k.population_covered_share},
            {"indoor_population_covered_share", k.population_covered_share},
            {"street_person_hours", k.street_person_hours},
            {"outdoor_people_covered_share", k.outdoor_people_covered_share},
            {"location_probability", k.location_probability},
            {"entry_loss_model", sim::wifi::to_string(cfg.propagation.entry_loss_model)},
            {"beyond_validity_ap_cells", k.beyond_validity_ap_cells},
            {"homes_counted_outdoors", k.homes_outdoors},
            {"population", k.population},
            {"population_source", run.wifi->population_source},
            {"mean_sinr_db", k.mean_sinr_db},
            {"ap_cells", run.wifi->coverage.ap_cells},
            {"active_share", cfg.capacity.active_share},
            {"active_share_home", cfg.capacity.active_share_home},
            {"active_share_street", cfg.capacity.active_share_street},
            {"active_by_hour", cfg.capacity.active_by_hour},
            {"client_limit", cfg.capacity.client_limit},
            {"peak_quantile", cfg.capacity.peak_quantile},
            {"overloaded_aps_peak", run.wifi->capacity.overloaded_aps_peak},
            {"overloaded_peak_hour", run.wifi->capacity.overloaded_peak_hour},
            {"peak_hour_users", run.wifi->capacity.peak_hour_users},
            {"peak_hour", run.wifi->capacity.peak_hour},
            {"peak_hour_throughput_per_user_mbps", number_or_null(run.wifi->capacity.peak_hour_throughput_per_user_mbps)},
            {"channel_plan", cfg.channel_plan == sim::wifi::ChannelPlan::Auto ? "auto" : "data"},
            {"ap_pairs_sharing_airtime", sensing_pairs(run.wifi->coverage)},
            {"mac_frame_bytes", cfg.capacity.mac.frame_bytes},
            {"mac_frames_per_access", cfg.capacity.mac.frames_per_access},
            {"mac_efficiency", cfg.capacity.mac.fixed_efficiency > 0.0 ? nlohmann::json(cfg.capacity.mac.fixed_efficiency)
                                                                       : nlohmann::json("802.11 timing")},
            {"district_source", k.grid_districts ? "500 m grid" : "city districts"},
            {"districts", districts},
        };
    }
    return j;
}

namespace {

geodata::Table link_flow_table(const RunOutput& run) {
    const auto& net = *run.model.roads;
    const auto& L = run.mobility->loading;
    const std::size_t n = net.link_count();
    std::vector<std::int64_t> link, hour, flow, exits;
    std::vector<double> speed, vc, tt;
    for (std::size_t h = 0; h < L.hours; ++h)
        for (std::size_t l = 0; l < n; ++l) {
            const std::size_t cell = h * n + l;
            if (L.entries[cell] == 0 && L.exits[cell] == 0) continue;  // sparse: only used cells
            const auto& lk = net.link(geodata::LinkId(static_cast<std::uint32_t>(l)));
            const double mean_tt = L.exits[cell] ? L.exit_travel_time[cell] / L.exits[cell] : 0.0;
            link.push_back(static_cast<std::int64_t>(l));
            hour.push_back(static_cast<std::int64_t>(h));
            flow.push_back(L.entries[cell]);
            exits.push_back(L.exits[cell]);
            tt.push_back(mean_tt);
            speed.push_back(mean_tt > 0 ? std::min(lk.freeflow_speed_mps, lk.length_m / mean_tt) * 3.6
                                        : lk.freeflow_speed_mps * 3.6);
            vc.push_back(L.entries[cell] / (lk.capacity_vph * run.scenario.mobility.loading.flow_capacity_factor));
        }
    geodata::Table t{"link_flows", link.size(), {}, {}, {}};
    t.columns = {{"link_id", link}, {"hour", hour}, {"flow_veh", flow}, {"exits_veh", exits},
                 {"mean_travel_time_s", tt}, {"mean_speed_kmh", speed}, {"volume_capacity", vc}};
    return t;
}

// Waiting at each junction's stop lines (points a planner can colour by delay in QGIS).
geodata::Table junction_delay_table(const RunOutput& run) {
    const auto& net = *run.model.roads;
    const auto& L = run.mobility->loading;
    geodata::Table t{"junction_delays", 0, {}, {}, {}};
    std::vector<std::int64_t> node, crossings;
    std::vector<double> total, mean;
    std::vector<std::string> control;
    for (const auto& n : net.nodes()) {
        const std::uint32_t c = L.junction_crossings.empty() ? 0 : L.junction_crossings[n.id.value];
        if (c == 0 || net.in_links(n.id).size() < 2) continue;  // a bend is no junction
        node.push_back(n.id.value);
        control.emplace_back(geodata::to_string(n.control));
        crossings.push_back(c);
        total.push_back(L.junction_delay[n.id.value]);
        mean.push_back(L.junction_delay[n.id.value] / c);
        t.points.push_back(n.position);
    }
    t.rows = node.size();
    t.columns = {{"node_id", node}, {"control", control}, {"crossings", crossings}, {"delay_s", total},
                 {"mean_delay_s", mean}};
    return t;
}

// The signal plans in force, one row per signalised in-link (join link_id to links) and
// one per movement with its own green (to_link; -1 on the in-link rows).
geodata::Table signal_plan_table(const RunOutput& run) {
    const auto& plans = run.mobility->loading.signal_plans;
    std::vector<std::int64_t> node, controller, link, to_link, generated;
    std::vector<double> cycle, offset, start, green;
    for (const auto& p : plans) {
        node.push_back(p.node);
        controller.push_back(p.controller);
        link.push_back(p.in_link);
        to_link.push_back(p.to_link == UINT32_MAX ? -1 : static_cast<std::int64_t>(p.to_link));
        cycle.push_back(p.cycle_s);
        offset.push_back(p.offset_s);
        start.push_back(p.green_start_s);
        green.push_back(p.green_s);
        generated.push_back(p.generated ? 1 : 0);
    }
    geodata::Table t{"signal_plans", plans.size(), {}, {}, {}};
    t.columns = {{"node_id", node},      {"controller", controller}, {"link_id", link},  {"to_link", to_link}, {"cycle_s", cycle},
                 {"offset_s", offset},   {"green_start_s", start},   {"green_s", green}, {"generated", generated}};
    return t;
}

std::string_view status_name(sim::TripStatus s, bool routed, bool car, bool on_paths, sim::transit::Outcome transit) {
    if (on_paths) return "path_routed";   // walked or ridden on the path network (no congestion)
    if (transit == sim::transit::Outcome::Rode) return "transit_routed";   // on the timetable
    if (transit == sim::transit::Outcome::Walked) return "walked_faster";  // a transit trip walking beat
    if (!car) return "teleported";        // no network of its own: door to door in its skimmed time
    if (!routed) return "unroutable";
    switch (s) {
        case sim::TripStatus::Arrived: return "arrived";
        case sim::TripStatus::EnRoute: return "en_route";
        case sim::TripStatus::Stuck: return "abandoned";  // gave up before a closed road
        case sim::TripStatus::NotLoaded: return "not_loaded";
    }
    return "not_loaded";
}

geodata::Table trip_table(const RunOutput& run) {
    const auto& m = *run.mobility;
    const std::size_t n = run.demand.trips.size();
    std::vector<std::int64_t> id(n), person(n), dep(n), arr(n), links(n), olink(n), dlink(n), stuck(n);
    std::vector<double> tt(n), fft(n), dist(n);
    std::vector<std::string> purpose(n), status(n), route(n), mode(n), external(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = run.demand.trips[i];
        const auto& o = m.trips[i];
        id[i] = t.id;
        person[i] = t.person;
        dep[i] = m.departures[i];
        mode[i] = std::string(sim::to_string(t.mode));
        external[i] = std::string(sim::to_string(t.external));
        arr[i] = t.by_car() ? m.loading.arrival[i] : dep[i] + std::lround(t.offroad_time_s);
        tt[i] = arr[i] >= 0 ? static_cast<double>(arr[i] - dep[i]) : -1.0;
        fft[i] = t.by_car() ? o.freeflow_time_s : t.offroad_time_s;
        dist[i] = t.by_car() ? o.distance_m : t.offroad_distance_m;
        // Walk and bike trips: their links of the path network (layer `paths`).
        const auto& active = run.demand.active.routes;
        const bool on_paths = !t.by_car() && i < active.size() && !active[i].empty();
        const auto& transit = run.demand.transit;
        const auto outcome = i < transit.outcome.size() ? transit.outcome[i] : sim::transit::Outcome::NotTransit;
        links[i] = on_paths ? static_cast<std::int64_t>(active[i].size())
                   : outcome == sim::transit::Outcome::Rode ? static_cast<std::int64_t>(transit.legs[i].size())
                                                            : o.route_links;
        // The links driven, in order (SUMO's vehroute output, MATSim's plans), on request:
        // lets another tool replay these routes (bench/sumo --same-routes).
        if (run.scenario.write_routes)
            for (const auto l : on_paths ? active[i] : m.routes[i]) {
                if (!route[i].empty()) route[i] += ' ';
                route[i] += std::to_string(l);
            }
        olink[i] = o.origin_link == UINT32_MAX ? -1 : o.origin_link;
        dlink[i] = o.destination_link == UINT32_MAX ? -1 : o.destination_link;
        purpose[i] = std::string(sim::to_string(t.purpose));
        status[i] = std::string(status_name(m.loading.status[i], !m.routes[i].empty(), t.by_car(), on_paths, outcome));
        stuck[i] = m.loading.was_stuck.empty() ? 0 : m.loading.was_stuck[i];
    }
    geodata::Table table{"trips", n, {}, {}, {}};
    table.columns = {{"trip_id", id}, {"person", person}, {"purpose", purpose}, {"mode", mode}, {"external", external}, {"status", status},
                     {"departure_s", dep}, {"arrival_s", arr}, {"travel_time_s", tt}, {"freeflow_time_s", fft},
                     {"distance_m", dist}, {"route_links", links}, {"route", route}, {"origin_link", olink}, {"destination_link", dlink},
                     {"stuck", stuck}};
    return table;
}

geodata::Table position_table(const RunOutput& run) {
    const auto& pos = run.mobility->loading.positions;
    geodata::Table t{"vehicle_positions", pos.size(), {}, {}, {}};
    t.spatial_index = false;  // 100k+ samples: the R-tree would cost more than the table
    std::vector<std::int64_t> trip, time, link;
    std::vector<std::string> clock;
    for (const auto& p : pos) {
        trip.push_back(p.trip);
        time.push_back(p.time);
        link.push_back(p.link);
        clock.push_back(sim::format_clock(p.time));
        t.points.push_back({p.x, p.y});
    }
    t.columns = {{"trip_id", trip}, {"time_s", time}, {"clock", clock}, {"link_id", link}};
    return t;
}

// Flattens nested JSON to ("mobility.trips", value) rows.
void flatten(const nlohmann::json& j, const std::string& prefix, std::vector<std::string>& keys,
             std::vector<std::string>& values) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) flatten(*it, key, keys, values);
        else {
            keys.push_back(key);
            values.push_back(it->is_string() ? it->get<std::string>() : it->dump());
        }
    }
}

geodata::Table wifi_district_table(const sim::wifi::WifiKpis& k) {
    const std::size_t n = k.districts.size();
    std::vector<std::int64_t> id(n), aps(n);
    std::vector<std::string> name(n);
    std::vector<double> area(n), pop(n), pop_share(n), per_ap(n), street(n), street_share(n);
    geodata::Table t{"wifi_districts", n, {}, {}, {}};
    for (std::size_t i = 0; i < n; ++i) {
        const auto& d = k.districts[i];
        id[i] = d.id;
        name[i] = d.name;
        area[i] = d.area_covered_share;
        pop[i] = d.population;
        pop_share[i] = d.population_covered_share;
        street[i] = d.street_person_hours;
        street_share[i] = d.outdoor_people_covered_share;
        aps[i] = static_cast<std::int64_t>(d.aps);
        per_ap[i] = d.people_per_ap;  // NaN (no AP) is written as null
        t.polygons.push_back(d.area);
    }
    t.columns = {{"district_id", id}, {"name", name}, {"area_covered_share", area}, {"population", pop},
                 {"population_covered_share", pop_share}, {"street_person_hours", street},
                 {"outdoor_people_covered_share", street_share}, {"aps", aps}, {"people_per_ap", per_ap}};
    return t;
}

// Every building on the coverage grid with its footprint: what its residents receive
// indoors (home cell, entry loss and margin included), so QGIS can colour buildings by it.
geodata::Table wifi_building_table(const sim::wifi::WifiKpis& k, const geodata::CityModel& model) {
    const std::size_t n = k.buildings.size();
    std::vector<std::int64_t> id(n), covered(n), indoors(n), server(n);
    std::vector<double> residents(n), rssi(n);
    geodata::Table t{"wifi_buildings", n, {}, {}, {}};
    for (std::size_t i = 0; i < n; ++i) {
        const auto& b = k.buildings[i];
        id[i] = b.id;
        residents[i] = b.residents;
        indoors[i] = b.indoors ? 1 : 0;
        rssi[i] = b.rssi_dbm == sim::wifi::no_signal ? std::numeric_limits<double>::quiet_NaN() : b.rssi_dbm;
        covered[i] = b.covered ? 1 : 0;
        server[i] = b.server == sim::wifi::no_server ? -1 : static_cast<std::int64_t>(b.server);
        t.polygons.push_back((*model.buildings)[b.id].footprint);
    }
    t.columns = {{"building_id", id}, {"residents", residents}, {"indoors", indoors}, {"rssi_dbm", rssi},
                 {"covered", covered}, {"server_ap_id", server}};
    return t;
}

// Every (AP, hour), 24 rows per AP; throughput is null for an hour without users.
geodata::Table wifi_ap_load_table(const sim::wifi::CapacityResult& c) {
    const std::size_t n = c.loads.size();
    std::vector<std::int64_t> ap(n), hour(n), overloaded(n);
    std::vector<double> users(n), throughput(n), peak(n), share(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& l = c.loads[i];
        ap[i] = l.ap;
        hour[i] = l.hour;
        users[i] = l.users;
        share[i] = l.airtime_share;
        peak[i] = l.peak_users;
        throughput[i] = l.throughput_per_user_mbps;
        overloaded[i] = l.overloaded ? 1 : 0;
    }
    return {"wifi_ap_load", n,
            {{"ap_id", ap}, {"hour", hour}, {"users", users}, {"peak_users", peak}, {"airtime_share", share},
             {"throughput_per_user_mbps", throughput},
             {"overloaded", overloaded}},
            {}, {}};
}

void write_wifi_rasters(const RunOutput& run, const std::string& path) {
    const auto& c = run.wifi->coverage;
    const geodata::GridPlacement place{c.grid.width, c.grid.height, c.grid.origin_x, c.grid.origin_y, c.grid.cell_size};
    const std::string crs = run.model.crs_wkt.empty() ? run.model.crs : run.model.crs_wkt;
    const auto paths = wifi_raster_paths(path);
    geodata::write_geotiff(paths[0], crs, place, std::span<const float>(c.rssi_dbm),
                           {"best-server RSSI", "dBm", sim::wifi::no_signal});
    geodata::write_geotiff(paths[1], crs, place, std::span<const std::uint32_t>(c.server),
                           {"serving access point id (ap_id)", "", static_cast<double>(sim::wifi::no_server)});
    geodata::write_geotiff(paths[2], crs, place, std::span<const float>(c.sinr_db),
                           {"SINR of the best server", "dB", sim::wifi::no_signal});
    // Servers: 0 is a value (no usable AP), so nodata is the largest count instead.
    geodata::write_geotiff(paths[3], crs, place, std::span<const std::uint16_t>(c.servers),
                           {"access points at or above the threshold", "", 65535.0});
}

// The same rasters as tables of the GeoPackage (Float32: ids and counts are exact there).
void add_wifi_raster_tables(const RunOutput& run, geodata::DatasetWriter& writer) {
    const auto& c = run.wifi->coverage;
    const geodata::GridPlacement place{c.grid.width, c.grid.height, c.grid.origin_x, c.grid.origin_y, c.grid.cell_size};
    auto as_float = [](const auto& v, double nodata_in) {
        std::vector<float> out(v.size());
        for (std::size_t i = 0; i < v.size(); ++i)
            out[i] = static_cast<double>(v[i]) == nodata_in ? sim::wifi::no_signal : static_cast<float>(v[i]);
        return out;
    };
    writer.add_raster("wifi_rssi", place, c.rssi_dbm, {"best-server RSSI", "dBm", sim::wifi::no_signal});
    writer.add_raster("wifi_server", place, as_float(c.server, static_cast<double>(sim::wifi::no_server)),
                      {"serving access point id (ap_id)", "", sim::wifi::no_signal});
    writer.add_raster("wifi_sinr", place, c.sinr_db, {"SINR of the best server", "dB", sim::wifi::no_signal});
    writer.add_raster("wifi_servers", place, as_float(c.servers, 65535.0),
                      {"access points at or above the threshold", "", sim::wifi::no_signal});
}

}  // namespace

std::vector<std::string> wifi_raster_paths(const std::string& out) {
    std::filesystem::path stem(out);
    stem.replace_extension();
    std::vector<std::string> paths;
    for (const char* suffix : {"-rssi.tif", "-server.tif", "-sinr.tif", "-servers.tif"})
        paths.push_back(stem.string() + suffix);
    return paths;
}

std::vector<geodata::Table> result_tables(const RunOutput& run) {
    std::vector<geodata::Table> tables;
    std::vector<std::string> keys, values;
    flatten(kpis_json(run), "", keys, values);
    tables.push_back({"kpis", keys.size(), {{"key", keys}, {"value", values}}, {}, {}});
    if (run.mobility) {
        tables.push_back(link_flow_table(run));
        tables.push_back(trip_table(run));
        tables.push_back(position_table(run));
        tables.push_back(junction_delay_table(run));
        tables.push_back(signal_plan_table(run));
        if (!run.demand.boundary.empty()) tables.push_back(boundary_table(run));
        tables.push_back(district_mode_table(run));
        tables.push_back(trip_length_table(run));
        if (run.model.paths->link_count()) {
            tables.push_back(path_table(run));
            tables.push_back(path_flow_table(run));
        }
        for (auto& t : transit_tables(run)) tables.push_back(std::move(t));
        std::vector<std::int64_t> it;
        for (std::size_t i = 0; i < run.mobility->relative_gap.size(); ++i) it.push_back(static_cast<std::int64_t>(i + 1));
        tables.push_back({"iterations", it.size(), {{"iteration", it}, {"relative_gap", run.mobility->relative_gap}}, {}, {}});
    }
    for (const auto& p : run.plugins) tables.insert(tables.end(), p.tables.begin(), p.tables.end());
    if (run.wifi) {
        tables.push_back(wifi_district_table(run.wifi->kpis));
        tables.push_back(wifi_building_table(run.wifi->kpis, run.model));
        tables.push_back(wifi_ap_load_table(run.wifi->capacity));
    }
    return tables;
}

void write_results(const RunOutput& run, const std::string& path, const std::string& driver) {
    geodata::DatasetWriter writer(path, run.model.crs_wkt, driver);
    writer.add_city(run.model);
    writer.set_metadata("CITYTWIN_VERSION", CITYTWIN_VERSION);
    writer.set_metadata("CITYTWIN_SCENARIO_FILE", run.scenario.path);
    writer.set_metadata("CITYTWIN_SCENARIO", run.scenario.text);
    writer.set_metadata("CITYTWIN_SEED", std::to_string(run.seed));
    // The KPIs whole, for tools that read results back (citytwin compare, Python).
    writer.set_metadata("CITYTWIN_KPIS", kpis_json(run).dump());
    for (const auto& t : result_tables(run)) writer.add_table(t);
    if (run.wifi) {
        // Rasters before the GeoPackage gets its name: its appearance means all is written.
        // A connection string (PG:…) has no folder to put files in: no rasters then.
        if (!geodata::is_gdal_connection(path)) write_wifi_rasters(run, path);
        if (run.scenario.wifi_rasters_in_geopackage && driver == "GPKG") add_wifi_raster_tables(run, writer);
    }
    writer.commit();
}

}  // namespace citytwin::scenarios
