#pragma once
// Where data and assets are found: $CITYTWIN_DATA_DIR, else <repo>/data, else
// <repo>/../shared/data (README "Data location").
#include <filesystem>
#include <string>
#include <vector>

namespace citytwin::geodata {

/// Candidate data directories in lookup order (existing or not).
std::vector<std::filesystem::path> data_search_path();

/// Resolves a relative data path: against base_dir first (the config's folder), then
/// each data directory. GDAL-style paths (/vsi…, PG:, http…) are returned unchanged.
/// Throws Error listing every place it looked when the file is nowhere.
std::string resolve_data_path(const std::string& path, const std::filesystem::path& base_dir);

/// The assets folder (osmconf.ini …): $CITYTWIN_ASSETS_DIR else <repo>/assets.
std::filesystem::path assets_dir();

}  // namespace citytwin::geodata
