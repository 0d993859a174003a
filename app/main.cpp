// citytwin: the command-line front end. Each subcommand lives in its own file; this
// one only parses arguments and turns every error into one message and exit code 1.
#include "commands.hpp"

#include <citytwin/geodata/error.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>

int main(int argc, char** argv) {
    using namespace citytwin::app;
    CLI::App cli{"citytwin: a geospatial digital twin of a city.\n"
                 "Loads real map data (OpenStreetMap, GeoPackage, Shapefile, GeoTIFF … through GDAL) into one\n"
                 "metric city model and writes it where QGIS can read it.\n\n"
                 "Examples:\n"
                 "  citytwin info ../shared/data/monaco/monaco-2021.osm.pbf   what a data source holds\n"
                 "  citytwin info --city scenarios/monaco/baseline.yaml       the city model built from it\n"
                 "  citytwin export-city scenarios/monaco/baseline.yaml --out monaco.gpkg\n"
                 "  citytwin run scenarios/monaco/baseline.yaml --out m.gpkg --json   simulate a day\n"
                 "  citytwin compare base.gpkg variant.gpkg -o diff.gpkg                what changed\n"
                 "  citytwin view scenarios/monaco/roadworks.yaml --screenshot r.png   the city in 3D\n"
                 "  citytwin sweep python/examples/monaco-sweep.yaml --out sweep.gpkg  batch runs (also under mpirun)\n"};
    cli.require_subcommand(1);
    cli.set_version_flag("--version", std::string("citytwin ") + CITYTWIN_VERSION);
    bool quiet = false;
    cli.add_flag("-q,--quiet", quiet, "no progress on stderr");

    InfoArgs info;
    auto* info_cmd = cli.add_subcommand("info", "What a data source holds, or (with --city) the city model built from a scenario");
    info_cmd->add_option("source", info.source, "any GDAL source: .osm.pbf, .osm.gz, .gpkg, .shp, .geojson, .tif, .hgt.zip …");
    info_cmd->add_option("--city", info.city, "a scenario or city file (YAML): print nodes, links, road km by class, "
                                              "dropped links, buildings, floor area, heights, access points, districts");
    info_cmd->add_flag("--json", info.json, "machine-readable output");
    info_cmd->fallthrough();  // global flags (-q) may also follow the subcommand
    info_cmd->callback([&] {
        if (info.source.empty() == info.city.empty())
            throw CLI::ValidationError("info", "give either a SOURCE or --city FILE");
    });

    ExportCityArgs exp;
    auto* exp_cmd = cli.add_subcommand("export-city", "Write the city model (links, nodes, buildings, access points, "
                                                      "districts) to a GeoPackage that QGIS and ogrinfo open");
    exp_cmd->add_option("city", exp.city, "a scenario or city file (YAML)")->required();
    exp_cmd->add_option("-o,--out", exp.out, "output file (written to a temporary name, renamed when complete)")->required();
    exp_cmd->add_option("--driver", exp.driver, "OGR driver name (default GPKG)");
    exp_cmd->fallthrough();

    const char* const allow_plugins_help =
        "let the scenario load plugins from its own plugin_path: and plugins[].path (they run code: only for files you trust)";
    RunArgs run;
    auto* run_cmd = cli.add_subcommand("run", "Simulate the scenario's day: demand, routing, queue-model traffic, "
                                              "KPIs on stdout, tables in the result GeoPackage");
    run_cmd->add_option("scenario", run.scenario, "scenario file (YAML); see scenarios/README.md")->required();
    run_cmd->add_option("-o,--out", run.out, "result GeoPackage: city layers, link_flows, trips, vehicle_positions, kpis, "
                                             "wifi_districts; with a wifi: section also OUT-rssi/-server/-sinr/-servers.tif");
    run_cmd->add_option("--threads", run.threads, "worker threads (0 = all cores); results are identical for any count");
    run_cmd->add_option("--seed", run.seed, "random seed (overrides the scenario's)");
    run_cmd->add_option("--driver", run.driver, "OGR driver for --out (default GPKG)");
    run_cmd->add_option("--memory-limit", run.memory_limit,
                        "most memory the run may hold, e.g. 4G or 512M (default: 80 % of physical memory); a "
                        "scenario that would need more (tiny wifi.cell_size_m, a long time.end) stops before it starts");
    run_cmd->add_flag("--allow-scenario-plugins", run.allow_scenario_plugins,
                    allow_plugins_help);
    run_cmd->add_option("--plugin-path", run.plugin_dirs, "folder searched first for plugins (citytwin_<name>.so); "
                                                          "repeatable; then the scenario's plugin_path, $CITYTWIN_PLUGIN_PATH, "
                                                          "the built-in plugins");
    run_cmd->add_flag("--json", run.json, "KPIs as JSON (keys in README \"KPIs\")");
    run_cmd->fallthrough();

    CompareArgs cmp;
    auto* cmp_cmd = cli.add_subcommand("compare", "Compare a variant with its baseline: KPI deltas, re-routed traffic, "
                                                  "wifi coverage gained/lost, and a diff GeoPackage");
    cmp_cmd->add_option("base", cmp.base, "baseline: a scenario file (.yaml, run first) or a result GeoPackage (.gpkg)")
        ->required();
    cmp_cmd->add_option("variant", cmp.variant, "variant: a scenario file or a result GeoPackage")->required();
    cmp_cmd->add_option("-o,--out", cmp.out, "diff GeoPackage: kpi_deltas, link_changes, district_changes, raster "
                                             "coverage_change; also OUT-coverage-change.tif. Scenario runs are kept "
                                             "beside it as OUT-base.gpkg and OUT-variant.gpkg");
    cmp_cmd->add_option("--threads", cmp.threads, "worker threads for scenario runs (0 = all cores)");
    cmp_cmd->add_option("--seed", cmp.seed, "random seed for both scenario runs (overrides the scenarios')");
    cmp_cmd->add_flag("--allow-scenario-plugins", cmp.allow_scenario_plugins,
                    allow_plugins_help);
    cmp_cmd->add_option("--plugin-path", cmp.plugin_dirs, "for scenario runs: folder searched first for plugins; "
                                                          "repeatable (as for `run`)");
    cmp_cmd->add_flag("--json", cmp.json, "the comparison as JSON: base, variant, kpis, summary, districts");
    cmp_cmd->footer(
        "Examples:\n"
        "  citytwin compare scenarios/monaco/baseline.yaml scenarios/monaco/new-link.yaml -o bridge.gpkg\n"
        "      runs both (kept as bridge-base.gpkg, bridge-variant.gpkg) and writes the diff bridge.gpkg\n"
        "  citytwin run scenarios/monaco/baseline.yaml --out base.gpkg       run the baseline once ...\n"
        "  citytwin compare base.gpkg scenarios/monaco/roadworks.yaml --json  ... and compare variants with it\n"
        "  citytwin compare base.gpkg variant.gpkg                           two results, nothing is run\n\n"
        "Δ = variant - base; Δ % = Δ / |base| (- when base is 0). Re-routed vehicle passages =\n"
        "sum over links of |Δ daily flow| / 2. Coverage is compared on the base's RSSI grid, each run\n"
        "with its own wifi threshold. A result compared with itself gives zero everywhere.");
    cmp_cmd->fallthrough();

    SweepArgs sweep;
    auto* sweep_cmd = cli.add_subcommand("sweep", "Batch runs: a base scenario × a parameter grid and/or variants × seeds; "
                                                  "one row per run with its parameters and KPIs");
    sweep_cmd->add_option("sweep", sweep.sweep, "sweep file (YAML): base, set, parameters, variants, seeds, threads")
        ->required();
    sweep_cmd->add_option("-o,--out", sweep.out, "result table: .gpkg (table `runs`) or .csv; finished runs are kept "
                                                 "in OUT.runs.jsonl, so re-running resumes");
    sweep_cmd->add_option("--threads", sweep.threads, "threads per run (default: all cores; under MPI: the node's "
                                                      "cores / ranks on it)");
    sweep_cmd->add_flag("--allow-scenario-plugins", sweep.allow_scenario_plugins,
                    allow_plugins_help);
    sweep_cmd->add_option("--plugin-path", sweep.plugin_dirs, "folder searched first for plugins; repeatable");
    sweep_cmd->add_flag("--list", sweep.list, "print the runs (index and key) and stop");
    sweep_cmd->footer("Examples:\n"
                      "  citytwin sweep python/examples/monaco-sweep.yaml --out sweep.gpkg\n"
                      "  mpirun -np 4 citytwin sweep python/examples/monaco-sweep.yaml --out sweep.csv --threads 1\n"
                      "Runs are numbered variants × grid (last key fastest) × seeds; the table is the same for\n"
                      "any number of ranks and threads. Kill it at any time: re-running skips finished runs.");
    sweep_cmd->fallthrough();

    ViewArgs view;
    auto* view_cmd = cli.add_subcommand("view", "The city in 3D (OpenSceneGraph): buildings, traffic, wifi coverage; "
                                                "a window, or PNG images, frames for a video, .glb/.osgb exports");
    view_cmd->add_option("input", view.input, "scenario file (.yaml, run first) or result GeoPackage (.gpkg)")->required();
    view_cmd->add_option("--baseline", view.baseline, "another scenario or result: roads coloured by the traffic change "
                                                      "against it; 'b' swaps in the window");
    view_cmd->add_flag("--split", view.split, "with --baseline: baseline left, variant (changes) right");
    view_cmd->add_option("--screenshot", view.screenshot, "render offscreen to this PNG (no window; under Xvfb in CI)");
    view_cmd->add_option("--frames", view.frames, "render a PNG sequence into this folder (--from, --to, --step)");
    view_cmd->add_option("--from", view.from, "first frame time (default 07:00)");
    view_cmd->add_option("--to", view.to, "last frame time (default 09:00)");
    view_cmd->add_option("--step", view.step, "seconds between frames (default 60)");
    view_cmd->add_option("--time", view.time, "clock time shown (default 08:00)");
    view_cmd->add_option("--camera", view.camera, "overview | street | district:<name> | x,y,z,heading,pitch");
    view_cmd->add_option("--size", view.size, "image size WIDTHxHEIGHT (default 1280x720)");
    view_cmd->add_option("--layers", view.layers, "comma list of terrain,buildings,roads,vehicles,coverage,aps,districts,paths,hud "
                                                  "(default: all)");
    view_cmd->add_option("--color-by", view.color_by,
                         "buildings coloured by use (default), height, or signal: the wifi RSSI indoors, behind the "
                         "building's entry loss (results with wifi)");
    view_cmd->add_option("--exit-after", view.exit_after, "window: close by itself after this many seconds (kiosk, tests)");
    view_cmd->add_option("--export", view.export_path, "write the 3D scene: .glb (glTF 2.0) or .osgb");
    view_cmd->add_option("--threads", view.threads, "threads for scenario runs");
    view_cmd->add_flag("--allow-scenario-plugins", view.allow_scenario_plugins,
                    allow_plugins_help);
    view_cmd->add_option("--plugin-path", view.plugin_dirs, "folder searched first for plugins; repeatable");
    view_cmd->footer("Examples:\n"
                     "  citytwin view scenarios/monaco/baseline.yaml --screenshot monaco.png --time 08:00\n"
                     "  citytwin view scenarios/monaco/roadworks.yaml --baseline scenarios/monaco/baseline.yaml --split \\\n"
                     "      --screenshot roadworks.png --time 08:00\n"
                     "  citytwin view m.gpkg --frames frames/ --from 07:00 --to 09:00 --step 60   (then ffmpeg)\n"
                     "  citytwin view m.gpkg --export monaco.glb\n"
                     "  citytwin view m.gpkg          a window: space play/pause, +/- speed, [ ] hour, 1-8 layers,\n"
                     "                                c camera (overview, street, districts), b baseline/variant,\n"
                     "                                ctrl+click a road for its load; --split with --baseline: side by side");
    view_cmd->fallthrough();

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }
    try {
        if (*info_cmd) {
            info.progress = !quiet;
            return run_info(info);
        }
        if (*run_cmd) {
            run.progress = !quiet;
            return run_run(run);
        }
        if (*view_cmd) {
            view.progress = !quiet;
            return run_view(view);
        }
        if (*sweep_cmd) {
            sweep.progress = !quiet;
            return run_sweep_command(sweep);
        }
        if (*cmp_cmd) {
            cmp.progress = !quiet;
            return run_compare(cmp);
        }
        if (*exp_cmd) {
            exp.progress = !quiet;
            return run_export_city(exp);
        }
    } catch (const citytwin::geodata::Error& e) {
        fmt::print(stderr, "citytwin: error: {}\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        fmt::print(stderr, "citytwin: internal error: {}\n", e.what());
        return 2;
    }
    return 0;
}
