// Plain geometry: lengths, areas with holes, centroids and boxes on hand-computed shapes.
#include <citytwin/geodata/geometry.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace citytwin::geodata {
namespace {

Ring square(double x0, double y0, double size, bool ccw) {
    Ring r{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}};
    if (!ccw) std::reverse(r.begin(), r.end());
    return r;
}

Ring shifted(Ring r, double dx, double dy) {
    for (auto& p : r) {
        p.x += dx;
        p.y += dy;
    }
    return r;
}

TEST(Length, SumsSegments) {
    EXPECT_DOUBLE_EQ(length(Polyline{{0, 0}, {3, 4}}), 5.0);
    EXPECT_DOUBLE_EQ(length(Polyline{{0, 0}, {3, 4}, {3, 10}}), 11.0);
    EXPECT_DOUBLE_EQ(length(Polyline{{1, 1}, {1, 1}}), 0.0);
}

TEST(Length, EmptyAndSinglePointAreZero) {
    EXPECT_EQ(length(Polyline{}), 0.0);
    EXPECT_EQ(length(Polyline{{5, 5}}), 0.0);
}

TEST(Area, SquareEitherOrientation) {
    EXPECT_DOUBLE_EQ(area(Polygon{square(0, 0, 10, true), {}}), 100.0);
    EXPECT_DOUBLE_EQ(area(Polygon{square(0, 0, 10, false), {}}), 100.0);
}

TEST(Area, SquareWithHoleAllOrientations) {
    // 10x10 minus 2x2 = 96, whichever way the rings are wound.
    for (bool outer_ccw : {true, false})
        for (bool hole_ccw : {true, false}) {
            const Polygon p{square(0, 0, 10, outer_ccw), {square(4, 4, 2, hole_ccw)}};
            EXPECT_DOUBLE_EQ(area(p), 96.0) << "outer_ccw=" << outer_ccw << " hole_ccw=" << hole_ccw;
        }
}

TEST(Area, MultiPolygonSumsParts) {
    const MultiPolygon mp{Polygon{square(0, 0, 10, true), {square(4, 4, 2, false)}},
                          Polygon{square(20, 0, 3, false), {}}};
    EXPECT_DOUBLE_EQ(area(mp), 96.0 + 9.0);
    EXPECT_EQ(area(MultiPolygon{}), 0.0);
}

TEST(Area, PreciseAtProjectedCoordinates) {
    // SWEREF99 TM-like coordinates: naive shoelace products are ~3e12 and lose
    // centimetres; the result must stay exact to well below a square millimetre.
    const double x0 = 500000.0, y0 = 6600000.0;
    const Polygon p{shifted(square(0, 0, 10, true), x0, y0), {shifted(square(4, 4, 2, false), x0, y0)}};
    EXPECT_NEAR(area(p), 96.0, 1e-6);
    // A thin sliver 0.01 m x 100 m = 1 m².
    const Ring sliver{{x0 + 0.123, y0 + 0.456},
                      {x0 + 100.123, y0 + 0.456},
                      {x0 + 100.123, y0 + 0.466},
                      {x0 + 0.123, y0 + 0.466},
                      {x0 + 0.123, y0 + 0.456}};
    EXPECT_NEAR(area(Polygon{sliver, {}}), 1.0, 1e-6);
}

TEST(Centroid, Square) {
    const Point c = centroid(MultiPolygon{Polygon{square(2, 3, 4, false), {}}});
    EXPECT_DOUBLE_EQ(c.x, 4.0);
    EXPECT_DOUBLE_EQ(c.y, 5.0);
}

TEST(Centroid, LShape) {
    // L = rectangle [0,4]x[0,1] (area 4, centre (2, 0.5)) + rectangle [0,1]x[1,3]
    // (area 2, centre (0.5, 2)). Centroid = ((4*2 + 2*0.5)/6, (4*0.5 + 2*2)/6) = (1.5, 1).
    const Ring l{{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}};
    for (bool ccw : {true, false}) {
        Ring r = l;
        if (!ccw) std::reverse(r.begin(), r.end());
        const Point c = centroid(MultiPolygon{Polygon{r, {}}});
        EXPECT_NEAR(c.x, 1.5, 1e-12) << "ccw=" << ccw;
        EXPECT_NEAR(c.y, 1.0, 1e-12) << "ccw=" << ccw;
    }
    EXPECT_DOUBLE_EQ(area(Polygon{l, {}}), 6.0);
}

