// Continuous colouring: the viridis map against published values, gene
// values drawn high-on-top with NaN grey (both backends), the colour bar with
// label, unit and range replacing the legend (screen and exports), and
// switching back to categories.
#include <gtest/gtest.h>

#include <QFile>
#include <cmath>

#include "TestSupport.h"
#include "UmapTestSupport.h"
#include "ui/views/ColorMap.h"
#include "ui/views/UmapView.h"

using namespace scdfm::ui;
using namespace scdfm::test;

namespace {
// CIE L* of an sRGB colour (D65), written out here independently of the product.
double lightness(QColor c) {
  auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  const double y = 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
  return y > 216.0 / 24389 ? 116 * std::cbrt(y) - 16 : y * 24389.0 / 27;
}

int channelDistance(QColor a, QColor b) {
  return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()), std::abs(a.blue() - b.blue())});
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
}  // namespace

// R's viridisLite palettes of 10 and 8 colours sample viridis at t = k/9 and
// k/7, points that lie between the map's own stored stops.
TEST(ColorMap, ViridisMatchesPublishedPalettesAndLightnessRises) {
  const char* ten[] = {"#440154", "#482878", "#3E4A89", "#31688E", "#26828E",
                       "#1F9E89", "#35B779", "#6DCD59", "#B4DE2C", "#FDE725"};
  const char* eight[] = {"#440154", "#46337E", "#365C8D", "#277F8E", "#1FA187", "#4AC16D", "#9FDA3A", "#FDE725"};
  for (int k = 0; k < 10; ++k)
    EXPECT_LE(channelDistance(viridis(k / 9.0), QColor(ten[k])), 4) << "t=" << k << "/9 gives "
                                                                   << viridis(k / 9.0).name().toStdString();
  for (int k = 0; k < 8; ++k)
    EXPECT_LE(channelDistance(viridis(k / 7.0), QColor(eight[k])), 4) << "t=" << k << "/7";
  for (int k = 1; k <= 64; ++k)
    EXPECT_GT(lightness(viridis(k / 64.0)), lightness(viridis((k - 1) / 64.0))) << "L* must rise at t=" << k << "/64";
  EXPECT_EQ(viridis(-3), viridis(0));
  EXPECT_EQ(viridis(7), viridis(1));
  EXPECT_EQ(viridis(std::nan("")), valueMissingColor());
}

// Two cells at one place: the higher value wins although it comes first in
// the file; a cell without a value is grey; a mid value is mid-viridis.
TEST(UmapViewColoring, GeneValuesDrawHighOnTopAndMissingGrey) {
  for (bool vtk : vtkChoices()) {
    SCOPED_TRACE(vtk ? "VTK" : "QPainter");
    UmapView view;
    ASSERT_EQ(view.setUseVtk(vtk), vtk);
    ScatterData d;
    d.xy = {0, 0, 0, 0, 3, 3, -3, -3, 6, 6, -6, -6};
    d.category = {0, 0, 0, 0, 0, 0};
    d.names = {"cells"};
    d.colors = {kRed};
    view.setData(d);
    view.resize(500, 400);
    const float nan = std::nanf("");
    ASSERT_TRUE(view.setValues({5, 1, nan, 3, 1, 1}, "KLF1 expression", "log1p counts"));
    EXPECT_TRUE(view.showsValues());
    const std::vector<QColor> candidates = {viridis(0), viridis(0.5), viridis(1), valueMissingColor(),
                                            QColor(Qt::white), kRed};
    QImage image = grabView(view);
    EXPECT_EQ(closestOf(colorAt(image, view.pixelOfPoint(0)), candidates), viridis(1)) << "high value on top";
    EXPECT_EQ(closestOf(colorAt(image, view.pixelOfPoint(2)), candidates), valueMissingColor()) << "NaN is grey";
    EXPECT_EQ(closestOf(colorAt(image, view.pixelOfPoint(3)), candidates), viridis(0.5));
    EXPECT_EQ(closestOf(colorAt(image, view.pixelOfPoint(4)), candidates), viridis(0));
  }
}

TEST(UmapViewColoring, ValuesOfTheWrongLengthChangeNothing) {
  UmapView view;
  view.setData(threeClusters());
  EXPECT_FALSE(view.setValues({1, 2, 3}, "KLF1 expression", "log1p counts"));
  EXPECT_FALSE(view.showsValues());
}

// The colour bar sits right of the plot: yellow (high) at its top, purple
// (low) at its bottom; the exports carry its label, unit and end values, and
// setColors brings the category legend back.
TEST(UmapViewColoring, ColorBarReplacesTheLegendOnScreenAndInExports) {
  UmapView view;
  view.setUseVtk(false);
  view.setData(threeClusters());
  view.resize(800, 600);
  std::vector<float> values(view.data().size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 3.2f * (i % 100) / 99.0f;
  ASSERT_TRUE(view.setValues(values, "KLF1 expression", "log1p counts"));

  const QImage image = view.renderImage(view.size(), 1.0).convertToFormat(QImage::Format_RGB32);
  const QRect plot = view.plotRect();
  int top = -1, bottom = -1;
  for (int y = plot.top(); y <= plot.bottom(); ++y)
    for (int x = plot.right() + 1; x < image.width(); ++x) {
      const QColor c = image.pixelColor(x, y);
      if (channelDistance(c, viridis(1)) <= 12 && top < 0) top = y;
      if (channelDistance(c, viridis(0)) <= 12) bottom = y;
    }
  ASSERT_GE(top, 0) << "no yellow (high) end of a colour bar right of the plot";
  ASSERT_GE(bottom, 0) << "no purple (low) end of a colour bar right of the plot";
  EXPECT_GT(bottom - top, 40) << "high values at the top of the bar, low at the bottom";

  const std::string dir = scratchDir("UmapViewColorBar");
  const QString svg = QString::fromStdString(dir + "/gene.svg");
  QString error;
  ASSERT_TRUE(view.exportFigure(svg, &error)) << error.toStdString();
  QByteArray text = readAll(svg);
  EXPECT_TRUE(text.contains("KLF1 expression"));
  EXPECT_TRUE(text.contains("log1p counts"));
  EXPECT_TRUE(text.contains(">3.2<")) << "maximum tick";
  EXPECT_TRUE(text.contains(">0<")) << "minimum tick";
  EXPECT_FALSE(text.contains("observed (400)")) << "the category legend is replaced";

  view.setColors(view.data().category, view.data().names, view.data().colors, "kind");
  EXPECT_FALSE(view.showsValues());
  ASSERT_TRUE(view.exportFigure(svg, &error)) << error.toStdString();
  text = readAll(svg);
  EXPECT_TRUE(text.contains("observed (400)"));
  EXPECT_FALSE(text.contains("KLF1 expression"));
}
