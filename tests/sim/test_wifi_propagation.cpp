// Path-loss formulas against values computed by hand at chosen distances and
// frequencies. P.1411 coefficients: ITU-R P.1411-11 (2021), Table 4 (site-general,
// below rooftop): LoS α 2.12 β 29.2 γ 2.11; NLoS urban high-rise α 4.00 β 10.2 γ 2.36;
// NLoS urban low-rise/suburban ("residential") α 3.01 β 18.8 γ 2.07.
#include <citytwin/sim/wifi_propagation.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace citytwin::sim::wifi {
namespace {

constexpr double tol = 1e-9;

TEST(FreeSpace, TwoPointFourGigahertzAtHundredMetres) {
    // 20·log10(100) + 20·log10(2400) − 27.55 = 40 + 67.604225 − 27.55
    EXPECT_NEAR(free_space_loss_db(100.0, 2400.0), 80.054224834232, tol);
}

TEST(FreeSpace, FiveGigahertzAt250Metres) {
    // 20·log10(250) + 20·log10(5180) − 27.55 = 47.958800 + 74.286595 − 27.55
    EXPECT_NEAR(free_space_loss_db(250.0, 5180.0), 94.695395368345, tol);
}

TEST(FreeSpace, SixDecibelsPerDoublingOfDistance) {
    EXPECT_NEAR(free_space_loss_db(200.0, 2400.0) - free_space_loss_db(100.0, 2400.0), 20.0 * std::log10(2.0), tol);
}

TEST(FreeSpace, DistancesBelowOneMetreCountAsOneMetre) {
    EXPECT_DOUBLE_EQ(free_space_loss_db(0.0, 2400.0), free_space_loss_db(1.0, 2400.0));
    // At 1 m and 2.4 GHz: 20·log10(2400) − 27.55 = 40.054 dB, the log-distance default reference.
    EXPECT_NEAR(free_space_loss_db(1.0, 2400.0), 40.054224834232, tol);
}

TEST(LogDistance, ExponentThreeAtFiftyMetres) {
    // 40.05 + 10·3·log10(50) = 40.05 + 50.969100
    EXPECT_NEAR(log_distance_loss_db(50.0, 3.0, 40.05), 91.019100130081, tol);
    EXPECT_NEAR(log_distance_loss_db(1.0, 3.0, 40.05), 40.05, tol);
}

TEST(LogDistance, ExponentTwoWithFreeSpaceReferenceIsFreeSpace) {
    const double ref = free_space_loss_db(1.0, 2400.0);
    EXPECT_NEAR(log_distance_loss_db(137.0, 2.0, ref), free_space_loss_db(137.0, 2400.0), 1e-9);
}

TEST(P1411, LineOfSightHundredMetresTwoPointFourGigahertz) {
    // 21.2·log10(100) + 29.2 + 21.1·log10(2.4) = 42.4 + 29.2 + 8.022457
    EXPECT_NEAR(p1411_loss_db(100.0, 2.4, p1411_los), 79.622457200115, tol);
}

TEST(P1411, UrbanNlosTwoHundredMetres) {
    // 40.0·log10(200) + 10.2 + 23.6·log10(2.4) = 92.041200 + 10.2 + 8.972985
    EXPECT_NEAR(p1411_loss_db(200.0, 2.4, p1411_nlos_urban), 111.214185130953, tol);
}

TEST(P1411, ResidentialNlosFiveGigahertz) {
    // 30.1·log10(150) + 18.8 + 20.7·log10(5) = 65.499... + 18.8 + 14.468...
    EXPECT_NEAR(p1411_loss_db(150.0, 5.0, p1411_nlos_residential), 98.769025987332, tol);
}

TEST(P1411, CoefficientsAreTable4) {
    EXPECT_EQ(p1411_los.alpha, 2.12);
    EXPECT_EQ(p1411_los.beta, 29.2);
    EXPECT_EQ(p1411_los.gamma, 2.11);
    EXPECT_EQ(p1411_nlos_urban.alpha, 4.00);
    EXPECT_EQ(p1411_nlos_urban.beta, 10.2);
    EXPECT_EQ(p1411_nlos_urban.gamma, 2.36);
    EXPECT_EQ(p1411_nlos_residential.alpha, 3.01);
    EXPECT_EQ(p1411_nlos_residential.beta, 18.8);
    EXPECT_EQ(p1411_nlos_residential.gamma, 2.07);
}

TEST(PathLoss, SelectsModelAndLineOfSight) {
    PropagationConfig c;
    c.model = PathLossModel::P1411;
    c.nlos_environment = NlosEnvironment::Urban;
    EXPECT_NEAR(path_loss_db(c, 100.0, 2.4, true, false), 79.622457200115, tol);
    EXPECT_NEAR(path_loss_db(c, 200.0, 2.4, false, false), 111.214185130953, tol);
    c.nlos_environment = NlosEnvironment::Residential;
    EXPECT_NEAR(path_loss_db(c, 150.0, 5.0, false, false), 98.769025987332, tol);
    c.model = PathLossModel::FreeSpace;
    EXPECT_NEAR(path_loss_db(c, 100.0, 2.4, false, false), 80.054224834232, tol);  // LoS flag ignored
    c.model = PathLossModel::LogDistance;
    c.log_distance_exponent = 3.0;
    c.log_distance_reference_loss_db = 40.05;
    EXPECT_NEAR(path_loss_db(c, 50.0, 2.4, true, false), 91.019100130081, tol);
}

TEST(PathLoss, NlosNeverBelowLos) {
    // At 5 m the urban NLoS fit gives 47.13 dB, below LoS 52.04 dB: LoS is used instead.
    PropagationConfig c;
    EXPECT_NEAR(path_loss_db(c, 5.0, 2.4, false, false), 52.040621292035, tol);
    EXPECT_NEAR(path_loss_db(c, 5.0, 2.4, true, false), 52.040621292035, tol);
}

TEST(PathLoss, EntryLossOnlyIndoors) {
    PropagationConfig c;
    c.entry_loss_db = 12.5;
    EXPECT_NEAR(path_loss_db(c, 100.0, 2.4, true, true), 79.622457200115 + 12.5, tol);
    EXPECT_NEAR(path_loss_db(c, 100.0, 2.4, true, false), 79.622457200115, tol);
}


// ITU-R P.2109-2 Annex 1 §3 with Table 1, horizontal paths; reference values worked out
// separately from the formula (Python, statistics.NormalDist for F⁻¹), to 0.01 dB.
TEST(BuildingEntryLoss, P2109BothTypesAtTwoFrequenciesAndThreeProbabilities) {
    struct Case {
        BuildingEntryType type;
        double f_ghz;
        double at_p10, at_p50, at_p90;
    };
    const Case cases[] = {
        {BuildingEntryType::Traditional, 2.4, 5.809, 15.187, 27.618},
        {BuildingEntryType::Traditional, 5.8, 6.024, 16.577, 30.348},
        {BuildingEntryType::ThermallyEfficient, 2.4, 16.590, 30.570, 47.869},
        {BuildingEntryType::ThermallyEfficient, 5.8, 16.661, 31.977, 51.962},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(to_string(c.type)) + " at " + std::to_string(c.f_ghz) + " GHz");
        EXPECT_NEAR(p2109_entry_loss_db(c.f_ghz, 0.1, c.type), c.at_p10, 0.01);
        EXPECT_NEAR(p2109_entry_loss_db(c.f_ghz, 0.5, c.type), c.at_p50, 0.01);
        EXPECT_NEAR(p2109_entry_loss_db(c.f_ghz, 0.9, c.type), c.at_p90, 0.01);
    }
    // L_e = 0.212·|θ| adds to the first term only: a steep path loses more.
    EXPECT_GT(p2109_entry_loss_db(2.4, 0.5, BuildingEntryType::Traditional, 30.0),
              p2109_entry_loss_db(2.4, 0.5, BuildingEntryType::Traditional) + 3.0);
}

