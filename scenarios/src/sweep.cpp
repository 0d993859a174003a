#include <citytwin/scenarios/sweep.hpp>

#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/geodata/error.hpp>
#include <citytwin/geodata/progress.hpp>
#include <citytwin/scenarios/run.hpp>
#include <citytwin/scenarios/yaml_reader.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

namespace citytwin::scenarios {

using geodata::Error;
namespace fs = std::filesystem;

namespace {

std::string yaml_text(const YAML::Node& n) {
    YAML::Emitter e;
    e.SetMapFormat(YAML::Flow);
    e.SetSeqFormat(YAML::Flow);
    e << n;
    return e.c_str();
}

// "plugins[0].params.count" → "count": the short name used in run keys.
std::string short_name(const std::string& key) { return key.substr(key.rfind('.') + 1); }

struct Variant {
    std::string name;
    ScenarioOverrides overrides;
};

Variant read_variant(const YamlMap& m) {
    m.allow_only({"name", "set", "edits", "plugins"});
    Variant v;
    const auto name = m.text("name");
    if (!name) throw Error(m.where() + "'" + m.path_of("name") + "' is required");
    v.name = *name;
    if (auto set = m.map("set"))
        for (const auto& key : set->keys()) v.overrides.values.emplace_back(key, yaml_text(set->value(key)));
    if (const YAML::Node edits = m.value("edits")) {
        if (!edits.IsSequence()) m.type_error("edits", "a list of {kind: {parameters}}");
        for (const auto& e : edits) {
            if (!e.IsMap() || e.size() != 1) m.type_error("edits", "a list of {kind: {parameters}}");
            v.overrides.edits.emplace_back(e.begin()->first.as<std::string>(), yaml_text(e.begin()->second));
        }
    }
    if (const YAML::Node plugins = m.value("plugins")) {
        if (!plugins.IsSequence()) m.type_error("plugins", "a list of {name, params}");
        for (std::size_t i = 0; i < plugins.size(); ++i) {
            const YamlMap p(plugins[i], m.file(), m.path_of("plugins") + "[" + std::to_string(i) + "]");
            p.allow_only({"name", "params"});
            const auto pname = p.text("name");
            if (!pname) throw Error(p.where() + "'" + p.path_of("name") + "' is required");
            v.overrides.plugins.emplace_back(*pname, p.has("params") ? yaml_text(p.value("params")) : "{}");
        }
    }
    return v;
}

void append(ScenarioOverrides& to, const ScenarioOverrides& from) {
    to.values.insert(to.values.end(), from.values.begin(), from.values.end());
    to.edits.insert(to.edits.end(), from.edits.begin(), from.edits.end());
    to.plugins.insert(to.plugins.end(), from.plugins.begin(), from.plugins.end());
}

// Flattened numeric KPIs; timings and thread counts are left out (they are not results,
// and a sweep must give the same table however it is spread over ranks and threads).
void flatten_numbers(const nlohmann::json& j, const std::string& prefix, std::map<std::string, double>& out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) flatten_numbers(*it, key, out);
        else if (it->is_number() && key != "run.seconds" && key != "run.threads") out[key] = it->get<double>();
    }
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string number_text(double v) {
    if (std::isnan(v)) return "";
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;   // shortest text that reads back exactly
    return std::string(buf, end);
}

}  // namespace

