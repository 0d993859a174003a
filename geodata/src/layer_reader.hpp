#pragma once
// One configured vector layer, opened, filtered and ready to yield features in the
// working CRS. Errors name the file and layer.
#include "gdal_source.hpp"

#include <citytwin/geodata/city_config.hpp>

#include <ogr_spatialref.h>

namespace citytwin::geodata::detail {

class LayerReader {
public:
    LayerReader(const LayerSource& source, const OGRSpatialReference& working);

    /// Next feature with geometry reprojected to the working CRS; null at the end.
    /// Features without geometry are skipped.
    OGRFeatureUniquePtr next();

    int field(const std::string& name) { return find_field(*layer_, source_.source, name); }
    bool has_field(const std::string& name) const { return layer_->GetLayerDefn()->GetFieldIndex(name.c_str()) >= 0; }
    /// The feature's id: first non-null of the id fields (comma list), else its FID.
    std::int64_t feature_id(const OGRFeature& f) const;
    /// Total features matching the filter (for progress); may be 0 when unknown.
    std::size_t total() const { return total_; }
    const std::string& path() const { return source_.source; }
    std::string layer_name() const { return layer_->GetName(); }
    /// "file: layer 'x': feature n: what"
    std::string where(const OGRFeature& f, const std::string& what) const;

    /// After reading: true when the filter matched no feature (the layer has some);
    /// throws Error when the layer itself is empty.
    bool matched_nothing();
    /// "file: layer 'x': GDAL reported N warnings (first: …)", or "" when there were none.
    std::string gdal_warnings() const;

private:
    GdalErrorCapture capture_;   ///< GDAL's warnings while reading become one line in the report
    LayerSource source_;
    DatasetPtr ds_;
    OGRLayer* layer_ = nullptr;
    std::unique_ptr<OGRCoordinateTransformation> to_working_;
    std::vector<int> id_fields_;
    std::size_t total_ = 0;
    std::size_t yielded_ = 0;
};

/// Extent of a layer in WGS84 lon/lat (minx, miny, maxx, maxy), for choosing a UTM zone.
std::array<double, 4> layer_extent_lonlat(const LayerSource& source);

}  // namespace citytwin::geodata::detail
