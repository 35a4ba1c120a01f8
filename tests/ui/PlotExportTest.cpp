// Figure export: PNG (magic bytes, size = logical size × scale), SVG (an <svg>
// XML root that Qt's renderer accepts), PDF (%PDF header); failures leave no
// file and say why.
#include <gtest/gtest.h>

#include <QFile>
#include <QImage>
#include <QSvgRenderer>
#include <QXmlStreamReader>
#include <qcustomplot.h>

#include "TestSupport.h"
#include "ui/analysis/DeltaScatterPlot.h"
#include "ui/analysis/PlotExport.h"

using namespace scdfm::ui;

namespace {
QByteArray head(const QString& path, int n) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.read(n);
}

void fillPlot(QCustomPlot& plot) {
  auto* g = plot.addGraph();
  g->setData({0, 1, 2, 3}, {1, 3, 2, 4});
  g->setName("predicted");
  plot.xAxis->setLabel("gene");
  plot.yAxis->setLabel("expression (log1p)");
  plot.legend->setVisible(true);
  plot.rescaleAxes();
}
}  // namespace

TEST(PlotExport, WritesPngSvgAndPdf) {
  QCustomPlot plot;
  plot.resize(500, 400);
  fillPlot(plot);
  const QString dir = QString::fromStdString(scdfm::test::scratchDir("plot_export"));
  FigureExportOptions o;
  o.size = QSize(640, 480);
  o.scale = 2;
  ASSERT_EQ(exportPlot(plot, dir + "/f.png", o), "");
  EXPECT_EQ(head(dir + "/f.png", 8), QByteArray("\x89PNG\r\n\x1a\n", 8));
  const QImage png(dir + "/f.png");
  EXPECT_EQ(png.size(), QSize(1280, 960));
  // Not blank: the plot drew dark pixels (axes, text) on the white background.
  int dark = 0;
  for (int y = 0; y < png.height(); y += 4)
    for (int x = 0; x < png.width(); x += 4) dark += qGray(png.pixel(x, y)) < 100;
  EXPECT_GT(dark, 50);

  ASSERT_EQ(exportPlot(plot, dir + "/f.svg", o), "");
  QFile svgFile(dir + "/f.svg");
  ASSERT_TRUE(svgFile.open(QIODevice::ReadOnly));
  QXmlStreamReader xml(&svgFile);
  while (!xml.atEnd() && !xml.isStartElement()) xml.readNext();
  EXPECT_EQ(xml.name().toString(), "svg");  // the document's root element
  while (!xml.atEnd()) xml.readNext();
  EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
  QSvgRenderer renderer(dir + "/f.svg");
  EXPECT_TRUE(renderer.isValid());

  ASSERT_EQ(exportPlot(plot, dir + "/f.pdf", o), "");
  EXPECT_EQ(head(dir + "/f.pdf", 5), QByteArray("%PDF-"));
  EXPECT_FALSE(QFile::exists(dir + "/f.pdf.tmp-" + QString::number(QCoreApplication::applicationPid())));
}

TEST(PlotExport, FailuresSayWhyAndLeaveNoFile) {
  QCustomPlot plot;
  fillPlot(plot);
  const QString dir = QString::fromStdString(scdfm::test::scratchDir("plot_export_errors"));
  const QString unknown = exportPlot(plot, dir + "/f.bmp");
  EXPECT_TRUE(unknown.contains("unknown figure format")) << unknown.toStdString();
  EXPECT_TRUE(unknown.contains(".png, .svg or .pdf")) << unknown.toStdString();
  EXPECT_FALSE(QFile::exists(dir + "/f.bmp"));
  for (const char* suffix : {"png", "svg", "pdf"}) {
    const QString path = dir + "/missing-folder/f." + suffix;
    const QString error = exportPlot(plot, path);
    EXPECT_FALSE(error.isEmpty()) << suffix;
    EXPECT_TRUE(error.contains(path)) << error.toStdString();
    EXPECT_FALSE(QFile::exists(path));
  }
  FigureExportOptions bad;
  bad.scale = 0;
  EXPECT_FALSE(exportPlot(plot, dir + "/f.png", bad).isEmpty());
}

TEST(PlotExport, FigureWidgetsExportThroughTheHelper) {
  DeltaScatterPlot view;
  const QString dir = QString::fromStdString(scdfm::test::scratchDir("figure_widget_export"));
  EXPECT_EQ(view.exportTo(dir + "/placeholder.pdf"), "");
  EXPECT_EQ(head(dir + "/placeholder.pdf", 5), QByteArray("%PDF-"));
}
