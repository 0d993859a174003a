#include <citytwin/sim/network_loading.hpp>
#include <citytwin/sim/random.hpp>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>

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

// Credit counts as one vehicle from 1 − 1e-9 on: ten steps of 0.1 sum to 0.999…9.
constexpr double credit_full = 1.0 - 1e-9;
// Time constant of the smoothed crossing rates that yielding movements see (s).
constexpr double rate_tau_s = 60.0;
constexpr double never = std::numeric_limits<double>::infinity();
constexpr double at_once = -std::numeric_limits<double>::infinity();
constexpr Seconds no_try = std::numeric_limits<Seconds>::max();

/// A flow credit that grows by `rate` per step while below one vehicle (MATSim's
/// accumulator), brought up to date lazily: a saturated stream keeps its fractions and
/// passes exactly its capacity; an idle one saves at most one vehicle plus a step.
struct Credit {
    double value = 0.0;
    Seconds time = 0;
    void catch_up(Seconds now, double rate) {
        if (value < credit_full && now > time && rate > 0.0) {
            const double steps_to_full = std::ceil((credit_full - value) / rate);
            value += rate * std::min<double>(steps_to_full, static_cast<double>(now - time));
        }
        time = std::max(time, now);
    }
};

/// One turning group's queue at a link end (a lane group leading to some out-links).
struct TurnQueue {
    Fifo vehicles;
    Credit flow;
    Credit gap;                ///< yielding: capacity the conflicting flow leaves this movement
    Seconds front_since = 0;   ///< when the front vehicle got to the front
};

struct LinkState {
    Fifo queue;                     ///< driving on the link, in entry order
    std::vector<TurnQueue> ends;    ///< at the link end, by turning group
    Fifo waiting;                   ///< departing here, waiting for space
    std::size_t at_end = 0;         ///< vehicles in `ends`
    double front_ready = std::numeric_limits<double>::infinity();  ///< when the queue's first vehicle reaches the end
    long space = 0;                 ///< frozen in phase 1, spent by the from-node in phase 2
    // Written by the to-node only:
    Seconds next_try = 0;           ///< next step worth a visit (the next green)
    double rate = 0.0;              ///< smoothed crossings, veh/s
    Seconds rate_time = 0;

    std::size_t occupancy() const { return queue.size() + at_end; }
};

struct LinkParams {
    double travel_time;    ///< s, free flow
    double flow_per_step;  ///< vehicles per 1 s step (the whole link)
    long storage;          ///< vehicles
    long group_storage;    ///< vehicles one turning queue holds
};

enum class VehicleState : std::uint8_t { Idle, Waiting, Driving, Done };

/// One network loading: the state and the named phases of a step.
class QueueSimulation {
public:
    QueueSimulation(const geodata::RoadNetwork& net, const std::vector<Route>& routes,
                    const std::vector<Seconds>& departures, const LoadingConfig& config, const LoadingHooks& hooks)
        : net_(net), routes_(routes), departures_(departures), config_(config), hooks_(hooks),
          junctions_(net, config.junctions), n_links_(net.link_count()), n_nodes_(net.node_count()) {
        init_result();
        init_links();
        init_vehicles();
    }

    LoadingResult run(const ProgressFn& progress);

private:
    void init_result();
    void init_links();
    void init_vehicles();

    bool skip_idle_time(Seconds& now);
    void insert_departures(Seconds now);
    void apply_events(Seconds now);
    void link_exits(Seconds now);
    void junction_transfer(Seconds now);
    void transfer_at_node(std::uint32_t node, Seconds now, std::vector<std::uint32_t>& fresh);
    bool cross(std::uint32_t from, TurnQueue& tq, Seconds now, std::vector<std::uint32_t>& fresh);
    void enter_link(std::uint32_t v, std::uint32_t to, Seconds now, double entry, std::vector<std::uint32_t>& fresh);
    void place_jumping(Seconds now);
    void refresh_active_links();
    void record_hour_end(Seconds now);
    void record_trajectories(Seconds now);
    void notify_observer(Seconds now);
    void finish(std::uint32_t v, Seconds now, std::uint32_t link);
    void list_link(std::uint32_t l);
    std::size_t hour_of(Seconds t) const {
        return std::min<std::size_t>(static_cast<std::size_t>(std::max<Seconds>(0, t) / 3600), r_.hours - 1);
    }
    double decayed_rate(const LinkState& s, Seconds now) const {
        return s.rate * std::exp(-static_cast<double>(now - s.rate_time) / rate_tau_s);
    }

