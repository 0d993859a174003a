#include <citytwin/sim/network_loading.hpp>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <cmath>
#include <limits>
#include <queue>

namespace citytwin::sim {

namespace {

/// FIFO on a vector: cheaper than std::deque for 100k mostly-empty links.
class Fifo {
public:
    bool empty() const { return head_ == buf_.size(); }
    std::size_t size() const { return buf_.size() - head_; }
    std::uint32_t front() const { return buf_[head_]; }
    void push_back(std::uint32_t v) { buf_.push_back(v); }
    void pop_front() {
        if (++head_ == buf_.size()) {
            buf_.clear();
            head_ = 0;
        } else if (head_ > 64 && head_ * 2 > buf_.size()) {
            buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }

private:
    std::vector<std::uint32_t> buf_;
    std::size_t head_ = 0;
};

struct LinkState {
    Fifo queue;      ///< on the link, in entry order
    Fifo buffer;     ///< at the link end, waiting to cross the node
    Fifo waiting;    ///< departing here, waiting for space
    double front_ready = 0.0;  ///< when the queue's first vehicle may leave (cached: no vehicle lookup)
    double flow_credit = 0.0;
    Seconds credit_time = 0;   ///< step the credit was last brought up to date
    long space = 0;  ///< frozen in phase 1, spent by the from-node in phase 2
};

struct LinkParams {
    double travel_time;   ///< s, free flow
    double flow_per_step; ///< vehicles per 1 s step
    long storage;         ///< vehicles
    std::size_t buffer;   ///< exit buffer size
};

enum class VehicleState : std::uint8_t { Idle, Waiting, Driving, Done };

// Credit counts as one vehicle from 1 − 1e-9 on: ten steps of 0.1 sum to 0.999…9.
constexpr double credit_full = 1.0 - 1e-9;

}  // namespace

LoadingResult load_network(const geodata::RoadNetwork& net, const std::vector<Route>& routes,
                           const std::vector<Seconds>& departures, const LoadingConfig& config,
                           const ProgressFn& progress, const LoadingHooks& hooks) {
    const std::size_t n_links = net.link_count(), n_nodes = net.node_count(), n_trips = routes.size();
    LoadingResult r;
    r.hours = static_cast<std::size_t>((config.end + 3599) / 3600);
    r.arrival.assign(n_trips, -1);
    r.status.assign(n_trips, TripStatus::NotLoaded);
    r.entries.assign(r.hours * n_links, 0);
    r.exits.assign(r.hours * n_links, 0);
    r.exit_travel_time.assign(r.hours * n_links, 0.0);

    std::vector<LinkParams> params(n_links);
    for (const auto& l : net.links()) {
        LinkParams& p = params[l.id.value];
        p.travel_time = l.length_m / l.freeflow_speed_mps;
        p.flow_per_step = l.capacity_vph * config.flow_capacity_factor / 3600.0;
        p.storage = std::max(1L, std::lround(l.storage_veh * config.storage_capacity_factor));
        p.buffer = static_cast<std::size_t>(std::max(1.0, std::ceil(p.flow_per_step)));
    }
    std::vector<LinkState> links(n_links);
    // An empty link has all its storage; its flow credit is kept (and caught up when it
    // is next visited), so a link that empties for a moment cannot release a burst.
    auto reset_idle = [&](std::size_t l) { links[l].space = params[l].storage; };
    for (std::size_t l = 0; l < n_links; ++l) {
        links[l].flow_credit = std::max(1.0, params[l].flow_per_step);  // one step's worth
        links[l].credit_time = config.start;
        reset_idle(l);
    }

    // Only links holding vehicles, and nodes with vehicles at an in-link's end, are
    // visited. Within a phase the tasks are independent, so the order of these lists
    // never changes a result; they only spare the idle network.
    std::vector<char> listed(n_links, 0), node_listed(n_nodes, 0);
    std::vector<std::uint32_t> active, active_nodes;
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> newly_active;

    // Vehicle (= trip) state; each field is written by whoever holds the vehicle.
    std::vector<std::uint32_t> position(n_trips, 0);
    std::vector<Seconds> entered(n_trips, 0);
    std::vector<double> ready_at(n_trips, 0.0);
    std::vector<Seconds> buffered_since(n_trips, 0);
    std::vector<VehicleState> state(n_trips, VehicleState::Idle);

    std::vector<std::uint32_t> schedule;
    for (std::uint32_t t = 0; t < n_trips; ++t)
        if (!routes[t].empty() && departures[t] < config.end) schedule.push_back(t);
    std::stable_sort(schedule.begin(), schedule.end(),
                     [&](auto a, auto b) { return departures[a] < departures[b]; });

    // Trajectories: every k-th loaded trip, at most the configured number.
    std::vector<std::uint32_t> sampled;
    if (config.trajectory_interval > 0 && config.trajectory_max_vehicles > 0 && !schedule.empty()) {
        const std::size_t stride = std::max<std::size_t>(1, schedule.size() / config.trajectory_max_vehicles +
                                                                (schedule.size() % config.trajectory_max_vehicles ? 1 : 0));
        for (std::uint32_t t = 0; t < n_trips; ++t)
            if (!routes[t].empty() && t % stride == 0 && sampled.size() < config.trajectory_max_vehicles)
                sampled.push_back(t);
    }

    std::atomic<std::size_t> arrived{0}, stuck{0};
    std::size_t next_departure = 0, inserted = 0;
    auto hour_of = [&](Seconds t) { return std::min<std::size_t>(static_cast<std::size_t>(t / 3600), r.hours - 1); };
    auto finish = [&](std::uint32_t v, Seconds now, std::uint32_t link) {
        r.arrival[v] = now;
        r.status[v] = TripStatus::Arrived;
        state[v] = VehicleState::Done;
        const std::size_t cell = hour_of(now) * n_links + link;
        ++r.exits[cell];
        r.exit_travel_time[cell] += now - entered[v];
        arrived.fetch_add(1, std::memory_order_relaxed);
    };

    // Closed links refuse entry; events (known closures, observer actions) apply in
    // (time, link, change) order at the start of their step.
    std::vector<int> closed(n_links, 0);
    std::priority_queue<LinkEvent, std::vector<LinkEvent>, std::greater<>> events(hooks.events.begin(), hooks.events.end());
    std::vector<LinkEvent> actions;
    StepView view;
    view.iteration = hooks.iteration;
    view.vehicles_on = [&](std::uint32_t l) { return l < n_links ? links[l].queue.size() + links[l].buffer.size() : 0; };
    view.closed = [&](std::uint32_t l) { return l < n_links && closed[l] > 0; };

    Seconds now = config.start;
    for (; now < config.end; ++now) {
        const std::size_t in_network = inserted - arrived.load() - stuck.load();
        if (in_network == 0) {
            if (next_departure == schedule.size()) break;
            now = std::max(now, departures[schedule[next_departure]]);  // nothing moves until then
            if (now >= config.end) break;
        }
        // Departures of this second join their first link's waiting list (serial, trip order).
        while (next_departure < schedule.size() && departures[schedule[next_departure]] <= now) {
            const std::uint32_t v = schedule[next_departure++];
            const std::uint32_t first = routes[v][0];
            links[first].waiting.push_back(v);
            if (!listed[first]) {
                listed[first] = 1;
                active.push_back(first);
            }
            state[v] = VehicleState::Waiting;
            ++inserted;
        }
        while (!events.empty() && events.top().time <= now) {
            closed[events.top().link] += events.top().closures;
            events.pop();
        }
        const std::size_t hour = hour_of(now);

        // Phase 1: per active link. Grains are large: a step with little traffic is
        // cheaper run inline than handed to threads (up to 108 000 steps a day).
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, active.size(), 1024), [&](const auto& range) {
            for (std::size_t a = range.begin(); a != range.end(); ++a) {
                const std::size_t l = active[a];
                LinkState& s = links[l];
                const LinkParams& p = params[l];
                const long occupied = static_cast<long>(s.queue.size() + s.buffer.size());
                if (s.buffer.empty() && s.waiting.empty() && s.front_ready > now) {
                    s.space = p.storage - occupied;  // vehicles that left in phase 2 free space now
                    continue;                        // nobody can move here this step
                }
                // Flow credit grows by the rate each step while it is below one vehicle
                // (MATSim's accumulator): a saturated link keeps its fractions and passes
                // exactly its capacity; an idle one saves at most one vehicle plus a step.
                if (s.flow_credit < credit_full && now > s.credit_time) {
                    const double steps_to_full = std::ceil((credit_full - s.flow_credit) / p.flow_per_step);
                    s.flow_credit += p.flow_per_step * std::min<double>(steps_to_full, now - s.credit_time);
                }
                s.credit_time = now;
                while (!s.queue.empty()) {
                    const std::uint32_t v = s.queue.front();
                    if (ready_at[v] > now) break;
                    if (position[v] + 1 == routes[v].size()) {  // destination reached: park
                        s.queue.pop_front();
                        finish(v, now, static_cast<std::uint32_t>(l));
                        continue;
                    }
                    if (s.flow_credit < credit_full || s.buffer.size() >= p.buffer) break;
                    s.queue.pop_front();
                    s.buffer.push_back(v);
                    buffered_since[v] = now;
                    s.flow_credit -= 1.0;
                }
                // Departing vehicles start at the end of their first link (MATSim's wait
                // list): after the vehicles already driving, they go straight to the exit
                // buffer as flow capacity and storage allow, so they may leave in this step.
                while (!s.waiting.empty() && s.flow_credit >= credit_full && s.buffer.size() < p.buffer &&
                       static_cast<long>(s.queue.size() + s.buffer.size()) < p.storage) {
                    const std::uint32_t v = s.waiting.front();
                    s.waiting.pop_front();
                    state[v] = VehicleState::Driving;
                    entered[v] = now;
                    ready_at[v] = now;
                    if (routes[v].size() == 1) {  // origin and destination on one link
                        finish(v, now, static_cast<std::uint32_t>(l));
                        continue;
                    }
                    s.buffer.push_back(v);
                    buffered_since[v] = now;
                    s.flow_credit -= 1.0;
                }
                s.front_ready = s.queue.empty() ? std::numeric_limits<double>::infinity() : ready_at[s.queue.front()];
                s.space = p.storage - static_cast<long>(s.queue.size() + s.buffer.size());
            }
        });

