#pragma once
// What the timetable carried in a run: stops with their boardings and alightings (layer
// `transit_stops`), routes with their runs and boardings (table `transit_routes`), and
// boardings per route and hour (table `transit_ridership`), and the demand.transit KPIs.
#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/scenarios/run.hpp>

#include <nlohmann/json.hpp>

#include <vector>

namespace citytwin::scenarios {

/// The three tables above; none without a timetable.
std::vector<geodata::Table> transit_tables(const RunOutput& run);

/// demand.transit: the timetable (date, stops, routes, runs) and how the transit trips
/// went on it; null without a timetable.
nlohmann::json transit_json(const RunOutput& run);

}  // namespace citytwin::scenarios
