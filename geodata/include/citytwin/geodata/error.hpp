#pragma once
// Errors of the cold path (loading, configuring). Each carries its context so the
// CLI can print one clear message naming the file, layer, feature or field.
#include <stdexcept>
#include <string>

namespace citytwin::geodata {

/// Bad input or a failed load; what() is the full user-facing message.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Builds "file: layer 'x': feature 12: what" from whichever parts are known.
std::string context_message(const std::string& file, const std::string& layer,
                            long long feature_id, const std::string& what);

}  // namespace citytwin::geodata
