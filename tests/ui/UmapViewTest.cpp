// UmapView pixel tests: three clusters in three colours are rendered (VTK
// offscreen when an X display is there, QPainter otherwise), grabbed, and the
// pixels at the cluster centres must have the cluster colours while the
// background stays white (not black or empty). Plus exports and hover.
#include <gtest/gtest.h>

#include <QFile>
#include <QImage>
#include <QMouseEvent>
#include <QSvgRenderer>
#include <QTest>
#include <QWheelEvent>
#include <cmath>
#include <random>

#include "TestSupport.h"
#include "UmapTestSupport.h"
#include "ui/views/CategoryPalette.h"
#include "ui/views/PointGrid.h"
#include "ui/views/UmapView.h"
#include "ui/views/VtkScatterRenderer.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
void checkClusterPixels(UmapView& view, const std::vector<int>& centres) {
  QImage image = grabView(view);
  const double dpr = image.devicePixelRatio();
  ASSERT_FALSE(image.isNull());
  const QColor expected[] = {kRed, kGreen, kBlue};
  for (int c = 0; c < 3; ++c) {
    QPointF p = view.pixelOfPoint(centres[c]) * dpr;
    QColor got = image.pixelColor(p.toPoint());
    EXPECT_EQ(classify(got), expected[c]) << "cluster " << c << " at " << p.x() << "," << p.y() << " is "
                                        << got.name().toStdString() << ", expected "
                                        << expected[c].name().toStdString();
  }
  // Background inside the plot, between the clusters and far from them.
  QRect plot = view.plotRect();
  QPointF emptySpot = QPointF(plot.left() + 8, plot.top() + 8) * dpr;
  QColor bg = image.pixelColor(emptySpot.toPoint());
  EXPECT_TRUE(near(bg, Qt::white, 10)) << "background is " << bg.name().toStdString();
  // Not a blank image: many coloured pixels.
  int coloured = 0;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) {
      QColor px = image.pixelColor(x, y);
      for (const QColor& e : expected) coloured += near(px, e, 30);
    }
  EXPECT_GT(coloured, 100);
}
}  // namespace

TEST(UmapView, VtkRendersClusterColours) {
  QString why;
  if (!VtkScatterRenderer::available(&why)) GTEST_SKIP() << "VTK offscreen unavailable: " << why.toStdString();
  UmapView view;
  ASSERT_TRUE(view.setUseVtk(true));
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.setTitle("three clusters");
  view.resize(640, 420);
  checkClusterPixels(view, centres);
}

TEST(UmapView, PainterFallbackRendersClusterColours) {
  UmapView view;
  view.setUseVtk(false);
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.resize(640, 420);
  checkClusterPixels(view, centres);
}

TEST(UmapView, ExportsPngAtTwiceTheSizeAndVectorFormats) {
  UmapView view;
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.setTitle("Export test");
  view.resize(820, 620);
  const std::string dir = scdfm::test::scratchDir("UmapViewExport");
  QString png = QString::fromStdString(dir + "/umap.png");
  QString svg = QString::fromStdString(dir + "/umap.svg");
  QString pdf = QString::fromStdString(dir + "/umap.pdf");
  QString error;
  ASSERT_TRUE(view.exportFigure(png, &error)) << error.toStdString();
  ASSERT_TRUE(view.exportFigure(svg, &error)) << error.toStdString();
  ASSERT_TRUE(view.exportFigure(pdf, &error)) << error.toStdString();
  QImage image(png);
  EXPECT_EQ(image.size(), QSize(1640, 1240));

  QFile s(svg);
  ASSERT_TRUE(s.open(QIODevice::ReadOnly));
  QByteArray text = s.readAll();
  EXPECT_TRUE(text.contains("UMAP 1"));
  EXPECT_TRUE(text.contains("predicted"));  // legend label
  EXPECT_TRUE(text.contains("Export test"));
  EXPECT_GE(text.count("<ellipse") + text.count("<circle") + text.count("<path"), 1200);  // one shape per cell
  QSvgRenderer renderer(text);
  EXPECT_TRUE(renderer.isValid());

  QFile f(pdf);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  EXPECT_TRUE(f.read(5) == "%PDF-");

  EXPECT_FALSE(view.exportFigure(QString::fromStdString(dir + "/umap.bmpx"), &error));
  EXPECT_TRUE(error.contains(".png")) << error.toStdString();
}

