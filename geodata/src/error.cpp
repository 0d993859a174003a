#include <citytwin/geodata/error.hpp>

namespace citytwin::geodata {

std::string context_message(const std::string& file, const std::string& layer, long long feature_id,
                            const std::string& what) {
    std::string msg;
    auto part = [&msg](const std::string& text) {
        if (!msg.empty()) msg.append(": ");
        msg.append(text);
    };
    if (!file.empty()) part(file);
    if (!layer.empty()) part("layer '" + layer + "'");
    if (feature_id >= 0) part("feature " + std::to_string(feature_id));
    part(what);
    return msg;
}

}  // namespace citytwin::geodata
