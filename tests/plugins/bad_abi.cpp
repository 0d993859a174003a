// A plugin built for another ABI version: the host must refuse it by the first member.
#include <citytwin/plugin.hpp>

extern "C" const citytwin::plugin::Descriptor* citytwin_plugin_descriptor() {
    static const citytwin::plugin::Descriptor d{999, 0, "bad_abi", "built for ABI 999", nullptr, nullptr};
    return &d;
}
