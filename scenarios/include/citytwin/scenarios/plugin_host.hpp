#pragma once
// Finds, loads and calls plugins. A plugin named `x` is the file `citytwin_x.so` in the
// first folder of the search path that has it: --plugin-path folders, the scenario's
// plugin_path, $CITYTWIN_PLUGIN_PATH (colon-separated), the build's plugins folder and
// the installed <prefix>/lib/citytwin/plugins. Every failure (not found, no descriptor
// symbol, ABI mismatch, bad parameters, an exception in a hook) is a geodata::Error
// naming the plugin; the host never lets a plugin's exception escape unlabelled.
#include <citytwin/plugin.hpp>
#include <citytwin/scenarios/yaml_parameters.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace citytwin::scenarios {

/// Folders searched, in order, for plugin files: extra_dirs, $CITYTWIN_PLUGIN_PATH, then
/// the built-in folders.
std::vector<std::string> plugin_search_path(const std::vector<std::string>& extra_dirs);

/// The folders of the plugins that come with citytwin (the build tree's, the installed
/// tree's). A plugin found elsewhere under the name of one of theirs is refused.
std::vector<std::string> builtin_plugin_dirs();

/// "citytwin_<name>.so"
std::string plugin_file_name(const std::string& name);

class LoadedPlugin {
public:
    /// Loads `name` (or the file `explicit_path` when not empty) and creates the plugin
    /// with its parameters. `params` must outlive this object.
    LoadedPlugin(const std::string& name, const std::string& explicit_path, const std::vector<std::string>& search,
                 YamlParameters& params);
    ~LoadedPlugin();
    LoadedPlugin(const LoadedPlugin&) = delete;
    LoadedPlugin& operator=(const LoadedPlugin&) = delete;

    const std::string& name() const { return name_; }
    const std::string& path() const { return path_; }
    std::string summary() const;
    YamlParameters& params() { return params_; }
    plugin::Plugin& get() { return *plugin_; }

    /// Runs a hook; any exception becomes "plugin 'name' (path): hook: message".
    void call(const char* hook, const std::function<void(plugin::Plugin&)>& f);

private:
    std::string name_, path_;
    YamlParameters& params_;
    void* library_ = nullptr;
    const plugin::Descriptor* descriptor_ = nullptr;
    plugin::Plugin* plugin_ = nullptr;
};

}  // namespace citytwin::scenarios
