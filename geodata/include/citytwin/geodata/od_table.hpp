#pragma once
// A table of trips as origin–destination records (CSV or any OGR layer): coordinates
// reprojected into the working CRS, or link ids of the exported network.
#include <citytwin/geodata/city_config.hpp>
#include <citytwin/geodata/geometry.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::geodata {

struct OdTableConfig : LayerSource {
    std::string departure_field = "departure";
    std::string origin_x_field = "origin_x", origin_y_field = "origin_y";
    std::string destination_x_field = "destination_x", destination_y_field = "destination_y";
    std::string origin_link_field, destination_link_field;   ///< set: use link ids instead of x/y
};

struct OdRecord {
    std::int64_t id = 0;
    std::string departure;        ///< as written ("07:30", "27000"); the caller parses it
    Point origin, destination;    ///< working CRS (x/y tables)
    std::optional<std::uint32_t> origin_link, destination_link;
    std::string where;            ///< "file: layer 'x': feature n" for messages about this record
};

/// Reads every record; a missing or non-numeric coordinate is an Error naming the feature.
std::vector<OdRecord> read_od_table(const OdTableConfig& config, const std::string& working_crs);

}  // namespace citytwin::geodata
