#pragma once
// Shared by the test executables: the real data folder, temporary folders, small
// files written inline, and running the citytwin binary as a user would.
#include <filesystem>
#include <string>
#include <vector>

namespace citytwin::testing {

/// The folder holding the real cities (monaco/, liechtenstein/ …), found as the product
/// finds it: $CITYTWIN_DATA_DIR, <repo>/data, <repo>/../shared/data.
std::filesystem::path data_dir();

/// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& content);

/// GeoJSON text for small layers written inline: a FeatureCollection with a named CRS,
/// a feature with its id and properties (JSON members), and geometries.
std::string collection(const std::string& crs_name, const std::string& features);
std::string feature(int id, const std::string& properties, const std::string& geometry);
std::string line(const std::string& coords);
std::string polygon(const std::string& rings);
std::string point(double x, double y);

struct CommandResult {
    int exit_code = -1;
    std::string out;   ///< stdout
    std::string err;   ///< stderr
};

/// Runs the built `citytwin` with these arguments (no shell quoting issues: each
/// argument is passed as is). Working directory: the repository root.
CommandResult run_citytwin(const std::vector<std::string>& args);

}  // namespace citytwin::testing
