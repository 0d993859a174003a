#include <citytwin/render/view_data.hpp>

#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/result_reader.hpp>
#include <citytwin/scenarios/run.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

namespace citytwin::render {

namespace {

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// The few KPIs a politician reads first.
std::vector<std::string> kpi_lines(const nlohmann::json& k) {
    std::vector<std::string> lines;
    if (k.contains("mobility")) {
        const auto& m = k["mobility"];
        lines.push_back("car trips " + std::to_string(m.value("car_trips", 0)) + ", mean " +
                        fixed(m.value("mean_travel_time_s", 0.0) / 60.0, 1) + " min, delay " +
                        fixed(m.value("mean_delay_s", 0.0), 1) + " s");
        if (m.value("unroutable", 0) > 0) lines.push_back("no route: " + std::to_string(m.value("unroutable", 0)) + " trips");
    }
    if (k.contains("wifi")) {
        const auto& w = k["wifi"];
        lines.push_back("wifi: " + std::to_string(w.value("aps", 0)) + " APs, residents covered " +
                        fixed(100.0 * w.value("population_covered_share", 0.0), 1) + " %");
    }
    return lines;
}

void sort_vehicles(std::vector<VehicleSample>& v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return std::tie(a.trip, a.time) < std::tie(b.trip, b.time); });
}

}  // namespace

ViewData view_data(const geodata::CityModel& m, const std::string& name) {
    ViewData v;
    v.name = name;
    v.attribution = m.attribution;
    v.crs = m.crs;
    v.bounds = m.bounds;
    v.terrain = m.terrain;
    for (const auto& l : m.roads->links()) v.links.push_back({l.id.value, l.geometry, l.name});
    if (m.paths)
        for (const auto& l : m.paths->links()) v.paths.push_back({l.id.value, l.geometry, l.name});
    for (const auto& b : *m.buildings) v.buildings.push_back({b.footprint, b.height_m, b.use, b.centroid});
    for (const auto& ap : *m.access_points) v.access_points.push_back(ap.position);
    for (const auto& d : *m.districts) v.districts.push_back({d.name, d.area});
    return v;
}

ViewData view_data(const scenarios::RunOutput& run) {
    const auto& m = run.model;
    ViewData v = view_data(m, run.scenario.name);
    if (run.mobility) {
        const auto& L = run.mobility->loading;
        const std::size_t n = v.links.size();
        v.hours = L.hours;
        v.volume_capacity.assign(L.hours * n, 0.0f);
        v.flow.assign(L.hours * n, 0.0f);
        const double factor = run.scenario.mobility.loading.flow_capacity_factor;
        for (std::size_t h = 0; h < L.hours; ++h)
            for (std::size_t l = 0; l < n; ++l) {
                const double cap = m.roads->link(geodata::LinkId(static_cast<std::uint32_t>(l))).capacity_vph * factor;
                v.flow[h * n + l] = static_cast<float>(L.entries[h * n + l]);
                v.volume_capacity[h * n + l] = cap > 0 ? static_cast<float>(L.entries[h * n + l] / cap) : 0.0f;
            }
        for (const auto& p : L.positions) v.vehicles.push_back({p.trip, p.time, p.x, p.y});
        sort_vehicles(v.vehicles);
        const auto& a = run.mobility->active;
        if (a.link_count == v.paths.size() && a.link_count > 0) {
            v.path_hours = sim::hours_per_day;
            v.pedestrians.assign(a.count[0].begin(), a.count[0].end());
            v.cyclists.assign(a.count[1].begin(), a.count[1].end());
        }
    }
    if (run.wifi) {
        const auto& c = run.wifi->coverage;
        geodata::Raster r;
        r.width = c.grid.width;
        r.height = c.grid.height;
        r.origin_x = c.grid.origin_x;
        r.origin_y = c.grid.origin_y;
        r.cell_size = c.grid.cell_size;
        r.nodata = sim::wifi::no_signal;
        r.values = c.rssi_dbm;
        v.rssi = std::move(r);
        v.threshold_dbm = run.scenario.wifi->threshold_dbm;
        // v.buildings are the model's, in its order.
        std::unordered_map<std::uint32_t, std::size_t> index;
        for (std::size_t i = 0; i < m.buildings->size(); ++i) index[(*m.buildings)[i].id.value] = i;
        for (const auto& b : run.wifi->kpis.buildings)
            if (const auto it = index.find(b.id); it != index.end() && b.rssi_dbm != sim::wifi::no_signal)
                v.buildings[it->second].indoor_rssi_dbm = b.rssi_dbm;
    }
    v.kpi_lines = kpi_lines(scenarios::kpis_json(run));
    return v;
}