    const geodata::RoadNetwork& net_;
    const std::vector<Route>& routes_;
    const std::vector<Seconds>& departures_;
    const LoadingConfig& config_;
    const LoadingHooks& hooks_;
    const JunctionModel junctions_;
    const std::size_t n_links_, n_nodes_;
    LoadingResult r_;

    std::vector<LinkParams> params_;
    std::vector<LinkState> links_;
    // Only links holding vehicles, and nodes with vehicles at an in-link's end, are
    // visited. Within a phase the tasks are independent, so the order of these lists
    // never changes a result; they only spare the idle network.
    std::vector<char> listed_, node_listed_;
    std::vector<std::uint32_t> active_, active_nodes_;
    // What the phases need to know of an active link, kept apart from LinkState so that a
    // step passes over the links with nothing to do reading a few bytes each (a grid-large
    // day: most links hold only vehicles that are still driving along them):
    //   due_[l]: the step from which phase 1 has work on l (its front vehicle's time), or
    //     −inf while vehicles wait to depart or stand at its end, +inf when it is empty.
    //     Written by l's own phase-1 task, and in phase 2 by l's from-node (an entry).
    //   left_[l]: a vehicle left l's end in phase 2, so phase 1 must give back its space.
    //     Written by l's to-node in phase 2, cleared by l's phase-1 task.
    //   end_try_[l]: the step from which l's to-node has work on it (vehicles at its end,
    //     and not red), or max. Written by l's phase-1 task and by its to-node.
    // Skipping a link is exact: a link that is not due, has nobody at its end and lost no
    // vehicle still has space = storage − occupancy, and visiting it would change nothing.
    std::vector<double> due_;
    std::vector<char> left_;
    std::vector<Seconds> end_try_;
    // The links phase 1 visited this step. Every link with vehicles at its end is among
    // them (such a link is due at once), so phase 2 looks for its nodes here, and only
    // these links can have become empty by the step's end (a vehicle leaves a link only
    // from its end, or on arriving in phase 1).
    std::vector<std::uint32_t> visited_;
    // active_ keeps a link that emptied until the list is compacted (in_active_: present
    // in the list; listed_: holds vehicles); stale_ counts such entries.
    std::vector<char> in_active_;
    std::size_t stale_ = 0;
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> newly_active_;
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> jumping_;  // stuck, jumping ahead this step

    // Vehicle (= trip) state, written by whoever holds the vehicle. One 32-byte record
    // per vehicle with what a crossing reads, so that a crossing costs one cache miss, not
    // one per field and one more for its route (grid-large: 6 million crossings a day;
    // loading 2.0 s -> 1.7 s). Its state (idle, waiting, driving, done) changes twice a
    // trip and lives apart.
    struct Vehicle {
        const std::uint32_t* route = nullptr;  ///< routes_[v]'s links
        std::uint32_t route_size = 0;
        std::uint32_t position = 0;            ///< index in the route of the link it is on
        double ready_at = 0.0;                 ///< when it reaches the end of that link (s)
        Seconds entered = 0;                   ///< the step it entered that link
        std::uint32_t next = no_next;          ///< the link after it (read when it entered), or no_next
        void set_next() { next = position + 1 < route_size ? route[position + 1] : no_next; }
    };
    static constexpr std::uint32_t no_next = std::numeric_limits<std::uint32_t>::max();
    std::vector<Vehicle> veh_;
    std::vector<VehicleState> state_;
    std::vector<std::uint32_t> schedule_, sampled_;

    std::atomic<std::size_t> arrived_{0}, stuck_{0}, abandoned_{0};
    std::size_t next_departure_ = 0, inserted_ = 0;

    // Closed links refuse entry; events (known closures, observer actions) apply in
    // (time, link, change) order at the start of their step.
    std::vector<int> closed_;
    std::priority_queue<LinkEvent, std::vector<LinkEvent>, std::greater<>> events_;
    std::vector<LinkEvent> actions_;
    StepView view_;
};

void QueueSimulation::init_result() {
    const std::size_t n_trips = routes_.size();
    r_.hours = static_cast<std::size_t>((config_.end + 3599) / 3600);
    r_.arrival.assign(n_trips, -1);
    r_.status.assign(n_trips, TripStatus::NotLoaded);
    r_.entries.assign(r_.hours * n_links_, 0);
    r_.exits.assign(r_.hours * n_links_, 0);
    r_.exit_travel_time.assign(r_.hours * n_links_, 0.0);
    r_.queued_time.assign(r_.hours * n_links_, 0.0f);
    r_.queue_full.assign(r_.hours * n_links_, 0);
    r_.junction_delay.assign(n_nodes_, 0.0);
    r_.junction_crossings.assign(n_nodes_, 0);
    r_.was_stuck.assign(n_trips, 0);
    r_.signal_plans = junctions_.signal_plans();
}