SweepPlan load_sweep(const std::string& path) {
    const YamlMap root(load_yaml_file(path), path, "");
    root.allow_only({"base", "set", "parameters", "variants", "seeds", "threads"});
    SweepPlan plan;
    plan.file = path;
    const auto base = root.text("base");
    if (!base) throw Error(root.where() + "'base' is required: the scenario file every run starts from");
    plan.base = (fs::path(path).parent_path() / *base).lexically_normal().string();
    if (!fs::exists(plan.base)) throw Error(root.where("base") + "'base': " + plan.base + ": file not found");
    if (auto t = root.integer("threads")) plan.threads = *t;

    ScenarioOverrides fixed;
    if (auto set = root.map("set"))
        for (const auto& key : set->keys()) fixed.values.emplace_back(key, yaml_text(set->value(key)));

    std::vector<std::vector<std::string>> values;   // per grid key
    if (auto params = root.map("parameters"))
        for (const auto& key : params->keys()) {
            const YAML::Node list = params->value(key);
            if (!list.IsSequence() || list.size() == 0) params->type_error(key, "a non-empty list of values");
            plan.parameter_keys.push_back(key);
            values.emplace_back();
            for (const auto& v : list) values.back().push_back(yaml_text(v));
        }
    std::vector<Variant> variants;
    if (const YAML::Node list = root.value("variants")) {
        if (!list.IsSequence()) root.type_error("variants", "a list of {name, set, edits, plugins}");
        std::set<std::string> names;
        for (std::size_t i = 0; i < list.size(); ++i) {
            variants.push_back(read_variant(YamlMap(list[i], path, "variants[" + std::to_string(i) + "]")));
            if (!names.insert(variants.back().name).second)
                throw Error(line_of(path, list[i]) + "variant name '" + variants.back().name + "' is used twice");
        }
        plan.has_variants = true;
    }
    if (variants.empty()) variants.push_back({});
    std::vector<std::uint64_t> seeds;
    if (const YAML::Node s = root.value("seeds")) {
        if (!s.IsSequence() || s.size() == 0) root.type_error("seeds", "a non-empty list of whole numbers");
        for (const auto& v : s) {
            try {
                seeds.push_back(v.as<std::uint64_t>());
            } catch (const YAML::Exception&) {
                root.type_error("seeds", "a non-empty list of whole numbers");
            }
        }
    }
    if (seeds.empty()) seeds.push_back(load_scenario(plan.base).seed);

    std::size_t combos = 1;
    for (const auto& v : values) combos *= v.size();
    for (const auto& variant : variants)
        for (std::size_t c = 0; c < combos; ++c) {
            // Mixed radix: the last grid key changes fastest.
            std::vector<std::size_t> pick(values.size());
            for (std::size_t k = values.size(), rest = c; k-- > 0;) {
                pick[k] = rest % values[k].size();
                rest /= values[k].size();
            }
            for (const std::uint64_t seed : seeds) {
                SweepRun run;
                run.index = plan.runs.size();
                run.variant = variant.name;
                run.seed = seed;
                run.overrides = fixed;
                append(run.overrides, variant.overrides);
                std::vector<std::string> parts;
                if (!variant.name.empty()) parts.push_back(variant.name);
                for (std::size_t k = 0; k < values.size(); ++k) {
                    run.params.emplace_back(plan.parameter_keys[k], values[k][pick[k]]);
                    run.overrides.values.emplace_back(plan.parameter_keys[k], values[k][pick[k]]);
                    parts.push_back(short_name(plan.parameter_keys[k]) + "=" + values[k][pick[k]]);
                }
                parts.push_back("seed=" + std::to_string(seed));
                for (const auto& p : parts) run.key += (run.key.empty() ? "" : "|") + p;
                plan.runs.push_back(std::move(run));
            }
        }
    // Every distinct scenario is checked now: a typo fails in a second, not after hours.
    std::set<std::string> checked;
    for (const auto& run : plan.runs) {
        const std::string id = run.key.substr(0, run.key.rfind("|seed="));
        if (!checked.insert(id).second) continue;
        try {
            load_scenario(plan.base, run.overrides);
        } catch (const Error& e) {
            throw Error(path + ": run '" + id + "': " + e.what());
        }
    }
    return plan;
}

std::string SweepRow::to_json() const {
    nlohmann::json j{{"index", index}, {"key", key}, {"ok", ok}, {"seconds", seconds}, {"kpis", kpis}};
    if (!ok) j["error"] = error;
    return j.dump();
}

SweepRow SweepRow::from_json(const std::string& line) {
    const auto j = nlohmann::json::parse(line);
    SweepRow r;
    r.index = j.at("index").get<std::size_t>();
    r.key = j.at("key").get<std::string>();
    r.ok = j.at("ok").get<bool>();
    r.seconds = j.value("seconds", 0.0);
    r.error = j.value("error", std::string());
    r.kpis = j.at("kpis").get<std::map<std::string, double>>();
    return r;
}

