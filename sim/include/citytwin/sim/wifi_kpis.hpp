#pragma once
// Coverage KPIs for planners: covered area and population, mean SINR, and the same per
// district (the equity table: which districts are left out).
#include <citytwin/geodata/city_model.hpp>
#include <citytwin/sim/wifi_capacity.hpp>
#include <citytwin/sim/wifi_coverage.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace citytwin::sim::wifi {

struct DistrictCoverage {
    std::uint32_t id = 0;
    std::string name;
    geodata::MultiPolygon area;
    std::size_t outdoor_cells = 0, covered_outdoor_cells = 0;
    double area_covered_share = 0.0;        ///< covered outdoor cells / outdoor cells (0 when none)
    double population = 0.0;                ///< residents of the buildings whose centroid is inside
    double population_covered = 0.0;
    double population_covered_share = 0.0; ///< 0 when nobody lives there
    std::size_t aps = 0;                    ///< APs standing in the district
    double people_per_ap = 0.0;             ///< NaN when the district has no AP
    /// Walkers and cyclists in its streets at h:30, summed over the day's hours, and those
    /// of them in covered cells (no entry loss outdoors); share 0 when nobody walked there.
    double street_person_hours = 0.0, street_covered_person_hours = 0.0;
    double outdoor_people_covered_share = 0.0;
};

/// One building's residents as the coverage sees them: at its home cell, indoors.
struct BuildingCoverage {
    std::uint32_t id = 0;
    double residents = 0.0;
    bool indoors = false;        ///< the home cell lies inside the building (else: smaller than a cell)
    float rssi_dbm = no_signal;  ///< best server at the home cell, entry loss and margin included
    bool covered = false;        ///< rssi_dbm >= threshold
    std::uint32_t server = no_server;
};

/// The figures of `citytwin run --json` under "wifi.*" (README "Wifi coverage").
struct WifiKpis {
    std::size_t aps = 0;
    std::size_t outdoor_cells = 0, covered_outdoor_cells = 0;
    double area_covered_share = 0.0;        ///< outdoor cells >= threshold / outdoor cells
    double population = 0.0, population_covered = 0.0;
    double population_covered_share = 0.0;  ///< residents of buildings whose home cell is >= threshold (indoors)
    double mean_sinr_db = 0.0;              ///< over covered outdoor cells (0 when none)
    double location_probability = 0.5;      ///< the probability "covered" is stated at
    std::uint64_t beyond_validity_ap_cells = 0;  ///< AP-cell links outside the model's validity range
    std::size_t homes_outdoors = 0;         ///< inhabited buildings holding no cell: counted at their centroid's cell
    /// People in the streets and squares (walkers and cyclists, people_on_foot) over the
    /// day: person-hours, and the share of them in cells covered at the threshold.
    double street_person_hours = 0.0, street_covered_person_hours = 0.0;
    double outdoor_people_covered_share = 0.0;
    bool grid_districts = false;            ///< districts are a square grid (the city has none)
    std::vector<BuildingCoverage> buildings;  ///< per building on the grid, in building order
    std::vector<DistrictCoverage> districts;
};

/// The cell where a building's residents are counted, per building id: its centroid's
/// cell when that cell lies inside the building (the receiver is then behind the
/// building's own wall), else its first cell in row order, else (a building smaller
/// than a cell) its centroid's cell; SIZE_MAX off the grid.
std::vector<std::size_t> home_cells(const geodata::CityModel& model, const HeightRaster& heights);

/// Square districts of `size_m` over `area` (for cities without a district layer),
/// named "grid r<row> c<col>" from the north-west corner.
std::vector<geodata::District> grid_districts(const geodata::Box& area, double size_m);

/// KPIs of a coverage. residents[b] = residents of building b (ids as in the model);
/// `homes`: home_cells of the same model and raster when the caller has them already;
/// `street`: the people in the streets per hour (people_on_foot), when known.
/// Uses the city's districts, or a 500 m grid over the coverage grid when it has none.
WifiKpis wifi_kpis(const geodata::CityModel& model, const HeightRaster& heights, const Coverage& coverage,
                   const std::vector<std::uint32_t>& residents, const CoverageConfig& config,
                   const std::vector<std::size_t>* homes = nullptr, const std::vector<MovingPeople>* street = nullptr);

}  // namespace citytwin::sim::wifi
