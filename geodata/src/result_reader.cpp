#include "gdal_source.hpp"
#include "ogr_convert.hpp"

#include <citytwin/geodata/result_reader.hpp>

#include <cmath>
#include <limits>

namespace citytwin::geodata {

using detail::DatasetPtr;
using detail::GdalErrorCapture;

namespace {

constexpr const char* kpis_key = "CITYTWIN_KPIS";

bool is_numeric(OGRFieldType type) { return type == OFTInteger || type == OFTInteger64 || type == OFTReal; }

// Band 1 of an open raster on a north-up grid with square cells, as Float32.
Raster raster_from(GDALDataset& ds, const std::string& name) {
    double gt[6];
    if (ds.GetGeoTransform(gt) != CE_None) throw Error(name + ": raster has no georeferencing");
    if (gt[2] != 0.0 || gt[4] != 0.0) throw Error(name + ": raster is rotated; a north-up grid is expected");
    if (gt[1] <= 0.0 || std::abs(gt[1] + gt[5]) > 1e-9 * gt[1])
        throw Error(name + ": raster cells are not square north-up cells (" + std::to_string(gt[1]) + " × " +
                    std::to_string(-gt[5]) + ")");
    if (ds.GetRasterCount() < 1) throw Error(name + ": raster has no band");
    Raster r;
    r.width = ds.GetRasterXSize();
    r.height = ds.GetRasterYSize();
    r.origin_x = gt[0];
    r.origin_y = gt[3];
    r.cell_size = gt[1];
    GDALRasterBand* band = ds.GetRasterBand(1);
    int has_nodata = 0;
    const double nodata = band->GetNoDataValue(&has_nodata);
    r.nodata = has_nodata ? static_cast<float>(nodata) : std::numeric_limits<float>::quiet_NaN();
    r.values.resize(static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height));
    GdalErrorCapture cap;
    if (band->RasterIO(GF_Read, 0, 0, r.width, r.height, r.values.data(), r.width, r.height, GDT_Float32, 0, 0,
                       nullptr) != CE_None)
        throw Error(name + ": cannot read the raster cells: " + cap.last_error());
    return r;
}

// Every feature of a layer with its integer id; `take` gets (id, feature).
template <typename Take>
void for_each_feature_by_id(OGRLayer& layer, const std::string& path, const std::string& id_field, Take take) {
    const int id = detail::find_field(layer, path, id_field);
    layer.ResetReading();
    while (OGRFeatureUniquePtr f{layer.GetNextFeature()}) {
        if (!f->IsFieldSetAndNotNull(id))
            throw Error(context_message(path, layer.GetName(), f->GetFID(), "field '" + id_field + "' is null"));
        take(static_cast<std::int64_t>(f->GetFieldAsInteger64(id)), *f);
    }
}

}  // namespace

struct ResultReader::Impl {
    std::string path;
    std::string kpis;
    DatasetPtr ds;
};

ResultReader::ResultReader(std::string path) : impl_(std::make_unique<Impl>()) {
    impl_->path = std::move(path);
    impl_->ds = detail::open_vector(impl_->path);
    const char* kpis = impl_->ds->GetMetadataItem(kpis_key);
    if (!kpis)
        throw Error(impl_->path + ": not a citytwin result (no " + kpis_key +
                    " metadata); write one with `citytwin run SCENARIO --out FILE.gpkg`");
    impl_->kpis = kpis;
}

ResultReader::~ResultReader() = default;

const std::string& ResultReader::path() const { return impl_->path; }