ViewData read_view_data(const std::string& gpkg) {
    const geodata::ResultReader r(gpkg);
    const auto kpis = nlohmann::json::parse(r.kpis_json());
    ViewData v;
    v.name = kpis.value("scenario", std::string("result"));
    v.attribution = r.metadata("CITYTWIN_ATTRIBUTION").value_or("");
    v.crs = kpis.contains("run") ? kpis["run"].value("crs", std::string()) : std::string();
    const auto lines = r.read_lines("links", "link_id");
    const auto names = r.read_columns("links", {"link_id"}, {"name"});
    for (std::size_t i = 0; i < names.rows; ++i) {
        const auto id = static_cast<std::uint32_t>(names.number("link_id")[i]);
        v.links.push_back({id, lines.at(id), names.text("name")[i]});
        v.bounds.extend(geodata::bounds(v.links.back().line));
    }
    std::sort(v.links.begin(), v.links.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    const auto footprints = r.read_polygons("buildings", "building_id");
    const auto attrs = r.read_columns("buildings", {"building_id", "height_m"}, {"use"});
    for (std::size_t i = 0; i < attrs.rows; ++i) {
        const auto& fp = footprints.at(static_cast<std::int64_t>(attrs.number("building_id")[i]));
        const std::string& use = attrs.text("use")[i];
        v.buildings.push_back({fp, attrs.number("height_m")[i], geodata::building_use_of(use), geodata::centroid(fp)});
        v.bounds.extend(geodata::bounds(fp));
    }
    v.access_points = r.read_points("access_points");
    const auto districts = r.read_polygons("districts", "district_id");
    const auto dnames = r.read_columns("districts", {"district_id"}, {"name"});
    for (std::size_t i = 0; i < dnames.rows; ++i)
        v.districts.push_back({dnames.text("name")[i], districts.at(static_cast<std::int64_t>(dnames.number("district_id")[i]))});
    if (r.has_layer("link_flows")) {
        const auto f = r.read_columns("link_flows", {"link_id", "hour", "flow_veh", "volume_capacity"});
        const std::size_t n = v.links.size();
        for (double h : f.number("hour")) v.hours = std::max(v.hours, static_cast<std::size_t>(h) + 1);
        v.volume_capacity.assign(v.hours * n, 0.0f);
        v.flow.assign(v.hours * n, 0.0f);
        for (std::size_t i = 0; i < f.rows; ++i) {
            const auto cell = static_cast<std::size_t>(f.number("hour")[i]) * n + static_cast<std::size_t>(f.number("link_id")[i]);
            if (cell >= v.flow.size()) throw geodata::Error(gpkg + ": link_flows: link id beyond the links layer");
            v.flow[cell] = static_cast<float>(f.number("flow_veh")[i]);
            v.volume_capacity[cell] = static_cast<float>(f.number("volume_capacity")[i]);
        }
    }
    if (r.has_layer("paths")) {
        const auto path_lines = r.read_lines("paths", "path_link_id");
        const auto path_names = r.read_columns("paths", {"path_link_id"}, {"name"});
        for (std::size_t i = 0; i < path_names.rows; ++i) {
            const auto id = static_cast<std::uint32_t>(path_names.number("path_link_id")[i]);
            v.paths.push_back({id, path_lines.at(id), path_names.text("name")[i]});
        }
        std::sort(v.paths.begin(), v.paths.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    }
    if (r.has_layer("path_flows") && !v.paths.empty()) {
        const auto f = r.read_columns("path_flows", {"path_link_id", "hour", "pedestrians", "cyclists"});
        const std::size_t n = v.paths.size();
        v.path_hours = sim::hours_per_day;
        v.pedestrians.assign(v.path_hours * n, 0.0f);
        v.cyclists.assign(v.path_hours * n, 0.0f);
        for (std::size_t i = 0; i < f.rows; ++i) {
            const auto hour = static_cast<std::size_t>(f.number("hour")[i]), link = static_cast<std::size_t>(f.number("path_link_id")[i]);
            if (hour >= v.path_hours || link >= n)
                throw geodata::Error(gpkg + ": path_flows: row " + std::to_string(i + 1) + " has hour " + std::to_string(hour) +
                                     " or path_link_id " + std::to_string(link) + " beyond the paths layer");
            v.pedestrians[hour * n + link] = static_cast<float>(f.number("pedestrians")[i]);
            v.cyclists[hour * n + link] = static_cast<float>(f.number("cyclists")[i]);
        }
    }
    if (r.has_layer("vehicle_positions")) {
        const auto p = r.read_columns("vehicle_positions", {"trip_id", "time_s"});
        const auto pts = r.read_points("vehicle_positions");
        for (std::size_t i = 0; i < p.rows; ++i)
            v.vehicles.push_back({static_cast<std::uint32_t>(p.number("trip_id")[i]), static_cast<std::int32_t>(p.number("time_s")[i]),
                                  pts[i].x, pts[i].y});
        sort_vehicles(v.vehicles);
    }
    if (r.has_layer("wifi_buildings")) {
        const auto w = r.read_columns("wifi_buildings", {"building_id", "rssi_dbm"});
        const auto ids = attrs.number("building_id");
        std::unordered_map<std::int64_t, std::size_t> index;
        for (std::size_t i = 0; i < ids.size(); ++i) index[static_cast<std::int64_t>(ids[i])] = i;
        for (std::size_t i = 0; i < w.rows; ++i)
            if (const auto it = index.find(static_cast<std::int64_t>(w.number("building_id")[i])); it != index.end())
                v.buildings[it->second].indoor_rssi_dbm = static_cast<float>(w.number("rssi_dbm")[i]);
    }
    if (r.has_raster_table("wifi_rssi")) {
        v.rssi = r.read_raster_table("wifi_rssi");
        if (kpis.contains("wifi")) v.threshold_dbm = kpis["wifi"].value("threshold_dbm", -75.0);
    }
    v.kpi_lines = kpi_lines(kpis);
    return v;
}

std::string describe_at(const ViewData& d, const geodata::Point& p, std::int32_t time) {
    char buf[256];
    for (const auto& b : d.buildings)
        if (geodata::contains(b.footprint, p)) {
            std::snprintf(buf, sizeof buf, "building: %s, %.0f m high, %.0f m² footprint", std::string(geodata::to_string(b.use)).c_str(),
                          b.height_m, geodata::area(b.footprint));
            std::string out = buf;
            if (!std::isnan(b.indoor_rssi_dbm)) {
                std::snprintf(buf, sizeof buf, ", wifi indoors %.0f dBm (%s)", b.indoor_rssi_dbm,
                              b.indoor_rssi_dbm >= d.threshold_dbm ? "covered" : "not covered");
                out += buf;
            }
            return out;
        }
    for (std::size_t i = 0; i < d.access_points.size(); ++i)
        if (std::hypot(d.access_points[i].x - p.x, d.access_points[i].y - p.y) < 15.0) {
            std::snprintf(buf, sizeof buf, "access point %zu at (%.0f, %.0f)", i, d.access_points[i].x, d.access_points[i].y);
            return buf;
        }
    const ViewLink* best = nullptr;
    double best_d = std::numeric_limits<double>::infinity();
    for (const auto& l : d.links)
        for (const auto& q : l.line) {
            const double dist = std::hypot(q.x - p.x, q.y - p.y);
            if (dist < best_d) best_d = dist, best = &l;
        }
    if (!best) return "nothing here";
    const std::size_t hour = static_cast<std::size_t>(std::max(0, time) / 3600);
    std::snprintf(buf, sizeof buf, "road link %u %s: volume/capacity %.2f at %02zu:00", best->id, best->name.c_str(),
                  d.vc(hour, best->id), hour);
    return buf;
}

}  // namespace citytwin::render
