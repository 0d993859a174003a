// wifi_expansion: place N new access points where they cover the most people not yet
// covered. Greedy on the scenario's own coverage model: each candidate site's received
// power is computed at every home (its cell inside the building, sim::wifi::home_cells) within reach, exactly as the
// coverage raster would have it; each round takes the site adding the most residents
// (ties: the first candidate). Adding an AP never lowers anyone's best signal, so the
// population covered can only rise. `serve: outdoor` counts the outdoor cells it newly
// covers instead (wifi.area_covered_share), `serve: both` the sum of the two shares gained.
//   plugins:
//     - name: wifi_expansion
//       params: {count: 20, least_covered_districts: 3, serve: both}
// Candidates: `candidates: {source, layer}` (street lights, public buildings …), else
// points every `spacing_m` along the streets (not motorways).
#include <citytwin/plugin.hpp>
#include <citytwin/plugin_edits.hpp>
#include <citytwin/sim/height_raster.hpp>
#include <citytwin/sim/wifi_capacity.hpp>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace {

using namespace citytwin;

struct Home {
    std::size_t cell;
    double people;              ///< residents
    std::uint32_t building = 0;
};

enum class Serve { Residents, Outdoor, Both };

double share_of(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

/// The outdoor cells (centre in no building) covered today, and per candidate site the
/// outdoor cells it would newly cover, from the same fields the run merges.
struct Outdoor {
    double cells = 0;
    std::size_t covered_count = 0;
    std::vector<char> covered;                       ///< per grid cell
    std::vector<std::vector<std::uint32_t>> reach;   ///< per site
};

class WifiExpansion final : public plugin::Plugin {
public:
    explicit WifiExpansion(const plugin::Parameters& params) : params_(params) {
        params.allow_only({"count", "candidates", "spacing_m", "districts", "least_covered_districts", "min_distance_m",
                           "tx_power_dbm", "frequency_ghz", "channels", "height_m", "serve", "capacity"});
        if (const auto c = params.text("capacity")) {
            if (*c != "true" && *c != "false") params.fail("capacity", "must be true or false");
            capacity_ = *c == "true";
        }
        if (const auto serve = params.text("serve")) {
            if (*serve == "residents") serve_ = Serve::Residents;
            else if (*serve == "outdoor") serve_ = Serve::Outdoor;
            else if (*serve == "both") serve_ = Serve::Both;
            else params.fail("serve", "'" + *serve + "' is none of residents, outdoor, both");
        }
        const double count = params.number("count").value_or(0);
        if (count < 1 || count > 10000 || count != std::floor(count)) params.fail("count", "is required: a whole number of new APs (1…10000)");
        count_ = static_cast<std::size_t>(count);
        spacing_m_ = params.number("spacing_m").value_or(spacing_m_);
        if (!(spacing_m_ >= 5)) params.fail("spacing_m", "must be >= 5 m");
        min_distance_m_ = params.number("min_distance_m").value_or(min_distance_m_);
        template_.tx_power_dbm = params.number("tx_power_dbm").value_or(template_.tx_power_dbm);
        template_.frequency_ghz = params.number("frequency_ghz").value_or(template_.frequency_ghz);
        template_.height_m = params.number("height_m").value_or(template_.height_m);
        if (auto ch = params.numbers("channels")) {
            channels_.clear();
            for (double c : *ch) channels_.push_back(static_cast<int>(c));
            if (channels_.empty()) params.fail("channels", "give at least one channel");
        }
        if (params.has("districts") && params.has("least_covered_districts"))
            params.fail("districts", "give either 'districts' (names) or 'least_covered_districts' (how many), not both");
    }

    void before_run(plugin::BeforeRun& run) override {
        if (!run.scenario.wifi) params_.fail("", "needs the scenario's wifi: section (the coverage model it optimises)");
        sim::wifi::CoverageConfig cfg = *run.scenario.wifi;   // with the city's building types, as the run
        sim::wifi::assign_building_types(cfg, run.model);
        auto& model = run.model;
        const sim::Grid grid = sim::Grid::covering(model.bounds, cfg.cell_size_m);
        const sim::HeightRaster heights = sim::build_height_raster(model, grid, cfg.use_terrain);

        // Where people live, with the residents the run's wifi KPIs will count.
        sim::SyntheticDemandConfig people = run.scenario.synthetic ? *run.scenario.synthetic : sim::SyntheticDemandConfig{};
        people.sample = 1.0;
        const auto residents = sim::residents_per_building(model, people, run.scenario.seed);
        const std::vector<std::size_t> home_cell = sim::wifi::home_cells(model, heights);
        // With capacity: the users of every building per hour, so workplaces count too.
        const std::vector<double> users = capacity_ ? users_per_building_hour(run, cfg.capacity, residents) : std::vector<double>{};
        const std::size_t nb = model.buildings->size();
        auto has_users = [&](std::uint32_t b) {
            for (int h = 0; h < sim::wifi::hours_per_day && !users.empty(); ++h)
                if (users[static_cast<std::size_t>(h) * nb + b] > 0) return true;
            return false;
        };
        std::vector<Home> homes;
        for (const auto& b : *model.buildings)
            if ((residents[b.id.value] > 0 || has_users(b.id.value)) && home_cell[b.id.value] != SIZE_MAX)
                homes.push_back({home_cell[b.id.value], static_cast<double>(residents[b.id.value]), b.id.value});

        // Homes covered today.
        std::vector<char> covered(homes.size(), 0);
        tbb::parallel_for(std::size_t{0}, homes.size(), [&](std::size_t h) {
            for (const auto& ap : *model.access_points) {
                const auto dbm = sim::wifi::received_dbm(heights, ap, homes[h].cell, cfg);
                if (dbm && *dbm >= cfg.threshold_dbm) {
                    covered[h] = 1;
                    break;
                }
            }
        });
        double total = 0, before = 0;
        for (std::size_t h = 0; h < homes.size(); ++h) {
            total += homes[h].people;
            before += covered[h] ? homes[h].people : 0.0;
        }

        const auto sites = candidate_sites(model, homes, covered, grid, run.log);
        // Per candidate, the homes it would cover (independent tasks: same for any thread count).
        std::vector<std::vector<std::uint32_t>> reach(sites.size());
        tbb::parallel_for(std::size_t{0}, sites.size(), [&](std::size_t s) {
            geodata::AccessPoint ap = template_;
            ap.position = sites[s];
            for (std::size_t h = 0; h < homes.size(); ++h) {
                if (covered[h]) continue;
                const auto dbm = sim::wifi::received_dbm(heights, ap, homes[h].cell, cfg);
                if (dbm && *dbm >= cfg.threshold_dbm) reach[s].push_back(static_cast<std::uint32_t>(h));
            }
        });

        // Outdoor cells (the centre in no building): covered today, and what each site adds.
        const Outdoor outdoor = serve_ == Serve::Residents ? Outdoor{} : outdoor_reach(heights, model, sites, cfg);

        std::vector<char> taken(sites.size(), 0);
        std::vector<char> cell_covered = outdoor.covered;
        std::vector<geodata::AccessPoint> placed;
        double gained = 0, cells_gained = 0;
        for (std::size_t round = 0; round < count_; ++round) {
            std::size_t best = sites.size();
            double best_gain = 0, best_people = 0, best_cells = 0, best_busy = 0;
            for (std::size_t s = 0; s < sites.size(); ++s) {
                if (taken[s] || too_close(sites[s], placed)) continue;
                double housed = 0, cells = 0;
                if (serve_ != Serve::Outdoor)
                    for (auto h : reach[s]) housed += covered[h] ? 0.0 : homes[h].people;
                if (serve_ != Serve::Residents)
                    for (auto c : outdoor.reach[s]) cells += cell_covered[c] ? 0.0 : 1.0;
                double gain = serve_ == Serve::Residents ? housed
                              : serve_ == Serve::Outdoor ? cells
                                                         : share_of(housed, total) + share_of(cells, outdoor.cells);
                // With capacity, a site whose users at the busy moments would exceed the
                // client limit counts only the share of them it can take.
                const double busy = capacity_ ? busy_users_at(reach[s], covered, homes, users, nb, cfg.capacity) : 0.0;
                if (busy > cfg.capacity.client_limit) gain *= cfg.capacity.client_limit / busy;
                if (gain > best_gain) best_gain = gain, best = s, best_people = housed, best_cells = cells, best_busy = busy;
            }
            if (best == sites.size()) break;   // nobody left to cover from any free site
            // Residents an outdoor-only choice covers on the way count too (the prediction is
            // the run's KPI whatever the goal).
            if (serve_ == Serve::Outdoor)
                for (auto h : reach[best]) best_people += covered[h] ? 0.0 : homes[h].people;
            taken[best] = 1;
            for (auto h : reach[best]) covered[h] = 1;
            if (serve_ != Serve::Residents)
                for (auto c : outdoor.reach[best]) cell_covered[c] = 1;
            gained += best_people;
            cells_gained += best_cells;
            geodata::AccessPoint ap = template_;
            ap.position = sites[best];
            ap.channel = channels_[placed.size() % channels_.size()];
            ap.name = "wifi_expansion " + std::to_string(placed.size() + 1);
            placed.push_back(ap);
            gains_.push_back(best_people);
            cell_gains_.push_back(best_cells);
            busy_.push_back(best_busy);
            capped_ += capacity_ && best_busy > cfg.capacity.client_limit ? 1 : 0;
        }
        first_id_ = model.access_points->size();
        geodata::add_access_points(model, placed);
        sites_ = placed;
        candidates_ = sites.size();
        population_ = total;
        before_share_ = share_of(before, total);
        after_share_ = share_of(before + gained, total);
        if (serve_ != Serve::Residents) {
            area_before_ = share_of(static_cast<double>(outdoor.covered_count), outdoor.cells);
            area_after_ = share_of(static_cast<double>(outdoor.covered_count) + cells_gained, outdoor.cells);
        }
        run.log.info("placed " + std::to_string(placed.size()) + " of " + std::to_string(count_) + " access points among " +
                     std::to_string(sites.size()) + " candidate sites; population covered " + percent(before_share_) +
                     " -> " + percent(after_share_));
    }

    void after_run(const plugin::RunResults&, plugin::ResultSink& out) override {
        out.add_kpi("requested", static_cast<double>(count_));
        out.add_kpi("placed", static_cast<double>(sites_.size()));
        out.add_kpi("candidates", static_cast<double>(candidates_));
        out.add_kpi("population_covered_share_before", before_share_);
        out.add_kpi("population_covered_share_predicted", after_share_);
        if (serve_ != Serve::Residents) {
            out.add_kpi("area_covered_share_before", area_before_);
            out.add_kpi("area_covered_share_predicted", area_after_);
        }
        if (capacity_) out.add_kpi("sites_over_client_limit", static_cast<double>(capped_));
        geodata::Table t{"sites", sites_.size(), {}, {}, {}, {}};
        std::vector<std::int64_t> rank, id, channel;
        std::vector<double> gain, cells;
        for (std::size_t i = 0; i < sites_.size(); ++i) {
            rank.push_back(static_cast<std::int64_t>(i + 1));
            id.push_back(static_cast<std::int64_t>(first_id_ + i));
            channel.push_back(sites_[i].channel);
            gain.push_back(gains_[i]);
            cells.push_back(cell_gains_[i]);
            t.points.push_back(sites_[i].position);
        }
        t.columns = {{"rank", rank}, {"ap_id", id}, {"channel", channel}, {"residents_gained", gain}};
        if (serve_ != Serve::Residents) t.columns.push_back({"outdoor_cells_gained", cells});
        if (capacity_) t.columns.push_back({"busy_users_predicted", busy_});
        out.add_table(std::move(t));
    }

private:
    static std::string percent(double share) { return std::to_string(static_cast<double>(std::lround(share * 1000)) / 10.0).substr(0, 4) + " %"; }

    /// Users per building and hour ([hour * buildings + building]) as the run's capacity
    /// model counts them in buildings: people present (the scenario's synthetic demand,
    /// made here as the run makes it before any traffic feedback; without one, residents at
    /// home) × the active share of home or away × the hour's factor. People in the streets
    /// are not known before the run and are left out.
    static std::vector<double> users_per_building_hour(const plugin::BeforeRun& run, const sim::wifi::CapacityConfig& cap,
                                                       const std::vector<std::uint32_t>& residents) {
        std::vector<double> present, at_home;
        const auto& synthetic = run.scenario.synthetic;
        if (synthetic && synthetic->sample > 0.0) {
            const auto sampled = sim::residents_per_building(run.model, *synthetic, run.scenario.seed);
            const sim::Demand demand = sim::synthesize_demand(run.model, *synthetic, run.scenario.seed);
            present = sim::wifi::people_present(sampled, &demand, 1.0 / synthetic->sample, &at_home);
        } else {
            present = sim::wifi::people_present(residents, nullptr, 1.0, &at_home);
        }
        const std::size_t nb = residents.size();
        std::vector<double> users(present.size(), 0.0);
        for (std::size_t h = 0; h < static_cast<std::size_t>(sim::wifi::hours_per_day); ++h)
            for (std::size_t b = 0; b < nb; ++b) {
                const std::size_t i = h * nb + b;
                users[i] = cap.active_by_hour[h] *
                           (cap.active_share_home * at_home[i] + cap.active_share * std::max(0.0, present[i] - at_home[i]));
            }
        return users;
    }

    /// Users at the busy moments of the busiest hour for a site serving the places of
    /// `reach` not covered yet (sim::wifi::busy_users of the hour's mean).
    static double busy_users_at(const std::vector<std::uint32_t>& reach, const std::vector<char>& covered,
                                const std::vector<Home>& homes, const std::vector<double>& users, std::size_t nb,
                                const sim::wifi::CapacityConfig& cap) {
        double peak = 0;
        for (std::size_t h = 0; h < static_cast<std::size_t>(sim::wifi::hours_per_day); ++h) {
            double sum = 0;
            for (const auto p : reach)
                if (!covered[p]) sum += users[h * nb + homes[p].building];
            peak = std::max(peak, sum);
        }
        return sim::wifi::busy_users(peak, cap.peak_quantile);
    }

    Outdoor outdoor_reach(const sim::HeightRaster& heights, const geodata::CityModel& model,
                          const std::vector<geodata::Point>& sites, const sim::wifi::CoverageConfig& cfg) const {
        Outdoor o;
        const std::size_t cells = heights.grid.cells();
        o.covered.assign(cells, 0);
        for (std::size_t i = 0; i < cells; ++i) o.cells += heights.indoor(i) ? 0.0 : 1.0;
        for (const auto& ap : *model.access_points)
            for (const auto& [i, dbm] : sim::wifi::cells_reached(heights, ap, cfg, cfg.threshold_dbm))
                if (!heights.indoor(i)) o.covered[i] = 1;
        o.covered_count = static_cast<std::size_t>(std::count(o.covered.begin(), o.covered.end(), 1));
        o.reach.resize(sites.size());
        tbb::parallel_for(std::size_t{0}, sites.size(), [&](std::size_t s) {
            geodata::AccessPoint ap = template_;
            ap.position = sites[s];
            for (const auto& [i, dbm] : sim::wifi::cells_reached(heights, ap, cfg, cfg.threshold_dbm))
                if (!heights.indoor(i) && !o.covered[i]) o.reach[s].push_back(i);
        });
        return o;
    }

    bool too_close(const geodata::Point& p, const std::vector<geodata::AccessPoint>& placed) const {
        for (const auto& ap : placed)
            if (std::hypot(ap.position.x - p.x, ap.position.y - p.y) < min_distance_m_) return true;
        return false;
    }

    // Candidate sites inside the allowed districts (all of the city by default).
    std::vector<geodata::Point> candidate_sites(const geodata::CityModel& model, const std::vector<Home>& homes,
                                                const std::vector<char>& covered, const sim::Grid& grid,
                                                plugin::Log& log) {
        std::vector<geodata::Point> raw;
        if (auto pts = params_.points("candidates")) raw = *pts;
        else
            for (const auto& l : model.roads->links()) {
                if (l.reversed || l.road_class == geodata::RoadClass::Motorway) continue;  // one per street, not per direction
                for (double d = spacing_m_ / 2; d < l.length_m; d += spacing_m_) raw.push_back(geodata::point_along(l.geometry, d));
            }
        const auto allowed = allowed_districts(model, homes, covered, grid, log);
        std::vector<geodata::Point> out;
        std::set<std::pair<long, long>> seen;   // one site per 5 m square
        for (const auto& p : raw) {
            if (!allowed.empty() && std::none_of(allowed.begin(), allowed.end(),
                                                 [&](const geodata::MultiPolygon* a) { return geodata::contains(*a, p); }))
                continue;
            if (seen.insert({std::lround(p.x / 5), std::lround(p.y / 5)}).second) out.push_back(p);
        }
        if (out.empty()) params_.fail(params_.has("candidates") ? "candidates" : "", "no candidate site lies in the chosen districts");
        return out;
    }

    std::vector<const geodata::MultiPolygon*> allowed_districts(const geodata::CityModel& model, const std::vector<Home>& homes,
                                                                const std::vector<char>& covered, const sim::Grid& grid,
                                                                plugin::Log& log) {
        std::vector<const geodata::MultiPolygon*> out;
        if (auto names = params_.texts("districts")) {
            for (const auto& name : *names) {
                const auto it = std::find_if(model.districts->begin(), model.districts->end(),
                                             [&](const geodata::District& d) { return d.name == name; });
                if (it == model.districts->end()) params_.fail("districts", "no district is named '" + name + "'");
                out.push_back(&it->area);
            }
            return out;
        }
        const auto k = params_.number("least_covered_districts");
        if (!k) return out;
        // A city with fewer than two districts is ranked in 500 m squares, as the wifi KPIs
        // do for a city without districts.
        const std::vector<geodata::District>& districts =
            model.districts->size() >= 2 ? *model.districts
                                         : (grid_ = sim::wifi::grid_districts(model.bounds, 500.0));
        // Share of residents covered per district, lowest first (ties: district order).
        std::vector<std::pair<double, std::size_t>> share;
        for (std::size_t d = 0; d < districts.size(); ++d) {
            const auto& area = districts[d].area;
            double all = 0, cov = 0;
            for (std::size_t h = 0; h < homes.size(); ++h) {
                const std::size_t w = static_cast<std::size_t>(grid.width);
                const auto centre = grid.centre(static_cast<int>(homes[h].cell % w), static_cast<int>(homes[h].cell / w));
                if (!geodata::contains(area, centre)) continue;
                all += homes[h].people;
                cov += covered[h] ? homes[h].people : 0.0;
            }
            if (all > 0) share.emplace_back(cov / all, d);
        }
        std::stable_sort(share.begin(), share.end(), [](auto a, auto b) { return a.first < b.first; });
        std::string names;
        for (std::size_t i = 0; i < share.size() && i < static_cast<std::size_t>(*k); ++i) {
            const auto& d = districts[share[i].second];
            out.push_back(&d.area);
            names += (i ? ", " : "") + d.name + " (" + percent(share[i].first) + ")";
        }
        log.info("least covered districts: " + names);
        return out;
    }

    const plugin::Parameters& params_;
    std::size_t count_ = 0;
    double spacing_m_ = 50.0;
    double min_distance_m_ = 30.0;
    std::vector<int> channels_{1, 6, 11};
    geodata::AccessPoint template_{};
    std::vector<geodata::AccessPoint> sites_;
    std::vector<geodata::District> grid_;   ///< ranking squares when the city has no districts
    std::vector<double> gains_, cell_gains_;
    Serve serve_ = Serve::Residents;
    bool capacity_ = false;
    std::vector<double> busy_;
    std::size_t capped_ = 0;
    double area_before_ = 0, area_after_ = 0;
    std::size_t first_id_ = 0, candidates_ = 0;
    double population_ = 0, before_share_ = 0, after_share_ = 0;
};

}  // namespace

CITYTWIN_PLUGIN(WifiExpansion, "wifi_expansion", "place N new access points to cover the most residents not yet covered")
