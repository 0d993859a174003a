#pragma once
// Reads a result GeoPackage written by `citytwin run` back: its metadata, the columns of
// its tables, link and district geometries, and Float32 rasters (GeoPackage raster
// tables or GeoTIFFs). Every error names the file, and the layer and field it concerns.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/geometry.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::geodata {

/// Columns of one table, as asked for: numbers (integers widened; null → NaN) and text
/// (null → ""), each in feature order.
struct TableColumns {
    std::size_t rows = 0;
    std::map<std::string, std::vector<double>> numbers;
    std::map<std::string, std::vector<std::string>> texts;

    /// The named column; throws std::out_of_range for a column that was not asked for.
    const std::vector<double>& number(const std::string& name) const { return numbers.at(name); }
    const std::vector<std::string>& text(const std::string& name) const { return texts.at(name); }
};

class ResultReader {
public:
    /// Opens a citytwin result GeoPackage. Throws Error naming the file when it does not
    /// exist, is no vector dataset, or is not a citytwin result (no CITYTWIN_KPIS metadata).
    explicit ResultReader(std::string path);
    ~ResultReader();
    ResultReader(const ResultReader&) = delete;
    ResultReader& operator=(const ResultReader&) = delete;

    const std::string& path() const;
    /// A dataset metadata item (default domain, as DatasetWriter::set_metadata writes them).
    std::optional<std::string> metadata(const std::string& key) const;
    /// The KPI document (metadata item CITYTWIN_KPIS), as JSON text.
    const std::string& kpis_json() const;
    /// CRS of the `links` layer (else of the first layer that has one), as WKT; "" if none.
    std::string crs_wkt() const;

    bool has_layer(const std::string& layer) const;
    /// Reads the named columns of a layer. Throws Error naming file, layer and field when
    /// the layer or a field is missing, or a numeric column holds text.
    TableColumns read_columns(const std::string& layer, const std::vector<std::string>& numeric,
                              const std::vector<std::string>& text = {}) const;
    /// Every column of a layer (numeric ones as numbers, the rest as text); with
    /// `geometry`, also a text column "wkt" with each feature's geometry ("" if none).
    TableColumns read_table(const std::string& layer, bool geometry = false) const;
    /// Names of all layers (vector tables) of the file.
    std::vector<std::string> layer_names() const;
    /// LineString geometry of every feature, by the integer field `id_field`.
    std::map<std::int64_t, Polyline> read_lines(const std::string& layer, const std::string& id_field) const;
    /// Point geometry of every feature, in feature order (features without a point: NaN).
    std::vector<Point> read_points(const std::string& layer) const;
    /// (Multi)polygon geometry of every feature, by the integer field `id_field`.
    std::map<std::int64_t, MultiPolygon> read_polygons(const std::string& layer, const std::string& id_field) const;

    /// True when the GeoPackage holds a raster table of that name.
    bool has_raster_table(const std::string& table) const;
    /// A raster table of this GeoPackage (band 1 as Float32). Throws Error naming file and table.
    Raster read_raster_table(const std::string& table) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Band 1 of a single-band raster file (GeoTIFF …) as Float32 on a north-up grid. A band
/// without nodata gets NaN as nodata (no cell equals it). Throws Error naming the file.
Raster read_raster(const std::string& path);

}  // namespace citytwin::geodata
