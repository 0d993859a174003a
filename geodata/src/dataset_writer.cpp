#include "gdal_source.hpp"
#include "ogr_convert.hpp"

#include <citytwin/geodata/city_writer.hpp>
#include <citytwin/geodata/dataset_writer.hpp>

#include <citytwin/geodata/data_paths.hpp>
#include <citytwin/geodata/junctions.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <type_traits>
#include <variant>
#include <gdal.h>
#include <unistd.h>

namespace citytwin::geodata {

namespace fs = std::filesystem;
using detail::DatasetPtr;
using detail::GdalErrorCapture;

namespace {

struct FieldSpec {
    const char* name;
    OGRFieldType type;
};

OGRLayer& create_layer(GDALDataset& ds, const std::string& path, const char* name, const OGRSpatialReference& srs,
                       OGRwkbGeometryType type, std::initializer_list<FieldSpec> fields) {
    GdalErrorCapture cap;
    OGRSpatialReference layer_srs(srs);  // GDAL 3.6 takes a non-const pointer
    OGRLayer* layer = ds.CreateLayer(name, &layer_srs, type, nullptr);
    if (!layer) throw Error(path + ": cannot create layer '" + name + "': " + cap.last_error());
    for (const auto& f : fields) {
        OGRFieldDefn defn(f.name, f.type);
        if (layer->CreateField(&defn) != OGRERR_NONE)
            throw Error(path + ": layer '" + name + "': cannot create field '" + f.name + "': " + cap.last_error());
    }
    return *layer;
}

// Writes one feature per item inside a transaction (GPKG is ~100× faster that way). One
// feature object serves every item, reset in between (no allocation per row).
template <typename Items, typename Fill>
void write_features(GDALDataset& ds, OGRLayer& layer, const std::string& path, const Items& items, Fill fill) {
    GdalErrorCapture cap;
    const bool txn = ds.StartTransaction() == OGRERR_NONE;
    OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
    for (const auto& item : items) {
        f->Reset();
        fill(*f, item);
        if (layer.CreateFeature(f.get()) != OGRERR_NONE)
            throw Error(path + ": layer '" + layer.GetName() + "': cannot write a feature: " + cap.last_error());
    }
    if (txn && ds.CommitTransaction() != OGRERR_NONE)
        throw Error(path + ": layer '" + layer.GetName() + "': cannot commit: " + cap.last_error());
}

// Junctions: nodes where the control matters (three or more neighbours, or a control
// other than the default priority). Turn restrictions: a plain table keyed by link ids.
void write_junction_layers(GDALDataset& ds, const std::string& path, const RoadNetwork& net,
                           const OGRSpatialReference& srs) {
    std::vector<const Node*> junctions;
    for (const auto& n : net.nodes())
        if (n.control != JunctionControl::Priority || node_degree(net, n.id) >= 3) junctions.push_back(&n);
    OGRLayer& layer = create_layer(ds, path, "junctions", srs, wkbPoint,
                                   {{"node_id", OFTInteger}, {"control", OFTString}, {"controller", OFTInteger},
                                    {"cycle_s", OFTReal}, {"offset_s", OFTReal}});
    write_features(ds, layer, path, junctions, [](OGRFeature& f, const Node* n) {
        f.SetField("node_id", static_cast<int>(n->id.value));
        f.SetField("control", std::string(to_string(n->control)).c_str());
        if (n->controller.valid()) f.SetField("controller", static_cast<int>(n->controller.value));
        else f.SetFieldNull(f.GetFieldIndex("controller"));
        f.SetField("cycle_s", n->cycle_s);
        f.SetField("offset_s", n->offset_s);
        f.SetGeometryDirectly(new OGRPoint(n->position.x, n->position.y));
    });
    OGRLayer& turns = create_layer(ds, path, "turn_restrictions", srs, wkbNone,
                                   {{"from_link", OFTInteger}, {"to_link", OFTInteger}, {"only", OFTInteger},
                                    {"source_id", OFTInteger64}});
    write_features(ds, turns, path, net.turn_restrictions(), [](OGRFeature& f, const TurnRestriction& r) {
        f.SetField("from_link", static_cast<int>(r.from.value));
        f.SetField("to_link", static_cast<int>(r.to.value));
        f.SetField("only", r.only ? 1 : 0);
        f.SetField("source_id", static_cast<GIntBig>(r.source_id));
    });
}

void write_all_layers(GDALDataset& ds, const std::string& path, const CityModel& m, const OGRSpatialReference& srs) {
    OGRLayer& links = create_layer(ds, path, "links", srs, wkbLineString,
                                   {{"link_id", OFTInteger}, {"from_node", OFTInteger}, {"to_node", OFTInteger},
                                    {"length_m", OFTReal}, {"speed_kmh", OFTReal}, {"lanes", OFTInteger},
                                    {"capacity_vph", OFTReal}, {"storage_veh", OFTReal}, {"road_class", OFTString},
                                    {"name", OFTString}, {"source_id", OFTInteger64}, {"reversed", OFTInteger}});
    write_features(ds, links, path, m.roads->links(), [](OGRFeature& f, const Link& l) {
        f.SetField("link_id", static_cast<int>(l.id.value));
        f.SetField("from_node", static_cast<int>(l.from.value));
        f.SetField("to_node", static_cast<int>(l.to.value));
        f.SetField("length_m", l.length_m);
        f.SetField("speed_kmh", l.freeflow_speed_mps * 3.6);
        f.SetField("lanes", l.lanes);
        f.SetField("capacity_vph", l.capacity_vph);
        f.SetField("storage_veh", l.storage_veh);
        f.SetField("road_class", std::string(to_string(l.road_class)).c_str());
        f.SetField("name", l.name.c_str());
        f.SetField("source_id", static_cast<GIntBig>(l.source_id));
        f.SetField("reversed", l.reversed ? 1 : 0);
        f.SetGeometryDirectly(detail::to_ogr(l.geometry).release());
    });

    OGRLayer& nodes = create_layer(ds, path, "nodes", srs, wkbPoint, {{"node_id", OFTInteger}});
    write_features(ds, nodes, path, m.roads->nodes(), [](OGRFeature& f, const Node& n) {
        f.SetField("node_id", static_cast<int>(n.id.value));
        f.SetGeometryDirectly(new OGRPoint(n.position.x, n.position.y));
    });

    write_junction_layers(ds, path, *m.roads, srs);

    OGRLayer& buildings = create_layer(
        ds, path, "buildings", srs, wkbMultiPolygon,
        {{"building_id", OFTInteger}, {"source_id", OFTInteger64}, {"height_m", OFTReal}, {"levels", OFTReal},
         {"height_source", OFTString}, {"use", OFTString}, {"building", OFTString},
         {"footprint_m2", OFTReal}, {"floor_area_m2", OFTReal}});
    write_features(ds, buildings, path, *m.buildings, [](OGRFeature& f, const Building& b) {
        f.SetField("building_id", static_cast<int>(b.id.value));
        f.SetField("source_id", static_cast<GIntBig>(b.source_id));
        f.SetField("height_m", b.height_m);
        f.SetField("levels", b.levels);
        f.SetField("height_source", std::string(to_string(b.height_source)).c_str());
        f.SetField("use", std::string(to_string(b.use)).c_str());
        f.SetField("building", b.use_tag.c_str());
        f.SetField("footprint_m2", b.footprint_area_m2);
        f.SetField("floor_area_m2", b.floor_area_m2);
        f.SetGeometryDirectly(detail::to_ogr(b.footprint).release());
    });

    OGRLayer& aps = create_layer(ds, path, "access_points", srs, wkbPoint,
                                 {{"ap_id", OFTInteger}, {"source_id", OFTInteger64}, {"name", OFTString},
                                  {"height_m", OFTReal}, {"tx_power_dbm", OFTReal}, {"frequency_ghz", OFTReal},
                                  {"channel", OFTInteger}});
    write_features(ds, aps, path, *m.access_points, [](OGRFeature& f, const AccessPoint& a) {
        f.SetField("ap_id", static_cast<int>(a.id.value));
        f.SetField("source_id", static_cast<GIntBig>(a.source_id));
        f.SetField("name", a.name.c_str());
        f.SetField("height_m", a.height_m);
        f.SetField("tx_power_dbm", a.tx_power_dbm);
        f.SetField("frequency_ghz", a.frequency_ghz);
        f.SetField("channel", a.channel);
        f.SetGeometryDirectly(new OGRPoint(a.position.x, a.position.y));
    });

    OGRLayer& districts = create_layer(ds, path, "districts", srs, wkbMultiPolygon,
                                       {{"district_id", OFTInteger}, {"source_id", OFTInteger64},
                                        {"name", OFTString}, {"population", OFTReal}});
    write_features(ds, districts, path, *m.districts, [](OGRFeature& f, const District& d) {
        f.SetField("district_id", static_cast<int>(d.id.value));
        f.SetField("source_id", static_cast<GIntBig>(d.source_id));
        f.SetField("name", d.name.c_str());
        f.SetField("population", d.population);
        f.SetGeometryDirectly(detail::to_ogr(d.area).release());
    });
}

// Output goes to a hidden folder beside the target ("dir/.citytwin-<pid>-city.gpkg/"),
// which holds the main file and any sidecars the driver writes. Files move to their final
// names only when the dataset is closed and complete; a failure removes the folder.
fs::path staging_dir(const fs::path& final_path) {
    const fs::path parent = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
    return parent / (".citytwin-" + std::to_string(::getpid()) + "-" + final_path.filename().string());
}

// Integers go out as 32-bit fields when every value fits: GDAL's GeoPackage driver
// formats each 64-bit field value as text on the way in, a third of the time of writing a
// trips table. Readers get the same numbers either way (SQLite INTEGER).
OGRFieldType field_type(const TableColumn& c) {
    if (const auto* v = std::get_if<std::vector<std::int64_t>>(&c.values)) {
        const auto fits = [](std::int64_t x) {
            return x >= std::numeric_limits<std::int32_t>::min() && x <= std::numeric_limits<std::int32_t>::max();
        };
        return std::all_of(v->begin(), v->end(), fits) ? OFTInteger : OFTInteger64;
    }
    if (std::holds_alternative<std::vector<double>>(c.values)) return OFTReal;
    return OFTString;
}

// The layer type follows whichever geometry list the table fills.
OGRwkbGeometryType geometry_type(const Table& t) {
    if (!t.polygons.empty()) return wkbMultiPolygon;
    if (!t.lines.empty()) return wkbLineString;
    if (!t.points.empty()) return wkbPoint;
    return wkbNone;
}

std::size_t column_size(const TableColumn& c) {
    return std::visit([](const auto& v) { return v.size(); }, c.values);
}
}  // namespace

struct PendingRaster {
    std::string name;
    GridPlacement grid;
    std::vector<float> values;
    RasterBandInfo band;
};

struct DatasetWriter::Impl {
    std::vector<PendingRaster> rasters;
    std::string path, target;
    fs::path staging;
    bool is_file = true;
    OGRSpatialReference srs;
    DatasetPtr ds;
};

DatasetWriter::DatasetWriter(std::string path, std::string crs_wkt, std::string driver_name)
    : impl_(std::make_unique<Impl>()) {
    detail::ensure_gdal_registered();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (!driver) throw Error("unknown output driver '" + driver_name + "' (see `ogrinfo --formats`)");
    if (!driver->GetMetadataItem(GDAL_DCAP_MULTIPLE_VECTOR_LAYERS))
        throw Error(path + ": output driver '" + driver_name +
                    "' holds one layer per file, the result has several; use GPKG (default), SQLite, or a PG: connection");
    impl_->path = path;
    impl_->is_file = !is_gdal_connection(path);  // PG:… and friends write in place
    const fs::path final_path(path);
    if (impl_->is_file) {
        if (fs::is_directory(final_path)) throw Error(path + ": is a folder; give a file name such as out.gpkg");
        if (!final_path.parent_path().empty() && !fs::is_directory(final_path.parent_path()))
            throw Error(path + ": folder " + final_path.parent_path().string() + " does not exist");
        impl_->staging = staging_dir(final_path);
        std::error_code ec;
        fs::remove_all(impl_->staging, ec);
        if (!fs::create_directory(impl_->staging, ec))
            throw Error(path + ": cannot create a temporary folder beside it: " + ec.message());
        impl_->target = (impl_->staging / final_path.filename()).string();
    } else {
        impl_->target = path;
    }
    if (!crs_wkt.empty()) impl_->srs = detail::make_srs(crs_wkt);   // empty: plain tables only (a sweep)
    GdalErrorCapture cap;
    impl_->ds.reset(driver->Create(impl_->target.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!impl_->ds) {
        std::error_code ec;
        if (impl_->is_file) fs::remove_all(impl_->staging, ec);
        throw Error(path + ": cannot create (" + driver_name + "): " + cap.last_error());
    }
}

DatasetWriter::~DatasetWriter() {
    impl_->ds.reset();
    if (impl_->is_file && !impl_->staging.empty()) {
        std::error_code ec;
        fs::remove_all(impl_->staging, ec);  // after commit: already empty
    }
}

void DatasetWriter::add_city(const CityModel& model) {
    set_metadata("CITYTWIN_CITY", model.name);
    set_metadata("CITYTWIN_CRS", model.crs);
    set_metadata("CITYTWIN_ATTRIBUTION", model.attribution);
    write_all_layers(*impl_->ds, impl_->path, model, impl_->srs);
}

void DatasetWriter::add_table(const Table& table) {
    for (const auto& c : table.columns)
        if (column_size(c) != table.rows)
            throw Error(impl_->path + ": table '" + table.name + "': column '" + c.name + "' has " +
                        std::to_string(column_size(c)) + " values for " + std::to_string(table.rows) + " rows");
    const OGRwkbGeometryType type = geometry_type(table);
    const bool spatial = type != wkbNone;
    // One kind of geometry, one per row (mixing kinds makes the sum wrong too).
    if (table.points.size() + table.lines.size() + table.polygons.size() != (spatial ? table.rows : 0))
        throw Error(impl_->path + ": table '" + table.name + "': geometries do not match the " +
                    std::to_string(table.rows) + " rows");
    GdalErrorCapture cap;
    static const char* no_index_options[] = {"SPATIAL_INDEX=NO", nullptr};
    const std::string driver_name = impl_->ds->GetDriver() ? impl_->ds->GetDriver()->GetDescription() : "";
    char** no_index = driver_name == "GPKG" || driver_name == "SQLite" ? const_cast<char**>(no_index_options) : nullptr;
    OGRLayer* layer = impl_->ds->CreateLayer(table.name.c_str(), spatial ? &impl_->srs : nullptr,
                                             type,
                                             table.spatial_index ? nullptr : no_index);
    if (!layer) throw Error(impl_->path + ": cannot create table '" + table.name + "': " + cap.last_error());
    std::vector<OGRFieldType> types;
    for (const auto& c : table.columns) {
        types.push_back(field_type(c));
        OGRFieldDefn defn(c.name.c_str(), types.back());
        if (layer->CreateField(&defn) != OGRERR_NONE)
            throw Error(impl_->path + ": table '" + table.name + "': cannot create field '" + c.name + "'");
    }
    std::vector<std::size_t> rows(table.rows);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    write_features(*impl_->ds, *layer, impl_->path, rows, [&](OGRFeature& f, std::size_t row) {
        for (std::size_t c = 0; c < table.columns.size(); ++c) {
            const int idx = static_cast<int>(c);
            std::visit(
                [&](const auto& values) {
                    using V = std::decay_t<decltype(values)>;
                    if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) {
                        if (types[c] == OFTInteger) f.SetField(idx, static_cast<int>(values[row]));
                        else f.SetField(idx, static_cast<GIntBig>(values[row]));
                    }
                    else if constexpr (std::is_same_v<V, std::vector<double>>) {
                        if (std::isnan(values[row])) f.SetFieldNull(idx);
                        else f.SetField(idx, values[row]);
                    }
                    else
                        f.SetField(idx, values[row].c_str());
                },
                table.columns[c].values);
        }
        if (type == wkbMultiPolygon) f.SetGeometryDirectly(detail::to_ogr(table.polygons[row]).release());
        else if (type == wkbLineString) f.SetGeometryDirectly(detail::to_ogr(table.lines[row]).release());
        else if (type == wkbPoint) f.SetGeometryDirectly(new OGRPoint(table.points[row].x, table.points[row].y));
    });
}

void DatasetWriter::set_metadata(const std::string& key, const std::string& value) {
    impl_->ds->SetMetadataItem(key.c_str(), value.c_str());
}

void DatasetWriter::add_raster(const std::string& name, const GridPlacement& grid, std::vector<float> values,
                               const RasterBandInfo& band) {
    const std::string driver = impl_->ds && impl_->ds->GetDriver() ? impl_->ds->GetDriver()->GetDescription() : "";
    if (driver != "GPKG") throw Error(impl_->path + ": raster tables need a GeoPackage output, not " + driver);
    if (values.size() != static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height))
        throw Error(impl_->path + ": raster '" + name + "': values do not match its grid");
    impl_->rasters.push_back({name, grid, std::move(values), band});
}

