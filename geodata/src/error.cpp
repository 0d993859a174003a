#include <citytwin/geodata/error.hpp>

namespace citytwin::geodata {

std::string context_message(const std::string& file, const std::string& layer, long long feature_id,
                            const std::string& what) {
    std::string msg = file;
    if (!layer.empty()) msg += (msg.empty() ? "" : ": ") + std::string("layer '") + layer + "'";
    if (feature_id >= 0) msg += (msg.empty() ? "" : ": ") + std::string("feature ") + std::to_string(feature_id);
    if (!msg.empty()) msg += ": ";
    return msg + what;
}

}  // namespace citytwin::geodata
