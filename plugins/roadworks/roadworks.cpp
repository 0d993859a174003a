// roadworks: close streets (by name, link id or area) for a period of the day. Traffic
// re-routes around them; trips that have no other way are reported unroutable.
//   plugins:
//     - name: roadworks
//       params: {streets: ["Boulevard Albert 1er"], from: "07:00", to: "19:00"}
#include <citytwin/plugin.hpp>
#include <citytwin/plugin_edits.hpp>

namespace {

using namespace citytwin;

class Roadworks final : public plugin::Plugin {
public:
    explicit Roadworks(const plugin::Parameters& params) : params_(params) {
        params.allow_only(plugin::edit_keys("close_links"));
        window_ = plugin::read_window(params);
    }

    void before_run(plugin::BeforeRun& run) override {
        links_ = plugin::read_links(params_, run.model);
        geodata::close_links(run.model, links_, window_, params_.text("reason").value_or("roadworks"));
        for (const auto id : links_) closed_km_ += run.model.roads->link(id).length_m / 1000.0;
        run.log.info("closed " + std::to_string(links_.size()) + " links (" + std::to_string(closed_km_).substr(0, 5) +
                     " km of lanes in each direction) from " + clock(window_.from) + " to " + clock(window_.to));
    }

    void after_run(const plugin::RunResults& results, plugin::ResultSink& out) override {
        out.add_kpi("closed_links", static_cast<double>(links_.size()));
        out.add_kpi("closed_km", closed_km_);
        out.add_kpi("from_s", window_.from);
        out.add_kpi("to_s", std::min(window_.to, 24 * 3600));
        // Vehicles that still entered a closed link while it was closed: must be none.
        if (results.mobility) {
            const auto& L = results.mobility->loading;
            const std::size_t n = results.model.roads->link_count();
            double entries = 0;
            for (const auto id : links_)
                for (std::size_t h = 0; h < L.hours; ++h)
                    if (window_.from <= static_cast<int>(h * 3600) && static_cast<int>((h + 1) * 3600) <= window_.to)
                        entries += L.entries[h * n + id.value];
            out.add_kpi("entries_while_closed", entries);
        }
        geodata::Table t{"closed_links", links_.size(), {}, {}, {}, {}};
        std::vector<std::int64_t> ids;
        std::vector<std::string> names;
        for (const auto id : links_) {
            const auto& l = results.model.roads->link(id);
            ids.push_back(id.value);
            names.push_back(l.name);
            t.lines.push_back(l.geometry);
        }
        t.columns = {{"link_id", ids}, {"name", names}};
        out.add_table(std::move(t));
    }

private:
    static std::string clock(int s) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02d:%02d", s / 3600, (s / 60) % 60);
        return buf;
    }

    const plugin::Parameters& params_;
    geodata::TimeWindow window_;
    std::vector<geodata::LinkId> links_;
    double closed_km_ = 0.0;
};

}  // namespace

CITYTWIN_PLUGIN(Roadworks, "roadworks", "close streets (by name, id or area) for a period of the day")
