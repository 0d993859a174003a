// Closes link `link` at `at` (seconds) from inside the run, through on_step actions,
// and counts the steps it saw.
#include <citytwin/plugin.hpp>

namespace {
using namespace citytwin;

class StepCloser final : public plugin::Plugin {
public:
    explicit StepCloser(const plugin::Parameters& params) {
        params.allow_only({"link", "at"});
        link_ = static_cast<std::uint32_t>(params.number("link").value_or(0));
        at_ = params.clock("at").value_or(8 * 3600);
    }
    bool observes_steps() const override { return true; }
    void on_step(const sim::StepView& step, std::vector<sim::LinkEvent>& actions) override {
        if (step.iteration != iteration_) iteration_ = step.iteration, queued_ = false, steps_ = 0;
        ++steps_;
        if (!queued_) {
            actions.push_back({at_, link_, +1});
            queued_ = true;
        }
        if (step.now > at_ && !step.closed(link_)) open_after_ = true;
    }
    void after_run(const plugin::RunResults&, plugin::ResultSink& out) override {
        out.add_kpi("steps_seen", static_cast<double>(steps_));
        out.add_kpi("open_after_closing", open_after_ ? 1.0 : 0.0);
    }

private:
    std::uint32_t link_ = 0;
    std::int32_t at_ = 0;
    int iteration_ = -1;
    bool queued_ = false, open_after_ = false;
    std::size_t steps_ = 0;
};
}  // namespace

CITYTWIN_PLUGIN(StepCloser, "step_closer", "closes a link at a time from inside the run")
