// Selection: Shift+drag box and Ctrl+drag lasso select exactly the cells
// whose on-screen positions lie inside (checked against a brute-force
// geometry written here), the mode switch makes plain drags select, plain
// drags still pan by default, Esc clears, and selected cells are drawn on top
// with the others dimmed (both backends). PointGrid's box and polygon queries
// match brute force.
#include <gtest/gtest.h>

#include <QApplication>

#include <QKeyEvent>
#include <random>

#include "UmapTestSupport.h"
#include "ui/views/PointGrid.h"
#include "ui/views/UmapView.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
// Even-odd rule by ray casting to +x, independent of Qt's implementation.
bool insidePolygon(const std::vector<QPointF>& poly, QPointF p) {
  bool inside = false;
  for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const QPointF a = poly[i], b = poly[j];
    if ((a.y() > p.y()) != (b.y() > p.y()) && p.x() < (b.x() - a.x()) * (p.y() - a.y()) / (b.y() - a.y()) + a.x())
      inside = !inside;
  }
  return inside;
}

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
  const QPointF ab = b - a;
  const double t = std::clamp(QPointF::dotProduct(p - a, ab) / QPointF::dotProduct(ab, ab), 0.0, 1.0);
  return QLineF(p, a + t * ab).length();
}

double distanceToOutline(const std::vector<QPointF>& poly, QPointF p) {
  double d = 1e300;
  for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++)
    d = std::min(d, distanceToSegment(p, poly[j], poly[i]));
  return d;
}

// Every cell clearly inside `poly` (screen) is selected, every cell clearly
// outside is not; cells within half a pixel of the outline may go either way.
void expectSelectionMatches(const UmapView& view, const std::vector<QPointF>& poly) {
  std::vector<char> chosen(view.data().size(), 0);
  for (int i : view.selectedPoints()) chosen[i] = 1;
  int inside = 0;
  for (int i = 0; i < static_cast<int>(chosen.size()); ++i) {
    const QPointF p = view.pixelOfPoint(i);
    if (distanceToOutline(poly, p) < 0.5) continue;
    const bool in = insidePolygon(poly, p);
    inside += in;
    ASSERT_EQ(bool(chosen[i]), in) << "cell " << i << " at " << p.x() << "," << p.y();
  }
  EXPECT_GT(inside, 20) << "the shape should hold some cells";
}

std::vector<QPointF> boxOutline(QPointF a, QPointF b) { return {a, QPointF(b.x(), a.y()), b, QPointF(a.x(), b.y())}; }

// A drag path along the polygon's edges, a point every few pixels.
std::vector<QPointF> tracePath(const std::vector<QPointF>& poly) {
  std::vector<QPointF> path;
  for (std::size_t i = 0; i < poly.size(); ++i) {
    const QPointF a = poly[i], b = poly[(i + 1) % poly.size()];
    const int steps = std::max(1, static_cast<int>(QLineF(a, b).length() / 4));
    for (int s = 0; s < steps; ++s) path.push_back(a + (b - a) * (double(s) / steps));
  }
  path.push_back(poly.front());
  return path;
}

struct SelectionSpy {
  std::vector<std::vector<int>> emitted;
  explicit SelectionSpy(UmapView& view) {
    QObject::connect(&view, &UmapView::selectionChanged, [this](const std::vector<int>& s) { emitted.push_back(s); });
  }
};
}  // namespace

TEST(UmapViewSelection, ShiftDragSelectsTheCellsInsideTheBox) {
  UmapView view;
  view.setUseVtk(false);
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.resize(640, 420);
  view.show();
  SelectionSpy spy(view);
  const QPointF c = view.pixelOfPoint(centres[2]);
  const QPointF a = c + QPointF(-9.3, -14.1), b = c + QPointF(17.7, 11.2);
  drag(view, Qt::LeftButton, Qt::ShiftModifier, {a, (a + b) / 2, b});
  expectSelectionMatches(view, boxOutline(a, b));
  ASSERT_EQ(spy.emitted.size(), 1u) << "one signal per finished selection, none while dragging";
  EXPECT_EQ(spy.emitted[0], view.selectedPoints());
  EXPECT_TRUE(std::is_sorted(view.selectedPoints().begin(), view.selectedPoints().end()));
}

TEST(UmapViewSelection, CtrlDragDrawsALasso) {
  UmapView view;
  view.setUseVtk(false);
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.resize(640, 420);
  view.show();
  const QPointF c = view.pixelOfPoint(centres[0]);
  // A concave arrow-like shape over cluster 0.
  const std::vector<QPointF> poly = {c + QPointF(-30, -25), c + QPointF(28, -20), c + QPointF(3, 1),
                                     c + QPointF(25, 27), c + QPointF(-22, 18)};
  drag(view, Qt::LeftButton, Qt::ControlModifier, tracePath(poly));
  expectSelectionMatches(view, poly);
}

