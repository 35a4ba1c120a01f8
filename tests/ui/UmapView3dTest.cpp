// 3-D embeddings: right-drag rotates (checked against rotation matrices
// written here), every backend draws the projected points, nearer points
// cover farther ones, hover and selection follow the projection, and reset
// (or double-click) restores the unrotated view.
#include <gtest/gtest.h>

#include <QApplication>

#include <QMouseEvent>
#include <array>
#include <random>

#include "UmapTestSupport.h"
#include "ui/views/OrbitProjection.h"
#include "ui/views/UmapView.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
// Points on the axes of a cube around (1, 2, 3): centre, +x, -x, +y, -y, +z,
// -z; categories 0 (centre), 1 (x), 2 (y and z). The bounding box centre is
// (1, 2, 3), about which the view rotates.
ScatterData axes3d() {
  ScatterData d;
  const double c[3] = {1, 2, 3};
  const int offsets[7][3] = {{0, 0, 0}, {2, 0, 0}, {-2, 0, 0}, {0, 2, 0}, {0, -2, 0}, {0, 0, 2}, {0, 0, -2}};
  for (const auto& o : offsets) {
    d.xy.push_back(static_cast<float>(c[0] + o[0]));
    d.xy.push_back(static_cast<float>(c[1] + o[1]));
    d.z.push_back(static_cast<float>(c[2] + o[2]));
  }
  d.category = {0, 1, 1, 2, 2, 2, 2};
  d.names = {"centre", "x axis", "y and z axes"};
  d.colors = {kRed, kGreen, kBlue};
  return d;
}

using Mat = std::array<std::array<double, 3>, 3>;
Mat times(const Mat& a, const Mat& b) {
  Mat m{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) m[i][j] += a[i][k] * b[k][j];
  return m;
}
Mat yaw(double t) { return {{{std::cos(t), 0, std::sin(t)}, {0, 1, 0}, {-std::sin(t), 0, std::cos(t)}}}; }
Mat pitch(double t) { return {{{1, 0, 0}, {0, std::cos(t), -std::sin(t)}, {0, std::sin(t), std::cos(t)}}}; }

// Screen offset (pixels, y down) of point i from the centre point, predicted
// from the rotation `r` and the pixels per data unit.
QPointF expectedOffset(const ScatterData& d, int i, const Mat& r, double ppu) {
  const double v[3] = {d.xy[2 * i] - d.xy[0], d.xy[2 * i + 1] - d.xy[1], d.z[i] - d.z[0]};
  const double x = r[0][0] * v[0] + r[0][1] * v[1] + r[0][2] * v[2];
  const double y = r[1][0] * v[0] + r[1][1] * v[1] + r[1][2] * v[2];
  return {x * ppu, -y * ppu};
}

void rightDrag(UmapView& view, QPointF from, QPointF to) {
  std::vector<QPointF> path;
  for (int k = 0; k <= 10; ++k) path.push_back(from + (to - from) * (k / 10.0));
  drag(view, Qt::RightButton, Qt::NoModifier, path);
}
}  // namespace

TEST(UmapView3d, RightDragRotatesAboutTheScreenAxes) {
  UmapView view;
  view.setUseVtk(false);
  const ScatterData d = axes3d();
  view.setData(d);
  view.resize(600, 500);
  view.show();
  const QPointF centre = view.pixelOfPoint(0);
  const double ppu = QLineF(view.pixelOfPoint(1), centre).length() / 2;
  ASSERT_GT(ppu, 1);
  EXPECT_FALSE(view.isRotated());
  // Unrotated: the data's own x and y.
  EXPECT_NEAR(view.pixelOfPoint(3).y() - centre.y(), -2 * ppu, 1e-3);

  rightDrag(view, QPointF(200, 200), QPointF(280, 200));  // 80 px: yaw 0.8 rad
  EXPECT_TRUE(view.isRotated());
  Mat r = yaw(0.8);
  for (int i = 1; i < 7; ++i) {
    const QPointF got = view.pixelOfPoint(i) - view.pixelOfPoint(0), want = expectedOffset(d, i, r, ppu);
    EXPECT_NEAR(got.x(), want.x(), 0.05) << "point " << i;
    EXPECT_NEAR(got.y(), want.y(), 0.05) << "point " << i;
  }
  EXPECT_LT(QLineF(view.pixelOfPoint(0), centre).length(), 1e-6) << "rotation about the centre";

  rightDrag(view, QPointF(200, 200), QPointF(200, 150));  // -50 px: pitch -0.5 rad
  r = times(pitch(-0.5), r);
  for (int i = 1; i < 7; ++i) {
    const QPointF got = view.pixelOfPoint(i) - view.pixelOfPoint(0), want = expectedOffset(d, i, r, ppu);
    EXPECT_NEAR(got.x(), want.x(), 0.05) << "point " << i;
    EXPECT_NEAR(got.y(), want.y(), 0.05) << "point " << i;
  }

  view.resetView();
  EXPECT_FALSE(view.isRotated());
  EXPECT_LT(QLineF(view.pixelOfPoint(3), centre - QPointF(0, 2 * ppu)).length(), 1e-3);
}

