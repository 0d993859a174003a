#pragma once
// One table of a GTFS feed (stops.txt, trips.txt …) read row by row through GDAL's CSV
// driver, with columns found by header name (feeds order them freely). Errors name the
// feed, the table, the row (1 = the first row after the header) and the column.
#include "gdal_source.hpp"

#include <optional>
#include <string>

namespace citytwin::geodata::detail {

/// Where a feed's tables are: "/vsizip/<feed>.zip" or the feed folder.
std::string gtfs_table_root(const std::string& feed);

class GtfsTable {
public:
    /// The table `name` of the feed; nullopt when the feed has no such file.
    static std::optional<GtfsTable> open(const std::string& feed, const std::string& name);
    /// As open(), but a missing table is an Error naming the feed and the table.
    static GtfsTable open_required(const std::string& feed, const std::string& name);

    /// Index of a column; throws naming the table and listing its columns when absent.
    int column(const std::string& name) const;
    /// Index of a column, -1 when the table does not have it.
    int optional_column(const std::string& name) const;

    /// Advances to the next row; false at the end.
    bool next();
    /// The current row's value in a column, trimmed ("" for -1, empty or null).
    std::string text(int column) const;
    /// The current row's number (1 = the first row after the header).
    long long row() const;
    /// Rows in the table when GDAL knows it without reading (for progress); else 0.
    std::size_t size() const { return size_; }

    /// "<feed>: <table> row <n>: <what>" for an Error about the current row.
    std::string where(const std::string& what) const;
    /// "<feed>: <table>: <what>" for an Error about the whole table.
    std::string about(const std::string& what) const;
    const std::string& name() const { return name_; }

private:
    GtfsTable(std::string feed, std::string name, DatasetPtr ds);

    std::string feed_, name_;
    DatasetPtr ds_;
    OGRLayer* layer_ = nullptr;
    OGRFeatureUniquePtr row_;
    std::size_t size_ = 0;
};

}  // namespace citytwin::geodata::detail
