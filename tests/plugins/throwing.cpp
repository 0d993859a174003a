// Throws from the hook named by `in` (constructor, before_run, on_step, after_run), to
// test that the host reports a plugin's exception with its name and never crashes.
#include <citytwin/plugin.hpp>

#include <stdexcept>

namespace {
using namespace citytwin;

class Throwing final : public plugin::Plugin {
public:
    explicit Throwing(const plugin::Parameters& params) {
        params.allow_only({"in"});
        in_ = params.text("in").value_or("before_run");
        if (in_ == "constructor") throw std::runtime_error("boom in constructor");
    }
    void before_run(plugin::BeforeRun&) override {
        if (in_ == "before_run") throw std::runtime_error("boom in before_run");
    }
    bool observes_steps() const override { return in_ == "on_step"; }
    void on_step(const sim::StepView&, std::vector<sim::LinkEvent>&) override { throw std::runtime_error("boom in on_step"); }
    void after_run(const plugin::RunResults&, plugin::ResultSink&) override {
        if (in_ == "after_run") throw 42;  // not even a std::exception
    }

private:
    std::string in_;
};
}  // namespace

CITYTWIN_PLUGIN(Throwing, "throwing", "throws where told to")
