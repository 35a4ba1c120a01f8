// Figure export at a chosen resolution: PNG at a DPI scale or an exact pixel
// size (tiled VTK rendering for big images), clear errors for impossible
// sizes that leave an existing file untouched, no temporary files left.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>

#include "TestSupport.h"
#include "UmapTestSupport.h"
#include "ui/views/UmapView.h"
#include "ui/views/VtkScatterRenderer.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
QString pathIn(const std::string& dir, const char* name) { return QString::fromStdString(dir + "/" + name); }

// Pixels (every 4th row and column) that are clearly one of the cluster colours.
int clusterPixels(const QImage& image) {
  int n = 0;
  for (int y = 0; y < image.height(); y += 4)
    for (int x = 0; x < image.width(); x += 4) {
      const QColor c = image.pixelColor(x, y);
      n += near(c, kRed, 30) || near(c, kGreen, 30) || near(c, kBlue, 30);
    }
  return n;
}
}  // namespace

TEST(UmapViewExport, PngAtADpiScaleOrAnExactPixelSize) {
  UmapView view;
  view.setData(threeClusters());
  view.setTitle("Resolution test");
  view.resize(640, 420);  // the figure is at least 800 x 600
  const std::string dir = scratchDir("UmapViewExportResolution");
  QString error;
  ASSERT_TRUE(view.exportFigure(pathIn(dir, "x3.png"), 3.0, &error)) << error.toStdString();
  EXPECT_EQ(QImage(pathIn(dir, "x3.png")).size(), QSize(2400, 1800));
  ASSERT_TRUE(view.exportFigure(pathIn(dir, "x1.png"), 1.0, &error)) << error.toStdString();
  EXPECT_EQ(QImage(pathIn(dir, "x1.png")).size(), QSize(800, 600));

  for (QSize size : {QSize(3000, 1500), QSize(1234, 987), QSize(600, 900)}) {
    const QString png = pathIn(dir, "sized.png");
    ASSERT_TRUE(view.exportFigure(png, size, &error)) << error.toStdString();
    const QImage image(png);
    EXPECT_EQ(image.size(), size);
    EXPECT_GT(clusterPixels(image.convertToFormat(QImage::Format_RGB32)), 20) << "points drawn at " << size.width();
  }
  // Only the files asked for: the temporaries were renamed.
  EXPECT_EQ(QDir(QString::fromStdString(dir)).entryList(QDir::Files).size(), 3);
}

TEST(UmapViewExport, ImpossibleSizesFailClearlyAndKeepTheOldFile) {
  UmapView view;
  view.setData(threeClusters());
  const std::string dir = scratchDir("UmapViewExportBadSize");
  const QString png = pathIn(dir, "keep.png");
  {
    QFile f(png);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("old contents");
  }
  QString error;
  for (QSize size : {QSize(0, 100), QSize(30000, 100), QSize(15000, 15000), QSize(-5, -5)}) {
    error.clear();
    EXPECT_FALSE(view.exportFigure(png, size, &error)) << size.width() << "x" << size.height();
    EXPECT_TRUE(error.contains("keep.png")) << error.toStdString();
    EXPECT_TRUE(error.contains("pixels")) << error.toStdString();
    EXPECT_TRUE(error.contains("choose between")) << error.toStdString();
  }
  EXPECT_FALSE(view.exportFigure(png, -1.0, &error));
  EXPECT_FALSE(view.exportFigure(png, 40.0, &error)) << "32000 x 24000 pixels is too many";
  QFile f(png);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  EXPECT_EQ(f.readAll(), QByteArray("old contents"));
  EXPECT_EQ(QDir(QString::fromStdString(dir)).entryList(QDir::Files).size(), 1) << "no temporary left behind";
}

// Above 4096 pixels a side VTK renders tiles of the same view; the tiled
// image must show the same points as the QPainter rendering.
TEST(UmapViewExport, BigVtkExportMatchesThePainterRendering) {
  if (!VtkScatterRenderer::available()) GTEST_SKIP() << "VTK offscreen unavailable";
  const std::string dir = scratchDir("UmapViewExportBig");
  QImage images[2];
  for (bool vtk : {false, true}) {
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    view.setData(threeClusters(nullptr, 1500));
    view.resize(800, 600);
    QString error;
    const QString png = pathIn(dir, vtk ? "vtk.png" : "painter.png");
    ASSERT_TRUE(view.exportFigure(png, QSize(5200, 3900), &error)) << error.toStdString();
    images[vtk] = QImage(png).convertToFormat(QImage::Format_RGB32);
    ASSERT_EQ(images[vtk].size(), QSize(5200, 3900));
  }
  // Same classification for nearly every pixel (rims and antialiasing differ).
  int differ = 0, coloured = 0;
  for (int y = 0; y < 3900; y += 3)
    for (int x = 0; x < 5200; x += 3) {
      const QColor a = classify(images[0].pixelColor(x, y)), b = classify(images[1].pixelColor(x, y));
      coloured += a != QColor(Qt::white);
      differ += a != b;
    }
  EXPECT_GT(coloured, 5000);
  EXPECT_LT(differ, coloured / 10) << differ << " of " << coloured << " coloured pixels differ";
  // Across the seam between the first two tile columns (x = 4096) the VTK
  // image has points on both sides as the painter's does.
  auto columnCount = [](const QImage& image, int x) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y) n += classify(image.pixelColor(x, y)) != QColor(Qt::white);
    return n;
  };
  for (int x : {4094, 4095, 4096, 4097})
    EXPECT_NEAR(columnCount(images[1], x), columnCount(images[0], x), columnCount(images[0], x) / 4 + 8) << "column " << x;
}
