#include "gdal_source.hpp"

#include <citytwin/geodata/od_table.hpp>
#include <citytwin/geodata/osm_values.hpp>

#include <cmath>
#include <memory>

namespace citytwin::geodata {

using detail::number_field;

namespace {

// A link id as the exported network numbers them: a whole number from 0. Casting -1 or
// 2.5 to an unsigned id would pass a range check it should fail (issue 17).
std::uint32_t link_id_field(const OGRFeature& f, int index, const std::string& where, const std::string& name) {
    const double v = number_field(f, index, where, name);
    if (!(v >= 0.0 && v < 4294967295.0 && v == std::floor(v)))
        throw Error(where + ": " + name + " " + detail::field_string(f, index) + " is not a link id (a whole number from 0)");
    return static_cast<std::uint32_t>(v);
}

}  // namespace

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
            r.origin_link = link_id_field(*f, f_ol, r.where, "origin link");
            r.destination_link = link_id_field(*f, f_dl, r.where, "destination link");
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
