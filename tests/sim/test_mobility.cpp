// A day of car traffic end to end: KPIs that add up on small hand-made networks, trips
// without a path, re-routing toward equilibrium on a two-route network, and the real
// Monaco scenario through run_scenario, the result GeoPackage and the `citytwin run` CLI.
#include "../geodata/test_helpers.hpp"

#include <citytwin/geodata/result_reader.hpp>
#include <citytwin/geodata/road_graph_builder.hpp>
#include <citytwin/geodata/source_info.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/scenarios/scenario_file.hpp>
#include <citytwin/sim/mobility.hpp>

#include <tbb/global_control.h>

#include "test_networks.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace citytwin::sim {
namespace {

namespace fs = std::filesystem;
using geodata::CityModel;
using geodata::GraphBuildOptions;
using geodata::GraphBuildReport;
using geodata::Link;
using geodata::LinkId;
using geodata::OnewayDirection;
using geodata::Point;
using geodata::RoadNetwork;
using geodata::RoadWay;
using nlohmann::json;

using test_networks::build;
using test_networks::way;

using test_networks::grid_ways;

CityModel model_of(RoadNetwork net) {
    CityModel m;
    m.name = "test";
    m.roads = std::make_shared<RoadNetwork>(std::move(net));
    return m;
}

Trip link_trip(std::uint32_t id, std::uint32_t from, std::uint32_t to, Seconds dep, bool car = true) {
    Trip t;
    t.id = id;
    t.person = id;
    t.departure = dep;
    t.mode = car ? Mode::Car : Mode::Walk;
    t.origin_link = from;
    t.destination_link = to;
    return t;
}

MobilityConfig quiet_config(int iterations = 1) {
    MobilityConfig c;
    c.iterations = iterations;
    c.loading.trajectory_interval = 0;
    c.loading.parallel_grain = 64;  // small networks: steps still split, 1 vs 2 threads compare
    return c;
}

// ---------------------------------------------------------------- KPIs on a grid

struct GridDay {
    CityModel model = model_of(build(grid_ways(6)));
    Demand demand;
    MobilityResult result;
    GridDay() {
        std::mt19937 rng(5);
        const auto links = static_cast<std::uint32_t>(model.roads->link_count());
        std::uniform_int_distribution<std::uint32_t> link(0, links - 1);
        std::uniform_int_distribution<Seconds> dep(7 * 3600, 9 * 3600);
        std::uniform_real_distribution<double> coord(-20.0, 520.0);
        for (std::uint32_t i = 0; i < 600; ++i) {
            Trip t = link_trip(i, link(rng), link(rng), dep(rng), i % 3 != 0);
            if (i % 5 == 0) {  // placed by coordinates: the nearest link is used
                t.origin_link = t.destination_link = UINT32_MAX;
                t.origin = {coord(rng), coord(rng)};
                t.destination = {coord(rng), coord(rng)};
            }
            demand.trips.push_back(t);
        }
        demand.persons = demand.trips.size();
        result = run_mobility(model, demand, quiet_config(2), 3);
    }
};

const GridDay& grid_day() {
    static const GridDay d;
    return d;
}

TEST(Mobility, KpisAddUp) {
    const GridDay& d = grid_day();
    const MobilityKpis& k = d.result.kpis;
    EXPECT_EQ(k.trips, 600u);
    EXPECT_EQ(k.car_trips, 400u);  // every third trip is not by car
    EXPECT_EQ(k.other_mode_trips, 200u);
    EXPECT_EQ(k.completed + k.unroutable + k.abandoned + k.en_route, k.car_trips);
    EXPECT_EQ(k.unroutable, 0u);  // one strongly connected grid
    EXPECT_EQ(k.completed, d.result.loading.arrived);
    EXPECT_EQ(k.iterations, 2);
    ASSERT_EQ(d.result.relative_gap.size(), 2u);
    EXPECT_EQ(k.relative_gap, d.result.relative_gap.back());
    for (double g : d.result.relative_gap) {
        EXPECT_GE(g, 0.0);
        EXPECT_LT(g, 1.0);
    }

    // Recompute the means from the per-trip outcomes.
    const RoadNetwork& net = *d.model.roads;
    const LinkCosts ff = LinkCosts::free_flow(net);
    double tt = 0, fft = 0, km = 0;
    std::size_t completed = 0;
    for (std::size_t i = 0; i < d.demand.trips.size(); ++i) {
        const Trip& t = d.demand.trips[i];
        const TripOutcome& o = d.result.trips[i];
        const Route& route = d.result.routes[i];
        if (!t.by_car()) {
            EXPECT_TRUE(route.empty()) << "trip " << i;
            EXPECT_EQ(d.result.loading.status[i], TripStatus::NotLoaded) << "trip " << i;
            EXPECT_EQ(o.origin_link, UINT32_MAX) << "trip " << i;
            continue;
        }
        ASSERT_FALSE(route.empty()) << "trip " << i;
        EXPECT_EQ(route.front(), o.origin_link) << "trip " << i;
        EXPECT_EQ(route.back(), o.destination_link) << "trip " << i;
        if (t.origin_link != UINT32_MAX) {
            EXPECT_EQ(o.origin_link, t.origin_link);
            EXPECT_EQ(o.destination_link, t.destination_link);
        }
        EXPECT_EQ(o.route_links, route.size());
        double dist = 0;
        for (std::size_t j = 1; j < route.size(); ++j) dist += net.link(LinkId(route[j])).length_m;
        EXPECT_NEAR(o.distance_m, dist, 1e-6) << "trip " << i;
        EXPECT_NEAR(o.freeflow_time_s, route_cost(ff, route, t.departure), 1e-6) << "trip " << i;
        if (d.result.loading.status[i] == TripStatus::Arrived) {
            ++completed;
            const double travel = d.result.loading.arrival[i] - t.departure;
            EXPECT_GE(travel, o.freeflow_time_s - 1e-6) << "trip " << i << " faster than free flow";
            tt += travel;
            fft += o.freeflow_time_s;
            km += o.distance_m / 1000.0;
        }
    }
    ASSERT_EQ(completed, k.completed);
    ASSERT_GT(completed, 0u);
    const double n_done = static_cast<double>(completed);
    EXPECT_NEAR(k.mean_travel_time_s, tt / n_done, 1e-9 * tt);
    EXPECT_NEAR(k.mean_delay_s, (tt - fft) / n_done, 1e-6);
    EXPECT_GE(k.mean_travel_time_s, fft / n_done);
    EXPECT_NEAR(k.vehicle_km, km, 1e-9 * km);
    EXPECT_NEAR(k.vehicle_hours, tt / 3600.0, 1e-9 * tt);
    EXPECT_GE(k.congested_link_share, 0.0);
    EXPECT_LE(k.congested_link_share, 1.0);

    // The peak hour is the hour with the most link entries.
    const std::size_t n = net.link_count();
    std::vector<std::size_t> per_hour(d.result.loading.hours, 0);
    for (std::size_t h = 0; h < d.result.loading.hours; ++h)
        for (std::size_t l = 0; l < n; ++l) per_hour[h] += d.result.loading.entries[h * n + l];
    EXPECT_EQ(static_cast<std::size_t>(k.peak_hour),
              static_cast<std::size_t>(std::max_element(per_hour.begin(), per_hour.end()) - per_hour.begin()));
}

TEST(Mobility, TripsByCoordinatesUseTheNearestLink) {
    const GridDay& d = grid_day();
    const RoadNetwork& net = *d.model.roads;
    for (std::size_t i = 0; i < d.demand.trips.size(); ++i) {
        const Trip& t = d.demand.trips[i];
        if (!t.by_car() || t.origin_link != UINT32_MAX) continue;
        // The grid's links are straight 100 m segments on x = 100·k or y = 100·k.
        auto gap = [&](std::uint32_t l, Point p) {
            const Link& k = net.link(LinkId(l));
            const Point a = net.node(k.from).position, b = net.node(k.to).position;
            const double cx = std::clamp(p.x, std::min(a.x, b.x), std::max(a.x, b.x));
            const double cy = std::clamp(p.y, std::min(a.y, b.y), std::max(a.y, b.y));
            return std::hypot(p.x - cx, p.y - cy);
        };
        double best_o = 1e9, best_d = 1e9;
        for (const auto& l : net.links()) {
            best_o = std::min(best_o, gap(l.id.value, t.origin));
            best_d = std::min(best_d, gap(l.id.value, t.destination));
        }
        EXPECT_NEAR(gap(d.result.trips[i].origin_link, t.origin), best_o, 1e-9) << "trip " << i;
        EXPECT_NEAR(gap(d.result.trips[i].destination_link, t.destination), best_d, 1e-9) << "trip " << i;
    }
}

TEST(Mobility, SameResultForOneAndTwoThreads) {
    const GridDay& d = grid_day();
    MobilityResult one;
    {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
        one = run_mobility(d.model, d.demand, quiet_config(2), 3);
    }
    EXPECT_EQ(one.routes, d.result.routes);
    EXPECT_EQ(one.loading.arrival, d.result.loading.arrival);
    EXPECT_EQ(one.relative_gap, d.result.relative_gap);
    EXPECT_EQ(one.kpis.mean_travel_time_s, d.result.kpis.mean_travel_time_s);
}

// ---------------------------------------------------------------- exact small cases

// A one-way chain of 100 m links at exactly 10 m/s: 10 s each.
RoadNetwork chain(int n) {
    std::vector<RoadWay> ways;
    for (int i = 0; i < n; ++i) ways.push_back(way(i, {{100.0 * i, 0}, {100.0 * (i + 1), 0}}, OnewayDirection::Forward));
    const RoadNetwork built = build(ways, false);
    std::vector<Link> links = built.links();
    for (auto& l : links) l.freeflow_speed_mps = 10.0;
    return RoadNetwork(built.nodes(), std::move(links));
}

TEST(Mobility, LoneTripOnAnEmptyRoadHasNoDelay) {
    // 3 links after the first, 10 s each: the trip starts at the end of link 0 and takes
    // its free-flow time, 30 s; its delay is 0.
    const CityModel m = model_of(chain(4));
    Demand demand;
    demand.trips = {link_trip(0, 0, 3, 8 * 3600)};
    const MobilityResult r = run_mobility(m, demand, quiet_config(), 1);
    ASSERT_EQ(r.kpis.completed, 1u);
    EXPECT_EQ(r.trips[0].freeflow_time_s, 30.0);
    EXPECT_EQ(r.trips[0].distance_m, 300.0);
    EXPECT_EQ(r.trips[0].route_links, 4u);
    EXPECT_EQ(r.loading.arrival[0] - 8 * 3600, 30);
    EXPECT_NEAR(r.kpis.mean_travel_time_s, 30.0, 1e-9);
    EXPECT_NEAR(r.kpis.mean_delay_s, 0.0, 1e-4);
    EXPECT_NEAR(r.kpis.vehicle_km, 0.3, 1e-12);
}

TEST(Mobility, UnroutableTripsAreCountedAndNotLoaded) {
    // Two grids 5 km apart, both kept: trips between them have no path.
    std::vector<RoadWay> ways = grid_ways(3);
    for (auto& w : grid_ways(3, 5000.0, 100)) ways.push_back(w);
    const CityModel m = model_of(build(ways, false));
    ASSERT_EQ(m.roads->link_count(), 48u);
    auto part = [&](std::uint32_t l) { return m.roads->node(m.roads->link(LinkId(l)).from).position.x > 2500 ? 1 : 0; };
    Demand demand;
    std::size_t across = 0;
    for (std::uint32_t i = 0; i < 48; ++i) {
        const std::uint32_t from = i, to = (i * 7 + 3) % 48;
        demand.trips.push_back(link_trip(i, from, to, 8 * 3600 + static_cast<Seconds>(i)));
        across += part(from) != part(to) ? 1 : 0;
    }
    demand.trips.push_back(link_trip(48, 0, 30, 8 * 3600, false));  // not by car: neither
    ASSERT_GT(across, 5u);
    const MobilityResult r = run_mobility(m, demand, quiet_config(), 1);
    EXPECT_EQ(r.kpis.unroutable, across);
    EXPECT_EQ(r.kpis.car_trips, 48u);
    EXPECT_EQ(r.kpis.other_mode_trips, 1u);
    EXPECT_EQ(r.kpis.completed + r.kpis.unroutable + r.kpis.abandoned + r.kpis.en_route, 48u);
    EXPECT_EQ(r.loading.departed, 48u - across);
    for (std::uint32_t i = 0; i < 48; ++i) {
        if (part(i) != part((i * 7 + 3) % 48)) {
            EXPECT_TRUE(r.routes[i].empty()) << "trip " << i;
            EXPECT_EQ(r.loading.status[i], TripStatus::NotLoaded) << "trip " << i;
            EXPECT_EQ(r.loading.arrival[i], -1) << "trip " << i;
            EXPECT_EQ(r.trips[i].route_links, 0u);
        } else {
            EXPECT_EQ(r.loading.status[i], TripStatus::Arrived) << "trip " << i;
        }
    }
}

TEST(Mobility, CongestedLinkShareUsesTheScaledCapacity) {
    // A 10 % sample drives on 10 % capacities (flow_capacity_factor 0.1), so 10 vehicles
    // in an hour on a 100 veh/h link are a full link (v/c = 10 / (0.1 · 100) = 1 > 0.9);
    // the other two links are far from full. Vehicles 6 min apart never queue.
    std::vector<Link> links = chain(3).links();
    const RoadNetwork base = chain(3);
    links[1].capacity_vph = 100.0;
    links[0].capacity_vph = links[2].capacity_vph = 1e5;
    const CityModel m = model_of(RoadNetwork(base.nodes(), links));
    Demand demand;
    for (std::uint32_t i = 0; i < 10; ++i) demand.trips.push_back(link_trip(i, 0, 2, 8 * 3600 + 360 * static_cast<Seconds>(i)));
    MobilityConfig c = quiet_config();
    c.loading.flow_capacity_factor = 0.1;
    c.loading.storage_capacity_factor = 0.1;
    const MobilityResult r = run_mobility(m, demand, c, 1);
    ASSERT_EQ(r.loading.entries[8 * 3 + 1], 10u);
    EXPECT_EQ(r.kpis.peak_hour, 8);
    EXPECT_NEAR(r.kpis.congested_link_share, 1.0 / 3.0, 1e-12);
}

// ---------------------------------------------------------------- equilibrium

// From the end of O, two ways to T and on along D: a short narrow street (600 m, 60 s,
// 450 veh/h) and a long wide road (1000 m, 100 s, 3600 veh/h). 200 trips leave within
// ten minutes (1 per 3 s): all take the short street first and queue there (one per
// 8 s). At equilibrium about 80 use the street, waiting less than the 40 s the wide road
// costs extra, and the rest the wide road.
struct TwoRoutes {
    RoadNetwork net;
    std::uint32_t origin = 0, short_road = 0, long_road = 0, destination = 0;
    TwoRoutes() {
        const Point o{-100, 0}, s{0, 0}, t{600, 0}, d{700, 0};
        const RoadNetwork built = build({way(1, {o, s}, OnewayDirection::Forward), way(2, {s, t}, OnewayDirection::Forward),
                                         way(3, {s, {0, 200}, {600, 200}, t}, OnewayDirection::Forward),
                                         way(4, {t, d}, OnewayDirection::Forward)},
                                        false);
        std::vector<Link> links = built.links();
        EXPECT_EQ(links.size(), 4u);
        for (auto& l : links) {
            l.freeflow_speed_mps = 10.0;
            l.capacity_vph = 1e5;
            l.storage_veh = 1e5;  // queues stay on their street, never back up onto O
        }
        origin = 0;
        short_road = 1;
        long_road = 2;
        destination = 3;
        EXPECT_EQ(links[short_road].length_m, 600.0);
        EXPECT_EQ(links[long_road].length_m, 1000.0);
        links[short_road].capacity_vph = 450.0;
        links[long_road].capacity_vph = 3600.0;
        net = RoadNetwork(built.nodes(), std::move(links));
    }
};

std::size_t using_link(const std::vector<Route>& routes, std::uint32_t link) {
    std::size_t n = 0;
    for (const auto& r : routes) n += std::find(r.begin(), r.end(), link) != r.end() ? 1 : 0;
    return n;
}

// 200 vehicles from 07:00, one every 3 s, from origin to destination of the two routes.
Demand two_route_peak(const TwoRoutes& w) {
    Demand demand;
    for (std::uint32_t i = 0; i < 200; ++i)
        demand.trips.push_back(link_trip(i, w.origin, w.destination, 7 * 3600 + 3 * static_cast<Seconds>(i)));
    return demand;
}

TEST(Mobility, ReroutingShiftsTrafficToTheWideRoadAndClosesTheGap) {
    const TwoRoutes w;
    const CityModel m = model_of(w.net);
    const Demand demand = two_route_peak(w);

    const MobilityResult first = run_mobility(m, demand, quiet_config(1), 11);
    EXPECT_EQ(using_link(first.routes, w.short_road), 200u) << "free flow: everybody on the short street";
    ASSERT_EQ(first.relative_gap.size(), 1u);
    EXPECT_GT(first.relative_gap[0], 0.3) << "200 vehicles in 10 min through 450 veh/h: far from equilibrium";

    const MobilityResult five = run_mobility(m, demand, quiet_config(5), 11);
    ASSERT_EQ(five.relative_gap.size(), 5u);
    EXPECT_EQ(five.kpis.iterations, 5);
    EXPECT_EQ(five.relative_gap[0], first.relative_gap[0]);  // the same first loading
    for (double g : five.relative_gap) EXPECT_GE(g, 0.0);
    EXPECT_LT(five.relative_gap.back(), five.relative_gap.front());
    EXPECT_LT(five.relative_gap.back(), 0.5 * five.relative_gap.front());
    // 20 % re-route per iteration toward the road that was faster in the last loading:
    // a good part of the traffic is on the wide road now, and both roads are used.
    const std::size_t on_long = using_link(five.routes, w.long_road);
    EXPECT_EQ(on_long + using_link(five.routes, w.short_road), 200u);
    EXPECT_GE(on_long, 50u);
    EXPECT_LE(on_long, 150u);
    EXPECT_LT(five.kpis.mean_travel_time_s, first.kpis.mean_travel_time_s);
    EXPECT_EQ(five.kpis.completed, 200u);
}

TEST(Mobility, StopsAtTheFirstLoadingWhoseGapReachesTheTarget) {
    const TwoRoutes w;
    const CityModel m = model_of(w.net);
    const Demand demand = two_route_peak(w);
    const MobilityResult all = run_mobility(m, demand, quiet_config(8), 11);
    ASSERT_EQ(all.relative_gap.size(), 8u);
    EXPECT_FALSE(all.kpis.converged) << "no target: every iteration runs";
    // The target is the gap of the third loading: the run stops at the first loading at or
    // below it, and that loading is the result, as if iterations had been that count.
    const double target = all.relative_gap[2];
    std::size_t first = 0;
    while (all.relative_gap[first] > target) ++first;
    MobilityConfig c = quiet_config(8);
    c.target_gap = target;
    const MobilityResult stopped = run_mobility(m, demand, c, 11);
    EXPECT_TRUE(stopped.kpis.converged);
    EXPECT_EQ(stopped.kpis.iterations, static_cast<int>(first + 1));
    EXPECT_LT(stopped.kpis.iterations, 8);
    EXPECT_EQ(stopped.kpis.relative_gap, all.relative_gap[first]);
    const MobilityResult fixed = run_mobility(m, demand, quiet_config(static_cast<int>(first + 1)), 11);
    EXPECT_EQ(stopped.kpis.mean_travel_time_s, fixed.kpis.mean_travel_time_s);
    EXPECT_EQ(stopped.routes, fixed.routes);
    // Out of reach: all iterations, and the run says it did not converge.
    c.target_gap = 1e-9;
    const MobilityResult short_of_it = run_mobility(m, demand, c, 11);
    EXPECT_EQ(short_of_it.kpis.iterations, 8);
    EXPECT_FALSE(short_of_it.kpis.converged);
}

TEST(Mobility, ReroutersKeepTheirRouteUnlessTheBestSavesMinSaving) {
    // The same day: with an indifference band wider than any saving nobody leaves the
    // short street; with one below the saving of the first re-routing, as without a band.
    const TwoRoutes w;
    const CityModel m = model_of(w.net);
    const Demand demand = two_route_peak(w);
    MobilityConfig stay = quiet_config(3);
    stay.min_saving = 0.99;
    const MobilityResult kept = run_mobility(m, demand, stay, 11);
    EXPECT_EQ(using_link(kept.routes, w.short_road), 200u);
    EXPECT_EQ(using_link(kept.routes, w.long_road), 0u);
    MobilityConfig small = quiet_config(3);
    small.min_saving = 0.01;
    const MobilityResult moved = run_mobility(m, demand, small, 11);
    EXPECT_GT(using_link(moved.routes, w.long_road), 0u);
    EXPECT_LT(moved.kpis.mean_travel_time_s, kept.kpis.mean_travel_time_s);
}

// ---------------------------------------------------------------- Monaco

std::string monaco_scenario() { return std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/baseline.yaml"; }

scenarios::Scenario small_monaco() {
    scenarios::Scenario s = scenarios::load_scenario(monaco_scenario());
    EXPECT_TRUE(s.synthetic.has_value());
    // A 10 % population on 10 % capacities, one loading: a fraction of a second.
    s.synthetic->sample = 0.1;
    s.mobility.loading.flow_capacity_factor = 0.1;
    s.mobility.loading.storage_capacity_factor = 0.1;
    s.mobility.iterations = 1;
    return s;
}

TEST(MobilityMonaco, RoadworksGapIsANumberAtEveryIteration) {
    // A tour's later trip re-timed into the closure keeps a route through the closed
    // boulevard (+inf on its departure hour's costs): the gap leaves it out. Before, the
    // gap was NaN from the 3rd iteration on, and the run never stopped at target_gap.
    scenarios::Scenario s = scenarios::load_scenario(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/monaco/roadworks.yaml");
    s.mobility.iterations = 3;
    s.mobility.target_gap = 0.0;
    scenarios::RunOptions o;
    o.progress = false;
    const auto run = scenarios::run_scenario(s, o);
    ASSERT_TRUE(run.mobility);
    ASSERT_EQ(run.mobility->relative_gap.size(), 3u);
    for (double g : run.mobility->relative_gap) {
        EXPECT_TRUE(std::isfinite(g)) << g;
        EXPECT_GE(g, 0.0);
    }
}

const scenarios::RunOutput& monaco_run(int threads) {
    static std::map<int, scenarios::RunOutput> runs;
    auto it = runs.find(threads);
    if (it == runs.end()) {
        scenarios::RunOptions o;
        o.threads = threads;
        o.progress = false;
        it = runs.emplace(threads, scenarios::run_scenario(small_monaco(), o)).first;
    }
    return it->second;
}

TEST(MonacoScenario, KpisIdenticalForOneAndTwoThreads) {
    const auto& a = monaco_run(1);
    const auto& b = monaco_run(2);
    EXPECT_EQ(a.threads, 1);
    EXPECT_EQ(b.threads, 2);
    json ja = scenarios::kpis_json(a), jb = scenarios::kpis_json(b);
    for (json* j : {&ja, &jb}) {
        (*j)["run"].erase("seconds");
        (*j)["run"].erase("threads");
    }
    EXPECT_EQ(ja, jb) << ja.dump(2) << "\n---\n" << jb.dump(2);
    ASSERT_TRUE(a.mobility && b.mobility);
    EXPECT_EQ(a.mobility->loading.arrival, b.mobility->loading.arrival);
    EXPECT_EQ(a.mobility->loading.entries, b.mobility->loading.entries);
    EXPECT_EQ(a.mobility->routes, b.mobility->routes);
}

TEST(MonacoScenario, KpisAreConsistent) {
    const auto& run = monaco_run(2);
    ASSERT_TRUE(run.mobility);
    const auto j = scenarios::kpis_json(run);
    const auto& mob = j["mobility"];
    EXPECT_EQ(j["scenario"], "monaco-baseline");
    EXPECT_EQ(j["run"]["seed"], 42);
    EXPECT_EQ(mob["trips"].get<std::size_t>(), run.demand.trips.size());
    // 38 000 residents at 10 %: about 3 800 persons, and the 36 700 who commute in: 3 670.
    const double residents = j["demand"]["residents"].get<double>();
    EXPECT_NEAR(residents, 3800.0, 60.0);
    EXPECT_NEAR(static_cast<double>(run.demand.persons) - residents, 3670.0, 1.0);
    EXPECT_EQ(j["demand"]["external"]["trips"]["inbound"].get<std::size_t>(), 2u * 3670u);
    EXPECT_EQ(mob["car_trips"].get<std::size_t>() + mob["other_mode_trips"].get<std::size_t>(),
              mob["trips"].get<std::size_t>());
    EXPECT_EQ(mob["completed"].get<std::size_t>() + mob["unroutable"].get<std::size_t>() +
                  mob["abandoned"].get<std::size_t>() + mob["en_route"].get<std::size_t>() +
                  mob["not_started"].get<std::size_t>(),
              mob["car_trips"].get<std::size_t>());
    const double share = mob["car_trips"].get<double>() / mob["trips"].get<double>();
    EXPECT_NEAR(share, 0.35, 0.04);
    EXPECT_GT(mob["completed"].get<std::size_t>(), 0.95 * mob["car_trips"].get<double>());
    EXPECT_GE(mob["mean_delay_s"].get<double>(), 0.0);
    EXPECT_GT(mob["mean_travel_time_s"].get<double>(), mob["mean_delay_s"].get<double>());
    EXPECT_EQ(mob["iterations"], 1);
    EXPECT_GE(mob["relative_gap"].get<double>(), 0.0);
    EXPECT_EQ(j["city"]["links"].get<std::size_t>(), run.model.roads->link_count());
}

std::size_t leaf_count(const json& j) {
    if (!j.is_object()) return 1;
    std::size_t n = 0;
    for (const auto& [k, v] : j.items()) n += leaf_count(v);
    return n;
}

TEST(MonacoScenario, ResultGeoPackageHasAllTables) {
    const auto& run = monaco_run(2);
    ASSERT_TRUE(run.mobility);
    testing::TempDir tmp;
    const fs::path out = tmp / "monaco.gpkg";
    scenarios::write_results(run, out.string());
    // Nothing but the result (and, as the scenario has `wifi:`, its coverage GeoTIFFs) is
    // left beside it (no temporary folder or journal).
    std::set<std::string> files;
    for (const auto& e : fs::directory_iterator(tmp.path())) files.insert(e.path().filename().string());
    EXPECT_EQ(files, (std::set<std::string>{"monaco.gpkg", "monaco-rssi.tif", "monaco-server.tif", "monaco-sinr.tif",
                                            "monaco-servers.tif"}));

    const geodata::SourceInfo info = geodata::describe_source(out.string());  // opened by GDAL
    EXPECT_EQ(info.driver, "GPKG");
    std::map<std::string, long long> rows;
    for (const auto& l : info.layers) rows[l.name] = l.feature_count;
    const auto& L = run.mobility->loading;
    std::size_t flow_cells = 0;
    for (std::size_t c = 0; c < L.entries.size(); ++c) flow_cells += (L.entries[c] || L.exits[c]) ? 1 : 0;
    ASSERT_TRUE(rows.count("trips"));
    ASSERT_TRUE(rows.count("link_flows"));
    ASSERT_TRUE(rows.count("vehicle_positions"));
    ASSERT_TRUE(rows.count("kpis"));
    ASSERT_TRUE(rows.count("iterations"));
    EXPECT_EQ(rows["trips"], static_cast<long long>(run.demand.trips.size()));
    EXPECT_EQ(rows["link_flows"], static_cast<long long>(flow_cells));
    EXPECT_EQ(rows["vehicle_positions"], static_cast<long long>(L.positions.size()));
    EXPECT_GT(rows["vehicle_positions"], 0);
    EXPECT_EQ(rows["kpis"], static_cast<long long>(leaf_count(scenarios::kpis_json(run))));
    EXPECT_EQ(rows["iterations"], 1);
    EXPECT_EQ(rows["links"], static_cast<long long>(run.model.roads->link_count()));
    EXPECT_EQ(rows["buildings"], static_cast<long long>(run.model.buildings->size()));
    // Trips by mode and length band: every trip in one band, the bands' sums the mode counts.
    const geodata::ResultReader reader(out.string());
    const auto lengths = reader.read_table("trip_lengths");
    ASSERT_EQ(lengths.number("trips").size(), 4u * 8u);
    std::map<std::string, double> by_mode;
    for (std::size_t i = 0; i < lengths.number("trips").size(); ++i) by_mode[lengths.text("mode")[i]] += lengths.number("trips")[i];
    for (std::size_t m = 0; m < mode_count; ++m)
        EXPECT_EQ(by_mode[std::string(to_string(static_cast<Mode>(m)))], static_cast<double>(run.mobility->demand.trips_by_mode[m]));
    // Mode shares per district: each district's shares sum to 1; its trips start in it.
    const auto districts = reader.read_table("district_modes");
    ASSERT_EQ(districts.number("trips").size(), run.model.districts->size());
    double in_districts = 0.0;
    for (std::size_t d = 0; d < districts.number("trips").size(); ++d) {
        in_districts += districts.number("trips")[d];
        if (districts.number("trips")[d] == 0.0) continue;
        double sum = 0.0;
        for (const char* m : {"car_share", "bike_share", "walk_share", "transit_share"}) sum += districts.number(m)[d];
        EXPECT_NEAR(sum, 1.0, 1e-9) << districts.text("name")[d];
    }
    // The extract reaches into France, outside every ward: most trips, not all, start in one.
    EXPECT_GT(in_districts, 0.6 * static_cast<double>(run.demand.trips.size()));
    EXPECT_LE(in_districts, static_cast<double>(run.demand.trips.size()));
}

// The city section of the Monaco scenario with absolute data paths, and a small demand.
std::string monaco_yaml(const std::string& demand_lines) {
    const std::string data = testing::data_dir().string();
    return "name: monaco-small\n"
           "city:\n"
           "  name: Monaco\n"
           "  crs: auto\n"
           "  roads:\n"
           "    source: " + data + "/monaco/monaco-2021.osm.pbf\n"
           "  buildings:\n"
           "    source: " + data + "/monaco/monaco-2021.osm.pbf\n"
           "  districts:\n"
           "    source: " + data + "/monaco/monaco-2021.osm.pbf\n"
           "    layer: multipolygons\n"
           "    where: \"boundary = 'administrative' AND admin_level = '10'\"\n"
           "    id_field: osm_id\n"
           "    name_field: name\n"
           "    population_field: population\n"
           "seed: 7\n"
           "demand:\n"
           "  synthetic:\n" + demand_lines +
           "mobility:\n"
           "  iterations: 1\n";
}

TEST(MonacoScenario, CliRunPrintsKpiJson) {
    testing::TempDir tmp;
    const fs::path file = tmp / "small.yaml";
    testing::write_file(file, monaco_yaml("    population: 38000\n    car_share: 0.35\n    sample: 0.05\n"));
    const auto r = testing::run_citytwin({"-q", "run", file.string(), "--json", "--threads", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = json::parse(r.out);
    const auto& m = j["mobility"];
    for (const char* key : {"trips", "car_trips", "completed", "unroutable", "mean_travel_time_s", "mean_delay_s",
                            "vehicle_km", "vehicle_hours", "congested_link_share", "iterations", "relative_gap"})
        EXPECT_TRUE(m.contains(key)) << "mobility." << key << " missing in\n" << r.out;
    EXPECT_GT(m["trips"].get<std::size_t>(), 1000u);  // ~1 900 persons
    EXPECT_LE(m["car_trips"].get<std::size_t>(), m["trips"].get<std::size_t>());
    EXPECT_EQ(m["completed"].get<std::size_t>() + m["unroutable"].get<std::size_t>() + m["abandoned"].get<std::size_t>() +
                  m["en_route"].get<std::size_t>(),
              m["car_trips"].get<std::size_t>());
    EXPECT_EQ(m["iterations"], 1);
    EXPECT_GE(m["relative_gap"].get<double>(), 0.0);
    EXPECT_GT(m["vehicle_km"].get<double>(), 0.0);
    EXPECT_NEAR(m["vehicle_hours"].get<double>(),
                m["completed"].get<double>() * m["mean_travel_time_s"].get<double>() / 3600.0, 1e-6);
    EXPECT_EQ(j["run"]["seed"], 7);
    EXPECT_EQ(j["run"]["threads"], 2);
}

// Four modes on the real city: RVU 2018's shares reached within a point; a toll on entering
// Monte-Carlo, calibrated on today's city, moves people out of their cars.
TEST(MonacoScenario, TargetSharesAreReachedAndATollShiftsModes) {
    testing::TempDir tmp;
    const std::string demand = "    population: 38000\n    sample: 0.3\n"
                               "  targets:\n    mode_shares: {car: 0.34, bike: 0.26, transit: 0.25, walk: 0.14}\n";
    const fs::path base = tmp / "base.yaml", toll = tmp / "toll.yaml";
    testing::write_file(base, monaco_yaml(demand));
    testing::write_file(toll, monaco_yaml(demand) + "edits:\n  - toll: {area: Monte-Carlo, amount: 60, from: \"06:00\", to: \"20:00\"}\n");
    const auto a = testing::run_citytwin({"-q", "run", base.string(), "--json"});
    const auto b = testing::run_citytwin({"-q", "run", toll.string(), "--json"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const json ja = json::parse(a.out), jb = json::parse(b.out);
    const auto& d = ja["demand"];
    EXPECT_TRUE(d["calibration"]["calibrated"].get<bool>()) << d.dump(1);
    const std::map<std::string, double> goal = {{"car", 0.34 / 0.99}, {"bike", 0.26 / 0.99}, {"transit", 0.25 / 0.99}, {"walk", 0.14 / 0.99}};
    double sum = 0.0;
    for (const auto& [mode, share] : goal) {
        EXPECT_NEAR(d["mode_share"][mode].get<double>(), share, 0.01) << mode;
        EXPECT_GT(d["mean_trip_km"][mode].get<double>(), 0.0) << mode;
        sum += d["mode_share"][mode].get<double>();
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
    EXPECT_GT(d["persons"].get<std::size_t>(), 10000u);
    EXPECT_EQ(ja["mobility"]["car_trips"], d["trips_by_mode"]["car"]);
    EXPECT_LT(d["mean_trip_km"]["walk"].get<double>(), d["mean_trip_km"]["car"].get<double>());
    // The variant keeps today's constants and shows its own effect.
    const auto& v = jb["demand"];
    EXPECT_TRUE(v["calibration"]["on_unedited_city"].get<bool>());
    EXPECT_EQ(v["calibration"]["constants"], d["calibration"]["constants"]);
    EXPECT_LT(v["mode_share"]["car"].get<double>(), d["mode_share"]["car"].get<double>() - 0.01)
        << "car share " << d["mode_share"]["car"] << " → " << v["mode_share"]["car"];
}

TEST(MonacoScenario, CliReportsDemandTypoWithFileAndLine) {
    testing::TempDir tmp;
    const fs::path file = tmp / "typo.yaml";
    const std::string text = monaco_yaml("    population: 38000\n    car_shar: 0.35\n");
    testing::write_file(file, text);
    // 1-based line of the typo.
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("car_shar")), '\n');
    const auto r = testing::run_citytwin({"-q", "run", file.string(), "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(file.string() + ":" + std::to_string(line) + ":"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("car_shar"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("car_share"), std::string::npos) << "the near miss should be suggested: " << r.err;
}

}  // namespace
}  // namespace citytwin::sim
