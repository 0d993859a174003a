#pragma once
// Writes a result dataset through OGR (GeoPackage by default): the city layers, any
// number of plain tables (optionally with point geometry) and metadata. The file appears
// under its final name only at commit(); a writer destroyed without commit leaves nothing.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/raster_writer.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace citytwin::geodata {

struct TableColumn {
    std::string name;
    std::variant<std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>> values;
};

/// Column-major table; every column has `rows` values. With `points` (or `lines`, or
/// `polygons`), rows are point (linestring, multipolygon) features. NaN doubles are
/// written as null.
struct Table {
    std::string name;
    std::size_t rows = 0;
    std::vector<TableColumn> columns;
    std::vector<Point> points;   ///< empty: a non-spatial table (joinable by id in QGIS)
    std::vector<MultiPolygon> polygons;   ///< instead of points: one multipolygon per row
    std::vector<Polyline> lines{};        ///< instead of points: one linestring per row
    /// Build a spatial index (GeoPackage R-tree). Building it costs more than writing a
    /// large point table; playback samples read whole anyway and can do without.
    bool spatial_index = true;
};

class DatasetWriter {
public:
    /// crs_wkt: the CRS of every spatial layer ("" for a file of plain tables only). driver: any OGR vector driver with creation.
    DatasetWriter(std::string path, std::string crs_wkt, std::string driver = "GPKG");
    ~DatasetWriter();
    DatasetWriter(const DatasetWriter&) = delete;
    DatasetWriter& operator=(const DatasetWriter&) = delete;

    /// Layers links, nodes, junctions, turn_restrictions (table), buildings, access_points, districts.
    void add_city(const CityModel& model);
    void add_table(const Table& table);
    void set_metadata(const std::string& key, const std::string& value);
    /// A Float32 raster table (GeoPackage tiled gridded coverage), written at commit after
    /// the vector layers; GeoPackage outputs only (others: Error).
    void add_raster(const std::string& name, const GridPlacement& grid, std::vector<float> values,
                    const RasterBandInfo& band);
    /// Closes the dataset and gives it its final name.
    void commit();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace citytwin::geodata
