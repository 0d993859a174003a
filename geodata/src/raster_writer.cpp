#include "gdal_source.hpp"

#include <citytwin/geodata/raster_writer.hpp>

#include <cpl_string.h>
#include <unistd.h>

#include <filesystem>

namespace citytwin::geodata {

namespace fs = std::filesystem;

namespace {

template <typename T>
GDALDataType gdal_type();
template <>
GDALDataType gdal_type<float>() { return GDT_Float32; }
template <>
GDALDataType gdal_type<std::uint32_t>() { return GDT_UInt32; }
template <>
GDALDataType gdal_type<std::uint16_t>() { return GDT_UInt16; }

template <typename T>
void write_tiff(const std::string& path, const std::string& crs, const GridPlacement& grid, std::span<const T> values,
                const RasterBandInfo& band) {
    detail::ensure_gdal_registered();
    if (grid.width <= 0 || grid.height <= 0) throw Error(path + ": empty raster (" + std::to_string(grid.width) + "×" +
                                                         std::to_string(grid.height) + " cells)");
    if (values.size() != static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height))
        throw Error(path + ": " + std::to_string(values.size()) + " values for a " + std::to_string(grid.width) + "×" +
                    std::to_string(grid.height) + " raster");
    const fs::path final_path(path);
    if (!final_path.parent_path().empty() && !fs::is_directory(final_path.parent_path()))
        throw Error(path + ": folder " + final_path.parent_path().string() + " does not exist");
    const fs::path parent = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
    const fs::path staging = parent / (".citytwin-" + std::to_string(::getpid()) + "-" + final_path.filename().string());

    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!driver) throw Error(path + ": GDAL has no GTiff driver");
    detail::GdalErrorCapture cap;
    CPLStringList options;
    options.SetNameValue("COMPRESS", "DEFLATE");
    options.SetNameValue("TILED", "YES");
    const OGRSpatialReference srs = detail::make_srs(crs);
    {
        detail::DatasetPtr ds(driver->Create(staging.string().c_str(), grid.width, grid.height, 1, gdal_type<T>(),
                                             options.List()));
        if (!ds) throw Error(path + ": cannot create GeoTIFF: " + cap.last_error());
        auto fail = [&](const std::string& what) {
            ds.reset();
            std::error_code ec;
            fs::remove(staging, ec);
            throw Error(path + ": " + what + ": " + cap.last_error());
        };
        double transform[6] = {grid.origin_x, grid.cell_size, 0.0, grid.origin_y, 0.0, -grid.cell_size};
        if (ds->SetGeoTransform(transform) != CE_None) fail("cannot set the georeferencing");
        if (ds->SetSpatialRef(&srs) != CE_None) fail("cannot set the CRS");
        GDALRasterBand* b = ds->GetRasterBand(1);
        b->SetNoDataValue(band.nodata);
        if (!band.description.empty()) b->SetDescription(band.description.c_str());
        if (!band.unit.empty()) b->SetUnitType(band.unit.c_str());
        if (b->RasterIO(GF_Write, 0, 0, grid.width, grid.height, const_cast<T*>(values.data()), grid.width, grid.height,
                        gdal_type<T>(), 0, 0, nullptr) != CE_None)
            fail("cannot write the cells");
        ds.reset();  // close: flushes; the file is complete only after this
    }
    if (!cap.last_error().empty()) {
        std::error_code ec;
        fs::remove(staging, ec);
        throw Error(path + ": writing failed: " + cap.last_error());
    }
    std::error_code ec;
    fs::rename(staging, final_path, ec);
    if (ec) {
        fs::remove(staging, ec);
        throw Error(path + ": cannot move the raster into place: " + ec.message());
    }
}

}  // namespace

void write_geotiff(const std::string& path, const std::string& crs, const GridPlacement& grid,
                   std::span<const float> values, const RasterBandInfo& band) {
    write_tiff(path, crs, grid, values, band);
}
void write_geotiff(const std::string& path, const std::string& crs, const GridPlacement& grid,
                   std::span<const std::uint32_t> values, const RasterBandInfo& band) {
    write_tiff(path, crs, grid, values, band);
}
void write_geotiff(const std::string& path, const std::string& crs, const GridPlacement& grid,
                   std::span<const std::uint16_t> values, const RasterBandInfo& band) {
    write_tiff(path, crs, grid, values, band);
}

}  // namespace citytwin::geodata
