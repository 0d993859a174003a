#include <citytwin/scenarios/run.hpp>

#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/progress.hpp>
#include <citytwin/sim/clock.hpp>

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <chrono>
#include <cstdio>
#include <functional>
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

    out.model = geodata::load_city(scenario.city, {options.progress}, out.report);
    if (scenario.synthetic) out.demand = sim::synthesize_demand(out.model, *scenario.synthetic, out.seed);
    else if (scenario.trip_table) out.demand = demand_from_table(scenario, out.model);
    if (scenario.synthetic || scenario.trip_table) {
        if (options.progress)
            std::fprintf(stderr, "demand: %zu trips of %zu persons (%s)\n", out.demand.trips.size(), out.demand.persons,
                         out.demand.source.c_str());
        StageProgress progress(options.progress);
        out.mobility = sim::run_mobility(out.model, out.demand, scenario.mobility, out.seed, std::ref(progress));
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

nlohmann::json kpis_json(const RunOutput& run) {
    nlohmann::json j;
    j["scenario"] = run.scenario.name;
    j["run"] = {{"seed", run.seed}, {"threads", run.threads}, {"seconds", run.seconds}, {"crs", run.model.crs}};
    j["city"] = {{"nodes", run.model.roads->node_count()}, {"links", run.model.roads->link_count()},
                 {"buildings", run.model.buildings->size()}, {"access_points", run.model.access_points->size()}};
    if (run.mobility) {
        const auto& k = run.mobility->kpis;
        j["mobility"] = {
            {"trips", k.trips},
            {"car_trips", k.car_trips},
            {"other_mode_trips", k.other_mode_trips},
            {"completed", k.completed},
            {"unroutable", k.unroutable},
            {"stuck", k.stuck},
            {"en_route", k.en_route},
            {"mean_travel_time_s", k.mean_travel_time_s},
            {"mean_delay_s", k.mean_delay_s},
            {"vehicle_km", k.vehicle_km},
            {"vehicle_hours", k.vehicle_hours},
            {"congested_link_share", k.congested_link_share},
            {"peak_hour", k.peak_hour},
            {"iterations", k.iterations},
            {"relative_gap", k.relative_gap},
            {"relative_gap_by_iteration", run.mobility->relative_gap},
            {"note", "only car trips are loaded on the roads; other modes are counted in other_mode_trips"},
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
    geodata::Table t{"link_flows", link.size(), {}, {}};
    t.columns = {{"link_id", link}, {"hour", hour}, {"flow_veh", flow}, {"exits_veh", exits},
                 {"mean_travel_time_s", tt}, {"mean_speed_kmh", speed}, {"volume_capacity", vc}};
    return t;
}

std::string_view status_name(sim::TripStatus s, bool routed, bool car) {
    if (!car) return "other_mode";
    if (!routed) return "unroutable";
    switch (s) {
        case sim::TripStatus::Arrived: return "arrived";
        case sim::TripStatus::EnRoute: return "en_route";
        case sim::TripStatus::Stuck: return "stuck";
        case sim::TripStatus::NotLoaded: return "not_loaded";
    }
    return "not_loaded";
}

geodata::Table trip_table(const RunOutput& run) {
    const auto& m = *run.mobility;
    const std::size_t n = run.demand.trips.size();
    std::vector<std::int64_t> id(n), person(n), dep(n), arr(n), links(n), olink(n), dlink(n);
    std::vector<double> tt(n), fft(n), dist(n);
    std::vector<std::string> purpose(n), status(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& t = run.demand.trips[i];
        const auto& o = m.trips[i];
        id[i] = t.id;
        person[i] = t.person;
        dep[i] = t.departure;
        arr[i] = m.loading.arrival[i];
        tt[i] = arr[i] >= 0 ? static_cast<double>(arr[i] - dep[i]) : -1.0;
        fft[i] = o.freeflow_time_s;
        dist[i] = o.distance_m;
        links[i] = o.route_links;
        olink[i] = o.origin_link == UINT32_MAX ? -1 : o.origin_link;
        dlink[i] = o.destination_link == UINT32_MAX ? -1 : o.destination_link;
        purpose[i] = std::string(sim::to_string(t.purpose));
        status[i] = std::string(status_name(m.loading.status[i], !m.routes[i].empty(), t.by_car));
    }
    geodata::Table table{"trips", n, {}, {}};
    table.columns = {{"trip_id", id}, {"person", person}, {"purpose", purpose}, {"status", status},
                     {"departure_s", dep}, {"arrival_s", arr}, {"travel_time_s", tt}, {"freeflow_time_s", fft},
                     {"distance_m", dist}, {"route_links", links}, {"origin_link", olink}, {"destination_link", dlink}};
    return table;
}

geodata::Table position_table(const RunOutput& run) {
    const auto& pos = run.mobility->loading.positions;
    geodata::Table t{"vehicle_positions", pos.size(), {}, {}};
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

}  // namespace

void write_results(const RunOutput& run, const std::string& path, const std::string& driver) {
    geodata::DatasetWriter writer(path, run.model.crs_wkt, driver);
    writer.add_city(run.model);
    writer.set_metadata("CITYTWIN_VERSION", CITYTWIN_VERSION);
    writer.set_metadata("CITYTWIN_SCENARIO_FILE", run.scenario.path);
    writer.set_metadata("CITYTWIN_SCENARIO", run.scenario.text);
    writer.set_metadata("CITYTWIN_SEED", std::to_string(run.seed));
    std::vector<std::string> keys, values;
    flatten(kpis_json(run), "", keys, values);
    geodata::Table kpis{"kpis", keys.size(), {{"key", keys}, {"value", values}}, {}};
    writer.add_table(kpis);
    if (run.mobility) {
        writer.add_table(link_flow_table(run));
        writer.add_table(trip_table(run));
        writer.add_table(position_table(run));
        std::vector<std::int64_t> it;
        for (std::size_t i = 0; i < run.mobility->relative_gap.size(); ++i) it.push_back(static_cast<std::int64_t>(i + 1));
        writer.add_table({"iterations", it.size(), {{"iteration", it}, {"relative_gap", run.mobility->relative_gap}}, {}});
    }
    writer.commit();
}

}  // namespace citytwin::scenarios
