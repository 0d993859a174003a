#include "loaders.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace citytwin::geodata {

namespace {
using detail::make_srs;

// Default working CRS: the UTM zone of the data's centre (metric, conformal, and what
// most national grids approximate).
std::string auto_utm_crs(const CityConfig& c) {
    const LayerSource* src = nullptr;
    if (c.roads) src = &*c.roads;
    else if (c.buildings) src = &*c.buildings;
    else if (c.districts) src = &*c.districts;
    else if (c.access_points) src = &*c.access_points;
    if (!src) throw Error("the city config names no vector layer (roads, buildings, districts or access_points)");
    const auto e = detail::layer_extent_lonlat(*src);
    const double lon = (e[0] + e[2]) / 2.0, lat = (e[1] + e[3]) / 2.0;
    const int zone = std::clamp(static_cast<int>(std::floor((lon + 180.0) / 6.0)) + 1, 1, 60);
    return "EPSG:" + std::to_string((lat >= 0 ? 32600 : 32700) + zone);
}

// OSM sources get the OSM field mapping wherever the config leaves a field empty.
template <typename Cfg>
Cfg with_defaults(Cfg cfg) {
    if (detail::looks_like_osm(cfg.source)) apply_osm_defaults(cfg);
    return cfg;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

void check_crs(const std::string& definition, bool projected) {
    const OGRSpatialReference srs = make_srs(definition);
    if (projected && !srs.IsProjected())
        throw Error("CRS " + definition + " is not projected (metric); use e.g. EPSG:3006 or a UTM zone");
}

CityModel load_city(const CityConfig& config, const LoadOptions& options, LoadReport& report) {
    detail::ensure_gdal_registered();
    CityModel model;
    model.name = config.name;
    model.attribution = config.attribution;
    model.crs = config.crs.empty() ? auto_utm_crs(config) : config.crs;
    const OGRSpatialReference working = make_srs(model.crs);
    if (!working.IsProjected())
        throw Error("working CRS " + model.crs + " is not projected (metric); use e.g. EPSG:3006 or a UTM zone");
    char* wkt = nullptr;
    working.exportToWkt(&wkt);
    model.crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);

    const auto t0 = std::chrono::steady_clock::now();
    detail::RoadWays ways;
    std::optional<RoadLayerConfig> roads_cfg;
    if (config.roads) {
        roads_cfg = with_defaults(*config.roads);
        ways = detail::read_road_ways(*roads_cfg, working, options, report);
        if (ways.car.empty())
            throw Error(roads_cfg->source + ": layer '" + roads_cfg->layer + "': no drivable roads (" +
                        std::to_string(report.road_features) + " features read, none of a drivable class)");
    }
    if (config.buildings)
        model.buildings = std::make_shared<const std::vector<Building>>(
            detail::read_buildings(with_defaults(*config.buildings), working, options, report));
    report.seconds_read = seconds_since(t0);

    const auto t1 = std::chrono::steady_clock::now();
    if (config.roads) {
        GraphBuildOptions gopt;
        gopt.snap_tolerance_m = config.roads->snap_tolerance_m;
        for (const auto& [cls, d] : config.road_defaults) gopt.class_table[static_cast<std::size_t>(cls)] = d;
        const RoadNetwork graph = build_road_network(ways.car, gopt, report.graph);
        model.roads = std::make_shared<const RoadNetwork>(
            detail::add_junction_data(config, *roads_cfg, working, ways.car, graph, report));
        if (!ways.paths.empty())
            model.paths = std::make_shared<const RoadNetwork>(build_road_network(ways.paths, gopt, report.path_graph));
    }
    report.seconds_graph = seconds_since(t1);

    for (const auto& n : model.roads->nodes()) model.bounds.extend(n.position);
    for (const auto& b : *model.buildings) model.bounds.extend(bounds(b.footprint));

    if (config.districts) {
        auto districts = detail::read_districts(*config.districts, working, report);
        if (model.bounds.empty())
            for (const auto& d : districts) model.bounds.extend(bounds(d.area));
        model.districts = std::make_shared<const std::vector<District>>(std::move(districts));
    }
    if (config.access_points)
        model.access_points = std::make_shared<const std::vector<AccessPoint>>(
            detail::read_access_points(with_defaults(*config.access_points), working, model.bounds, report));
    if (config.elevation)
        model.terrain = std::make_shared<const Raster>(detail::read_terrain(*config.elevation, working, model.bounds));
    if (config.transit) {
        model.transit = std::make_shared<const Timetable>(
            load_gtfs(*config.transit, model.crs, report.transit, options.progress));
        if (options.progress)
            std::fprintf(stderr, "transit: %zu stops, %zu routes, %zu trips on %s (%.1f s)\n", report.transit.stops,
                         report.transit.routes, report.transit.trips, report.transit.service_date.c_str(),
                         report.transit.seconds);
    }
    return model;
}

}  // namespace citytwin::geodata
