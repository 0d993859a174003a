#pragma once
// citytwin plugin SDK. A plugin is a shared library with one extern "C" function,
// `citytwin_plugin_descriptor`, returning a Descriptor, and an ABI note: the ABI version
// and layout signature it was built with, in an ELF section (`.citytwin_abi`) that the
// host reads from the file *before* loading it, so that a plugin built against other
// headers is refused before any of its code (static constructors included) runs.
// Hooks, in the order a run calls them:
//   before_run  edit the city model (close streets, add buildings, access points, tolls…);
//   on_step     observe each simulated traffic step and queue link events (close a link at t);
//   after_run   add KPIs ("plugins.<name>.<key>" in the JSON) and tables to the result.
// Exceptions thrown by a hook are caught by the host and reported with the plugin's name.
// Write a plugin with CITYTWIN_PLUGIN(Class, "name", "one-line summary"); see
// plugins/examples/hello_plugin for one built outside the source tree.
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/plugin_layout.hpp>  // generated at build time: sdk_headers_hash
#include <citytwin/sim/demand.hpp>
#include <citytwin/sim/mobility.hpp>
#include <citytwin/sim/wifi_coverage.hpp>
#include <citytwin/sim/wifi_kpis.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citytwin::plugin {

/// Bumped whenever this header or a model/result type a plugin sees changes.
inline constexpr int abi_version = 1;

namespace detail {
/// FNV-1a step over one 64-bit value.
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xffu)) * 0x100000001b3ull;
    return h;
}
#ifdef _GLIBCXX_USE_CXX11_ABI
inline constexpr std::uint64_t string_abi = _GLIBCXX_USE_CXX11_ABI;  // old or new std::string / std::list
#else
inline constexpr std::uint64_t string_abi = 2;                        // not libstdc++
#endif
#ifdef __GXX_ABI_VERSION
inline constexpr std::uint64_t compiler_abi = __GXX_ABI_VERSION;
#else
inline constexpr std::uint64_t compiler_abi = 0;
#endif
}  // namespace detail

/// What a plugin must have been built with besides the version: the same declarations in
/// every header it compiles against (sdk_headers_hash, made at build time over them with
/// comments and spacing stripped: a member added, moved or retyped changes it), the same
/// standard library ABI (std::string's old or new layout) and compiler ABI, and the same
/// sizes of the types crossing the boundary (a check the headers alone cannot make: the
/// same header compiled with other flags).
inline constexpr std::uint64_t layout_signature = [] {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const std::uint64_t v : {sdk_headers_hash, detail::string_abi, detail::compiler_abi,
                                  static_cast<std::uint64_t>(sizeof(void*)), static_cast<std::uint64_t>(sizeof(std::string)),
                                  static_cast<std::uint64_t>(sizeof(geodata::CityModel)), static_cast<std::uint64_t>(sizeof(geodata::Link)),
                                  static_cast<std::uint64_t>(sizeof(geodata::Building)), static_cast<std::uint64_t>(sizeof(geodata::AccessPoint)),
                                  static_cast<std::uint64_t>(sizeof(sim::MobilityResult)), static_cast<std::uint64_t>(sizeof(sim::wifi::Coverage)),
                                  static_cast<std::uint64_t>(sizeof(geodata::Table)), static_cast<std::uint64_t>(sizeof(sim::StepView))})
        h = detail::mix(h, v);
    return h;
}();

/// The ABI note: what the host reads from a plugin file before loading it (the section
/// `abi_note_section` of the ELF shared object; CITYTWIN_PLUGIN puts it there).
struct AbiNote {
    char magic[8];                  ///< "CTPLUGIN"
    std::uint32_t abi_version;
    std::uint32_t reserved;
    std::uint64_t layout_signature;
};
inline constexpr char abi_note_section[] = ".citytwin_abi";
inline constexpr AbiNote this_abi_note{{'C', 'T', 'P', 'L', 'U', 'G', 'I', 'N'},
                                       static_cast<std::uint32_t>(abi_version), 0, layout_signature};

