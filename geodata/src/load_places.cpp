#include "loaders.hpp"
#include "ogr_convert.hpp"

#include <citytwin/geodata/osm_values.hpp>

namespace citytwin::geodata::detail {

namespace {
bool inside(const Box& b, const Point& p) {
    return p.x >= b.min.x && p.x <= b.max.x && p.y >= b.min.y && p.y <= b.max.y;
}

double number_or(const std::string& text, double fallback) {
    const auto v = parse_number(text);
    return v ? *v : fallback;
}
}  // namespace

std::vector<AccessPoint> read_access_points(const AccessPointLayerConfig& cfg, const OGRSpatialReference& working,
                                            const Box& study_area, LoadReport& report) {
    LayerReader reader(cfg, working);
    const int f_name = reader.field(cfg.name_field), f_power = reader.field(cfg.power_field),
              f_freq = reader.field(cfg.frequency_field), f_channel = reader.field(cfg.channel_field),
              f_height = reader.field(cfg.height_field);
    std::vector<AccessPoint> out;
    while (auto f = reader.next()) {
        ++report.access_point_features;
        const OGRGeometry* g = f->GetGeometryRef();
        if (wkbFlatten(g->getGeometryType()) != wkbPoint)
            throw Error(reader.where(*f, "access points must be points, got " + std::string(g->getGeometryName())));
        AccessPoint ap;
        ap.position = {g->toPoint()->getX(), g->toPoint()->getY()};
        ap.source_id = reader.feature_id(*f);
        if (!study_area.empty() && !inside(study_area, ap.position)) {
            ++report.access_points_outside;
            report.warnings.push_back(reader.where(*f, "access point outside the study area, skipped"));
            continue;
        }
        ap.id = AccessPointId(static_cast<std::uint32_t>(out.size()));
        ap.name = field_string(*f, f_name);
        ap.tx_power_dbm = number_or(field_string(*f, f_power), cfg.default_power_dbm);
        double freq = number_or(field_string(*f, f_freq), cfg.default_frequency_ghz);
        ap.frequency_ghz = freq > 100.0 ? freq / 1000.0 : freq;  // MHz given
        ap.channel = static_cast<int>(number_or(field_string(*f, f_channel), cfg.default_channel));
        const auto h = parse_height_m(field_string(*f, f_height));
        ap.height_m = h ? *h : cfg.default_height_m;
        out.push_back(std::move(ap));
    }
    reader.matched_nothing();  // an empty layer is an error; a city without APs is not
    if (auto w = reader.gdal_warnings(); !w.empty()) report.warnings.push_back(w);
    return out;
}

std::vector<District> read_districts(const DistrictLayerConfig& cfg, const OGRSpatialReference& working,
                                     LoadReport& report) {
    LayerReader reader(cfg, working);
    const int f_name = reader.field(cfg.name_field), f_pop = reader.field(cfg.population_field);
    std::vector<District> out;
    while (auto f = reader.next()) {
        ++report.district_features;
        MultiPolygon area = to_multipolygon(*f->GetGeometryRef());
        if (area.empty()) {
            report.warnings.push_back(reader.where(*f, "district is not a polygon, skipped"));
            continue;
        }
        District d;
        d.id = DistrictId(static_cast<std::uint32_t>(out.size()));
        d.source_id = reader.feature_id(*f);
        d.name = field_string(*f, f_name);
        d.area = std::move(area);
        d.population = number_or(field_string(*f, f_pop), 0.0);
        out.push_back(std::move(d));
    }
    if (reader.matched_nothing())
        report.warnings.push_back(context_message(cfg.source, reader.layer_name(), -1,
                                                  "no district matches the filter `" + cfg.where + "`"));
    if (auto w = reader.gdal_warnings(); !w.empty()) report.warnings.push_back(w);
    return out;
}

}  // namespace citytwin::geodata::detail
