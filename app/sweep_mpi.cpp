// `citytwin sweep` under mpirun/srun: rank 0 hands out runs one at a time (dynamic load
// balancing: a rank asks again when it finishes), collects each finished row into the
// journal at once, and writes the table at the end, in run order, so it equals the serial
// sweep's row for row. Rank 0 also runs scenarios on a second thread; only its main
// thread calls MPI (MPI_THREAD_FUNNELED), and it polls instead of blocking so that it does
// not spin a core that the runs need.
#include "commands.hpp"

#include <citytwin/geodata/progress.hpp>

#include <mpi.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace citytwin::app {

namespace {

constexpr int tag_result = 1;      // worker → 0: a finished row as JSON ("" on the first call)
constexpr int tag_work = 2;        // 0 → worker: the run index to do, −1 = stop
constexpr int tag_heartbeat = 3;   // worker → 0 every second while it runs: "still alive"

using Clock = std::chrono::steady_clock;

// A worker silent this long is taken as dead (CITYTWIN_SWEEP_HEARTBEAT_TIMEOUT, seconds).
std::chrono::duration<double> heartbeat_timeout() {
    const char* v = std::getenv("CITYTWIN_SWEEP_HEARTBEAT_TIMEOUT");
    return std::chrono::duration<double>(v ? std::max(1.0, std::atof(v)) : 30.0);
}

class WorkQueue {
public:
    explicit WorkQueue(std::vector<std::size_t> todo) : todo_(todo.begin(), todo.end()) {}
    long long take() {
        std::lock_guard lock(mutex_);
        if (todo_.empty()) return -1;
        const auto i = todo_.front();
        todo_.pop_front();
        return static_cast<long long>(i);
    }

private:
    std::mutex mutex_;
    std::deque<std::size_t> todo_;
};

int coordinate(const scenarios::SweepPlan& plan, const std::string& out, const scenarios::SweepOptions& opts, int ranks) {
    scenarios::SweepJournal journal(scenarios::sweep_journal_path(out));
    auto finished = journal.finished();
    const auto todo = scenarios::pending_runs(plan, finished);
    if (opts.progress)
        fmt::print(stderr, "sweep: {} runs over {} MPI ranks ({} already finished in the journal)\n", todo.size(), ranks,
                   plan.runs.size() - todo.size());
    WorkQueue queue(todo);
    std::mutex results;
    geodata::Progress progress("sweep runs", todo.size(), opts.progress);
    std::size_t done = 0;
    std::map<std::string, scenarios::SweepRow> failed;
    auto record = [&](const scenarios::SweepRow& row, int rank) {
        std::lock_guard lock(results);
        journal.append(row);
        if (row.ok) finished[row.key] = row;
        else {
            failed[row.key] = row;
            fmt::print(stderr, "sweep: run {} ({}) failed on rank {}: {}\n", row.index, row.key, rank, row.error);
        }
        progress.update(++done);
    };
    std::thread local([&] {
        for (long long i; (i = queue.take()) >= 0;)
            record(scenarios::run_sweep_one(plan, static_cast<std::size_t>(i), opts.threads, opts.plugin_dirs,
                                            opts.allow_scenario_plugins), 0);
    });
    // Per worker: what it is running, when it was last heard of, whether it is gone.
    struct Worker {
        long long run = -1;
        Clock::time_point heard = Clock::now();
        bool done = false;
    };
    std::vector<Worker> workers(static_cast<std::size_t>(ranks));
    const auto timeout = heartbeat_timeout();
    int active = ranks - 1;
    while (active > 0) {
        int waiting = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
        if (!waiting) {
            // A rank that died (OpenMPI with --enable-recovery keeps the others going) loses
            // only the run it had: reported, and a failed row that a resume runs again.
            for (int r = 1; r < ranks; ++r) {
                Worker& w = workers[static_cast<std::size_t>(r)];
                if (w.done || Clock::now() - w.heard < timeout) continue;
                w.done = true;
                --active;
                if (w.run < 0) {
                    fmt::print(stderr, "sweep: rank {} stopped answering before taking a run\n", r);
                    continue;
                }
                const auto& run = plan.runs[static_cast<std::size_t>(w.run)];
                scenarios::SweepRow lost{run.index, run.key, false,
                                         fmt::format("rank {} died while running it (no heartbeat for {:.0f} s)", r, timeout.count()),
                                         {}, 0.0};
                record(lost, r);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
        }
        Worker& w = workers[static_cast<std::size_t>(status.MPI_SOURCE)];
        int length = 0;
        MPI_Get_count(&status, MPI_CHAR, &length);
        std::string message(static_cast<std::size_t>(length), '\0');
        MPI_Recv(message.data(), length, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        w.heard = Clock::now();
        if (status.MPI_TAG != tag_result || w.done) continue;   // a heartbeat (or a late word from a rank given up)
        if (!message.empty()) record(scenarios::SweepRow::from_json(message), status.MPI_SOURCE);
        long long next = queue.take();
        w.run = next;
        MPI_Send(&next, 1, MPI_LONG_LONG, status.MPI_SOURCE, tag_work, MPI_COMM_WORLD);
        if (next < 0) {
            w.done = true;
            --active;
        }
    }
    local.join();
    progress.finish();
    scenarios::write_sweep_table(plan, scenarios::collect_rows(plan, finished, failed), out);
    if (opts.progress)
        fmt::print(stderr, "sweep: wrote {} ({} rows; {} runs now, {} failed)\n", out, plan.runs.size(), todo.size(), failed.size());
    return 0;
}

void work(const scenarios::SweepPlan& plan, const scenarios::SweepOptions& opts) {
    std::string message;   // the previous row; empty asks for the first run
    for (;;) {
        MPI_Send(message.data(), static_cast<int>(message.size()), MPI_CHAR, 0, tag_result, MPI_COMM_WORLD);
        long long index = -1;
        MPI_Recv(&index, 1, MPI_LONG_LONG, 0, tag_work, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (index < 0) return;
        // The run on a second thread; this one says "alive" every second (only it calls MPI).
        auto row = std::async(std::launch::async, [&] {
            return scenarios::run_sweep_one(plan, static_cast<std::size_t>(index), opts.threads, opts.plugin_dirs,
                                            opts.allow_scenario_plugins);
        });
        while (row.wait_for(std::chrono::seconds(1)) != std::future_status::ready)
            MPI_Send(nullptr, 0, MPI_CHAR, 0, tag_heartbeat, MPI_COMM_WORLD);
        message = row.get().to_json();
    }
}

// MPI_Finalize waits for every rank, and after a rank died (OpenMPI with --enable-recovery
// keeps the others going) it may never return. Everything is on disk by then (the table
// is renamed into place when complete), so finalizing gets a deadline and the process
// then exits with its own code: a sweep always ends.
void finalize_within(std::chrono::duration<double> limit, int rc) {
    std::thread([limit, rc] {
        std::this_thread::sleep_for(limit);
        std::fflush(nullptr);
        std::_Exit(rc);
    }).detach();
    MPI_Finalize();
}

}  // namespace

int run_sweep_mpi(const scenarios::SweepPlan& plan, const std::string& out, scenarios::SweepOptions opts) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    // Without --threads, the cores of a node are shared by the ranks on it.
    if (!opts.threads) {
        const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
        const int per_node = local ? std::max(1, std::atoi(local)) : 1;
        opts.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / per_node);
    }
    int rc = 0;
    if (rank == 0) {
        rc = ranks == 1 ? (scenarios::run_sweep(plan, out, opts), 0) : coordinate(plan, out, opts, ranks);
    } else {
        work(plan, opts);
    }
    finalize_within(2 * heartbeat_timeout(), rc);
    return rc;
}

}  // namespace citytwin::app
