// new_district: buildings with residents and jobs from a polygon layer (or inline), which
// bring trips to the roads and people to the wifi, and cast radio shadow.
//   plugins:
//     - name: new_district
//       params:
//         name: Mareterra
//         buildings: {source: mareterra.geojson, height_field: height_m, residents_field: residents, jobs_field: jobs}
#include <citytwin/plugin.hpp>
#include <citytwin/plugin_edits.hpp>

#include <cmath>
#include <set>

namespace {

using namespace citytwin;

class NewDistrict final : public plugin::Plugin {
public:
    explicit NewDistrict(const plugin::Parameters& params) : params_(params) {
        params.allow_only({"name", "buildings"});
        if (!params.has("buildings")) params.fail("buildings", "is required: a polygon layer or a list of footprints");
        name_ = params.text("name").value_or("new district");
    }

    void before_run(plugin::BeforeRun& run) override {
        const std::size_t before = run.model.buildings->size();
        geodata::add_buildings(run.model, *params_.buildings("buildings"));
        for (std::size_t b = before; b < run.model.buildings->size(); ++b) {
            const auto& building = (*run.model.buildings)[b];
            ids_.insert(static_cast<std::uint32_t>(b));
            floor_area_ += building.floor_area_m2;
            residents_ += std::max(0.0, building.residents);
            jobs_ += std::max(0.0, building.jobs);
        }
        log_summary(run.log);
    }

    void log_summary(plugin::Log& log) const {
        log.info(name_ + ": " + std::to_string(ids_.size()) + " buildings, " + std::to_string(std::lround(residents_)) +
                 " residents, " + std::to_string(std::lround(jobs_)) + " jobs");
    }

    void after_run(const plugin::RunResults& results, plugin::ResultSink& out) override {
        out.add_kpi("buildings", static_cast<double>(ids_.size()));
        out.add_kpi("floor_area_m2", floor_area_);
        out.add_kpi("residents", residents_);
        out.add_kpi("jobs", jobs_);
        // Trips ending in the district (synthetic demand knows each trip's building).
        double arriving = 0, arriving_by_car = 0;
        for (const auto& t : results.demand.trips)
            if (ids_.count(t.destination_building)) {
                arriving += 1;
                arriving_by_car += t.by_car() ? 1 : 0;
            }
        out.add_kpi("trips_arriving", arriving);
        out.add_kpi("car_trips_arriving", arriving_by_car);
    }

private:
    const plugin::Parameters& params_;
    std::string name_;
    std::set<std::uint32_t> ids_;
    double floor_area_ = 0, residents_ = 0, jobs_ = 0;
};

}  // namespace

CITYTWIN_PLUGIN(NewDistrict, "new_district", "buildings with residents and jobs from a polygon layer or inline")
