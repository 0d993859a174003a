#pragma once
// What the 3D view shows, independent of where it came from: a run in memory (a scenario
// just simulated) or a result GeoPackage read back. Geometry is in the working CRS.
#include <citytwin/geodata/city_model.hpp>

#include <optional>
#include <string>
#include <limits>
#include <vector>

namespace citytwin::scenarios {
struct RunOutput;
}

namespace citytwin::render {

struct ViewLink {
    std::uint32_t id = 0;
    geodata::Polyline line;
    std::string name;
};

struct ViewBuilding {
    geodata::MultiPolygon footprint;
    double height_m = 0;
    geodata::BuildingUse use = geodata::BuildingUse::Other;
    geodata::Point centroid;
    /// Best-server RSSI at the building's home cell, behind its entry loss (the wifi run's
    /// wifi_buildings.rssi_dbm); NaN without wifi results or where no AP reaches.
    float indoor_rssi_dbm = std::numeric_limits<float>::quiet_NaN();
};

struct ViewDistrict {
    std::string name;
    geodata::MultiPolygon area;
};

struct VehicleSample {
    std::uint32_t trip = 0;
    std::int32_t time = 0;
    double x = 0, y = 0;
};

struct ViewData {
    std::string name;             ///< scenario name
    std::string attribution;      ///< data credits shown in the corner
    std::string crs;
    geodata::Box bounds = geodata::Box::none();
    std::vector<ViewLink> links;
    std::vector<ViewBuilding> buildings;
    std::vector<geodata::Point> access_points;
    std::vector<ViewDistrict> districts;
    std::shared_ptr<const geodata::Raster> terrain;   ///< null: flat ground at 0 m
    /// Volume/capacity per hour and link ([hour * links + link]); empty without traffic.
    std::size_t hours = 0;
    std::vector<float> volume_capacity;
    std::vector<float> flow;                          ///< vehicles entering, same layout
    std::vector<VehicleSample> vehicles;              ///< sorted by (trip, time)
    /// The walking and cycling network and who used it: pedestrians and cyclists entering
    /// each path link per hour ([hour * paths + link], path_hours hours; empty without).
    std::vector<ViewLink> paths;
    std::size_t path_hours = 0;
    std::vector<float> pedestrians, cyclists;
    std::optional<geodata::Raster> rssi;              ///< best-server RSSI (dBm); nodata outside
    double threshold_dbm = -75;
    std::vector<std::string> kpi_lines;               ///< short lines for the HUD

    float vc(std::size_t hour, std::size_t link) const {
        return hours ? volume_capacity[std::min(hour, hours - 1) * links.size() + link] : 0.0f;
    }
    float walkers(std::size_t hour, std::size_t link) const {
        return path_hours ? pedestrians[std::min(hour, path_hours - 1) * paths.size() + link] : 0.0f;
    }
    float riders(std::size_t hour, std::size_t link) const {
        return path_hours ? cyclists[std::min(hour, path_hours - 1) * paths.size() + link] : 0.0f;
    }
};

/// What a planner picked at `p`: the building there (use, height, footprint), else an
/// access point within 15 m, else the nearest road link with its v/c in the hour of `time`.
std::string describe_at(const ViewData& data, const geodata::Point& p, std::int32_t time);

/// The city alone (no traffic, no coverage).
ViewData view_data(const geodata::CityModel& model, const std::string& name);
/// From a run in memory.
ViewData view_data(const scenarios::RunOutput& run);
/// From a result GeoPackage of `citytwin run --out`. Throws geodata::Error naming the file.
ViewData read_view_data(const std::string& gpkg);

}  // namespace citytwin::render
