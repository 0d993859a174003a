#include <citytwin/sim/external_demand.hpp>

#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/random.hpp>

#include <citytwin/geodata/error.hpp>

#include <algorithm>
#include <cmath>

#include <set>

namespace citytwin::sim {

std::vector<BoundaryPoint> boundary_points(const geodata::RoadNetwork& net, geodata::RoadClass lowest) {
    std::vector<BoundaryPoint> points;
    for (const auto& node : net.nodes()) {
        std::set<std::uint32_t> neighbours;
        bool major = false;
        for (const auto l : net.out_links(node.id)) {
            neighbours.insert(net.link(l).to.value);
            major = major || net.link(l).road_class <= lowest;
        }
        for (const auto l : net.in_links(node.id)) {
            neighbours.insert(net.link(l).from.value);
            major = major || net.link(l).road_class <= lowest;
        }
        if (neighbours.size() != 1 || !major) continue;
        BoundaryPoint p;
        p.node = node.id.value;
        p.at = node.position;
        for (const auto l : net.out_links(node.id)) {
            p.inward = l.value;
            p.capacity_in = net.link(l).capacity_vph;
            p.name = net.link(l).name;
        }
        for (const auto l : net.in_links(node.id)) {
            p.outward = l.value;
            p.capacity_out = net.link(l).capacity_vph;
            if (p.name.empty()) p.name = net.link(l).name;
        }
        const bool turn = p.inward != UINT32_MAX && p.outward != UINT32_MAX &&
                          net.turn_allowed(geodata::LinkId(p.outward), geodata::LinkId(p.inward));
        p.entry = turn ? p.outward : p.inward;
        points.push_back(p);
    }
    return points;
}

namespace {

Seconds clamp_to(double t, Seconds lo, Seconds hi) {
    return static_cast<Seconds>(std::clamp<double>(std::round(t), static_cast<double>(lo), static_cast<double>(hi)));
}

/// Draws from weights (cumulative); -1 when all are zero.
int pick(const std::vector<double>& weights, double u) {
    double total = 0.0;
    for (double w : weights) total += w;
    if (total <= 0.0) return -1;
    double acc = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        acc += weights[i];
        if (u * total < acc) return static_cast<int>(i);
    }
    return static_cast<int>(weights.size()) - 1;
}

/// Whole units of a daily volume in the sample, rounded without bias.
std::size_t sampled(double per_day, double sample, std::uint64_t seed, std::uint64_t what) {
    const double e = per_day * sample;
    return static_cast<std::size_t>(std::floor(e)) + (uniform(seed, Stream::External, what, 1u << 30) < e - std::floor(e) ? 1u : 0u);
}

class ExternalTrips {
public:
    ExternalTrips(const ExternalContext& c, std::vector<Trip>& trips) : c_(c), trips_(trips) {
        for (const auto& p : c.points) {
            // Commuters come and go by the same road: points with both directions.
            const bool both = p.inward != UINT32_MAX && p.outward != UINT32_MAX;
            commute_in_.push_back(both ? p.capacity_in : 0.0);
            enter_.push_back(p.inward != UINT32_MAX ? p.capacity_in : 0.0);
            leave_.push_back(p.outward != UINT32_MAX ? p.capacity_out : 0.0);
        }
        double total = 0.0;
        for (double m : c.config.commuter_modes) total += m;
        for (std::size_t m = 0; m < mode_count; ++m) modes_[m] = total > 0 ? c.config.commuter_modes[m] / total : (m == 0 ? 1.0 : 0.0);
    }

    bool can_commute() const { return pick(commute_in_, 0.5) >= 0; }
    bool can_cross() const {
        std::size_t in = 0, out = 0;
        for (std::size_t i = 0; i < enter_.size(); ++i) in += enter_[i] > 0 ? 1 : 0, out += leave_[i] > 0 ? 1 : 0;
        return in >= 1 && out >= 1 && (in + out > 2 || pick(enter_, 0.0) != pick(leave_, 0.0));
    }

    /// A commuter's tour between a building and a boundary point, both ways.
    void commute(std::uint32_t person, bool car_ok, bool inbound, std::uint32_t building, std::uint64_t key) {
        const auto& p = c_.points[static_cast<std::size_t>(pick(commute_in_, uniform(c_.seed, Stream::External, key, 2)))];
        std::array<double, mode_count> w = modes_;
        if (!car_ok) w[0] = 0.0;
        const double sum = w[0] + w[1] + w[2] + w[3];
        Mode mode = Mode::Transit;
        if (sum > 0.0) mode = static_cast<Mode>(pick(std::vector<double>(w.begin(), w.end()), uniform(c_.seed, Stream::External, key, 3)));
        const Seconds leave = clamp_to(c_.work_start_mean + c_.work_start_sd * normal(c_.seed, Stream::External, key, 4), 5 * 3600, 11 * 3600);
        const Seconds stay = clamp_to(c_.work_duration_mean + 3600 * normal(c_.seed, Stream::External, key, 5), 2 * 3600, 12 * 3600);
        const geodata::Point& b = c_.buildings[building].centroid;
        const External kind = inbound ? External::Inbound : External::Outbound;
        // Out: from home (inside) or the edge; back the other way.
        Trip& first = add(person, mode, kind, inbound ? p.at : b, inbound ? b : p.at, leave, Purpose::Work);
        if (inbound) first.origin_link = p.entry, first.destination_building = building;
        else first.destination_link = p.outward;
        const Seconds arrived = leave + static_cast<Seconds>(std::lround(first.offroad_time_s));
        Trip& back = add(person, mode, kind, inbound ? b : p.at, inbound ? p.at : b, arrived + stay, Purpose::Home);
        if (inbound) back.destination_link = p.outward;
        else back.origin_link = p.entry, back.destination_building = building;
        if (mode == Mode::Car) back.departure = leave + stay;  // re-timed on the experienced arrival by the loading
        back.previous = static_cast<std::uint32_t>(trips_.size() - 2);
        back.activity_s = stay;
    }