TEST(UmapViewSelection, ModeSwitchMakesPlainDragsSelectElsePlainDragsPan) {
  UmapView view;
  view.setUseVtk(false);
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.resize(640, 420);
  view.show();
  const QPointF c = view.pixelOfPoint(centres[1]);
  const QPointF a = c - QPointF(20, 20), b = c + QPointF(20, 20);

  // Default: a plain drag pans and selects nothing.
  drag(view, Qt::LeftButton, Qt::NoModifier, {a, b});
  EXPECT_TRUE(view.selectedPoints().empty());
  EXPECT_NEAR(view.pixelOfPoint(centres[1]).x() - c.x(), 40, 0.5);
  view.resetView();

  view.setSelectionMode(UmapView::SelectionMode::Box);
  drag(view, Qt::LeftButton, Qt::NoModifier, {a, b});
  expectSelectionMatches(view, boxOutline(a, b));
  EXPECT_LT(QLineF(view.pixelOfPoint(centres[1]), c).length(), 0.01) << "no pan while selecting";

  view.setSelectionMode(UmapView::SelectionMode::Lasso);
  const std::vector<QPointF> triangle = {c + QPointF(-25, 20), c + QPointF(0, -25), c + QPointF(25, 20)};
  drag(view, Qt::LeftButton, Qt::NoModifier, tracePath(triangle));
  expectSelectionMatches(view, triangle);

  // The middle button pans in every mode.
  drag(view, Qt::MiddleButton, Qt::NoModifier, {a, b});
  EXPECT_NEAR(view.pixelOfPoint(centres[1]).y() - c.y(), 40, 0.5);
}

TEST(UmapViewSelection, EscapeClearsTheSelection) {
  UmapView view;
  view.setData(threeClusters());
  SelectionSpy spy(view);
  view.setSelectedPoints({5, 3, 3, 99999, -1});
  EXPECT_EQ(view.selectedPoints(), (std::vector<int>{3, 5})) << "sorted, unique, in range";
  QKeyEvent esc(QEvent::KeyPress, Qt::Key_Escape, Qt::NoModifier);
  QApplication::sendEvent(&view, &esc);
  EXPECT_TRUE(view.selectedPoints().empty());
  ASSERT_EQ(spy.emitted.size(), 2u);
  EXPECT_TRUE(spy.emitted[1].empty());
}

// Cell 0 (blue) lies under cell 1 (red) in file order; selecting cell 0
// brings it on top; the unselected cell 2 is drawn faded towards white.
TEST(UmapViewSelection, SelectedCellsOnTopOthersDimmed) {
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    ScatterData d;
    d.xy = {0, 0, 0, 0, 3, 3, -5, -5, 5, 5};
    d.category = {0, 1, 1, 1, 1};
    d.names = {"a", "b"};
    d.colors = {kBlue, kRed};
    view.setData(d);
    view.resize(400, 300);
    EXPECT_EQ(classify(colorAt(grabView(view), view.pixelOfPoint(0))), kRed);
    view.setSelectedPoints({0});
    const QImage image = grabView(view);
    EXPECT_EQ(classify(colorAt(image, view.pixelOfPoint(0))), kBlue) << "selected on top";
    const QColor faded((kRed.red() + 3 * 255) / 4, (kRed.green() + 3 * 255) / 4, (kRed.blue() + 3 * 255) / 4);
    const QColor got = colorAt(image, view.pixelOfPoint(2));
    EXPECT_TRUE(near(got, faded, 12)) << "unselected cell is " << got.name().toStdString() << ", expected about "
                                      << faded.name().toStdString();
  }
}

TEST(PointGrid, BoxAndPolygonQueriesMatchBruteForce) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<float> u(-5, 5);
  std::vector<float> xy(2 * 4000);
  for (float& v : xy) v = u(rng);
  xy[10] = std::nanf("");  // skipped
  std::vector<std::int32_t> subset;
  for (int i = 0; i < 4000; i += 2) subset.push_back(i);
  const PointGrid all(xy), even(xy, &subset);
  for (int q = 0; q < 50; ++q) {
    double x0 = u(rng), x1 = u(rng), y0 = u(rng), y1 = u(rng);
    if (x0 > x1) std::swap(x0, x1);
    if (y0 > y1) std::swap(y0, y1);
    std::vector<int> expected, expectedEven;
    for (int i = 0; i < 4000; ++i) {
      const float x = xy[2 * i], y = xy[2 * i + 1];
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
        expected.push_back(i);
        if (i % 2 == 0) expectedEven.push_back(i);
      }
    }
    ASSERT_EQ(all.inBox(x0, y0, x1, y1), expected) << "box " << q;
    ASSERT_EQ(even.inBox(x0, y0, x1, y1), expectedEven) << "box " << q;

    // A random star-shaped polygon (concave in general).
    const QPointF centre(u(rng) / 2, u(rng) / 2);
    std::vector<QPointF> poly;
    QPolygonF qpoly;
    for (int k = 0; k < 9; ++k) {
      const double angle = k * 2 * M_PI / 9, r = 0.5 + std::abs(u(rng)) / 2;
      poly.push_back(centre + QPointF(r * std::cos(angle), r * std::sin(angle)));
      qpoly << poly.back();
    }
    std::vector<int> inPoly;
    for (int i = 0; i < 4000; ++i)
      if (std::isfinite(xy[2 * i]) && insidePolygon(poly, QPointF(xy[2 * i], xy[2 * i + 1]))) inPoly.push_back(i);
    ASSERT_EQ(all.inPolygon(qpoly), inPoly) << "polygon " << q;
  }
}
