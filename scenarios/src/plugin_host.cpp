#include <citytwin/scenarios/plugin_abi_note.hpp>
#include <citytwin/scenarios/plugin_host.hpp>

#include <citytwin/geodata/error.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

namespace citytwin::scenarios {

using geodata::Error;
namespace fs = std::filesystem;

namespace {
// The folder of the running executable or library (for an installed, relocatable tree).
fs::path own_library_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&plugin_search_path), &info) && info.dli_fname)
        return fs::absolute(info.dli_fname).parent_path();
    return {};
}
}  // namespace

std::string plugin_file_name(const std::string& name) { return "citytwin_" + name + ".so"; }

std::vector<std::string> builtin_plugin_dirs() {
    // An installed copy's own plugins first (built with it), then the build tree's.
    std::vector<std::string> dirs;
    if (const fs::path lib = own_library_dir(); !lib.empty()) dirs.push_back((lib / "citytwin" / "plugins").string());
#ifdef CITYTWIN_BUILD_PLUGIN_DIR
    dirs.push_back(CITYTWIN_BUILD_PLUGIN_DIR);
#endif
    return dirs;
}

std::vector<std::string> plugin_search_path(const std::vector<std::string>& extra_dirs) {
    std::vector<std::string> dirs = extra_dirs;
    if (const char* env = std::getenv("CITYTWIN_PLUGIN_PATH")) {
        std::stringstream ss(env);
        for (std::string dir; std::getline(ss, dir, ':');)
            if (!dir.empty()) dirs.push_back(dir);
    }
    for (auto& d : builtin_plugin_dirs()) dirs.push_back(std::move(d));
    return dirs;
}

LoadedPlugin::LoadedPlugin(const std::string& name, const std::string& explicit_path,
                           const std::vector<std::string>& search, YamlParameters& params)
    : name_(name), params_(params) {
    if (!explicit_path.empty()) {
        if (!fs::exists(explicit_path)) throw Error("plugin '" + name + "': file " + explicit_path + " not found");
        path_ = explicit_path;
    } else {
        for (const auto& dir : search)
            if (fs::exists(fs::path(dir) / plugin_file_name(name))) {
                path_ = (fs::path(dir) / plugin_file_name(name)).string();
                break;
            }
        if (path_.empty()) {
            std::string looked;
            for (const auto& dir : search) looked += "\n  " + (fs::path(dir) / plugin_file_name(name)).string();
            throw Error("plugin '" + name + "' not found; looked for:" + looked +
                        "\n(add a folder with --plugin-path, plugin_path: in the scenario, or CITYTWIN_PLUGIN_PATH)");
        }
    }
    // A library named like a built-in one but found elsewhere would run instead of it
    // (a shared folder shadowing roadworks): refused before any of its code is loaded.
    // A built-in found in the first of the built-in folders (an installed copy whose
    // build tree still exists) shadows nothing.
    std::error_code ec;
    const auto builtin_dirs = builtin_plugin_dirs();
    const bool is_builtin = std::any_of(builtin_dirs.begin(), builtin_dirs.end(), [&](const std::string& dir) {
        return fs::equivalent(fs::path(dir), fs::path(path_).parent_path(), ec);
    });
    for (const auto& dir : is_builtin ? std::vector<std::string>{} : builtin_dirs) {
        const fs::path builtin = fs::path(dir) / plugin_file_name(name);
        if (fs::exists(builtin) && !fs::equivalent(builtin, path_, ec) && fs::path(path_).parent_path() != fs::path(dir))
            throw Error("plugin '" + name + "': " + path_ + " would shadow the built-in " + builtin.string() +
                        "; give your plugin another name");
    }
    // The version and layout are read from the file: loading it would already run its
    // static constructors, code built against other headers.
    std::optional<plugin::AbiNote> note;
    try {
        note = read_abi_note(path_);
    } catch (const Error& e) {
        throw Error("plugin '" + name + "': " + e.what());
    }
    if (!note)
        throw Error("plugin '" + name + "': " + path_ + " carries no citytwin ABI note (section " +
                    plugin::abi_note_section + "): not a citytwin plugin, or built with an SDK older than this "
                    "check; rebuild it with CITYTWIN_PLUGIN(...) against this citytwin's SDK");
    if (note->abi_version != static_cast<std::uint32_t>(plugin::abi_version))
        throw Error("plugin '" + name + "': " + path_ + " was built for plugin ABI version " +
                    std::to_string(note->abi_version) + ", this citytwin has version " + std::to_string(plugin::abi_version) +
                    "; rebuild the plugin against this citytwin's SDK (it was not loaded)");
    if (note->layout_signature != plugin::layout_signature)
        throw Error("plugin '" + name + "': " + path_ +
                    " was built against different citytwin headers (same ABI version, other declarations, standard "
                    "library ABI or type sizes); rebuild it against this citytwin's SDK (it was not loaded)");
    library_ = dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library_) throw Error("plugin '" + name + "': cannot load " + path_ + ": " + dlerror());
    const auto entry = reinterpret_cast<const plugin::Descriptor* (*)()>(dlsym(library_, "citytwin_plugin_descriptor"));
    if (!entry) {
        dlclose(library_);
        throw Error("plugin '" + name + "': " + path_ +
                    " has no symbol citytwin_plugin_descriptor (not a citytwin plugin? use CITYTWIN_PLUGIN(...))");
    }
    descriptor_ = entry();
    // The descriptor must say what the note said (a hand-made descriptor may not): only its
    // first member is read before the version is known to match.
    if (!descriptor_ || descriptor_->abi_version != plugin::abi_version) {
        const int got = descriptor_ ? descriptor_->abi_version : -1;
        dlclose(library_);
        throw Error("plugin '" + name + "': " + path_ + " was built for plugin ABI version " + std::to_string(got) +
                    ", this citytwin has version " + std::to_string(plugin::abi_version) +
                    "; rebuild the plugin against this citytwin's SDK");
    }
    if (descriptor_->layout_signature != plugin::layout_signature) {
        dlclose(library_);
        throw Error("plugin '" + name + "': " + path_ +
                    " was built against different citytwin headers (same ABI version, other type layout); rebuild it");
    }
    if (name != descriptor_->name) {
        const std::string other = descriptor_->name;
        dlclose(library_);
        throw Error("plugin '" + name + "': " + path_ + " is the plugin '" + other + "'");
    }
    try {
        plugin_ = descriptor_->create(params_);
    } catch (const std::exception& e) {
        const std::string message = e.what();   // before the plugin's code (and its exception type) is unloaded
        dlclose(library_);
        throw Error("plugin '" + name + "': " + message);
    } catch (...) {
        dlclose(library_);
        throw Error("plugin '" + name + "': unknown exception while reading its parameters");
    }
}

LoadedPlugin::~LoadedPlugin() {
    if (plugin_) descriptor_->destroy(plugin_);   // the plugin's own delete, before its code goes
    if (library_) dlclose(library_);
}

std::string LoadedPlugin::summary() const { return descriptor_->summary; }

void LoadedPlugin::call(const char* hook, const std::function<void(plugin::Plugin&)>& f) {
    try {
        f(*plugin_);
    } catch (const std::exception& e) {
        throw Error("plugin '" + name_ + "' (" + path_ + "): " + hook + ": " + e.what());
    } catch (...) {
        throw Error("plugin '" + name_ + "' (" + path_ + "): " + hook + ": unknown exception");
    }
}

}  // namespace citytwin::scenarios
