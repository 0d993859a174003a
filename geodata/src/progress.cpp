#include <citytwin/geodata/progress.hpp>

#include <algorithm>
#include <cstdio>

namespace citytwin::geodata {

Progress::Progress(std::string label, std::size_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(std::size_t done) {
    last_done_ = done;
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_print_ < std::chrono::milliseconds(500)) return;
    last_print_ = now;
    print(done, false);
}

void Progress::finish() {
    if (finished_) return;
    finished_ = true;
    if (enabled_) print(last_done_, true);
}

void Progress::print(std::size_t done, bool final_line) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (final_line) {
        std::fprintf(stderr, "%s: %zu done in %.1f s\n", label_.c_str(), done, elapsed);
    } else if (total_ > 0 && done > 0) {
        const double eta = elapsed * static_cast<double>(total_ - std::min(done, total_)) / static_cast<double>(done);
        std::fprintf(stderr, "%s: %zu/%zu (%.0f%%) ETA %.0f s\n", label_.c_str(), done, total_,
                     100.0 * static_cast<double>(done) / static_cast<double>(total_), eta);
    } else {
        std::fprintf(stderr, "%s: %zu …\n", label_.c_str(), done);
    }
}

}  // namespace citytwin::geodata
