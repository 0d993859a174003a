#include "commands.hpp"

#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/city_writer.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <fmt/format.h>

namespace citytwin::app {

int run_export_city(const ExportCityArgs& args) {
    const auto scenario = scenarios::load_scenario(args.city);
    scenarios::check_output_path(args.out);
    geodata::LoadReport report;
    const auto model = scenarios::load_scenario_city(scenario, {args.progress}, report);
    geodata::write_city(model, args.out, {args.driver, true});
    fmt::print(stderr, "wrote {}: {} links, {} nodes, {} buildings, {} access points, {} districts ({})\n", args.out,
               model.roads->link_count(), model.roads->node_count(), model.buildings->size(),
               model.access_points->size(), model.districts->size(), model.crs);
    return 0;
}

}  // namespace citytwin::app