void QueueSimulation::init_links() {
    params_.resize(n_links_);
    links_.resize(n_links_);
    for (const auto& l : net_.links()) {
        LinkParams& p = params_[l.id.value];
        const std::size_t groups = junctions_.control(l.id.value).groups;
        p.travel_time = l.length_m / l.freeflow_speed_mps;
        // At a signal the queue discharges at the saturation flow while green; a link's
        // capacity (its mid-block or free-flow flow) may be higher.
        const bool signalised = junctions_.control(l.id.value).signal.cycle_s > 0.0 ||
                                junctions_.has_movement_signals(l.id.value);
        const double capacity = signalised ? std::min(l.capacity_vph, std::max(1, l.lanes) *
                                                                          config_.junctions.saturation_flow_per_lane)
                                           : l.capacity_vph;
        p.flow_per_step = capacity * config_.flow_capacity_factor / 3600.0;
        p.storage = std::max(1L, std::lround(l.storage_veh * config_.storage_capacity_factor));
        p.group_storage = std::max(1L, p.storage / static_cast<long>(groups));
        LinkState& s = links_[l.id.value];
        s.ends.resize(groups);
        // One step's worth of credit to start with, per group (its share of the lanes).
        for (auto& tq : s.ends) tq.flow = {std::max(1.0, p.flow_per_step / static_cast<double>(groups)), config_.start};
        for (auto& tq : s.ends) tq.gap = {1.0, config_.start};
        s.space = p.storage;
    }
    listed_.assign(n_links_, 0);
    node_listed_.assign(n_nodes_, 0);
    due_.assign(n_links_, never);
    left_.assign(n_links_, 0);
    in_active_.assign(n_links_, 0);
    end_try_.assign(n_links_, no_try);
    closed_.assign(n_links_, 0);
    for (const auto& e : hooks_.events) events_.push(e);
}

void QueueSimulation::init_vehicles() {
    const std::size_t n_trips = routes_.size();
    veh_.assign(n_trips, {});
    state_.assign(n_trips, VehicleState::Idle);
    for (std::size_t t = 0; t < n_trips; ++t) {
        veh_[t].route = routes_[t].data();
        veh_[t].route_size = static_cast<std::uint32_t>(routes_[t].size());
        veh_[t].set_next();
    }
    for (std::uint32_t t = 0; t < n_trips; ++t)
        if (!routes_[t].empty() && departures_[t] < config_.end) schedule_.push_back(t);
    std::stable_sort(schedule_.begin(), schedule_.end(),
                     [&](auto a, auto b) { return departures_[a] < departures_[b]; });
    // Trajectories: every k-th loaded trip, at most the configured number.
    if (config_.trajectory_interval > 0 && config_.trajectory_max_vehicles > 0 && !schedule_.empty()) {
        const std::size_t max = config_.trajectory_max_vehicles;
        const std::size_t stride = std::max<std::size_t>(1, schedule_.size() / max + (schedule_.size() % max ? 1 : 0));
        for (std::uint32_t t = 0; t < n_trips; ++t)
            if (!routes_[t].empty() && t % stride == 0 && sampled_.size() < max) sampled_.push_back(t);
    }
    view_.iteration = hooks_.iteration;
    view_.vehicles_on = [this](std::uint32_t l) { return l < n_links_ ? links_[l].occupancy() : 0; };
    view_.closed = [this](std::uint32_t l) { return l < n_links_ && closed_[l] > 0; };
}

void QueueSimulation::finish(std::uint32_t v, Seconds now, std::uint32_t link) {
    r_.arrival[v] = now;
    r_.status[v] = TripStatus::Arrived;
    state_[v] = VehicleState::Done;
    const std::size_t cell = hour_of(now) * n_links_ + link;
    ++r_.exits[cell];
    r_.exit_travel_time[cell] += static_cast<double>(now - veh_[v].entered);
    arrived_.fetch_add(1, std::memory_order_relaxed);
}

void QueueSimulation::list_link(std::uint32_t l) {
    if (!listed_[l]) {
        listed_[l] = 1;
        if (!in_active_[l]) {
            in_active_[l] = 1;
            active_.push_back(l);
        }
    }
}

