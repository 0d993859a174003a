#include "gdal_source.hpp"

#include <citytwin/geodata/od_table.hpp>
#include <citytwin/geodata/osm_values.hpp>

#include <memory>

namespace citytwin::geodata {

using detail::number_field;

std::vector<OdRecord> read_od_table(const OdTableConfig& cfg, const std::string& working_crs) {
    detail::DatasetPtr ds = detail::open_vector(cfg.source);
    OGRLayer& layer = detail::find_layer(*ds, cfg.source, cfg.layer);
    if (!cfg.where.empty() && layer.SetAttributeFilter(cfg.where.c_str()) != OGRERR_NONE)
        throw Error(cfg.source + ": invalid filter `" + cfg.where + "`");
    const bool by_link = !cfg.origin_link_field.empty();
    auto field = [&](const std::string& name) { return detail::find_field(layer, cfg.source, name); };
    const int f_dep = field(cfg.departure_field);
    const int f_id = field(cfg.id_field);
    int f_ox = -1, f_oy = -1, f_dx = -1, f_dy = -1, f_ol = -1, f_dl = -1;
    std::unique_ptr<OGRCoordinateTransformation> ct;
    if (by_link) {
        f_ol = field(cfg.origin_link_field);
        f_dl = field(cfg.destination_link_field.empty() ? "destination_link" : cfg.destination_link_field);
    } else {
        f_ox = field(cfg.origin_x_field), f_oy = field(cfg.origin_y_field);
        f_dx = field(cfg.destination_x_field), f_dy = field(cfg.destination_y_field);
        if (cfg.crs.empty())
            throw Error(cfg.source + ": layer '" + layer.GetName() +
                        "': give `crs:` for the x/y coordinates of the trip table");
        const OGRSpatialReference from = detail::make_srs(cfg.crs), to = detail::make_srs(working_crs);
        if (!from.IsSame(&to)) ct.reset(OGRCreateCoordinateTransformation(&from, &to));
    }
    std::vector<OdRecord> out;
    for (OGRFeatureUniquePtr f{layer.GetNextFeature()}; f; f.reset(layer.GetNextFeature())) {
        OdRecord r;
        r.id = f_id >= 0 ? f->GetFieldAsInteger64(f_id) : f->GetFID();
        r.where = context_message(cfg.source, layer.GetName(), f->GetFID(), "");
        r.where.resize(r.where.size() - 2);  // drop the trailing ": "
        r.departure = detail::field_string(*f, f_dep);
        if (by_link) {
            r.origin_link = static_cast<std::uint32_t>(number_field(*f, f_ol, r.where, "origin link"));
            r.destination_link = static_cast<std::uint32_t>(number_field(*f, f_dl, r.where, "destination link"));
        } else {
            double x[2] = {number_field(*f, f_ox, r.where, cfg.origin_x_field),
                           number_field(*f, f_dx, r.where, cfg.destination_x_field)};
            double y[2] = {number_field(*f, f_oy, r.where, cfg.origin_y_field),
                           number_field(*f, f_dy, r.where, cfg.destination_y_field)};
            if (ct && !ct->Transform(2, x, y)) throw Error(r.where + ": cannot reproject the coordinates");
            r.origin = {x[0], y[0]};
            r.destination = {x[1], y[1]};
        }
        out.push_back(std::move(r));
    }
    if (out.empty()) throw Error(cfg.source + ": layer '" + layer.GetName() + "' has no trips");
    return out;
}

}  // namespace citytwin::geodata
