// Kills its process abruptly (std::_Exit(9)) in before_run when it is the MPI rank named by
// the environment variable CITYTWIN_TEST_DIE_RANK (OpenMPI's OMPI_COMM_WORLD_RANK); does
// nothing otherwise. tests/scripts/test_sweep.sh uses it to show that a sweep whose rank
// dies still ends — the product binary carries no such hook.
#include <citytwin/plugin.hpp>

#include <cstdlib>
#include <string>

namespace {
using namespace citytwin;

class RankKiller final : public plugin::Plugin {
public:
    explicit RankKiller(const plugin::Parameters& params) { params.allow_only({}); }
    void before_run(plugin::BeforeRun&) override {
        const char* victim = std::getenv("CITYTWIN_TEST_DIE_RANK");
        const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
        if (victim && rank && std::string(victim) == rank) std::_Exit(9);
    }
};
}  // namespace

CITYTWIN_PLUGIN(RankKiller, "rank_killer", "dies in before_run on the MPI rank named by CITYTWIN_TEST_DIE_RANK (tests)")
