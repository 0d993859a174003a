#pragma once
// RAII over GDAL for geodata/src only: datasets that close themselves, layers and
// fields looked up by name with errors that say what exists, and GDAL's own error
// text captured so exceptions carry it (CPLError is thread-local; we push a handler).
#include <citytwin/geodata/error.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>
#include <vector>

namespace citytwin::geodata::detail {

/// Registers GDAL drivers once per process (GDALAllRegister is idempotent).
void ensure_gdal_registered();

/// Collects GDAL error messages while alive instead of printing them.
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;
    /// The last failure GDAL reported (empty if none).
    const std::string& last_error() const { return last_; }
    /// Warnings GDAL reported while this capture was active, and the first one's text.
    std::size_t warning_count() const { return warnings_; }
    const std::string& first_warning() const { return first_warning_; }

private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char* msg);
    std::string last_, first_warning_;
    std::size_t warnings_ = 0;
};

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(GDALDataset::ToHandle(ds)); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/// The GDAL path for a user path: .gz files go through /vsigzip/.
std::string gdal_path(const std::string& path);
/// True for OpenStreetMap files (.osm, .pbf, .osm.gz, .osm.bz2).
bool looks_like_osm(const std::string& path);

/// Opens a vector source (OSM files with assets/osmconf.ini). Throws Error naming the file.
DatasetPtr open_vector(const std::string& path);
/// Opens a raster source. Throws Error naming the file.
DatasetPtr open_raster(const std::string& path);

/// The named layer, or the only/first layer when name is empty. Throws listing layers.
OGRLayer& find_layer(GDALDataset& ds, const std::string& path, const std::string& name);

/// Index of a field; -1 for an empty name. Throws listing fields when it does not exist.
int find_field(OGRLayer& layer, const std::string& path, const std::string& name);

/// Field value as string ("" when unset or null; idx -1 gives "").
std::string field_string(const OGRFeature& f, int idx);

/// Field value as a number; throws Error "<where>: field '<name>' must be a number, got '…'"
/// when it is empty or not a number.
double number_field(const OGRFeature& f, int idx, const std::string& where, const std::string& name);

/// Spatial reference in x=east, y=north order from "EPSG:3006", WKT or PROJ text.
OGRSpatialReference make_srs(const std::string& definition);

}  // namespace citytwin::geodata::detail
