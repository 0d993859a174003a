#pragma once
// Writes single-band GeoTIFFs (north-up grid in the working CRS). The file appears under
// its final name only when complete: it is written to a hidden temporary name beside the
// target and renamed, as DatasetWriter does.
#include <cstdint>
#include <span>
#include <string>

namespace citytwin::geodata {

/// Placement of a north-up grid: row 0 is the northern edge, values row-major.
struct GridPlacement {
    int width = 0;
    int height = 0;
    double origin_x = 0.0;   ///< west edge
    double origin_y = 0.0;   ///< north edge
    double cell_size = 1.0;
};

struct RasterBandInfo {
    std::string description;   ///< band description (shown by gdalinfo / QGIS)
    std::string unit;          ///< e.g. "dBm"; empty for none
    double nodata = 0.0;
};

/// crs: EPSG code, WKT or PROJ text. Throws Error naming the file on failure; an existing
/// file is replaced.
void write_geotiff(const std::string& path, const std::string& crs, const GridPlacement& grid,
                   std::span<const float> values, const RasterBandInfo& band);
void write_geotiff(const std::string& path, const std::string& crs, const GridPlacement& grid,
                   std::span<const std::uint32_t> values, const RasterBandInfo& band);
void write_geotiff(const std::string& path, const std::string& crs, const GridPlacement& grid,
                   std::span<const std::uint16_t> values, const RasterBandInfo& band);

}  // namespace citytwin::geodata