TEST(UmapView, HoverFindsTheCellUnderTheMouse) {
  UmapView view;
  view.setUseVtk(false);
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  QString shown;
  view.setHoverText([&](int i) { return shown = QString("cell %1").arg(i); });
  view.resize(640, 420);
  view.show();
  QPointF p = view.pixelOfPoint(centres[2]);
  QMouseEvent move(QEvent::MouseMove, p, view.mapToGlobal(p), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(&view, &move);
  ASSERT_GE(view.hoveredPoint(), 0);
  // The point found is in cluster 2 and within a few pixels of the mouse.
  EXPECT_EQ(view.data().category[view.hoveredPoint()], 2);
  EXPECT_LT(QLineF(view.pixelOfPoint(view.hoveredPoint()), p).length(), 7.0);
  EXPECT_EQ(shown, QString("cell %1").arg(view.hoveredPoint()));
}

TEST(PointGrid, NearestMatchesBruteForce) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> u(-5, 5);
  std::vector<float> xy(2 * 5000);
  for (float& v : xy) v = u(rng);
  PointGrid grid(xy);
  for (int q = 0; q < 300; ++q) {
    double x = u(rng), y = u(rng), r = 0.3;
    int best = -1;
    double bestD = r * r;
    for (int i = 0; i < 5000; ++i) {
      double d = (xy[2 * i] - x) * (xy[2 * i] - x) + (xy[2 * i + 1] - y) * (xy[2 * i + 1] - y);
      if (d <= bestD) {
        bestD = d;
        best = i;
      }
    }
    ASSERT_EQ(grid.nearest(x, y, r), best) << "query " << q;
  }
}

TEST(CategoryPalette, UsesStoredScanpyColoursElseTableau) {
  auto def = categoryColors(12);
  EXPECT_EQ(def[0].name(), "#1f77b4");
  EXPECT_EQ(def[3].name(), "#d62728");
  EXPECT_NE(def[10], def[0]);
  auto stored = categoryColors(2, {"#ff0000", "#00ff00ff"});
  EXPECT_EQ(stored[0].name(), "#ff0000");
  EXPECT_EQ(stored[1].name(), "#00ff00");
  auto wrongLength = categoryColors(3, {"#ff0000"});
  EXPECT_EQ(wrongLength[0].name(), "#1f77b4");
}

// Two cells at the same place: file order puts the later cell on top; with
// layerByCategory the higher category wins (used to highlight a condition).
TEST(UmapView, DrawingOrderFollowsFileOrderOrCategoryLayers) {
  for (bool vtk : {false, true}) {
    if (vtk && !VtkScatterRenderer::available()) continue;
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    ScatterData d;
    d.xy = {0, 0, 0, 0, -5, -5, 5, 5};  // cells 0 and 1 overlap; 2 and 3 set the bounds
    d.category = {1, 0, 0, 0};
    d.names = {"a", "b"};
    d.colors = {kRed, kBlue};
    view.setData(d);
    view.resize(400, 300);
    auto centreColour = [&] {
      view.renderNow();
      QImage image = view.grab().toImage();
      return classify(image.pixelColor((view.pixelOfPoint(0) * image.devicePixelRatio()).toPoint()));
    };
    EXPECT_EQ(centreColour(), kRed) << "file order, vtk=" << vtk;  // cell 1 (a, red) drawn last
    view.setColors(d.category, d.names, d.colors, "x", /*layerByCategory=*/true);
    EXPECT_EQ(centreColour(), kBlue) << "category layers, vtk=" << vtk;  // b above a
  }
}

// Wheel zoom keeps the point under the mouse in place; dragging moves the
// points with the mouse; double-click resets.
TEST(UmapView, WheelZoomsAboutTheMouseAndDragPans) {
  UmapView view;
  view.setUseVtk(false);
  std::vector<int> centres;
  view.setData(threeClusters(&centres));
  view.resize(640, 420);
  const QPointF anchor = view.pixelOfPoint(centres[1]);
  const QPointF other = view.pixelOfPoint(centres[0]);
  QWheelEvent wheel(anchor, view.mapToGlobal(anchor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(&view, &wheel);
  EXPECT_LT(QLineF(view.pixelOfPoint(centres[1]), anchor).length(), 0.5);  // fixed point of the zoom
  // Distances grew by the zoom factor 1.0015^240.
  const double factor = std::pow(1.0015, 240);
  EXPECT_NEAR(QLineF(view.pixelOfPoint(centres[0]), anchor).length(), QLineF(other, anchor).length() * factor, 1.0);

  const QPointF before = view.pixelOfPoint(centres[2]);
  const QPointF start(300, 200), end(350, 170);
  QMouseEvent press(QEvent::MouseButtonPress, start, view.mapToGlobal(start), Qt::LeftButton, Qt::LeftButton,
                    Qt::NoModifier);
  QMouseEvent move(QEvent::MouseMove, end, view.mapToGlobal(end), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
  QMouseEvent release(QEvent::MouseButtonRelease, end, view.mapToGlobal(end), Qt::LeftButton, Qt::NoButton,
                      Qt::NoModifier);
  QApplication::sendEvent(&view, &press);
  QApplication::sendEvent(&view, &move);
  QApplication::sendEvent(&view, &release);
  const QPointF after = view.pixelOfPoint(centres[2]);
  EXPECT_NEAR(after.x() - before.x(), 50, 0.5);
  EXPECT_NEAR(after.y() - before.y(), -30, 0.5);

  view.resetView();
  EXPECT_LT(QLineF(view.pixelOfPoint(centres[0]), other).length(), 0.5);
}
