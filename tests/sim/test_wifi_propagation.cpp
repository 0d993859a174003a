// Path-loss formulas against values computed by hand at chosen distances and
// frequencies. P.1411 coefficients: ITU-R P.1411-11 (2021), Table 4 (site-general,
// below rooftop): LoS α 2.12 β 29.2 γ 2.11; NLoS urban high-rise α 4.00 β 10.2 γ 2.36;
// NLoS urban low-rise/suburban ("residential") α 3.01 β 18.8 γ 2.07.
#include <citytwin/sim/wifi_propagation.hpp>

#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace citytwin::sim::wifi