namespace {
// GDAL appends a raster to an existing GeoPackage through CreateCopy from a dataset in
// memory; Float32 needs the "2D gridded coverage" extension (TIFF tiles).
void append_raster(const std::string& target, const std::string& path, const OGRSpatialReference& srs,
                   const PendingRaster& r) {
    GdalErrorCapture cap;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* gpkg = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!mem || !gpkg) throw Error(path + ": GDAL lacks the MEM or GPKG raster driver");
    DatasetPtr src(mem->Create("", r.grid.width, r.grid.height, 1, GDT_Float32, nullptr));
    if (!src) throw Error(path + ": raster '" + r.name + "': " + cap.last_error());
    double transform[6] = {r.grid.origin_x, r.grid.cell_size, 0.0, r.grid.origin_y, 0.0, -r.grid.cell_size};
    src->SetGeoTransform(transform);
    src->SetSpatialRef(&srs);
    GDALRasterBand* band = src->GetRasterBand(1);
    band->SetNoDataValue(r.band.nodata);
    if (!r.band.description.empty()) band->SetDescription(r.band.description.c_str());
    if (!r.band.unit.empty()) band->SetUnitType(r.band.unit.c_str());
    if (band->RasterIO(GF_Write, 0, 0, r.grid.width, r.grid.height, const_cast<float*>(r.values.data()), r.grid.width,
                       r.grid.height, GDT_Float32, 0, 0, nullptr) != CE_None)
        throw Error(path + ": raster '" + r.name + "': " + cap.last_error());
    const std::string table = "RASTER_TABLE=" + r.name;
    const char* options[] = {"APPEND_SUBDATASET=YES", table.c_str(), "TILE_FORMAT=TIFF", nullptr};
    DatasetPtr out(gpkg->CreateCopy(target.c_str(), src.get(), FALSE, const_cast<char**>(options), nullptr, nullptr));
    if (!out || !cap.last_error().empty())
        throw Error(path + ": cannot write raster table '" + r.name + "': " + cap.last_error());
}
}  // namespace

