// slow_zone: an example plugin built outside the source tree. It lowers the speed limit
// of the streets in an area (a "30 zone"), watches how many vehicles are in the zone
// during the day, and reports the peak and the vehicle-km driven there.
//   plugins:
//     - name: slow_zone
//       params: {area: Monte-Carlo, speed_kmh: 30}
#include <citytwin/geodata/edits.hpp>
#include <citytwin/plugin.hpp>

#include <algorithm>

namespace {

using namespace citytwin;

class SlowZone final : public plugin::Plugin {
public:
    explicit SlowZone(const plugin::Parameters& params) : params_(params) {
        params.allow_only({"area", "speed_kmh"});
        speed_kmh_ = params.number("speed_kmh").value_or(30.0);
        if (!(speed_kmh_ > 0 && speed_kmh_ <= 130)) params.fail("speed_kmh", "must be between 0 and 130 km/h");
        if (!params.has("area")) params.fail("area", "is required: a district name, a ring [[lon, lat], …] or a layer");
    }

    void before_run(plugin::BeforeRun& run) override {
        geodata::LinkSelection zone;
        zone.areas.push_back(*params_.area("area"));
        links_ = geodata::select_links(*run.model.roads, zone);
        // Only streets faster than the new limit get slower.
        std::vector<geodata::LinkId> faster;
        for (const auto id : links_)
            if (run.model.roads->link(id).freeflow_speed_mps * 3.6 > speed_kmh_) faster.push_back(id);
        geodata::set_speed(run.model, faster, speed_kmh_);
        run.log.info(std::to_string(faster.size()) + " of " + std::to_string(links_.size()) + " links in the zone now " +
                     std::to_string(static_cast<int>(speed_kmh_)) + " km/h");
    }

    bool observes_steps() const override { return true; }

    void on_step(const sim::StepView& step, std::vector<sim::LinkEvent>&) override {
        if (step.iteration != last_iteration_) peak_ = 0, last_iteration_ = step.iteration;   // keep the last loading's
        std::size_t in_zone = 0;
        for (const auto id : links_) in_zone += step.vehicles_on(id.value);
        if (in_zone > peak_) peak_ = in_zone, peak_time_ = step.now;
    }

    void after_run(const plugin::RunResults& results, plugin::ResultSink& out) override {
        out.add_kpi("links", static_cast<double>(links_.size()));
        out.add_kpi("peak_vehicles_in_zone", static_cast<double>(peak_));
        out.add_kpi("peak_time_s", peak_time_);
        if (!results.mobility) return;
        const auto& L = results.mobility->loading;
        const std::size_t n = results.model.roads->link_count();
        double vkm = 0;
        for (const auto id : links_)
            for (std::size_t h = 0; h < L.hours; ++h)
                vkm += L.entries[h * n + id.value] * results.model.roads->link(id).length_m / 1000.0;
        out.add_kpi("vehicle_km_in_zone", vkm);
    }

private:
    const plugin::Parameters& params_;
    double speed_kmh_ = 30.0;
    std::vector<geodata::LinkId> links_;
    std::size_t peak_ = 0;
    int last_iteration_ = -1;
    double peak_time_ = 0;
};

}  // namespace

CITYTWIN_PLUGIN(SlowZone, "slow_zone", "a lower speed limit in an area, with the traffic seen inside it")
