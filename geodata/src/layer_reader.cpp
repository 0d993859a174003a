#include "layer_reader.hpp"

#include <sstream>

namespace citytwin::geodata::detail {

namespace {
OGRSpatialReference layer_srs(OGRLayer& layer, const LayerSource& src) {
    if (!src.crs.empty()) return make_srs(src.crs);  // the config overrides the source
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (!srs)
        throw Error(src.source + ": layer '" + layer.GetName() +
                    "' has no CRS; name one with `crs:` for this layer in the city config");
    OGRSpatialReference copy(*srs);
    copy.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return copy;
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

// Opens the dataset, finds the layer and sets the filter. Emptiness is checked after
// reading (LayerReader::matched_nothing): probing first would make GDAL's OSM driver
// parse the whole file twice.
OGRLayer& open_filtered(DatasetPtr& ds, const LayerSource& src) {
    ds = open_vector(src.source);
    OGRLayer& layer = find_layer(*ds, src.source, src.layer);
    // Drivers that know their count cheaply (not OSM: -1) let us say "empty" up front.
    if (layer.GetFeatureCount(FALSE) == 0) throw Error(src.source + ": layer '" + layer.GetName() + "' is empty");
    if (!src.where.empty()) {
        GdalErrorCapture cap;
        if (layer.SetAttributeFilter(src.where.c_str()) != OGRERR_NONE)
            throw Error(src.source + ": layer '" + layer.GetName() + "': invalid filter `" + src.where +
                        "`: " + cap.last_error());
    }
    return layer;
}
}  // namespace

LayerReader::LayerReader(const LayerSource& source, const OGRSpatialReference& working) : source_(source) {
    layer_ = &open_filtered(ds_, source_);
    const OGRSpatialReference src_srs = layer_srs(*layer_, source_);
    if (!src_srs.IsSame(&working)) {
        GdalErrorCapture cap;
        to_working_.reset(OGRCreateCoordinateTransformation(&src_srs, &working));
        if (!to_working_)
            throw Error(source_.source + ": layer '" + layer_->GetName() +
                        "': no transformation to the working CRS: " + cap.last_error());
    }
    for (const auto& name : split_commas(source_.id_field)) id_fields_.push_back(field(name));
    const GIntBig n = ds_->GetDriver() && std::string(ds_->GetDriver()->GetDescription()) == "OSM"
                          ? -1
                          : layer_->GetFeatureCount(TRUE);
    total_ = n > 0 ? static_cast<std::size_t>(n) : 0;
}

OGRFeatureUniquePtr LayerReader::next() {
    while (OGRFeatureUniquePtr f{layer_->GetNextFeature()}) {
        OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        if (to_working_ && g->transform(to_working_.get()) != OGRERR_NONE)
            throw Error(where(*f, "cannot reproject the geometry to the working CRS"));
        ++yielded_;
        return f;
    }
    return nullptr;
}

bool LayerReader::matched_nothing() {
    if (yielded_ > 0) return false;
    layer_->SetAttributeFilter(nullptr);
    layer_->ResetReading();
    OGRFeatureUniquePtr any(layer_->GetNextFeature());
    if (!any) throw Error(source_.source + ": layer '" + layer_->GetName() + "' is empty");
    return true;
}

std::int64_t LayerReader::feature_id(const OGRFeature& f) const {
    for (int idx : id_fields_)
        if (f.IsFieldSetAndNotNull(idx)) return f.GetFieldAsInteger64(idx);
    return f.GetFID();
}

std::string LayerReader::where(const OGRFeature& f, const std::string& what) const {
    return context_message(source_.source, layer_->GetName(), feature_id(f), what);
}

std::string LayerReader::gdal_warnings() const {
    if (capture_.warning_count() == 0) return {};
    return context_message(source_.source, layer_->GetName(), -1,
                           "GDAL reported " + std::to_string(capture_.warning_count()) +
                               " warning(s) while reading (first: " + capture_.first_warning() + ")");
}

std::array<double, 4> layer_extent_lonlat(const LayerSource& source) {
    DatasetPtr ds;
    OGRLayer& layer = open_filtered(ds, source);
    OGREnvelope env;
    if (layer.GetExtent(&env, TRUE) != OGRERR_NONE)
        throw Error(source.source + ": layer '" + layer.GetName() + "': cannot compute its extent");
    const OGRSpatialReference src = layer_srs(layer, source);
    const OGRSpatialReference wgs84 = make_srs("EPSG:4326");
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &wgs84));
    double xs[2] = {env.MinX, env.MaxX}, ys[2] = {env.MinY, env.MaxY};
    if (!ct || !ct->Transform(2, xs, ys))
        throw Error(source.source + ": cannot transform the layer extent to WGS84");
    return {xs[0], ys[0], xs[1], ys[1]};
}

}  // namespace citytwin::geodata::detail