TEST(LocationProbability, NinetyPerCentAddsF1InverseTimesSigma) {
    PropagationConfig median, p90;
    p90.location_probability = 0.9;
    EXPECT_NEAR(standard_normal_quantile(0.9), 1.2815515655446, 1e-9);
    const PathLossAt a(median, 2.4), b(p90, 2.4);
    const double d2 = 120.0 * 120.0;
    // P.1411 Table 4: σ 5.06 dB LoS, 7.60 dB NLoS urban.
    EXPECT_NEAR(b(d2, true, ReceiverSite::Outdoor) - a(d2, true, ReceiverSite::Outdoor), 1.2815515655446 * 5.06, 1e-9);
    EXPECT_NEAR(b(d2, false, ReceiverSite::Outdoor) - a(d2, false, ReceiverSite::Outdoor), 1.2815515655446 * 7.60, 1e-9);
    median.nlos_environment = p90.nlos_environment = NlosEnvironment::Residential;
    const PathLossAt ar(median, 2.4), br(p90, 2.4);
    EXPECT_NEAR(br(d2, false, ReceiverSite::Outdoor) - ar(d2, false, ReceiverSite::Outdoor), 1.2815515655446 * 3.07, 1e-9);
    // A probability below one half is a negative margin; free space takes the scenario's σ.
    PropagationConfig low = median, fs;
    low.location_probability = 0.1;
    EXPECT_NEAR(PathLossAt(low, 2.4)(d2, false, ReceiverSite::Outdoor) - ar(d2, false, ReceiverSite::Outdoor),
                -1.2815515655446 * 3.07, 1e-9);
    fs.model = PathLossModel::FreeSpace;
    fs.location_probability = 0.9;
    fs.shadowing_sigma_db = 4.0;
    EXPECT_NEAR(PathLossAt(fs, 2.4)(d2, true, ReceiverSite::Outdoor), free_space_loss_db(120.0, 2400.0) + 1.2815515655446 * 4.0,
                1e-9);
}