bool QueueSimulation::skip_idle_time(Seconds& now) {
    const std::size_t in_network = inserted_ - arrived_.load() - abandoned_.load();
    if (in_network > 0) return true;
    if (next_departure_ == schedule_.size()) return false;
    now = std::max(now, departures_[schedule_[next_departure_]]);  // nothing moves until then
    return now < config_.end;
}

// Departures of this second join their first link's waiting list (serial, trip order).
void QueueSimulation::insert_departures(Seconds now) {
    while (next_departure_ < schedule_.size() && departures_[schedule_[next_departure_]] <= now) {
        const std::uint32_t v = schedule_[next_departure_++];
        links_[routes_[v][0]].waiting.push_back(v);
        due_[routes_[v][0]] = at_once;
        list_link(routes_[v][0]);
        state_[v] = VehicleState::Waiting;
        ++inserted_;
    }
}

void QueueSimulation::apply_events(Seconds now) {
    while (!events_.empty() && events_.top().time <= now) {
        closed_[events_.top().link] += events_.top().closures;
        events_.pop();
    }
}

// Phase 1, per active link with something to do. Grains are large: a step is short and a
// day has up to 108 000 of them, so handing a step to threads pays only for very busy
// networks. Measured (2 threads): grid-large (6 240 links, 80 of them visited per step on
// average) loads in 1.5 s on one thread, and in 1.3 s to 3.0 s, varying from run to run,
// with tasks of 64 visited links (the threads' wake-ups cost as much as the work); so a
// step stays on one thread unless it visits more than LoadingConfig::parallel_grain.
void QueueSimulation::link_exits(Seconds now) {
    const std::size_t hour = hour_of(now);
    // The links with something to do (see due_), found serially: a few bytes per link.
    visited_.clear();
    for (const std::uint32_t l : active_) {
        if (!left_[l] && due_[l] > static_cast<double>(now)) continue;
        left_[l] = 0;
        visited_.push_back(l);
    }
    auto visit = [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t a = range.begin(); a != range.end(); ++a) {
            const std::uint32_t l = visited_[a];
            LinkState& s = links_[l];
            const LinkParams& p = params_[l];
            auto note_state = [&] {
                due_[l] = s.waiting.empty() && s.at_end == 0 ? s.front_ready : at_once;
                end_try_[l] = s.at_end > 0 ? s.next_try : no_try;
            };
            // Spillback: the link is full and vehicles at its end could not leave last step.
            if (s.at_end > 0 && static_cast<long>(s.occupancy()) >= p.storage) r_.queue_full[hour * n_links_ + l] = 1;
            if (s.waiting.empty() && s.front_ready > static_cast<double>(now)) {
                s.space = p.storage - static_cast<long>(s.occupancy());  // vehicles that left in phase 2 free space now
                note_state();
                continue;                                               // nobody reaches the end this step
            }
            auto join_end = [&](std::uint32_t v) {
                TurnQueue& tq = s.ends[junctions_.group_of(l, veh_[v].next)];
                if (static_cast<long>(tq.vehicles.size()) >= p.group_storage) return false;
                if (tq.vehicles.empty()) tq.front_since = now;
                tq.vehicles.push_back(v);
                ++s.at_end;
                return true;
            };
            while (!s.queue.empty()) {
                const std::uint32_t v = s.queue.front();
                if (veh_[v].ready_at > static_cast<double>(now)) break;
                if (veh_[v].next == no_next) {  // destination reached: park
                    s.queue.pop_front();
                    finish(v, now, l);
                    continue;
                }
                if (!join_end(v)) break;  // its turning queue is full: the lane backs up into the link
                s.queue.pop_front();
            }
            // Departing vehicles start at the end of their first link (MATSim's wait
            // list): after the vehicles already driving, as storage allows, so they may
            // cross in this step.
            while (!s.waiting.empty() && static_cast<long>(s.occupancy()) < p.storage) {
                const std::uint32_t v = s.waiting.front();
                if (veh_[v].next != no_next && !join_end(v)) break;
                s.waiting.pop_front();
                state_[v] = VehicleState::Driving;
                veh_[v].entered = now;
                veh_[v].ready_at = static_cast<double>(now);
                if (veh_[v].next == no_next) finish(v, now, l);  // origin and destination on one link
            }
            s.front_ready = s.queue.empty() ? std::numeric_limits<double>::infinity() : veh_[s.queue.front()].ready_at;
            s.space = p.storage - static_cast<long>(s.occupancy());
            note_state();
        }
    };
    // One grain's worth runs here: handing it to the task scheduler costs more than the
    // visits of a quiet step.
    const std::size_t grain = std::max<std::size_t>(1, config_.parallel_grain);
    if (visited_.size() <= grain) visit(tbb::blocked_range<std::size_t>(0, visited_.size()));
    else tbb::parallel_for(tbb::blocked_range<std::size_t>(0, visited_.size(), grain), visit);
}