TEST(Centroid, HoleShiftsCentroid) {
    // [0,4]x[0,4] (area 16, centre (2,2)) minus [0,2]x[0,2] hole (area 4, centre (1,1)):
    // ((16*2 - 4*1)/12, same) = (7/3, 7/3).
    for (bool hole_ccw : {true, false}) {
        const MultiPolygon mp{Polygon{square(0, 0, 4, true), {square(0, 0, 2, hole_ccw)}}};
        const Point c = centroid(mp);
        EXPECT_NEAR(c.x, 7.0 / 3.0, 1e-12);
        EXPECT_NEAR(c.y, 7.0 / 3.0, 1e-12);
    }
}

TEST(Centroid, TwoPartsAreAreaWeighted) {
    // 2x2 at centre (1,1) (area 4) and 1x1 at centre (10.5, 0.5) (area 1):
    // ((4*1 + 10.5)/5, (4*1 + 0.5)/5) = (2.9, 0.9).
    const MultiPolygon mp{Polygon{square(0, 0, 2, true), {}}, Polygon{square(10, 0, 1, false), {}}};
    const Point c = centroid(mp);
    EXPECT_NEAR(c.x, 2.9, 1e-12);
    EXPECT_NEAR(c.y, 0.9, 1e-12);
}

TEST(Centroid, PreciseAtProjectedCoordinates) {
    const double x0 = 500000.0, y0 = 6600000.0;
    const Ring l{{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}};
    const Point c = centroid(MultiPolygon{Polygon{shifted(l, x0, y0), {}}});
    EXPECT_NEAR(c.x, x0 + 1.5, 1e-6);
    EXPECT_NEAR(c.y, y0 + 1.0, 1e-6);
}

TEST(BoxTest, NoneIsEmptyAndExtendMakesItAPoint) {
    Box b = Box::none();
    EXPECT_TRUE(b.empty());
    b.extend(Point{3, -2});
    EXPECT_FALSE(b.empty());
    EXPECT_EQ(b.min, (Point{3, -2}));
    EXPECT_EQ(b.max, (Point{3, -2}));
    b.extend(Point{-1, 5});
    EXPECT_EQ(b.min, (Point{-1, -2}));
    EXPECT_EQ(b.max, (Point{3, 5}));
}

TEST(BoxTest, ExtendByBoxIgnoresEmpty) {
    Box b{{0, 0}, {1, 1}};
    b.extend(Box::none());
    EXPECT_EQ(b.min, (Point{0, 0}));
    EXPECT_EQ(b.max, (Point{1, 1}));
    b.extend(Box{{-5, 0.5}, {0.5, 7}});
    EXPECT_EQ(b.min, (Point{-5, 0}));
    EXPECT_EQ(b.max, (Point{1, 7}));
}

TEST(BoxTest, BoundsOfLineAndPolygons) {
    const Box lb = bounds(Polyline{{2, 8}, {-3, 1}, {4, 4}});
    EXPECT_EQ(lb.min, (Point{-3, 1}));
    EXPECT_EQ(lb.max, (Point{4, 8}));
    EXPECT_TRUE(bounds(Polyline{}).empty());

    const MultiPolygon mp{Polygon{square(0, 0, 10, true), {square(4, 4, 2, true)}},
                          Polygon{square(20, -5, 3, false), {}}};
    const Box pb = bounds(mp);
    EXPECT_EQ(pb.min, (Point{0, -5}));
    EXPECT_EQ(pb.max, (Point{23, 10}));
    EXPECT_TRUE(bounds(MultiPolygon{}).empty());
}

}  // namespace
}  // namespace citytwin::geodata
