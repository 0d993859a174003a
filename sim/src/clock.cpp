#include <citytwin/sim/clock.hpp>

#include <charconv>
#include <cstdio>

namespace citytwin::sim {

std::optional<Seconds> parse_clock(std::string_view text) {
    int parts[3] = {0, 0, 0};
    int n = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p < end && n < 3) {
        int v = 0;
        auto [next, ec] = std::from_chars(p, end, v);
        if (ec != std::errc{} || v < 0) return std::nullopt;
        parts[n++] = v;
        p = next;
        if (p == end) break;
        if (*p != ':') return std::nullopt;
        ++p;
        if (p == end) return std::nullopt;
    }
    if (p != end || n == 0) return std::nullopt;
    if (n == 1) return parts[0];  // plain seconds
    if (parts[1] > 59 || parts[2] > 59 || parts[0] > 48) return std::nullopt;
    return parts[0] * 3600 + parts[1] * 60 + parts[2];
}

std::string format_clock(Seconds s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    return buf;
}

}  // namespace citytwin::sim