TEST(BuildingEntryLoss, IndoorsAddsTheMedianAndTheCombinedSpread) {
    PropagationConfig c;
    c.entry_loss_model = EntryLossModel::P2109;
    const PathLossAt median(c, 2.4);
    const double d2 = 80.0 * 80.0;
    const double out = median(d2, false, ReceiverSite::Outdoor);
    EXPECT_NEAR(median(d2, false, ReceiverSite::Traditional) - out, 15.187, 0.01);
    EXPECT_NEAR(median(d2, false, ReceiverSite::ThermallyEfficient) - out, 30.570, 0.01);
    // At 0.9: √((1.2816·7.60)² + (L_BEL(0.9) − L_BEL(0.5))²) above the median entry loss.
    c.location_probability = 0.9;
    const PathLossAt p90(c, 2.4);
    const double path = 1.2815515655446 * 7.60, bel = 27.618 - 15.187;
    EXPECT_NEAR(p90(d2, false, ReceiverSite::Traditional) - out, 15.187 + std::hypot(path, bel), 0.02);
    EXPECT_NEAR(p90(d2, false, ReceiverSite::Outdoor) - out, path, 1e-9);
}

TEST(ValidityRange, LinksBeyondTheFitAreFlaggedAndMayFallBack) {
    PropagationConfig c;
    c.nlos_environment = NlosEnvironment::Residential;  // NLoS fit: 30-170 m
    const PathLossAt loss(c, 2.4);
    EXPECT_FALSE(loss.beyond_validity(160.0 * 160.0, false));
    EXPECT_TRUE(loss.beyond_validity(180.0 * 180.0, false));
    EXPECT_FALSE(loss.beyond_validity(180.0 * 180.0, true));   // LoS fit: to 660 m
    EXPECT_TRUE(loss.beyond_validity(700.0 * 700.0, true));
    EXPECT_TRUE(PathLossAt(c, 0.7).beyond_validity(10.0 * 10.0, true));   // below 0.8 GHz
    PropagationConfig fs = c;
    fs.model = PathLossModel::FreeSpace;
    EXPECT_FALSE(PathLossAt(fs, 2.4).beyond_validity(5000.0 * 5000.0, false));  // no range to leave
    // Fallback: free space beyond the range, the fit within it.
    c.beyond_validity = BeyondValidity::FreeSpace;
    const PathLossAt fallback(c, 2.4);
    EXPECT_NEAR(fallback(200.0 * 200.0, false, ReceiverSite::Outdoor), free_space_loss_db(200.0, 2400.0), 1e-9);
    EXPECT_NEAR(fallback(100.0 * 100.0, false, ReceiverSite::Outdoor), loss(100.0 * 100.0, false, ReceiverSite::Outdoor),
                1e-9);
}

}  // namespace
}  // namespace citytwin::sim::wifi
