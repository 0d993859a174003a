#include "loaders.hpp"

#include <gdal_utils.h>

#include <cmath>

namespace citytwin::geodata::detail {

namespace {
struct WarpOptionsCloser {
    void operator()(GDALWarpAppOptions* o) const { GDALWarpAppOptionsFree(o); }
};
}  // namespace

// Elevation is warped once, at load time, onto a north-up grid in the working CRS that
// covers the study area; the simulation then samples it without any reprojection.
Raster read_terrain(const ElevationConfig& cfg, const OGRSpatialReference& working, const Box& area) {
    if (area.empty()) throw Error(cfg.source + ": elevation needs roads or buildings to define the study area");
    DatasetPtr src = open_raster(cfg.source);
    if (!src->GetSpatialRef())
        throw Error(cfg.source + ": the elevation raster has no CRS");
    const double res = cfg.resolution_m;
    const double minx = std::floor(area.min.x / res) * res, maxx = std::ceil(area.max.x / res) * res;
    const double miny = std::floor(area.min.y / res) * res, maxy = std::ceil(area.max.y / res) * res;

    char* wkt = nullptr;
    working.exportToWkt(&wkt);
    const std::string working_wkt = wkt ? wkt : "";
    CPLFree(wkt);
    const std::vector<std::string> args = {
        "-of", "MEM", "-t_srs", working_wkt, "-te", std::to_string(minx), std::to_string(miny),
        std::to_string(maxx), std::to_string(maxy), "-tr", std::to_string(res), std::to_string(res),
        "-r", "bilinear", "-ot", "Float32", "-dstnodata", "-9999"};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    GdalErrorCapture cap;
    std::unique_ptr<GDALWarpAppOptions, WarpOptionsCloser> opts(GDALWarpAppOptionsNew(argv.data(), nullptr));
    GDALDatasetH in = GDALDataset::ToHandle(src.get());
    int usage_error = 0;
    DatasetPtr warped(GDALDataset::FromHandle(GDALWarp("", nullptr, 1, &in, opts.get(), &usage_error)));
    if (!warped) throw Error(cfg.source + ": cannot warp the elevation to the working CRS: " + cap.last_error());

    Raster r;
    r.width = warped->GetRasterXSize();
    r.height = warped->GetRasterYSize();
    r.origin_x = minx;
    r.origin_y = maxy;
    r.cell_size = res;
    r.nodata = -9999.0f;
    r.values.resize(static_cast<std::size_t>(r.width) * r.height);
    if (warped->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, r.width, r.height, r.values.data(), r.width, r.height,
                                           GDT_Float32, 0, 0) != CE_None)
        throw Error(cfg.source + ": cannot read the elevation: " + cap.last_error());
    return r;
}

}  // namespace citytwin::geodata::detail
