#include <citytwin/geodata/text_match.hpp>

#include <algorithm>
#include <cctype>
#include <numeric>

namespace citytwin::geodata {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    std::iota(prev.begin(), prev.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> closest_names(const std::string& word, const std::vector<std::string>& candidates,
                                       std::size_t limit) {
    const std::string w = lowercase(word);
    const std::size_t max_d = std::max<std::size_t>(2, w.size() / 3);
    std::vector<std::pair<std::size_t, std::size_t>> scored;  // (distance, candidate index)
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::size_t d = edit_distance(w, lowercase(candidates[i]));
        if (d <= max_d) scored.emplace_back(d, i);
    }
    std::stable_sort(scored.begin(), scored.end(), [](auto a, auto b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (const auto& [d, i] : scored) {
        if (out.size() == limit) break;
        if (std::find(out.begin(), out.end(), candidates[i]) == out.end()) out.push_back(candidates[i]);
    }
    return out;
}

}  // namespace citytwin::geodata