// Moves the front vehicle of a turning queue of `from` across the junction when its
// group has flow credit and its next link is open and has space (or it has waited
// stuck_time: then it jumps ahead, or is moved on regardless of space; see place_jumping).
bool QueueSimulation::cross(std::uint32_t from, TurnQueue& tq, Seconds now, std::vector<std::uint32_t>& fresh) {
    if (tq.vehicles.empty()) return false;
    LinkState& s = links_[from];
    const std::uint32_t v = tq.vehicles.front();
    const std::uint32_t to = veh_[v].next;
    const bool waited_too_long = now - tq.front_since >= config_.stuck_time;
    if (closed_[to] > 0) {
        if (!waited_too_long) return false;
        // Nobody may enter a closed link: after stuck_time the vehicle gives up.
        tq.vehicles.pop_front();
        tq.front_since = now;
        --s.at_end;
        left_[from] = 1;
        r_.status[v] = TripStatus::Stuck;
        r_.arrival[v] = now;
        state_[v] = VehicleState::Done;
        abandoned_.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    // A movement with its own green (a right turn green all cycle, straight on half of it)
    // follows that window instead of its in-link's; the node checked only the in-links
    // without movement greens.
    if (junctions_.has_movement_signals(from)) {
        const SignalTiming* own = junctions_.movement_signal(from, to);
        if (!(own ? *own : junctions_.control(from).signal).is_green(static_cast<double>(now))) return false;
    }
    tq.flow.catch_up(now, params_[from].flow_per_step / static_cast<double>(s.ends.size()));
    if (tq.flow.value < credit_full) return false;
    const InLinkControl& ctl = junctions_.control(from);
    if (ctl.yields) {
        // Siegloch capacity of this movement against the smoothed flows it yields to: the
        // streams of higher rank (all-way: all others) its path crosses or merges with.
        const auto& link = net_.link(geodata::LinkId(from));
        const double groups = static_cast<double>(s.ends.size());
        const auto in = net_.in_links(link.to);
        const float* w = junctions_.conflict_weights(from, to);
        double q = 0.0;
        for (std::size_t j = 0; j < in.size(); ++j) {
            const InLinkControl& oc = junctions_.control(in.first[j].value);
            if (w && w[j] > 0.0f && (ctl.all_way || oc.rank > ctl.rank))
                q += w[j] * 3600.0 * decayed_rate(links_[in.first[j].value], now);
        }
        const double capacity = std::min(link.capacity_vph * config_.flow_capacity_factor,
                                         std::max(1, link.lanes) * siegloch_capacity(q, ctl.gap)) / groups;
        tq.gap.catch_up(now, capacity / 3600.0);
        if (tq.gap.value < credit_full) return false;
    }
    const bool jumps = links_[to].space <= 0 && waited_too_long && config_.stuck_rule == StuckRule::JumpAhead;
    if (links_[to].space <= 0) {
        if (!waited_too_long) return false;
        if (!r_.was_stuck[v]) {
            r_.was_stuck[v] = 1;
            stuck_.fetch_add(1, std::memory_order_relaxed);
        }
    }
    const std::size_t hour = hour_of(now);
    const std::uint32_t node = net_.link(geodata::LinkId(from)).to.value;
    tq.vehicles.pop_front();
    tq.front_since = now;
    --s.at_end;
    left_[from] = 1;
    const std::size_t out_cell = hour * n_links_ + from;
    ++r_.exits[out_cell];
    r_.exit_travel_time[out_cell] += static_cast<double>(now - veh_[v].entered);
    // A vehicle that crosses at the first step after it was due was never held: it
    // entered at its due time, so keep the fraction of a second (free-flow trips then
    // take ceil(Σ t) rather than Σ ceil(t)); only a longer wait is junction delay.
    const double held = static_cast<double>(now) - veh_[v].ready_at;
    if (held >= 1.0) r_.junction_delay[node] += held;
    ++r_.junction_crossings[node];
    if (jumps) {  // placed after this phase, serially: it may land on any link of its route
        jumping_.local().push_back(v);
        return true;
    }
    tq.flow.value -= 1.0;
    if (ctl.yields) tq.gap.value -= 1.0;
    s.rate = decayed_rate(s, now) + 1.0 / rate_tau_s;
    s.rate_time = now;
    --links_[to].space;
    ++veh_[v].position;
    enter_link(v, to, now, held < 1.0 ? veh_[v].ready_at : static_cast<double>(now), fresh);
    return true;
}

// v enters `to` (the link at veh_[v].position of its route) at `entry` (s; `entered` keeps the
// step): it reaches the end after the free-flow time.
void QueueSimulation::enter_link(std::uint32_t v, std::uint32_t to, Seconds now, double entry,
                                 std::vector<std::uint32_t>& fresh) {
    veh_[v].entered = static_cast<Seconds>(std::floor(entry)) < now ? now : static_cast<Seconds>(std::floor(entry));
    veh_[v].ready_at = entry + params_[to].travel_time;
    veh_[v].set_next();  // its route's next entry is on the cache line just read
    LinkState& next = links_[to];
    if (next.queue.empty()) {
        next.front_ready = veh_[v].ready_at;
        due_[to] = std::min(due_[to], next.front_ready);
    }
    next.queue.push_back(v);
    if (!listed_[to]) {  // only to's from-node (or the serial jump phase) writes listed_[to] now
        listed_[to] = 1;
        fresh.push_back(to);
    }
    ++r_.entries[hour_of(now) * n_links_ + to];
}

// Vehicles that waited stuck_time before a full link jump ahead along their route to the
// first link with space (SUMO's teleport, which frees the jammed junction: moving them
// into the full link, MATSim's rule, keeps a gridlocked ring of links full). They spend
// the free-flow time of the links they skip, which see no entry or exit; with no space
// up to the end of the route they arrive then. The search stops before a closed link:
// the vehicle then goes into the full next link as under MATSim's rule. Serial, in
// vehicle order, after the junction phase: the result does not depend on the threads.
void QueueSimulation::place_jumping(Seconds now) {
    std::vector<std::uint32_t> jumping;
    for (auto& j : jumping_) {
        jumping.insert(jumping.end(), j.begin(), j.end());
        j.clear();
    }
    if (jumping.empty()) return;
    std::sort(jumping.begin(), jumping.end());
    auto& fresh = newly_active_.local();
    for (const std::uint32_t v : jumping) {
        const Route& route = routes_[v];
        double skipped = 0.0;
        std::size_t k = veh_[v].position + 1;
        for (; k < route.size(); ++k) {
            if (closed_[route[k]] > 0 || links_[route[k]].space > 0) break;
            skipped += params_[route[k]].travel_time;
        }
        if (k == route.size()) {  // full to the end: it arrives after driving the rest
            const Seconds arrival = now + static_cast<Seconds>(std::ceil(skipped));
            veh_[v].position = static_cast<std::uint32_t>(route.size() - 1);
            if (arrival >= config_.end) continue;  // still on its way when the run ends: en route
            veh_[v].entered = arrival - static_cast<Seconds>(std::ceil(params_[route.back()].travel_time));
            ++r_.entries[hour_of(veh_[v].entered) * n_links_ + route.back()];
            finish(v, arrival, route.back());
            continue;
        }
        if (closed_[route[k]] > 0) {  // do not jump a closure: into the full next link
            k = veh_[v].position + 1;
            skipped = 0.0;
        }
        veh_[v].position = static_cast<std::uint32_t>(k);
        --links_[route[k]].space;
        enter_link(v, route[k], now, static_cast<double>(now) + skipped, fresh);
    }
}

void QueueSimulation::transfer_at_node(std::uint32_t node, Seconds now, std::vector<std::uint32_t>& fresh) {
    const auto in = net_.in_links(geodata::NodeId(node));
    // Order of the in-links: a capacity-weighted random order (exponential race: key
    // −ln(u)/capacity), keyed by (seed, node, step), so that the space on an out-link is
    // shared in proportion to the in-links' capacities (MATSim's QNode; the capacity-
    // proportional supply split of Tampère et al. 2011's generic node model). Right of way
    // acts through the yielding streams' gap-acceptance capacity (cross), not through the
    // order: serving a higher rank first as well starved the minor roads and roundabout
    // entries whenever the space downstream, not the gaps, was short (a queued major road
    // lets its minor road merge in turn), and locked Monaco's roundabouts with its
    // commuters.
    struct Candidate {
        double key;
        std::uint32_t link;
    };
    Candidate order[16];
    std::vector<Candidate> many;
    Candidate* c = in.size() <= 16 ? order : (many.resize(in.size()), many.data());
    std::size_t k = 0;
    for (std::size_t j = 0; j < in.size(); ++j) {
        const std::uint32_t l = in.first[j].value;
        if (links_[l].at_end == 0) continue;
        c[k++] = {static_cast<double>(j), l};
    }
    // Draws are keyed, not sequential: a node with one in-link waiting (most of them)
    // needs no order and draws nothing, and no other draw changes.
    if (k > 1) {
        for (std::size_t i = 0; i < k; ++i) {
            const double u = uniform(config_.seed, Stream::JunctionOrder, node,
                                     static_cast<std::uint64_t>(now) * 64 + static_cast<std::uint64_t>(c[i].key));
            c[i].key = -std::log1p(-u) / std::max(params_[c[i].link].flow_per_step, 1e-9);
        }
        std::sort(c, c + k, [](const Candidate& a, const Candidate& b) { return a.key != b.key ? a.key < b.key : a.link < b.link; });
    }
    for (std::size_t i = 0; i < k; ++i) {
        const std::uint32_t l = c[i].link;
        LinkState& s = links_[l];
        const InLinkControl& ctl = junctions_.control(l);
        if (!junctions_.has_movement_signals(l) && !ctl.signal.is_green(static_cast<double>(now))) {
            s.next_try = static_cast<Seconds>(ctl.signal.next_green(now));  // a red costs nothing until then
            continue;
        }
        s.next_try = 0;
        // Turning queues take turns, one vehicle at a time, while any can go.
        for (bool moved = true; moved;) {
            moved = false;
            for (TurnQueue& tq : s.ends) moved = cross(l, tq, now, fresh) || moved;
        }
    }
    for (std::size_t i = 0; i < k; ++i) {
        const LinkState& s = links_[c[i].link];
        end_try_[c[i].link] = s.at_end > 0 ? s.next_try : no_try;
    }
}

// Phase 2, per node with vehicles waiting at an in-link's end that may move now.
void QueueSimulation::junction_transfer(Seconds now) {
    active_nodes_.clear();
    for (const std::uint32_t l : visited_) {
        if (end_try_[l] > now) continue;
        const std::uint32_t node = net_.link(geodata::LinkId(l)).to.value;
        if (!node_listed_[node]) {
            node_listed_[node] = 1;
            active_nodes_.push_back(node);
        }
    }
    const std::size_t node_grain = std::max<std::size_t>(1, config_.parallel_grain / 2);
    auto transfer = [&](const tbb::blocked_range<std::size_t>& range) {
        auto& fresh = newly_active_.local();
        for (std::size_t a = range.begin(); a != range.end(); ++a) transfer_at_node(active_nodes_[a], now, fresh);
    };
    if (active_nodes_.size() <= node_grain) transfer(tbb::blocked_range<std::size_t>(0, active_nodes_.size()));
    else tbb::parallel_for(tbb::blocked_range<std::size_t>(0, active_nodes_.size(), node_grain), transfer);
    for (const std::uint32_t node : active_nodes_) node_listed_[node] = 0;
}

// Drop the links that emptied, add the ones entered this step.
void QueueSimulation::refresh_active_links() {
    for (const std::uint32_t l : visited_) {
        LinkState& s = links_[l];
        if (s.occupancy() == 0 && s.waiting.empty()) {
            listed_[l] = 0;
            left_[l] = 0;
            due_[l] = never;  // so phase 1 passes its entry until the list is compacted
            s.space = params_[l].storage;  // an empty link has all its storage
            ++stale_;
        }
    }
    for (auto& fresh : newly_active_) {
        for (const std::uint32_t l : fresh)
            if (!in_active_[l]) {
                in_active_[l] = 1;
                active_.push_back(l);
            }
        fresh.clear();
    }
    if (stale_ * 4 <= active_.size()) return;
    std::size_t kept = 0;
    for (const std::uint32_t l : active_) {
        if (listed_[l]) active_[kept++] = l;
        else in_active_[l] = 0;
    }
    active_.resize(kept);
    stale_ = 0;
}

// At the last step of an hour: how long the oldest vehicle on each occupied link has
// been there, so that a jammed link with no exits still costs its queue in the router.
void QueueSimulation::record_hour_end(Seconds now) {
    if ((now + 1) % 3600 != 0) return;
    const std::size_t hour = hour_of(now);
    for (const std::uint32_t l : active_) {
        if (!listed_[l]) continue;  // emptied, still in the list
        const LinkState& s = links_[l];
        Seconds oldest = now;
        if (!s.queue.empty()) oldest = std::min(oldest, veh_[s.queue.front()].entered);
        for (const TurnQueue& tq : s.ends)
            if (!tq.vehicles.empty()) oldest = std::min(oldest, veh_[tq.vehicles.front()].entered);
        float& q = r_.queued_time[hour * n_links_ + l];
        q = std::max(q, static_cast<float>(now + 1 - oldest));
    }
}

void QueueSimulation::record_trajectories(Seconds now) {
    if (sampled_.empty() || (now - config_.start) % config_.trajectory_interval != 0) return;
    for (const std::uint32_t v : sampled_) {
        if (state_[v] != VehicleState::Driving) continue;
        const std::uint32_t link = veh_[v].route[veh_[v].position];
        const auto& l = net_.link(geodata::LinkId(link));
        // On its first link a vehicle starts at the end (where trips begin).
        const double frac = veh_[v].position == 0 || params_[link].travel_time <= 0
                                ? 1.0
                                : std::clamp((now - veh_[v].entered) / params_[link].travel_time, 0.0, 1.0);
        const auto p = geodata::point_along(l.geometry, frac * l.length_m);
        r_.positions.push_back({v, now, link, p.x, p.y});
    }
}

void QueueSimulation::notify_observer(Seconds now) {
    if (!hooks_.observer) return;
    view_.now = now;
    view_.departed = inserted_;
    view_.arrived = arrived_.load();
    view_.stuck = stuck_.load();
    view_.abandoned = abandoned_.load();
    hooks_.observer(view_, actions_);
    for (const LinkEvent& e : actions_) {
        if (e.link >= n_links_)
            throw std::out_of_range("link event for link " + std::to_string(e.link) + " (the network has " +
                                    std::to_string(n_links_) + " links)");
        events_.push({std::max<Seconds>(e.time, now + 1), e.link, e.closures});
    }
    actions_.clear();
}

LoadingResult QueueSimulation::run(const ProgressFn& progress) {
    Seconds now = config_.start;
    for (; now < config_.end; ++now) {
        if (!skip_idle_time(now)) break;
        insert_departures(now);
        apply_events(now);
        link_exits(now);
        junction_transfer(now);
        place_jumping(now);
        refresh_active_links();
        record_hour_end(now);
        record_trajectories(now);
        notify_observer(now);
        if (progress && now % 600 == 0) progress(now, arrived_.load(), schedule_.size());
    }
    r_.last_step = now;
    r_.departed = inserted_;
    r_.arrived = arrived_.load();
    r_.stuck = stuck_.load();
    r_.abandoned = abandoned_.load();
    // Waiting vehicles never entered the network: they count as departed and en route.
    for (std::uint32_t t = 0; t < routes_.size(); ++t)
        if (state_[t] == VehicleState::Driving || state_[t] == VehicleState::Waiting) {
            r_.status[t] = TripStatus::EnRoute;
            ++r_.en_route;
        }
    return std::move(r_);
}

}  // namespace

