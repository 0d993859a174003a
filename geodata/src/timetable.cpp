#include <citytwin/geodata/timetable.hpp>

namespace citytwin::geodata {

std::string transit_mode_of(int route_type) {
    switch (route_type) {  // the basic GTFS types
    case 0: return "tram";
    case 1: return "metro";
    case 2: return "rail";
    case 3: return "bus";
    case 4: return "ferry";
    case 5: case 6: case 7: return "cable";   // cable tram, aerial lift, funicular
    case 11: return "bus";                    // trolleybus
    case 12: return "rail";                   // monorail
    default: break;
    }
    // The extended (Google / HVT) types, by hundreds; urban rail (403, 404) counts as metro.
    if (route_type >= 100 && route_type < 200) return "rail";
    if (route_type >= 200 && route_type < 300) return "bus";     // coach
    if (route_type >= 400 && route_type < 500) return "metro";
    if (route_type >= 700 && route_type < 900) return "bus";     // bus, trolleybus
    if (route_type >= 900 && route_type < 1000) return "tram";
    if (route_type >= 1000 && route_type < 1300) return "ferry"; // water transport, ferry
    if (route_type >= 1300 && route_type < 1500) return "cable"; // aerial lift, funicular
    return "other";                                              // taxi (1500s) and the rest
}

}  // namespace citytwin::geodata
