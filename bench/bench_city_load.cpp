// Time to build the city model (read + reproject + graph + R-trees) for every city in
// the data folder, side by side with GDAL's own floor: `ogr2ogr -f GPKG` of the same
// layers with the same filters and reprojection. Prints medians and our/GDAL ratios.
//
//   build/bench/bench_city_load [repetitions=5] [scenario.yaml …]
#include <citytwin/geodata/city_loader.hpp>
#include <citytwin/geodata/spatial_index.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct LoadTimes {
    double total = 0, read = 0, graph = 0, index = 0;
    std::size_t links = 0, buildings = 0;
};

LoadTimes time_citytwin(const citytwin::scenarios::Scenario& s) {
    LoadTimes t;
    const auto t0 = Clock::now();
    citytwin::geodata::LoadReport report;
    const auto model = citytwin::geodata::load_city(s.city, {}, report);
    const auto t1 = Clock::now();
    const citytwin::geodata::LinkIndex links(*model.roads);
    const citytwin::geodata::BuildingIndex buildings(*model.buildings);
    const auto t2 = Clock::now();
    t.read = report.seconds_read;
    t.graph = report.seconds_graph;
    t.index = std::chrono::duration<double>(t2 - t1).count();
    t.total = std::chrono::duration<double>(t2 - t0).count();
    t.links = model.roads->link_count();
    t.buildings = model.buildings->size();
    return t;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// The same layers, filters and target CRS through ogr2ogr into one GeoPackage.
double time_ogr2ogr(const citytwin::scenarios::Scenario& s, const std::string& crs, const fs::path& out) {
    const std::string osmconf = (fs::path(CITYTWIN_SOURCE_DIR) / "assets" / "osmconf.ini").string();
    auto command = [&](const citytwin::geodata::LayerSource& l, const char* osm_layer, const char* osm_where,
                       bool first) {
        const bool osm = l.source.ends_with(".pbf") || l.source.ends_with(".osm") || l.source.ends_with(".gz");
        const std::string src = l.source.ends_with(".gz") ? "/vsigzip/" + l.source : l.source;
        const std::string layer = !l.layer.empty() ? l.layer : (osm ? osm_layer : "");
        const std::string where = !l.where.empty() ? l.where : (osm ? osm_where : "");
        static int n = 0;  // distinct output layer per command (districts and buildings share an OSM layer)
        std::string cmd = "ogr2ogr -q -f GPKG " + std::string(first ? "" : "-update ") + quote(out.string()) +
                          " " + quote(src) + " " + layer + " -t_srs " + crs + " -nln l" + std::to_string(n++) +
                          (osm ? " -oo CONFIG_FILE=" + osmconf : "");
        if (!where.empty()) cmd += " -where \"" + where + "\"";  // filters use single quotes inside
        if (!l.crs.empty()) cmd += " -s_srs " + l.crs;
        return cmd + " 2>/dev/null";
    };
    fs::remove(out);
    std::vector<std::string> cmds;
    if (s.city.roads) cmds.push_back(command(*s.city.roads, "lines", "highway IS NOT NULL", cmds.empty()));
    if (s.city.buildings)
        cmds.push_back(command(*s.city.buildings, "multipolygons", "building IS NOT NULL", cmds.empty()));
    if (s.city.access_points)
        cmds.push_back(command(*s.city.access_points, "points", "internet_access IN ('wlan', 'yes', 'wifi')", cmds.empty()));
    if (s.city.districts) cmds.push_back(command(*s.city.districts, "multipolygons", "", cmds.empty()));
    const auto t0 = Clock::now();
    for (const auto& c : cmds)
        if (std::system(c.c_str()) != 0) throw std::runtime_error("ogr2ogr failed: " + c);
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    std::vector<std::string> files;
    for (int i = 2; i < argc; ++i) files.emplace_back(argv[i]);
    if (files.empty())
        for (const char* c : {"monaco", "helsinki-centre", "liechtenstein", "andorra", "north-bayreuth", "gothenburg"})
            files.push_back((fs::path(CITYTWIN_SOURCE_DIR) / "scenarios" / c / "baseline.yaml").string());
    const fs::path tmp = fs::temp_directory_path() / "citytwin-bench-ogr2ogr.gpkg";

    fmt::print("city model build (read + reproject + graph + R-trees) vs ogr2ogr -f GPKG of the same layers\n");
    fmt::print("median of {} runs, seconds\n\n", reps);
    fmt::print("{:<18}{:>8}{:>10}{:>9}{:>9}{:>9}{:>9}{:>10}{:>9}\n", "city", "links", "buildings", "read", "graph",
               "index", "total", "ogr2ogr", "ratio");
    std::vector<double> ratios;
    for (const auto& file : files) {
        const auto scenario = citytwin::scenarios::load_scenario(file);
        std::vector<double> total, read, graph, index, ogr;
        LoadTimes last;
        std::string crs;
        for (int r = 0; r < reps; ++r) {
            last = time_citytwin(scenario);
            total.push_back(last.total);
            read.push_back(last.read);
            graph.push_back(last.graph);
            index.push_back(last.index);
        }
        {
            citytwin::geodata::LoadReport rep;
            crs = citytwin::geodata::load_city(scenario.city, {}, rep).crs;
        }
        for (int r = 0; r < reps; ++r) ogr.push_back(time_ogr2ogr(scenario, crs, tmp));
        const double ratio = median(total) / median(ogr);
        ratios.push_back(ratio);
        fmt::print("{:<18}{:>8}{:>10}{:>9.3f}{:>9.3f}{:>9.3f}{:>9.3f}{:>10.3f}{:>9.2f}\n", scenario.city.name.substr(0, 17),
                   last.links, last.buildings, median(read), median(graph), median(index), median(total), median(ogr),
                   ratio);
    }
    fs::remove(tmp);
    fmt::print("\nratio = citytwin total / ogr2ogr (below 1: our whole model costs less than GDAL's own conversion)\n");
    fmt::print("median ratio over cities: {:.2f}\n", median(ratios));
    return 0;
}
