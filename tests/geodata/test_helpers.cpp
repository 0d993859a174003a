#include "test_helpers.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace citytwin::testing {

namespace fs = std::filesystem;

fs::path data_dir() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("CITYTWIN_DATA_DIR"); env && *env) candidates.emplace_back(env);
    candidates.push_back(fs::path(CITYTWIN_SOURCE_DIR) / "data");
    candidates.push_back(fs::path(CITYTWIN_SOURCE_DIR).parent_path() / "shared" / "data");
    for (const auto& c : candidates)
        if (fs::exists(c / "monaco" / "monaco-2021.osm.pbf")) return c;
    throw std::runtime_error("real data not found (set CITYTWIN_DATA_DIR)");
}

TempDir::TempDir() {
    std::string templ = (fs::temp_directory_path() / "citytwin-test-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

CommandResult run_citytwin(const std::vector<std::string>& args) {
    TempDir tmp;
    const fs::path out_file = tmp / "stdout", err_file = tmp / "stderr";
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (!std::freopen(out_file.c_str(), "w", stdout) || !std::freopen(err_file.c_str(), "w", stderr)) _exit(126);
        if (::chdir(CITYTWIN_SOURCE_DIR) != 0) _exit(126);
        std::vector<char*> argv;
        std::string bin = CITYTWIN_BINARY;
        argv.push_back(bin.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(bin.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_file);
    r.err = slurp(err_file);
    return r;
}

std::string collection(const std::string& crs_name, const std::string& features) {
    return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":")" + crs_name +
           R"("}},"features":[)" + features + "]}";
}

std::string feature(int id, const std::string& properties, const std::string& geometry) {
    return R"({"type":"Feature","id":)" + std::to_string(id) + R"(,"properties":{)" + properties +
           R"(},"geometry":)" + geometry + "}";
}

std::string line(const std::string& coords) { return R"({"type":"LineString","coordinates":[)" + coords + "]}"; }
std::string polygon(const std::string& rings) { return R"({"type":"Polygon","coordinates":[)" + rings + "]}"; }
std::string point(double x, double y) {
    char buf[128];
    std::snprintf(buf, sizeof buf, R"({"type":"Point","coordinates":[%.9f,%.9f]})", x, y);
    return buf;
}

}  // namespace citytwin::testing
