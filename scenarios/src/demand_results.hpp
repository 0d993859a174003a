#pragma once
// What the demand did, for the run's outputs: the "demand" KPIs and the result tables of
// trips by mode (per district, by length) and of the boundary points.
#include <citytwin/geodata/dataset_writer.hpp>
#include <citytwin/scenarios/run.hpp>

#include <nlohmann/json.hpp>

namespace citytwin::scenarios {

/// `demand.*` of `citytwin run --json` (README "KPIs").
nlohmann::json demand_json(const sim::Demand& demand, const sim::DemandKpis& k);

/// Where trips cross the area's edge, with how many enter and leave there (all modes).
geodata::Table boundary_table(const RunOutput& run);

/// Per district (the trip's origin in it): trips, share and mean km of each mode.
geodata::Table district_mode_table(const RunOutput& run);

/// Trips per mode and length band (km): the trip-length distribution.
geodata::Table trip_length_table(const RunOutput& run);

/// The path network (walking and cycling) with the pedestrians and cyclists entering each
/// link over the day: layer `paths`, lines, one row per directed path link.
geodata::Table path_table(const RunOutput& run);

/// Pedestrians and cyclists per path link and hour (only hours with some): table `path_flows`.
geodata::Table path_flow_table(const RunOutput& run);

}  // namespace citytwin::scenarios
