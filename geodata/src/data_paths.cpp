#include <citytwin/geodata/data_paths.hpp>
#include <citytwin/geodata/error.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#ifndef CITYTWIN_SOURCE_DIR
#error "CITYTWIN_SOURCE_DIR must be defined by the build"
#endif

namespace citytwin::geodata {

namespace fs = std::filesystem;

std::vector<fs::path> data_search_path() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("CITYTWIN_DATA_DIR"); env && *env) dirs.emplace_back(env);
    const fs::path repo(CITYTWIN_SOURCE_DIR);
    dirs.push_back(repo / "data");
    dirs.push_back(repo.parent_path() / "shared" / "data");
    return dirs;
}

bool is_gdal_connection(const std::string& path) {
    if (path.rfind("/vsi", 0) == 0) return true;
    // Databases and web services, then GDAL's subdataset syntax (GPKG:file.gpkg:table).
    static constexpr const char* prefixes[] = {"PG:",   "postgresql://", "postgres://", "MySQL:",   "OCI:",
                                               "MSSQL:", "ODBC:",        "WFS:",        "http://",  "https://",
                                               "ftp://", "GPKG:",        "NETCDF:",     "HDF5:",    "GTIFF_DIR:"};
    for (const char* p : prefixes) {
        const std::size_t n = std::char_traits<char>::length(p);
        if (path.size() >= n && std::equal(p, p + n, path.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return true;
    }
    return false;
}

std::string resolve_data_path(const std::string& path, const fs::path& base_dir) {
    // Connection strings and GDAL virtual paths are GDAL's business, not the file system's.
    if (is_gdal_connection(path)) return path;
    const fs::path p(path);
    if (p.is_absolute()) {
        if (!fs::exists(p)) throw Error(path + ": file not found");
        return path;
    }
    std::vector<fs::path> tried;
    if (!base_dir.empty()) tried.push_back(base_dir / p);
    for (const auto& d : data_search_path()) tried.push_back(d / p);
    for (const auto& t : tried)
        if (fs::exists(t)) return t.lexically_normal().string();
    std::string msg = path + ": file not found; looked in:";
    for (const auto& t : tried) msg += "\n  " + t.lexically_normal().string();
    msg += "\n(set CITYTWIN_DATA_DIR, or run scripts/fetch-data.sh)";
    throw Error(msg);
}

fs::path assets_dir() {
    if (const char* env = std::getenv("CITYTWIN_ASSETS_DIR"); env && *env) return env;
    return fs::path(CITYTWIN_SOURCE_DIR) / "assets";
}

}  // namespace citytwin::geodata
