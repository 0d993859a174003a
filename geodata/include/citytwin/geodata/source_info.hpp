#pragma once
// What a GDAL source holds (vector layers or raster bands), for `citytwin info SOURCE`.
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::geodata {

struct LayerInfo {
    std::string name;
    std::string geometry_type;
    long long feature_count = 0;
    std::string crs;             ///< "EPSG:4326 (WGS 84)" or "none"
    std::optional<std::array<double, 4>> extent;   ///< minx, miny, maxx, maxy
    std::vector<std::string> fields;
};

struct RasterInfo {
    int width = 0, height = 0, bands = 0;
    std::string data_type, crs;
    std::array<double, 6> geotransform{};
    std::optional<double> nodata;
    std::array<double, 4> extent{};
};

struct SourceInfo {
    std::string path, driver;
    std::vector<LayerInfo> layers;
    std::optional<RasterInfo> raster;
};

SourceInfo describe_source(const std::string& path);

}  // namespace citytwin::geodata