std::optional<std::string> ResultReader::metadata(const std::string& key) const {
    const char* value = impl_->ds->GetMetadataItem(key.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
}

const std::string& ResultReader::kpis_json() const { return impl_->kpis; }

std::string ResultReader::crs_wkt() const {
    auto wkt_of = [](OGRLayer* layer) -> std::string {
        const OGRSpatialReference* srs = layer ? layer->GetSpatialRef() : nullptr;
        if (!srs) return {};
        char* text = nullptr;
        srs->exportToWkt(&text);
        std::string out = text ? text : "";
        CPLFree(text);
        return out;
    };
    if (std::string wkt = wkt_of(impl_->ds->GetLayerByName("links")); !wkt.empty()) return wkt;
    for (int i = 0; i < impl_->ds->GetLayerCount(); ++i)
        if (std::string wkt = wkt_of(impl_->ds->GetLayer(i)); !wkt.empty()) return wkt;
    return {};
}

bool ResultReader::has_layer(const std::string& layer) const {
    return impl_->ds->GetLayerByName(layer.c_str()) != nullptr;
}

TableColumns ResultReader::read_columns(const std::string& layer_name, const std::vector<std::string>& numeric,
                                        const std::vector<std::string>& text) const {
    OGRLayer& layer = detail::find_layer(*impl_->ds, impl_->path, layer_name);
    std::vector<int> numeric_idx, text_idx;
    for (const auto& name : numeric) {
        const int idx = detail::find_field(layer, impl_->path, name);
        if (!is_numeric(layer.GetLayerDefn()->GetFieldDefn(idx)->GetType()))
            throw Error(context_message(impl_->path, layer_name, -1, "field '" + name + "' is not numeric"));
        numeric_idx.push_back(idx);
    }
    for (const auto& name : text) text_idx.push_back(detail::find_field(layer, impl_->path, name));

    TableColumns out;
    std::vector<std::vector<double>*> numbers;
    std::vector<std::vector<std::string>*> texts;
    for (const auto& name : numeric) numbers.push_back(&out.numbers[name]);
    for (const auto& name : text) texts.push_back(&out.texts[name]);
    layer.ResetReading();
    while (OGRFeatureUniquePtr f{layer.GetNextFeature()}) {
        for (std::size_t i = 0; i < numeric_idx.size(); ++i)
            numbers[i]->push_back(f->IsFieldSetAndNotNull(numeric_idx[i]) ? f->GetFieldAsDouble(numeric_idx[i])
                                                                           : std::numeric_limits<double>::quiet_NaN());
        for (std::size_t i = 0; i < text_idx.size(); ++i) texts[i]->push_back(detail::field_string(*f, text_idx[i]));
        ++out.rows;
    }
    return out;
}

TableColumns ResultReader::read_table(const std::string& layer_name, bool geometry) const {
    OGRLayer& layer = detail::find_layer(*impl_->ds, impl_->path, layer_name);
    std::vector<std::string> numeric, text;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        (is_numeric(defn->GetFieldDefn(i)->GetType()) ? numeric : text).push_back(defn->GetFieldDefn(i)->GetNameRef());
    TableColumns out = read_columns(layer_name, numeric, text);
    if (geometry) {
        auto& wkt = out.texts["wkt"];
        layer.ResetReading();
        while (OGRFeatureUniquePtr f{layer.GetNextFeature()}) {
            const OGRGeometry* g = f->GetGeometryRef();
            wkt.push_back(g ? g->exportToWkt() : std::string());
        }
    }
    return out;
}

std::vector<std::string> ResultReader::layer_names() const {
    std::vector<std::string> names;
    for (int i = 0; i < impl_->ds->GetLayerCount(); ++i) names.push_back(impl_->ds->GetLayer(i)->GetName());
    return names;
}

std::map<std::int64_t, Polyline> ResultReader::read_lines(const std::string& layer_name,
                                                          const std::string& id_field) const {
    OGRLayer& layer = detail::find_layer(*impl_->ds, impl_->path, layer_name);
    std::map<std::int64_t, Polyline> out;
    for_each_feature_by_id(layer, impl_->path, id_field, [&](std::int64_t id, const OGRFeature& f) {
        const OGRGeometry* g = f.GetGeometryRef();
        auto parts = g ? detail::to_polylines(*g) : std::vector<Polyline>{};
        if (parts.size() != 1)
            throw Error(context_message(impl_->path, layer_name, f.GetFID(), "expected one linestring"));
        out[id] = std::move(parts.front());
    });
    return out;
}

std::vector<Point> ResultReader::read_points(const std::string& layer_name) const {
    OGRLayer& layer = detail::find_layer(*impl_->ds, impl_->path, layer_name);
    std::vector<Point> out;
    layer.ResetReading();
    while (OGRFeatureUniquePtr f{layer.GetNextFeature()}) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (g && wkbFlatten(g->getGeometryType()) == wkbPoint) out.push_back({g->toPoint()->getX(), g->toPoint()->getY()});
        else out.push_back({std::nan(""), std::nan("")});
    }
    return out;
}

std::map<std::int64_t, MultiPolygon> ResultReader::read_polygons(const std::string& layer_name,
                                                                 const std::string& id_field) const {
    OGRLayer& layer = detail::find_layer(*impl_->ds, impl_->path, layer_name);
    std::map<std::int64_t, MultiPolygon> out;
    for_each_feature_by_id(layer, impl_->path, id_field, [&](std::int64_t id, const OGRFeature& f) {
        const OGRGeometry* g = f.GetGeometryRef();
        out[id] = g ? detail::to_multipolygon(*g) : MultiPolygon{};
    });
    return out;
}

bool ResultReader::has_raster_table(const std::string& table) const {
    GDALDriver* driver = impl_->ds->GetDriver();
    if (!driver || std::string(driver->GetDescription()) != "GPKG") return false;
    std::string quoted;  // SQL string literal: double every quote
    for (char c : table) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    const std::string sql = "SELECT table_name FROM gpkg_contents WHERE table_name = '" + quoted +
                            "' AND data_type IN ('2d-gridded-coverage', 'tiles')";
    GdalErrorCapture quiet;
    OGRLayer* rows = impl_->ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!rows) return false;
    const bool found = OGRFeatureUniquePtr(rows->GetNextFeature()) != nullptr;
    impl_->ds->ReleaseResultSet(rows);
    return found;
}

Raster ResultReader::read_raster_table(const std::string& table) const {
    if (!has_raster_table(table)) throw Error(impl_->path + ": no raster table '" + table + "'");
    const std::string option = "TABLE=" + table;
    const char* open_options[] = {option.c_str(), nullptr};
    GdalErrorCapture cap;
    DatasetPtr ds(GDALDataset::Open(impl_->path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, open_options,
                                    nullptr));
    if (!ds) throw Error(impl_->path + ": cannot open raster table '" + table + "': " + cap.last_error());
    return raster_from(*ds, impl_->path + ": raster table '" + table + "'");
}

Raster read_raster(const std::string& path) {
    DatasetPtr ds = detail::open_raster(path);
    return raster_from(*ds, path);
}

}  // namespace citytwin::geodata
