// Python bindings: load a scenario, change any key, add edits and plugins, run it with
// the GIL released, and read KPIs (dicts), tables (dicts of numpy arrays) and rasters
// (2-D numpy arrays with their geotransform and CRS). Errors raise citytwin.Error with
// the message the command line prints.
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/result_reader.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/scenarios/scenario_file.hpp>

#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>

namespace py = pybind11;
using namespace citytwin;

namespace {

// A Python value as JSON, which is also YAML: the text a scenario override takes.
nlohmann::json to_json(const py::handle& v) {
    if (v.is_none()) return nullptr;
    if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
    if (py::isinstance<py::int_>(v)) return v.cast<long long>();
    if (py::isinstance<py::float_>(v)) return v.cast<double>();
    if (py::isinstance<py::str>(v)) return v.cast<std::string>();
    if (py::isinstance<py::dict>(v)) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& kv : v.cast<py::dict>()) j[py::str(kv.first).cast<std::string>()] = to_json(kv.second);
        return j;
    }
    if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& item : v) j.push_back(to_json(item));
        return j;
    }
    if (py::hasattr(v, "item")) return to_json(v.attr("item")());   // numpy scalars
    throw geodata::Error("cannot use a Python " + py::str(v.get_type()).cast<std::string>() + " as a scenario value");
}

