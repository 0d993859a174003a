#pragma once
// Progress of long work on stderr: "label: done/total (pct) ETA s", throttled.
#include <chrono>
#include <cstddef>
#include <string>

namespace citytwin::geodata {

class Progress {
public:
    /// total 0 means unknown (counts only). A disabled progress prints nothing.
    Progress(std::string label, std::size_t total, bool enabled);
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress();

    void update(std::size_t done);
    void finish();

private:
    void print(std::size_t done, bool final_line);

    std::string label_;
    std::size_t total_;
    bool enabled_;
    bool finished_ = false;
    std::size_t last_done_ = 0;
    std::chrono::steady_clock::time_point start_, last_print_;
};

}  // namespace citytwin::geodata
