#pragma once
// Reads a plugin's ABI note (citytwin/plugin.hpp) from its file without loading it: the
// host checks the ABI version and layout signature before dlopen, which would already run
// the library's static constructors (issue 17).
#include <citytwin/plugin.hpp>

#include <optional>
#include <string>

namespace citytwin::scenarios {

/// The note in the section plugin::abi_note_section of the ELF shared object at `path`;
/// nullopt when the file has no such section (not built with CITYTWIN_PLUGIN). Throws
/// geodata::Error naming the file when it cannot be read or is not a 64-bit ELF file of
/// this machine's byte order, or when the section is not a note.
std::optional<plugin::AbiNote> read_abi_note(const std::string& path);

}  // namespace citytwin::scenarios