void DatasetWriter::commit() {
    impl_->ds.reset();  // close: flushes and finalises the file before it gets its name
    for (const auto& r : impl_->rasters) append_raster(impl_->target, impl_->path, impl_->srs, r);
    if (!impl_->is_file) return;
    const fs::path parent = fs::path(impl_->path).parent_path();
    std::error_code ec;
    // Sidecars first, the main file last: its appearance means the result is complete.
    for (const auto& entry : fs::directory_iterator(impl_->staging)) {
        if (entry.path() == fs::path(impl_->target)) continue;
        fs::rename(entry.path(), parent / entry.path().filename(), ec);
        if (ec) throw Error(impl_->path + ": cannot move " + entry.path().filename().string() + " into place: " + ec.message());
    }
    fs::rename(impl_->target, impl_->path, ec);
    if (ec) throw Error(impl_->path + ": cannot move the result into place: " + ec.message());
    fs::remove_all(impl_->staging, ec);
}

void write_city(const CityModel& model, const std::string& path, const WriteOptions& options) {
    if (!options.overwrite && fs::exists(path)) throw Error(path + ": exists (use --overwrite)");
    DatasetWriter writer(path, model.crs_wkt.empty() ? model.crs : model.crs_wkt, options.driver);
    writer.add_city(model);
    writer.commit();
}

}  // namespace citytwin::geodata
