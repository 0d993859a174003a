// new_link: a new road or bridge, drawn as a line whose ends join the nearest junctions.
//   plugins:
//     - name: new_link
//       params: {line: [[7.4230, 43.7335], [7.4262, 43.7351]], name: "Pont du Port", class: secondary}
#include <citytwin/plugin.hpp>
#include <citytwin/plugin_edits.hpp>

namespace {

using namespace citytwin;

class NewLink final : public plugin::Plugin {
public:
    explicit NewLink(const plugin::Parameters& params) : params_(params) {
        params.allow_only(plugin::edit_keys("add_road"));
        if (!params.has("line")) params.fail("line", "is required: [[lon, lat], [lon, lat], …]");
    }

    void before_run(plugin::BeforeRun& run) override {
        const std::size_t before = run.model.roads->link_count();
        run.log.info(plugin::apply_edit("add_road", params_, run.model));
        for (std::size_t id = before; id < run.model.roads->link_count(); ++id)
            links_.emplace_back(static_cast<std::uint32_t>(id));
    }

    void after_run(const plugin::RunResults& results, plugin::ResultSink& out) override {
        out.add_kpi("links_added", static_cast<double>(links_.size()));
        double vehicles = 0, vkm = 0;
        const std::size_t n = results.model.roads->link_count();
        std::vector<std::int64_t> ids, flow;
        geodata::Table t{"links", links_.size(), {}, {}, {}, {}};
        for (const auto id : links_) {
            const auto& l = results.model.roads->link(id);
            std::int64_t day = 0;
            if (results.mobility)
                for (std::size_t h = 0; h < results.mobility->loading.hours; ++h)
                    day += results.mobility->loading.entries[h * n + id.value];
            vehicles += static_cast<double>(day);
            vkm += static_cast<double>(day) * l.length_m / 1000.0;
            ids.push_back(id.value);
            flow.push_back(day);
            t.lines.push_back(l.geometry);
        }
        out.add_kpi("length_m", links_.empty() ? 0.0 : results.model.roads->link(links_.front()).length_m);
        out.add_kpi("vehicles_per_day", vehicles);
        out.add_kpi("vehicle_km", vkm);
        t.columns = {{"link_id", ids}, {"vehicles_per_day", flow}};
        out.add_table(std::move(t));
    }

private:
    const plugin::Parameters& params_;
    std::vector<geodata::LinkId> links_;
};

}  // namespace

CITYTWIN_PLUGIN(NewLink, "new_link", "a new road or bridge joined to the nearest junctions at its ends")
