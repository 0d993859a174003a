#include "gtfs_table.hpp"

#include <cpl_vsi.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace citytwin::geodata::detail {

namespace {
std::string trimmed(const char* text) {
    std::string s = text ? text : "";
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

bool has_zip_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".zip";
}

bool vsi_exists(const std::string& path) {
    VSIStatBufL stat;
    return VSIStatExL(path.c_str(), &stat, VSI_STAT_EXISTS_FLAG) == 0;
}
}  // namespace

std::string gtfs_table_root(const std::string& feed) {
    namespace fs = std::filesystem;
    if (!fs::exists(feed)) throw Error(feed + ": GTFS feed not found");
    if (fs::is_directory(feed)) return feed;
    if (!has_zip_extension(feed))
        throw Error(feed + ": not a GTFS feed (expected a .zip file or a folder of .txt tables)");
    return "/vsizip/" + feed;
}

GtfsTable::GtfsTable(std::string feed, std::string name, DatasetPtr ds)
    : feed_(std::move(feed)), name_(std::move(name)), ds_(std::move(ds)), layer_(ds_->GetLayer(0)) {}

std::optional<GtfsTable> GtfsTable::open(const std::string& feed, const std::string& name) {
    ensure_gdal_registered();
    const std::string path = gtfs_table_root(feed) + "/" + name;
    if (!vsi_exists(path)) return std::nullopt;
    GdalErrorCapture cap;
    // The "CSV:" prefix makes the CSV driver accept the .txt extension; HEADERS=YES keeps a
    // header of digit-only names from being taken as data. Every field stays a string.
    const char* drivers[] = {"CSV", nullptr};
    const char* options[] = {"HEADERS=YES", nullptr};
    auto* ds = GDALDataset::Open(("CSV:" + path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options,
                                 nullptr);
    if (!ds || ds->GetLayerCount() == 0)
        throw Error(feed + ": " + name + ": cannot read as a CSV table" +
                    (cap.last_error().empty() ? std::string() : ": " + cap.last_error()));
    GtfsTable table(feed, name, DatasetPtr(ds));
    const GIntBig n = table.layer_->GetFeatureCount(FALSE);
    table.size_ = n > 0 ? static_cast<std::size_t>(n) : 0;
    return table;
}

GtfsTable GtfsTable::open_required(const std::string& feed, const std::string& name) {
    auto table = open(feed, name);
    if (!table) throw Error(feed + ": the feed has no " + name + " (a required GTFS table)");
    return std::move(*table);
}

int GtfsTable::optional_column(const std::string& name) const {
    const OGRFeatureDefn* defn = layer_->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        if (trimmed(defn->GetFieldDefn(i)->GetNameRef()) == name) return i;
    return -1;
}

int GtfsTable::column(const std::string& name) const {
    const int idx = optional_column(name);
    if (idx >= 0) return idx;
    const OGRFeatureDefn* defn = layer_->GetLayerDefn();
    std::string known;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        known += (i ? ", " : "") + trimmed(defn->GetFieldDefn(i)->GetNameRef());
    throw Error(about("missing required column '" + name + "' (columns: " + known + ")"));
}

bool GtfsTable::next() {
    row_.reset(layer_->GetNextFeature());
    return row_ != nullptr;
}

std::string GtfsTable::text(int column) const {
    if (column < 0 || !row_->IsFieldSetAndNotNull(column)) return {};
    return trimmed(row_->GetFieldAsString(column));
}

long long GtfsTable::row() const { return row_ ? static_cast<long long>(row_->GetFID()) : 0; }

std::string GtfsTable::where(const std::string& what) const {
    return feed_ + ": " + name_ + " row " + std::to_string(row()) + ": " + what;
}

std::string GtfsTable::about(const std::string& what) const { return feed_ + ": " + name_ + ": " + what; }

}  // namespace citytwin::geodata::detail
