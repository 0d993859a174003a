#pragma once
// Where data and assets are found: $CITYTWIN_DATA_DIR, else <repo>/data, else
// <repo>/../shared/data (README "Data location").
#include <filesystem>
#include <string>
#include <vector>

namespace citytwin::geodata {

/// Candidate data directories in lookup order (existing or not).
std::vector<std::filesystem::path> data_search_path();

/// A GDAL connection string or URL, not a file: PG:…, postgresql://…, MySQL:…, OCI:…,
/// MSSQL:…, ODBC:…, WFS:…, http(s)://…, ftp://…; subdatasets (GPKG:a.gpkg:table,
/// NETCDF:…, HDF5:…, GTIFF_DIR:…) and /vsi… paths too. Anything else is a
/// file name, even with a ':' in it ("run:3.gpkg"), and is looked up and written as one.
bool is_gdal_connection(const std::string& path);

/// Resolves a relative data path: against base_dir first (the config's folder), then
/// each data directory. Connections and /vsi paths (is_gdal_connection) are returned unchanged.
/// Throws Error listing every place it looked when the file is nowhere.
std::string resolve_data_path(const std::string& path, const std::filesystem::path& base_dir);

/// The assets folder (osmconf.ini …): $CITYTWIN_ASSETS_DIR else <repo>/assets.
std::filesystem::path assets_dir();

}  // namespace citytwin::geodata
