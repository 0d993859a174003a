// A plugin of this ABI version built against other headers (another layout signature):
// refused from its ABI note, without loading it (ran_marker.hpp tells whether it was).
#include <citytwin/plugin.hpp>

#include "ran_marker.hpp"

extern "C" __attribute__((used, section(".citytwin_abi"))) const citytwin::plugin::AbiNote citytwin_plugin_abi_note{
    {'C', 'T', 'P', 'L', 'U', 'G', 'I', 'N'}, static_cast<std::uint32_t>(citytwin::plugin::abi_version), 0,
    citytwin::plugin::layout_signature ^ 1u};

extern "C" const citytwin::plugin::Descriptor* citytwin_plugin_descriptor() {
    static const citytwin::plugin::Descriptor d{citytwin::plugin::abi_version, citytwin::plugin::layout_signature ^ 1u,
                                                "bad_layout", "built against other headers", nullptr, nullptr};
    return &d;
}
