#pragma once
// "Did you mean …?" for names a user typed: keys, street names, plugin names.
#include <string>
#include <string_view>
#include <vector>

namespace citytwin::geodata {

/// ASCII lowercase (names are compared case-insensitively).
std::string lowercase(std::string_view s);

/// Levenshtein distance (insertions, deletions, substitutions).
std::size_t edit_distance(const std::string& a, const std::string& b);

/// Up to `limit` candidates closest to `word` (case-insensitive), nearest first, ties in
/// the candidates' order; only those within max(2, |word| / 3) edits.
std::vector<std::string> closest_names(const std::string& word, const std::vector<std::string>& candidates,
                                       std::size_t limit = 3);

}  // namespace citytwin::geodata
