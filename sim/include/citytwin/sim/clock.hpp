#pragma once
// One clock for every model: whole seconds since midnight of the simulated day.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citytwin::sim {

using Seconds = std::int32_t;

/// "07:30", "7:30:15", "24:00", "30:00" (next morning) or plain seconds "27000".
std::optional<Seconds> parse_clock(std::string_view text);
/// 27000 -> "07:30:00"
std::string format_clock(Seconds s);

}  // namespace citytwin::sim
