#include "gdal_source.hpp"

#include <citytwin/geodata/source_info.hpp>

#include <citytwin/geodata/data_paths.hpp>

#include <filesystem>

namespace citytwin::geodata {

namespace {
std::string crs_name(const OGRSpatialReference* srs) {
    if (!srs) return "none";
    const char* auth = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    std::string out = (auth && code) ? std::string(auth) + ":" + code + " " : "";
    return out + "(" + (srs->GetName() ? srs->GetName() : "unnamed") + ")";
}
}  // namespace

SourceInfo describe_source(const std::string& path) {
    detail::ensure_gdal_registered();
    if (!is_gdal_connection(path) && !std::filesystem::exists(path))
        throw Error(path + ": file not found");
    detail::GdalErrorCapture cap;
    const bool osm = detail::looks_like_osm(path);
    detail::DatasetPtr ds = osm ? detail::open_vector(path)
                                : detail::DatasetPtr(GDALDataset::Open(detail::gdal_path(path).c_str(),
                                                                       GDAL_OF_VECTOR | GDAL_OF_RASTER |
                                                                           GDAL_OF_READONLY));
    if (!ds)
        throw Error(path + ": cannot open: " +
                    (cap.last_error().empty() ? "not a format GDAL recognises, or the file is corrupt"
                                              : cap.last_error()));
    SourceInfo info;
    info.path = path;
    info.driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "?";
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* layer = ds->GetLayer(i);
        LayerInfo li;
        li.name = layer->GetName();
        li.geometry_type = OGRGeometryTypeToName(layer->GetGeomType());
        // Counting OSM features needs a pass over the file per layer; fine for `info`.
        li.feature_count = layer->GetFeatureCount(TRUE);
        if (li.feature_count < 0) {  // the OSM driver cannot count: read the layer through
            li.feature_count = 0;
            layer->ResetReading();
            while (OGRFeatureUniquePtr f{layer->GetNextFeature()}) ++li.feature_count;
            layer->ResetReading();
        }
        li.crs = crs_name(layer->GetSpatialRef());
        OGREnvelope env;
        if (layer->GetExtent(&env, TRUE) == OGRERR_NONE) li.extent = std::array{env.MinX, env.MinY, env.MaxX, env.MaxY};
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (int f = 0; f < defn->GetFieldCount(); ++f) li.fields.emplace_back(defn->GetFieldDefn(f)->GetNameRef());
        info.layers.push_back(std::move(li));
    }
    if (ds->GetRasterCount() > 0) {
        RasterInfo r;
        r.width = ds->GetRasterXSize();
        r.height = ds->GetRasterYSize();
        r.bands = ds->GetRasterCount();
        r.data_type = GDALGetDataTypeName(ds->GetRasterBand(1)->GetRasterDataType());
        r.crs = crs_name(ds->GetSpatialRef());
        ds->GetGeoTransform(r.geotransform.data());
        int has_nodata = 0;
        const double nd = ds->GetRasterBand(1)->GetNoDataValue(&has_nodata);
        if (has_nodata) r.nodata = nd;
        const auto& g = r.geotransform;
        r.extent = {g[0], g[3] + g[5] * r.height, g[0] + g[1] * r.width, g[3]};
        info.raster = r;
    }
    return info;
}

}  // namespace citytwin::geodata