    /// A car that enters at one point and leaves at another: morning and evening peaks
    /// (35 % each, sd 1 h) over a daytime base (30 %, 06:00–22:00).
    void cross(std::uint32_t person, std::uint64_t key) {
        const int a = pick(enter_, uniform(c_.seed, Stream::External, key, 6));
        std::vector<double> to = leave_;
        to[static_cast<std::size_t>(a)] = 0.0;  // elsewhere than it came in
        const int b = pick(to, uniform(c_.seed, Stream::External, key, 7));
        if (a < 0 || b < 0) return;
        const double u = uniform(c_.seed, Stream::External, key, 8);
        const double t = u < 0.35   ? 8 * 3600 + 3600 * normal(c_.seed, Stream::External, key, 9)
                         : u < 0.7  ? 17.5 * 3600 + 3600 * normal(c_.seed, Stream::External, key, 9)
                                    : 6 * 3600 + 16 * 3600 * uniform(c_.seed, Stream::External, key, 10);
        const auto& from = c_.points[static_cast<std::size_t>(a)];
        const auto& end = c_.points[static_cast<std::size_t>(b)];
        Trip& trip = add(person, Mode::Car, External::Through, from.at, end.at, clamp_to(t, 4 * 3600, 23 * 3600), Purpose::Through);
        trip.origin_link = from.entry;
        trip.destination_link = end.outward;
    }

private:
    Trip& add(std::uint32_t person, Mode mode, External kind, const geodata::Point& from, const geodata::Point& to,
              Seconds departure, Purpose purpose) {
        Trip t;
        t.id = static_cast<std::uint32_t>(trips_.size());
        t.person = person;
        t.departure = departure;
        t.origin = from;
        t.destination = to;
        t.mode = mode;
        t.purpose = purpose;
        t.external = kind;
        if (mode != Mode::Car) {
            // The leg inside the area, teleported like the residents' off-network trips.
            const ModeParameters& m = c_.choice.modes[static_cast<std::size_t>(mode)];
            const double d = std::hypot(to.x - from.x, to.y - from.y) * m.detour;
            t.offroad_distance_m = static_cast<float>(d);
            t.offroad_time_s = static_cast<float>(d / (m.speed_kmh / 3.6) + m.wait_s);
        }
        trips_.push_back(t);
        return trips_.back();
    }

    const ExternalContext& c_;
    std::vector<Trip>& trips_;
    std::vector<double> commute_in_, enter_, leave_;
    std::array<double, mode_count> modes_{};
};

}  // namespace

void add_external_trips(const ExternalContext& c, const std::vector<char>& works_outside, std::vector<Person>& people,
                        std::vector<Trip>& trips) {
    const ExternalDemandConfig& cfg = c.config;
    ExternalTrips external(c, trips);
    const bool commuters = cfg.inbound_commuters > 0.0 || cfg.outbound_commuters > 0.0;
    if (commuters && !external.can_commute())
        throw geodata::Error("demand.external: commuters are given, but no two-way road of class " +
                             std::string(geodata::to_string(cfg.lowest_class)) +
                             " or higher crosses the area's edge (a dead end the extract cut); lower demand.external.lowest_class");
    if (cfg.through_vehicles > 0.0 && !external.can_cross())
        throw geodata::Error("demand.external: through_vehicles are given, but fewer than two roads of class " +
                             std::string(geodata::to_string(cfg.lowest_class)) + " or higher cross the area's edge");
    for (std::size_t id = 0; id < works_outside.size(); ++id)
        if (works_outside[id])
            external.commute(static_cast<std::uint32_t>(id), people[id].car, false, people[id].home_building, id);
    const std::size_t inbound = sampled(cfg.inbound_commuters, c.sample, c.seed, 1);
    for (std::size_t k = 0; k < inbound; ++k) {
        const auto id = static_cast<std::uint32_t>(people.size());
        Person p;
        p.employed = true;
        p.car = true;   // the mode shares decide
        people.push_back(p);
        external.commute(id, true, true, c.workplace(uniform(c.seed, Stream::External, id, 11)), id);
    }
    const std::size_t through = sampled(cfg.through_vehicles, c.sample, c.seed, 2);
    for (std::size_t k = 0; k < through; ++k) {
        const auto id = static_cast<std::uint32_t>(people.size());
        Person p;
        p.car = true;
        people.push_back(p);
        external.cross(id, id);
    }
}

}  // namespace citytwin::sim
