// congestion_charge: a toll for entering a zone during charged hours. Drivers weigh it
// against time (mobility.value_of_time_per_hour), so some re-route or pay.
//   plugins:
//     - name: congestion_charge
//       params: {area: Monte-Carlo, amount: 20, from: "06:30", to: "18:30"}
#include <citytwin/plugin.hpp>
#include <citytwin/plugin_edits.hpp>
#include <citytwin/sim/link_restrictions.hpp>

namespace {

using namespace citytwin;

class CongestionCharge final : public plugin::Plugin {
public:
    explicit CongestionCharge(const plugin::Parameters& params) : params_(params) {
        params.allow_only(plugin::edit_keys("toll"));
        if (!params.has("area")) params.fail("area", "is required: the charged zone");
        const auto amount = params.number("amount");
        if (!amount || *amount < 0) params.fail("amount", "is required and >= 0");
        amount_ = *amount;
    }

    void before_run(plugin::BeforeRun& run) override {
        const auto area = *params_.area("area");
        links_ = geodata::links_entering(*run.model.roads, area);
        if (links_.empty()) params_.fail("area", "no road enters this area");
        geodata::add_tolls(run.model, links_, amount_, plugin::read_window(params_),
                           params_.text("scheme").value_or("congestion charge"));
        run.log.info("toll of " + std::to_string(amount_).substr(0, std::to_string(amount_).find('.') + 3) + " on " + std::to_string(links_.size()) + " links entering the zone");
    }

    void after_run(const plugin::RunResults& results, plugin::ResultSink& out) override {
        out.add_kpi("entry_links", static_cast<double>(links_.size()));
        out.add_kpi("amount", amount_);
        if (!results.mobility) return;
        const auto& L = results.mobility->loading;
        const std::size_t n = results.model.roads->link_count();
        double crossings = 0;
        const geodata::TimeWindow w = plugin::read_window(params_);
        const geodata::LinkToll probe{{}, amount_, w, {}};
        for (const auto id : links_)
            for (std::size_t h = 0; h < L.hours && h < 24; ++h)
                if (sim::toll_applies(probe, h)) crossings += L.entries[h * n + id.value];
        out.add_kpi("charged_entries", crossings);
        out.add_kpi("revenue", crossings * amount_);
    }

private:
    const plugin::Parameters& params_;
    double amount_ = 0;
    std::vector<geodata::LinkId> links_;
};

}  // namespace

CITYTWIN_PLUGIN(CongestionCharge, "congestion_charge", "a toll for entering a zone, weighed against travel time")
