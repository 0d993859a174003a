#pragma once
// Writes a CityModel through OGR (GeoPackage by default): layers links, nodes,
// junctions, turn_restrictions (a table), buildings, access_points, districts, in the
// working CRS. The file appears under its final name only when complete (written to a
// temporary name, then renamed).
#include <citytwin/geodata/city_model.hpp>

#include <string>

namespace citytwin::geodata {

struct WriteOptions {
    std::string driver = "GPKG";   ///< any OGR vector driver that supports creation
    bool overwrite = true;
};

void write_city(const CityModel& model, const std::string& path, const WriteOptions& options);

}  // namespace citytwin::geodata
