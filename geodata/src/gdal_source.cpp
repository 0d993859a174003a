#include "gdal_source.hpp"

#include <citytwin/geodata/data_paths.hpp>

#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace citytwin::geodata::detail {

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

GdalErrorCapture::GdalErrorCapture() { CPLPushErrorHandlerEx(&GdalErrorCapture::handler, this); }
GdalErrorCapture::~GdalErrorCapture() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorCapture::handler(CPLErr cls, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (!self || !msg || cls == CE_Debug || cls == CE_None) return;
    if (cls == CE_Warning) {
        if (self->warnings_++ == 0) self->first_warning_ = msg;
        return;
    }
    self->last_ = msg;
}

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void check_file_exists(const std::string& path) {
    if (is_gdal_connection(path)) return;
    if (!std::filesystem::exists(path)) throw Error(path + ": file not found");
}

std::string reason(const GdalErrorCapture& cap) {
    return cap.last_error().empty() ? std::string("not a format GDAL recognises, or the file is corrupt")
                                    : cap.last_error();
}
}  // namespace

std::string gdal_path(const std::string& path) {
    if (path.rfind("/vsi", 0) != 0 && ends_with(path, ".gz")) return "/vsigzip/" + path;
    return path;
}

bool looks_like_osm(const std::string& path) {
    return ends_with(path, ".osm") || ends_with(path, ".pbf") || ends_with(path, ".osm.gz") ||
           ends_with(path, ".osm.bz2");
}

DatasetPtr open_vector(const std::string& path) {
    ensure_gdal_registered();
    check_file_exists(path);
    GdalErrorCapture cap;
    std::vector<std::string> opts;
    if (looks_like_osm(path)) {
        const auto conf = assets_dir() / "osmconf.ini";
        if (!std::filesystem::exists(conf))
            throw Error(conf.string() + ": GDAL OSM configuration not found (set CITYTWIN_ASSETS_DIR)");
        opts.push_back("CONFIG_FILE=" + conf.string());
    }
    std::vector<const char*> copts;
    for (const auto& o : opts) copts.push_back(o.c_str());
    copts.push_back(nullptr);
    auto* ds = GDALDataset::Open(gdal_path(path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                 copts.data(), nullptr);
    if (!ds) throw Error(path + ": cannot open as a vector source: " + reason(cap));
    return DatasetPtr(ds);
}

DatasetPtr open_raster(const std::string& path) {
    ensure_gdal_registered();
    check_file_exists(path);
    GdalErrorCapture cap;
    auto* ds = GDALDataset::Open(gdal_path(path).c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY);
    if (!ds) throw Error(path + ": cannot open as a raster: " + reason(cap));
    return DatasetPtr(ds);
}

OGRLayer& find_layer(GDALDataset& ds, const std::string& path, const std::string& name) {
    if (ds.GetLayerCount() == 0) throw Error(path + ": the source has no vector layers");
    OGRLayer* layer = name.empty() ? ds.GetLayer(0) : ds.GetLayerByName(name.c_str());
    if (layer) return *layer;
    std::string known;
    for (int i = 0; i < ds.GetLayerCount(); ++i)
        known += (i ? ", " : "") + std::string(ds.GetLayer(i)->GetName());
    throw Error(path + ": unknown layer '" + name + "' (layers: " + known + ")");
}

int find_field(OGRLayer& layer, const std::string& path, const std::string& name) {
    if (name.empty()) return -1;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    const int idx = defn->GetFieldIndex(name.c_str());
    if (idx >= 0) return idx;
    std::string known;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        known += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
    throw Error(path + ": layer '" + layer.GetName() + "': unknown field '" + name + "' (fields: " + known + ")");
}

std::string field_string(const OGRFeature& f, int idx) {
    if (idx < 0 || !f.IsFieldSetAndNotNull(idx)) return {};
    return f.GetFieldAsString(idx);
}

double number_field(const OGRFeature& f, int idx, const std::string& where, const std::string& name) {
    const std::string text = field_string(f, idx);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end == text.c_str() || *end != '\0')
        throw Error(where + ": field '" + name + "' must be a number, got '" + text + "'");
    return v;
}

OGRSpatialReference make_srs(const std::string& definition) {
    ensure_gdal_registered();
    GdalErrorCapture quiet;  // PROJ's own "crs not found" would be a second message
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(definition.c_str()) != OGRERR_NONE)
        throw Error("unknown CRS '" + definition + "' (expected e.g. EPSG:3006, a WKT or a PROJ string)");
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

}  // namespace citytwin::geodata::detail
