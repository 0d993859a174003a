#include "commands.hpp"

#include <citytwin/geodata/error.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/scenarios/sweep.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <thread>

namespace citytwin::app {

namespace {
// mpirun (OpenMPI), srun (PMI/PMIx) and Intel/MPICH launchers all set one of these.
bool launched_by_mpi() {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
        if (std::getenv(var)) return true;
    return false;
}
}  // namespace

int run_sweep_command(const SweepArgs& args) {
    const auto plan = scenarios::load_sweep(args.sweep);
    if (args.list) {
        for (const auto& run : plan.runs) fmt::print("{}\t{}\n", run.index, run.key);
        return 0;
    }
    if (args.out.empty()) throw geodata::Error("sweep: give the result table with --out (sweep.gpkg or sweep.csv)");
    scenarios::check_output_path(args.out);
    scenarios::SweepOptions opts;
    opts.threads = args.threads;
    opts.plugin_dirs = args.plugin_dirs;
    opts.allow_scenario_plugins = args.allow_scenario_plugins;
    opts.progress = args.progress;
    if (launched_by_mpi()) {
#ifdef CITYTWIN_WITH_MPI
        return run_sweep_mpi(plan, args.out, opts);
#else
        fmt::print(stderr, "citytwin: warning: started by an MPI launcher, but this citytwin was built without MPI; "
                           "every rank would run the whole sweep. Rebuild with libopenmpi-dev installed.\n");
        return 1;
#endif
    }
    const std::size_t ran = scenarios::run_sweep(plan, args.out, opts);
    if (args.progress) fmt::print(stderr, "sweep: {} runs executed now, {} in the table\n", ran, plan.runs.size());
    return 0;
}

}  // namespace citytwin::app
