#pragma once
// What a run will hold at once, estimated from the scenario and its city before anything
// large is allocated: a size typed into a scenario ends in one clear error naming the key,
// never in bad_alloc (issue 17).
#include <citytwin/geodata/city_model.hpp>

#include <cstdint>
#include <string>

namespace citytwin::scenarios {

struct Scenario;

/// Bytes of physical memory (0 when the system does not say).
std::uint64_t physical_memory_bytes();

/// The default budget: 80 % of physical memory (the rest for the system and the page
/// cache); 8 GiB when the system does not say.
std::uint64_t default_memory_limit();

/// "4G", "512M", "1500k" or plain bytes (binary units: k = 1024). Throws Error naming the
/// option on anything else.
std::uint64_t parse_memory_size(const std::string& text, const std::string& option);

/// Throws Error (exit 1) naming the scenario file, the key that sets the size, the
/// estimate and the limit when a part of the run would need more than `limit` bytes:
/// the wifi rasters (cells × bytes a cell holds: `wifi.cell_size_m` over the city's
/// extent) and the per-hour link tables (`time.end` − `time.start`).
void check_memory(const Scenario& scenario, const geodata::CityModel& model, std::uint64_t limit);

}  // namespace citytwin::scenarios