        // Phase 2: per node.
        active_nodes.clear();
        for (const std::uint32_t l : active) {
            if (links[l].buffer.empty()) continue;
            const std::uint32_t node = net.link(geodata::LinkId(l)).to.value;
            if (!node_listed[node]) {
                node_listed[node] = 1;
                active_nodes.push_back(node);
            }
        }
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, active_nodes.size(), 512), [&](const auto& range) {
            auto& fresh = newly_active.local();
            for (std::size_t a = range.begin(); a != range.end(); ++a) {
                const std::size_t node = active_nodes[a];
                const auto in = net.in_links(geodata::NodeId(static_cast<std::uint32_t>(node)));
                const std::size_t k = in.size();
                if (k == 0) continue;
                for (const geodata::LinkId lid : in) {
                    Fifo& buf = links[lid.value].buffer;
                    while (!buf.empty() && now - buffered_since[buf.front()] >= config.stuck_time) {
                        const std::uint32_t v = buf.front();
                        buf.pop_front();
                        r.status[v] = TripStatus::Stuck;
                        state[v] = VehicleState::Done;
                        stuck.fetch_add(1, std::memory_order_relaxed);
                    }
                }
                const std::size_t first = (static_cast<std::size_t>(now) + node) % k;
                for (bool moved = true; moved;) {
                    moved = false;
                    for (std::size_t j = 0; j < k; ++j) {
                        const std::uint32_t from = in.first[(first + j) % k].value;
                        Fifo& buf = links[from].buffer;
                        if (buf.empty()) continue;
                        const std::uint32_t v = buf.front();
                        const std::uint32_t to = routes[v][position[v] + 1];
                        if (links[to].space <= 0 || closed[to] > 0) continue;  // FIFO: the whole buffer waits
                        buf.pop_front();
                        --links[to].space;
                        const std::size_t out_cell = hour * n_links + from;
                        ++r.exits[out_cell];
                        r.exit_travel_time[out_cell] += now - entered[v];
                        ++position[v];
                        entered[v] = now;
                        // A vehicle that crosses at the first step after it was due was never
                        // held: it entered at its due time, so keep the fraction of a second
                        // (free-flow trips then take ceil(Σ t) rather than Σ ceil(t)).
                        const double entry = now - ready_at[v] < 1.0 ? ready_at[v] : static_cast<double>(now);
                        ready_at[v] = entry + params[to].travel_time;
                        if (links[to].queue.empty()) links[to].front_ready = ready_at[v];
                        links[to].queue.push_back(v);
                        if (!listed[to]) {  // only this node (to's from-node) writes listed[to] now
                            listed[to] = 1;
                            fresh.push_back(to);
                        }
                        ++r.entries[hour * n_links + to];
                        moved = true;
                    }
                }
            }
        });
        for (const std::uint32_t node : active_nodes) node_listed[node] = 0;
        // Keep the links that still hold vehicles, add the ones entered this step.
        std::size_t kept = 0;
        for (const std::uint32_t l : active) {
            const LinkState& st = links[l];
            if (st.queue.empty() && st.buffer.empty() && st.waiting.empty()) {
                listed[l] = 0;
                reset_idle(l);
            } else {
                active[kept++] = l;
            }
        }
        active.resize(kept);
        for (auto& fresh : newly_active) {
            active.insert(active.end(), fresh.begin(), fresh.end());
            fresh.clear();
        }

        if (!sampled.empty() && (now - config.start) % config.trajectory_interval == 0) {
            for (const std::uint32_t v : sampled) {
                if (state[v] != VehicleState::Driving) continue;
                const std::uint32_t link = routes[v][position[v]];
                const auto& l = net.link(geodata::LinkId(link));
                // On its first link a vehicle starts at the end (where trips begin).
                const double frac = position[v] == 0 || params[link].travel_time <= 0
                                        ? 1.0
                                        : std::clamp((now - entered[v]) / params[link].travel_time, 0.0, 1.0);
                const auto p = geodata::point_along(l.geometry, frac * l.length_m);
                r.positions.push_back({v, now, link, p.x, p.y});
            }
        }
        if (hooks.observer) {
            view.now = now;
            view.departed = inserted;
            view.arrived = arrived.load();
            view.stuck = stuck.load();
            hooks.observer(view, actions);
            for (const LinkEvent& e : actions) {
                if (e.link >= n_links) throw std::out_of_range("link event for link " + std::to_string(e.link) + " (the network has " + std::to_string(n_links) + " links)");
                events.push({std::max<Seconds>(e.time, now + 1), e.link, e.closures});
            }
            actions.clear();
        }
        if (progress && now % 600 == 0) progress(now, arrived.load(), schedule.size());
    }
    r.last_step = now;
    r.departed = inserted;
    r.arrived = arrived.load();
    r.stuck = stuck.load();
    for (std::uint32_t t = 0; t < n_trips; ++t)
        if (state[t] == VehicleState::Driving || state[t] == VehicleState::Waiting) {
            r.status[t] = TripStatus::EnRoute;
            ++r.en_route;
        }
    // Waiting vehicles never entered the network: they count as departed and en route.
    return r;
}

LinkCosts experienced_costs(const geodata::RoadNetwork& net, const LoadingResult& result) {
    LinkCosts costs = LinkCosts::free_flow(net);
    costs.time_invariant = false;
    const std::size_t n = net.link_count();
    for (std::size_t h = 0; h < hours_per_day && h < result.hours; ++h)
        for (std::size_t l = 0; l < n; ++l) {
            const std::size_t cell = h * n + l;
            if (result.exits[cell] == 0) continue;
            const double mean = result.exit_travel_time[cell] / result.exits[cell];
            float& c = costs.seconds[h * n + l];
            c = std::max(c, static_cast<float>(mean));
        }
    return costs;
}

}  // namespace citytwin::sim