SweepRow run_sweep_one(const SweepPlan& plan, std::size_t index, std::optional<int> threads,
                       const std::vector<std::string>& plugin_dirs, bool allow_scenario_plugins) {
    const SweepRun& run = plan.runs.at(index);
    const auto t0 = std::chrono::steady_clock::now();
    SweepRow row;
    row.index = index;
    row.key = run.key;
    try {
        const Scenario scenario = load_scenario(plan.base, run.overrides);
        RunOptions opts;
        opts.threads = threads ? threads : plan.threads;
        opts.seed = run.seed;
        opts.progress = false;
        opts.plugin_dirs = plugin_dirs;
        opts.allow_scenario_plugins = allow_scenario_plugins;
        flatten_numbers(kpis_json(run_scenario(scenario, opts)), "", row.kpis);
        row.ok = true;
    } catch (const std::exception& e) {
        row.error = e.what();
    }
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return row;
}

std::string sweep_journal_path(const std::string& out) { return out + ".runs.jsonl"; }

SweepJournal::SweepJournal(std::string path) : path_(std::move(path)) {}

std::map<std::string, SweepRow> SweepJournal::finished() const {
    std::map<std::string, SweepRow> rows;
    std::ifstream in(path_);
    std::size_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        if (line.empty()) continue;
        try {
            SweepRow r = SweepRow::from_json(line);
            if (r.ok) rows[r.key] = std::move(r);
        } catch (const std::exception&) {
            // A line cut short by a kill: that run was not finished.
            std::fprintf(stderr, "sweep: %s:%zu: unfinished journal line ignored\n", path_.c_str(), line_no);
        }
    }
    return rows;
}

void SweepJournal::append(const SweepRow& row) {
    FILE* f = std::fopen(path_.c_str(), "a");
    if (!f) throw Error(path_ + ": cannot append to the sweep journal");
    const std::string line = row.to_json() + "\n";
    const bool ok = std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
    std::fclose(f);
    if (!ok) throw Error(path_ + ": cannot write the sweep journal (disk full?)");
}

std::vector<std::size_t> pending_runs(const SweepPlan& plan, const std::map<std::string, SweepRow>& finished) {
    std::vector<std::size_t> out;
    for (const auto& run : plan.runs)
        if (!finished.count(run.key)) out.push_back(run.index);
    return out;
}

std::vector<SweepRow> collect_rows(const SweepPlan& plan, const std::map<std::string, SweepRow>& finished,
                                   const std::map<std::string, SweepRow>& failed) {
    std::vector<SweepRow> rows;
    for (const auto& run : plan.runs) {
        const auto it = finished.find(run.key);
        const auto bad = failed.find(run.key);
        if (it != finished.end() || bad != failed.end()) {
            rows.push_back(it != finished.end() ? it->second : bad->second);
            rows.back().index = run.index;
        } else {
            rows.push_back({run.index, run.key, false, "not run", {}, 0.0});
        }
    }
    return rows;
}