TEST(UmapView3d, BackendsDrawTheProjectionNearerPointsOnTop) {
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    // Cells 0 (red, in front: z = +1) and 1 (blue, behind: z = -1) share x and
    // y; file order would put blue on top. Cells 2-5 span the bounds.
    ScatterData d;
    d.xy = {0, 0, 0, 0, -4, 0, 4, 0, 0, -4, 0, 4};
    d.z = {1, -1, 0, 0, 0, 0};
    d.category = {0, 1, 2, 2, 2, 2};
    d.names = {"front", "back", "frame"};
    d.colors = {kRed, kBlue, kGreen};
    view.setData(d);
    view.resize(500, 400);
    view.show();
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(0))), kRed) << "nearer point on top";
    // Half a turn about the vertical axis (314 px = 3.14 rad): blue is in front.
    rightDrag(view, QPointF(100, 200), QPointF(414, 200));
    QImage image = grabView(view);
    EXPECT_EQ(classify(colorAt(image, view.pixelOfPoint(0))), kBlue) << "after half a turn";
    // A quarter turn more: the two separate along x, each drawn where projected.
    rightDrag(view, QPointF(100, 200), QPointF(257, 200));
    image = grabView(view);
    ASSERT_GT(QLineF(view.pixelOfPoint(0), view.pixelOfPoint(1)).length(), 20);
    EXPECT_EQ(classify(colorAt(image, view.pixelOfPoint(0))), kRed);
    EXPECT_EQ(classify(colorAt(image, view.pixelOfPoint(1))), kBlue);
    EXPECT_EQ(classify(colorAt(image, view.pixelOfPoint(2))), kGreen);
    // Double-click resets.
    QMouseEvent dbl(QEvent::MouseButtonDblClick, QPointF(200, 200), view.mapToGlobal(QPointF(200, 200)),
                    Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&view, &dbl);
    EXPECT_FALSE(view.isRotated());
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(0))), kRed);
  }
}

TEST(UmapView3d, HoverAndSelectionFollowTheProjection) {
  UmapView view;
  view.setUseVtk(false);
  view.setData(axes3d());
  view.resize(600, 500);
  view.show();
  rightDrag(view, QPointF(200, 200), QPointF(260, 230));
  const QPointF p = view.pixelOfPoint(5);  // +z, now moved right and down
  QMouseEvent move(QEvent::MouseMove, p, view.mapToGlobal(p), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(&view, &move);
  EXPECT_EQ(view.hoveredPoint(), 5);
  drag(view, Qt::LeftButton, Qt::ShiftModifier, {p - QPointF(4, 4), p + QPointF(4, 4)});
  EXPECT_EQ(view.selectedPoints(), std::vector<int>{5});
}

TEST(UmapView3d, TwoDimensionalDataIgnoresRightDrag) {
  UmapView view;
  view.setUseVtk(false);
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.resize(600, 500);
  const QPointF before = view.pixelOfPoint(centres[1]);
  rightDrag(view, QPointF(200, 200), QPointF(300, 260));
  EXPECT_FALSE(view.isRotated());
  EXPECT_EQ(view.pixelOfPoint(centres[1]), before);
}

TEST(OrbitProjection, StaysARotationAfterManyDrags) {
  OrbitProjection orbit;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-0.3, 0.3);
  for (int k = 0; k < 5000; ++k) orbit.rotate(u(rng), u(rng));
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      const auto ca = orbit.axisOnScreen(a), cb = orbit.axisOnScreen(b);
      EXPECT_NEAR(ca[0] * cb[0] + ca[1] * cb[1] + ca[2] * cb[2], a == b ? 1.0 : 0.0, 1e-9);
    }
  orbit.reset();
  EXPECT_TRUE(orbit.isIdentity());
}
