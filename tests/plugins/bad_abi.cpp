// A plugin built for another ABI version: the host must refuse it from its ABI note,
// without loading it (ran_marker.hpp tells whether it was loaded).
#include <citytwin/plugin.hpp>

#include "ran_marker.hpp"

extern "C" __attribute__((used, section(".citytwin_abi"))) const citytwin::plugin::AbiNote citytwin_plugin_abi_note{
    {'C', 'T', 'P', 'L', 'U', 'G', 'I', 'N'}, 999, 0, citytwin::plugin::layout_signature};

extern "C" const citytwin::plugin::Descriptor* citytwin_plugin_descriptor() {
    static const citytwin::plugin::Descriptor d{999, 0, "bad_abi", "built for ABI 999", nullptr, nullptr};
    return &d;
}