/// The plugin's `params:` mapping from the scenario file. Every getter returns nullopt
/// when the key is absent and throws (file:line, key path, what was expected) when the
/// value has the wrong type.
class Parameters {
public:
    virtual ~Parameters() = default;
    /// Throws for any key not in `known`, suggesting the nearest one.
    virtual void allow_only(const std::vector<std::string>& known) const = 0;
    virtual bool has(const std::string& key) const = 0;
    virtual std::optional<std::string> text(const std::string& key) const = 0;
    virtual std::optional<double> number(const std::string& key) const = 0;
    virtual std::optional<bool> flag(const std::string& key) const = 0;
    /// A string or a list of strings.
    virtual std::optional<std::vector<std::string>> texts(const std::string& key) const = 0;
    virtual std::optional<std::vector<double>> numbers(const std::string& key) const = 0;
    /// Seconds since midnight from "07:30", "07:30:15" or a number of seconds.
    virtual std::optional<std::int32_t> clock(const std::string& key) const = 0;
    /// An area in the working CRS: a district name of the city, an inline ring
    /// [[lon, lat], …] (another CRS with a sibling `crs:` key), or {source, layer, where}.
    virtual std::optional<geodata::MultiPolygon> area(const std::string& key) const = 0;
    /// A line: inline [[lon, lat], …] or {source, layer, where} (its first line).
    virtual std::optional<geodata::Polyline> line(const std::string& key) const = 0;
    /// Points: one [lon, lat], a list of them, or {source, layer, where} (polygons give centroids).
    virtual std::optional<std::vector<geodata::Point>> points(const std::string& key) const = 0;
    /// Buildings: {source, layer, where, height_field, levels_field, use_field, residents_field,
    /// jobs_field} or a list of {footprint: [[lon, lat], …], height_m, levels, use, residents, jobs}.
    virtual std::optional<std::vector<geodata::Building>> buildings(const std::string& key) const = 0;
    /// Throws an error naming the file, line and key path.
    [[noreturn]] virtual void fail(const std::string& key, const std::string& message) const = 0;
};

/// Messages for the user, shown on stderr as "plugin <name>: …".
class Log {
public:
    virtual ~Log() = default;
    virtual void info(const std::string& message) = 0;
};

/// What a run is made of, read-only.
struct ScenarioView {
    std::string name;
    std::uint64_t seed = 1;
    const sim::SyntheticDemandConfig* synthetic = nullptr;   ///< null: no synthetic demand
    const sim::MobilityConfig* mobility = nullptr;           ///< null: no traffic simulated
    const sim::wifi::CoverageConfig* wifi = nullptr;         ///< null: no wifi section
};

struct BeforeRun {
    geodata::CityModel& model;   ///< the variant; edit it with citytwin/geodata/edits.hpp
    const ScenarioView& scenario;
    Log& log;
};

struct RunResults {
    const geodata::CityModel& model;
    const ScenarioView& scenario;
    const sim::Demand& demand;
    const sim::MobilityResult* mobility = nullptr;      ///< null without demand
    const sim::wifi::Coverage* coverage = nullptr;      ///< null without wifi
    const sim::wifi::WifiKpis* wifi_kpis = nullptr;
};

class ResultSink {
public:
    virtual ~ResultSink() = default;
    /// "plugins.<plugin>.<key>" in the KPIs; keys are kept in the order added.
    virtual void add_kpi(const std::string& key, double value) = 0;
    /// A table (or point/line/polygon layer) of the result GeoPackage; its name is
    /// prefixed with the plugin's name.
    virtual void add_table(geodata::Table table) = 0;
    virtual Log& log() = 0;
};

class Plugin {
public:
    virtual ~Plugin() = default;
    virtual void before_run(BeforeRun&) {}
    virtual void on_step(const sim::StepView&, std::vector<sim::LinkEvent>& /*actions*/) {}
    /// true: on_step is called (a per-step call is only made for plugins that want it).
    virtual bool observes_steps() const { return false; }
    virtual void after_run(const RunResults&, ResultSink&) {}
};

/// What `citytwin_plugin_descriptor` returns. The first member never moves.
struct Descriptor {
    int abi_version;
    std::uint64_t layout_signature;
    const char* name;
    const char* summary;
    Plugin* (*create)(const Parameters& params);   ///< may throw on bad parameters
    void (*destroy)(Plugin* plugin);
};

}  // namespace citytwin::plugin

/// The ABI note of this build, in the section the host reads before loading the file.
#define CITYTWIN_PLUGIN_ABI_NOTE()                                                                         \
    extern "C" __attribute__((used, section(".citytwin_abi")))                                             \
    const ::citytwin::plugin::AbiNote citytwin_plugin_abi_note = ::citytwin::plugin::this_abi_note;

/// Defines the ABI note and the descriptor function of a plugin class constructible from
/// Parameters.
#define CITYTWIN_PLUGIN(CLASS, NAME, SUMMARY)                                                              \
    CITYTWIN_PLUGIN_ABI_NOTE()                                                                             \
    extern "C" const ::citytwin::plugin::Descriptor* citytwin_plugin_descriptor() {                       \
        static const ::citytwin::plugin::Descriptor descriptor{                                           \
            ::citytwin::plugin::abi_version, ::citytwin::plugin::layout_signature, NAME, SUMMARY,          \
            [](const ::citytwin::plugin::Parameters& p) -> ::citytwin::plugin::Plugin* { return new CLASS(p); }, \
            [](::citytwin::plugin::Plugin* p) { delete p; }};                                              \
        return &descriptor;                                                                                \
    }