LoadingResult load_network(const geodata::RoadNetwork& net, const std::vector<Route>& routes,
                           const std::vector<Seconds>& departures, const LoadingConfig& config,
                           const ProgressFn& progress, const LoadingHooks& hooks) {
    return QueueSimulation(net, routes, departures, config, hooks).run(progress);
}

LinkCosts experienced_costs(const geodata::RoadNetwork& net, const LoadingResult& result) {
    LinkCosts costs = LinkCosts::free_flow(net);
    costs.time_invariant = false;
    const std::size_t n = net.link_count();
    for (std::size_t h = 0; h < hours_per_day && h < result.hours; ++h)
        for (std::size_t l = 0; l < n; ++l) {
            const std::size_t cell = h * n + l;
            float& c = costs.seconds[h * n + l];
            if (result.exits[cell] > 0) c = std::max(c, static_cast<float>(result.exit_travel_time[cell] / result.exits[cell]));
            // The longest wait of a vehicle still on the link prices it only where nobody
            // left it that hour (a jam): elsewhere one vehicle waiting long to turn would
            // price the link for all its traffic (Monaco: route costs 4× the times driven,
            // and an equilibrium that never settles; bench/demand/convergence.sh).
            if (cell < result.queued_time.size() && result.exits[cell] == 0) c = std::max(c, result.queued_time[cell]);
        }
    return costs;
}

}  // namespace citytwin::sim