void write_sweep_table(const SweepPlan& plan, const std::vector<SweepRow>& rows, const std::string& out) {
    std::set<std::string> kpi_keys;   // a KPI that is also a grid key (wifi.threshold_dbm) is its column already
    for (const auto& r : rows)
        for (const auto& [k, v] : r.kpis)
            if (std::find(plan.parameter_keys.begin(), plan.parameter_keys.end(), k) == plan.parameter_keys.end())
                kpi_keys.insert(k);
    const std::size_t n = rows.size();
    std::vector<std::int64_t> run(n), seed(n);
    std::vector<std::string> variant(n), status(n), error(n);
    std::vector<std::vector<std::string>> params(plan.parameter_keys.size(), std::vector<std::string>(n));
    for (std::size_t i = 0; i < n; ++i) {
        const SweepRun& sr = plan.runs[rows[i].index];
        run[i] = static_cast<std::int64_t>(sr.index);
        seed[i] = static_cast<std::int64_t>(sr.seed);
        variant[i] = sr.variant;
        status[i] = rows[i].ok ? "ok" : "failed";
        error[i] = rows[i].error;
        for (std::size_t k = 0; k < sr.params.size(); ++k) params[k][i] = sr.params[k].second;
    }
    geodata::Table t{"runs", n, {}, {}, {}};
    t.columns.push_back({"run", run});
    if (plan.has_variants) t.columns.push_back({"variant", variant});
    for (std::size_t k = 0; k < params.size(); ++k) {
        // A grid column of numbers is written as numbers (plots and joins need them).
        bool numeric = true;
        std::vector<double> as_numbers(n);
        for (std::size_t i = 0; i < n && numeric; ++i) {
            char* end = nullptr;
            as_numbers[i] = std::strtod(params[k][i].c_str(), &end);
            numeric = end && *end == '\0' && !params[k][i].empty();
        }
        if (numeric) t.columns.push_back({plan.parameter_keys[k], as_numbers});
        else t.columns.push_back({plan.parameter_keys[k], params[k]});
    }
    t.columns.push_back({"seed", seed});
    t.columns.push_back({"status", status});
    t.columns.push_back({"error", error});
    for (const auto& key : kpi_keys) {
        std::vector<double> v(n, std::nan(""));
        for (std::size_t i = 0; i < n; ++i)
            if (auto it = rows[i].kpis.find(key); it != rows[i].kpis.end()) v[i] = it->second;
        t.columns.push_back({key, v});
    }
    if (fs::path(out).extension() == ".csv") {
        const std::string tmp = out + ".part";
        {
            std::ofstream f(tmp);
            for (std::size_t c = 0; c < t.columns.size(); ++c) f << (c ? "," : "") << csv_field(t.columns[c].name);
            f << "\n";
            for (std::size_t i = 0; i < n; ++i) {
                for (std::size_t c = 0; c < t.columns.size(); ++c) {
                    f << (c ? "," : "");
                    std::visit([&](const auto& col) {
                        using V = typename std::decay_t<decltype(col)>::value_type;
                        if constexpr (std::is_same_v<V, std::string>) f << csv_field(col[i]);
                        else if constexpr (std::is_same_v<V, double>) f << number_text(col[i]);
                        else f << col[i];
                    }, t.columns[c].values);
                }
                f << "\n";
            }
            if (!f) throw Error(tmp + ": cannot write");
        }
        fs::rename(tmp, out);
        return;
    }
    geodata::DatasetWriter writer(out, "");
    writer.set_metadata("CITYTWIN_SWEEP_FILE", plan.file);
    writer.set_metadata("CITYTWIN_SWEEP_BASE", plan.base);
    writer.add_table(t);
    writer.commit();
}

std::size_t run_sweep(const SweepPlan& plan, const std::string& out, const SweepOptions& options) {
    SweepJournal journal(sweep_journal_path(out));
    auto finished = journal.finished();
    const auto todo = pending_runs(plan, finished);
    if (options.progress && finished.size())
        std::fprintf(stderr, "sweep: %zu of %zu runs already finished (journal %s), %zu to go\n",
                     plan.runs.size() - todo.size(), plan.runs.size(), sweep_journal_path(out).c_str(), todo.size());
    geodata::Progress progress("sweep runs", todo.size(), options.progress);
    std::size_t done = 0;
    std::map<std::string, SweepRow> failed;
    for (const std::size_t index : todo) {
        SweepRow row = run_sweep_one(plan, index, options.threads, options.plugin_dirs, options.allow_scenario_plugins);
        journal.append(row);
        if (row.ok) finished[row.key] = row;
        else {
            failed[row.key] = row;
            std::fprintf(stderr, "sweep: run %zu (%s) failed: %s\n", index, row.key.c_str(), row.error.c_str());
        }
        progress.update(++done);
    }
    progress.finish();
    write_sweep_table(plan, collect_rows(plan, finished, failed), out);
    if (options.progress)
        std::fprintf(stderr, "sweep: wrote %s (%zu rows, %zu failed now)\n", out.c_str(), plan.runs.size(), failed.size());
    return todo.size();
}

}  // namespace citytwin::scenarios