py::object to_python(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

template <typename T>
py::array_t<T> to_array(const std::vector<T>& v) {
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

// Column name → numpy array (numbers) or list (text); point tables also get x and y.
py::dict table_dict(const geodata::Table& t) {
    py::dict d;
    for (const auto& c : t.columns)
        std::visit([&](const auto& values) {
            using V = typename std::decay_t<decltype(values)>::value_type;
            if constexpr (std::is_same_v<V, std::string>) d[py::str(c.name)] = py::cast(values);
            else d[py::str(c.name)] = to_array(values);
        }, c.values);
    if (!t.points.empty()) {
        std::vector<double> x, y;
        for (const auto& p : t.points) x.push_back(p.x), y.push_back(p.y);
        d["x"] = to_array(x);
        d["y"] = to_array(y);
    }
    return d;
}

py::dict table_dict(const geodata::TableColumns& t) {
    py::dict d;
    for (const auto& [name, values] : t.numbers) d[py::str(name)] = to_array(values);
    for (const auto& [name, values] : t.texts) d[py::str(name)] = py::cast(values);
    return d;
}

// A north-up grid as {"values": 2-D array (row 0 = north), "geotransform": GDAL's six
// numbers, "crs": WKT, "nodata": value}.
template <typename T>
py::dict raster_dict(const std::vector<T>& values, int width, int height, double origin_x, double origin_y,
                     double cell, const std::string& crs, double nodata) {
    py::array_t<T> a({static_cast<py::ssize_t>(height), static_cast<py::ssize_t>(width)});
    std::copy(values.begin(), values.end(), a.mutable_data());
    py::dict d;
    d["values"] = a;
    d["geotransform"] = py::make_tuple(origin_x, cell, 0.0, origin_y, 0.0, -cell);
    d["crs"] = crs;
    d["nodata"] = nodata;
    return d;
}

// A finished run and its result tables, made once on first use (not per access).
struct Result {
    std::shared_ptr<scenarios::RunOutput> run;
    std::optional<std::vector<geodata::Table>> tables_;
    const std::vector<geodata::Table>& tables() {
        if (!tables_) tables_ = scenarios::result_tables(*run);
        return *tables_;
    }
};

class PyScenario {
public:
    explicit PyScenario(std::string path) : path_(std::move(path)) { reload(); }

    void set(const std::string& key, const py::handle& value) {
        overrides_.values.emplace_back(key, to_json(value).dump());
        checked([&] { overrides_.values.pop_back(); });
    }
    void add_edit(const std::string& kind, const py::dict& params) {
        overrides_.edits.emplace_back(kind, to_json(params).dump());
        checked([&] { overrides_.edits.pop_back(); });
    }
    void add_plugin(const std::string& name, const py::dict& params) {
        overrides_.plugins.emplace_back(name, to_json(params).dump());
        checked([&] { overrides_.plugins.pop_back(); });
    }

    Result run(std::optional<int> threads, std::optional<std::uint64_t> seed, bool progress,
               const std::vector<std::string>& plugin_path, bool allow_scenario_plugins) const {
        scenarios::RunOptions opts;
        opts.threads = threads;
        opts.seed = seed;
        opts.progress = progress;
        opts.plugin_dirs = plugin_path;
        opts.allow_scenario_plugins = allow_scenario_plugins;
        py::gil_scoped_release release;   // other Python threads go on while the city simulates
        return Result{std::make_shared<scenarios::RunOutput>(scenarios::run_scenario(scenario_, opts)), std::nullopt};
    }

    const scenarios::Scenario& scenario() const { return scenario_; }
    const std::string& path() const { return path_; }

private:
    void reload() { scenario_ = scenarios::load_scenario(path_, overrides_); }
    // A change that makes the scenario invalid is undone, and the error raised.
    template <typename Undo>
    void checked(Undo undo) {
        try {
            reload();
        } catch (...) {
            undo();
            throw;
        }
    }

    std::string path_;
    scenarios::ScenarioOverrides overrides_;
    scenarios::Scenario scenario_;
};

const geodata::Table& find_table(const std::vector<geodata::Table>& tables, const std::string& name) {
    for (const auto& t : tables)
        if (t.name == name) return t;
    std::string known;
    for (const auto& t : tables) known += " " + t.name;
    throw geodata::Error("no table '" + name + "' in this result (tables:" + known + ")");
}

py::dict run_raster(const scenarios::RunOutput& run, const std::string& kind) {
    if (!run.wifi) throw geodata::Error("this run has no wifi coverage (the scenario has no wifi: section)");
    const auto& c = run.wifi->coverage;
    const auto& g = c.grid;
    const std::string crs = run.model.crs_wkt.empty() ? run.model.crs : run.model.crs_wkt;
    auto put = [&](const auto& v, double nodata) {
        return raster_dict(v, g.width, g.height, g.origin_x, g.origin_y, g.cell_size, crs, nodata);
    };
    if (kind == "rssi") return put(c.rssi_dbm, sim::wifi::no_signal);
    if (kind == "sinr") return put(c.sinr_db, sim::wifi::no_signal);
    if (kind == "server") return put(c.server, static_cast<double>(sim::wifi::no_server));
    if (kind == "servers") return put(c.servers, 65535.0);
    throw geodata::Error("unknown raster '" + kind + "' (known: rssi, sinr, server, servers)");
}

}  // namespace

PYBIND11_MODULE(citytwin, m) {
    m.doc() = "citytwin: a geospatial digital twin of a city (scenarios, traffic, wifi) from Python.\n\n"
              "    s = citytwin.Scenario('scenarios/monaco/baseline.yaml')\n"
              "    s.set('demand.synthetic.car_share', 0.4)\n"
              "    r = s.run(threads=2)\n"
              "    r.kpis['mobility']['mean_delay_s'], r.link_flows['flow_veh'], r.raster('rssi')['values']";
    m.attr("__version__") = CITYTWIN_VERSION;
    py::register_exception<geodata::Error>(m, "Error", PyExc_RuntimeError);

    py::class_<Result>(m, "Result", "A finished run: KPIs, tables and rasters, in memory.")
        .def_property_readonly("kpis", [](const Result& r) { return to_python(scenarios::kpis_json(*r.run)); },
                               "KPIs as a nested dict (keys as in `citytwin run --json`)")
        .def("tables", [](Result& r) {
            std::vector<std::string> names;
            for (const auto& t : r.tables()) names.push_back(t.name);
            return names;
        }, "names of the result tables")
        .def("table", [](Result& r, const std::string& name) { return table_dict(find_table(r.tables(), name)); },
             py::arg("name"), "a table as {column: numpy array (numbers) or list (text)}; point tables also x, y")
        .def_property_readonly("link_flows", [](Result& r) { return table_dict(find_table(r.tables(), "link_flows")); })
        .def_property_readonly("trips", [](Result& r) { return table_dict(find_table(r.tables(), "trips")); })
        .def_property_readonly("ap_load", [](Result& r) { return table_dict(find_table(r.tables(), "wifi_ap_load")); })
        .def_property_readonly("districts", [](Result& r) { return table_dict(find_table(r.tables(), "wifi_districts")); })
        .def("raster", [](const Result& r, const std::string& kind) { return run_raster(*r.run, kind); }, py::arg("kind") = "rssi",
             "coverage raster 'rssi', 'sinr', 'server' or 'servers' as {values (2-D, row 0 north), geotransform, crs, nodata}")
        .def("write", [](const Result& r, const std::string& path) { scenarios::write_results(*r.run, path); },
             py::arg("path"), "write the result GeoPackage (and the coverage GeoTIFFs) as `citytwin run --out` does")
        .def_property_readonly("crs", [](const Result& r) { return r.run->model.crs; })
        .def_property_readonly("seconds", [](const Result& r) { return r.run->seconds; });

    py::class_<PyScenario>(m, "Scenario", "A scenario file, with changes made from Python.")
        .def(py::init<std::string>(), py::arg("path"))
        .def("set", &PyScenario::set, py::arg("key"), py::arg("value"),
             "override a key: 'demand.synthetic.car_share', 'plugins[0].params.count', 'wifi.threshold_dbm' …; "
             "checked at once (a typo raises citytwin.Error)")
        .def("add_edit", &PyScenario::add_edit, py::arg("kind"), py::arg("params"),
             "append an edit, e.g. add_edit('close_links', {'streets': ['Boulevard Albert 1er'], 'from': '07:00'})")
        .def("add_plugin", &PyScenario::add_plugin, py::arg("name"), py::arg("params"),
             "append a plugin, e.g. add_plugin('wifi_expansion', {'count': 10})")
        .def("run", &PyScenario::run, py::arg("threads") = py::none(), py::arg("seed") = py::none(),
             py::arg("progress") = false, py::arg("plugin_path") = std::vector<std::string>{},
             py::arg("allow_scenario_plugins") = false,
             "run the scenario (the GIL is released meanwhile) and return a Result; plugins from the scenario's own "
             "plugin_path:/path: load only with allow_scenario_plugins=True (they run code)")
        .def_property_readonly("name", [](const PyScenario& s) { return s.scenario().name; })
        .def_property_readonly("path", &PyScenario::path)
        .def_property_readonly("seed", [](const PyScenario& s) { return s.scenario().seed; })
        .def_property_readonly("yaml", [](const PyScenario& s) { return s.scenario().text; },
                               "the resolved configuration, as a run records it");

    py::class_<geodata::ResultReader>(m, "StoredResult", "A result GeoPackage written by `citytwin run --out`.")
        .def_property_readonly("kpis", [](const geodata::ResultReader& r) {
            return py::module_::import("json").attr("loads")(r.kpis_json());
        })
        .def("tables", &geodata::ResultReader::layer_names)
        .def("table", [](const geodata::ResultReader& r, const std::string& name, bool geometry) {
            return table_dict(r.read_table(name, geometry));
        }, py::arg("name"), py::arg("geometry") = false,
             "a layer as {column: numpy array or list}; geometry=True adds 'wkt' (in the result's CRS)")
        .def("raster", [](const geodata::ResultReader& r, const std::string& name) {
            const auto ras = r.read_raster_table(name);
            return raster_dict(ras.values, ras.width, ras.height, ras.origin_x, ras.origin_y, ras.cell_size, r.crs_wkt(),
                               ras.nodata);
        }, py::arg("name") = "wifi_rssi", "a raster table (wifi_rssi, wifi_sinr, wifi_server, wifi_servers)")
        .def_property_readonly("crs", &geodata::ResultReader::crs_wkt)
        .def_property_readonly("scenario", [](const geodata::ResultReader& r) {
            return r.metadata("CITYTWIN_SCENARIO").value_or("");
        });
    m.def("open_results", [](const std::string& path) { return std::make_unique<geodata::ResultReader>(path); },
          py::arg("path"), "open a result GeoPackage");
}
