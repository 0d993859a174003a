#pragma once
// One function per `citytwin` subcommand; main.cpp wires them to CLI11.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::app {

struct InfoArgs {
    std::string source;     ///< a GDAL source, or empty with --city
    std::string city;       ///< a scenario/city file
    bool json = false;
    bool progress = true;
};
int run_info(const InfoArgs& args);

struct ExportCityArgs {
    std::string city;
    std::string out;
    std::string driver = "GPKG";
    bool progress = true;
};
int run_export_city(const ExportCityArgs& args);

struct RunArgs {
    std::string scenario;
    std::string out;
    std::string driver = "GPKG";
    std::optional<int> threads;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> plugin_dirs;
    bool json = false;
    bool progress = true;
};
int run_run(const RunArgs& args);

struct CompareArgs {
    std::string base;       ///< scenario file (run first) or result GeoPackage
    std::string variant;
    std::string out;        ///< diff GeoPackage; empty: none
    std::optional<int> threads;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> plugin_dirs;
    bool json = false;
    bool progress = true;
};
int run_compare(const CompareArgs& args);

}  // namespace citytwin::app
