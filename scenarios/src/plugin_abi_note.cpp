#include <citytwin/geodata/error.hpp>
#include <citytwin/scenarios/plugin_abi_note.hpp>

#include <elf.h>

#include <bit>
#include <cstring>
#include <fstream>
#include <vector>

namespace citytwin::scenarios {

namespace {

// Reads `n` bytes at `offset`, or fails naming the file.
void read_at(std::ifstream& in, const std::string& path, std::uint64_t offset, void* out, std::size_t n) {
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(static_cast<char*>(out), static_cast<std::streamsize>(n)))
        throw geodata::Error(path + ": not a complete shared library (cut short at byte " + std::to_string(offset) + ")");
}

}  // namespace

// The ELF layout (System V gABI, <elf.h>): the header gives the section header table and
// which section holds the section names; the note is the section of that name.
std::optional<plugin::AbiNote> read_abi_note(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw geodata::Error(path + ": cannot be read");
    Elf64_Ehdr eh{};
    if (!in.read(reinterpret_cast<char*>(&eh), sizeof eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        throw geodata::Error(path + ": not a shared library (no ELF header)");
    const unsigned char byte_order = std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != byte_order)
        throw geodata::Error(path + ": a shared library for another kind of machine (not 64-bit ELF of this byte order)");
    if (eh.e_shoff == 0 || eh.e_shnum == 0 || eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum ||
        eh.e_shentsize != sizeof(Elf64_Shdr))
        return std::nullopt;  // no (usable) section table: no note
    std::vector<Elf64_Shdr> sections(eh.e_shnum);
    read_at(in, path, eh.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr));
    const Elf64_Shdr& names = sections[eh.e_shstrndx];
    if (names.sh_size > (1u << 24)) throw geodata::Error(path + ": implausible section name table");
    std::vector<char> name_table(names.sh_size + 1, '\0');
    read_at(in, path, names.sh_offset, name_table.data(), names.sh_size);
    for (const Elf64_Shdr& s : sections) {
        if (s.sh_name >= names.sh_size || std::strcmp(name_table.data() + s.sh_name, plugin::abi_note_section) != 0)
            continue;
        plugin::AbiNote note{};
        if (s.sh_type != SHT_PROGBITS || s.sh_size < sizeof note)
            throw geodata::Error(path + ": its section " + plugin::abi_note_section + " is not a citytwin ABI note");
        read_at(in, path, s.sh_offset, &note, sizeof note);
        if (std::memcmp(note.magic, plugin::this_abi_note.magic, sizeof note.magic) != 0)
            throw geodata::Error(path + ": its section " + plugin::abi_note_section + " is not a citytwin ABI note");
        return note;
    }
    return std::nullopt;
}

}  // namespace citytwin::scenarios
