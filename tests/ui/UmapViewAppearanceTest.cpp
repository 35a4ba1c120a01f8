// Point size and opacity: the disc diameter and the blended colour of a point
// follow setPointSize/setOpacity in both backends and in exports (PNG pixels,
// SVG attributes).
#include <gtest/gtest.h>

#include <QFile>

#include "TestSupport.h"
#include "UmapTestSupport.h"
#include "ui/views/UmapView.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
// One red cell in the middle (0) and two grey ones that set the bounds.
ScatterData lonePoint() {
  ScatterData d;
  d.xy = {0, 0, -10, -10, 10, 10};
  d.category = {0, 1, 1};
  d.names = {"cell", "frame"};
  d.colors = {kRed, QColor(150, 150, 150)};
  return d;
}

// Width of the run of non-white pixels through `centre` along its row.
int runWidth(const QImage& image, QPoint centre) {
  auto coloured = [&](int x) {
    const QColor c = image.pixelColor(x, centre.y());
    return c.red() + c.green() + c.blue() < 3 * 245;
  };
  if (!coloured(centre.x())) return 0;
  int left = centre.x(), right = centre.x();
  while (left > 0 && coloured(left - 1)) --left;
  while (right + 1 < image.width() && coloured(right + 1)) ++right;
  return right - left + 1;
}

QColor blendOverWhite(QColor c, double alpha) {
  auto mix = [alpha](int v) { return qRound(alpha * v + (1 - alpha) * 255); };
  return QColor(mix(c.red()), mix(c.green()), mix(c.blue()));
}
}  // namespace

TEST(UmapViewAppearance, PointSizeSetsTheDiscDiameter) {
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    view.setData(lonePoint());
    view.resize(500, 400);
    for (double size : {6.0, 14.0, 30.0}) {
      view.setPointSize(size);
      EXPECT_DOUBLE_EQ(view.pointSize(), size);
      const QImage image = grabView(view);
      const QPoint centre = (view.pixelOfPoint(0) * image.devicePixelRatio()).toPoint();
      EXPECT_NEAR(runWidth(image, centre), size * image.devicePixelRatio(), 2.5) << "point size " << size;
    }
  }
}

TEST(UmapViewAppearance, OpacityBlendsPointsOverWhatIsBelow) {
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    ScatterData d = lonePoint();
    // Cell 3 (blue) under cell 4 (red) at (5, 0).
    d.xy.insert(d.xy.end(), {5, 0, 5, 0});
    d.category.insert(d.category.end(), {2, 0});
    d.names << "blue";
    d.colors.push_back(kBlue);
    view.setData(d);
    view.resize(500, 400);
    view.setPointSize(16);
    view.setOpacity(0.5);
    EXPECT_DOUBLE_EQ(view.opacity(), 0.5);
    const QImage image = grabView(view);
    const QColor alone = colorAt(image, view.pixelOfPoint(0));
    EXPECT_TRUE(near(alone, blendOverWhite(kRed, 0.5), 14)) << alone.name().toStdString();
    // Red at half opacity over blue at half opacity over white.
    const QColor below = blendOverWhite(kBlue, 0.5);
    const QColor stacked(qRound(0.5 * kRed.red() + 0.5 * below.red()), qRound(0.5 * kRed.green() + 0.5 * below.green()),
                         qRound(0.5 * kRed.blue() + 0.5 * below.blue()));
    const QColor got = colorAt(image, view.pixelOfPoint(4));
    EXPECT_TRUE(near(got, stacked, 14)) << got.name().toStdString() << " expected " << stacked.name().toStdString();
  }
}

TEST(UmapViewAppearance, ExportsUseThePointSizeAndOpacity) {
  UmapView view;
  view.setData(lonePoint());
  view.resize(800, 600);  // the export's figure size: widget and figure share pixel positions
  view.setPointSize(20);
  view.setOpacity(0.6);
  const std::string dir = scratchDir("UmapViewAppearanceExport");
  const QString png = QString::fromStdString(dir + "/points.png");
  const QString svg = QString::fromStdString(dir + "/points.svg");
  QString error;
  ASSERT_TRUE(view.exportFigure(png, 1.0, &error)) << error.toStdString();
  ASSERT_TRUE(view.exportFigure(svg, &error)) << error.toStdString();
  const QImage image = QImage(png).convertToFormat(QImage::Format_RGB32);
  ASSERT_EQ(image.size(), QSize(800, 600));
  const QPoint centre = view.pixelOfPoint(0).toPoint();
  EXPECT_NEAR(runWidth(image, centre), 20, 2.5);
  EXPECT_TRUE(near(image.pixelColor(centre), blendOverWhite(kRed, 0.6), 14))
      << image.pixelColor(centre).name().toStdString();

  QFile f(svg);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QByteArray text = f.readAll();
  EXPECT_TRUE(text.contains("fill-opacity=\"0.6")) << "SVG points carry the opacity";
  EXPECT_TRUE(text.contains("rx=\"10\"") || text.contains("r=\"10\"")) << "SVG circles of radius 10";
}
