#include "ui/analysis/PlotExport.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QSvgGenerator>
#include <cmath>
#include <qcustomplot.h>

#include "core/io/CsvWriter.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

namespace scdfm::ui {

QString figureFileFilter() {
  return QObject::tr("PNG image (*.png);;SVG vector graphics (*.svg);;PDF document (*.pdf)");
}

QString exportPlot(QCustomPlot& plot, const QString& path, const FigureExportOptions& options) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  const QSize size = options.size.isEmpty() ? plot.size().expandedTo(QSize(800, 600)) : options.size;
  const QString title = options.title.isEmpty() ? QFileInfo(path).completeBaseName() : options.title;
  try {
    if (suffix != "png" && suffix != "svg" && suffix != "pdf")
      throw InputError(path.toStdString(), "", "unknown figure format '" + suffix.toStdString() + "'",
                       "Use a file name ending in .png, .svg or .pdf.");
    if (suffix == "png" && !(options.scale > 0 && options.scale <= 8))
      throw InputError(path.toStdString(), "", "scale must be between 0 and 8", "Choose 1×, 2×, 3× or 4×.");
    writeFileAtomically(path.toStdString(), [&](const std::string& tmp) {
      const QString tmpPath = QString::fromStdString(tmp);
      bool ok = false;
      if (suffix == "png") {
        ok = plot.savePng(tmpPath, size.width(), size.height(), options.scale, -1,
                          static_cast<int>(std::lround(96 * options.scale)));
      } else if (suffix == "pdf") {
        ok = plot.savePdf(tmpPath, size.width(), size.height(), QCP::epNoCosmetic, "scDFM Studio", title);
      } else {
        QSvgGenerator svg;
        svg.setFileName(tmpPath);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(title);
        svg.setDescription(QObject::tr("scDFM Studio figure"));
        QCPPainter painter;
        if (painter.begin(&svg)) {
          plot.toPainter(&painter, size.width(), size.height());
          ok = painter.end();
        }
      }
      if (!ok || !QFileInfo(tmpPath).isFile() || QFileInfo(tmpPath).size() == 0)
        throw InputError(path.toStdString(), "", "the figure could not be written",
                         "Check that the folder exists and is writable.");
    });
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

void exportPlotInteractively(QCustomPlot& plot, QWidget* parent, const QString& suggestedName, const QString& title) {
  QString selected;
  const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export figure"), suggestedName + ".png",
                                                    figureFileFilter(), &selected);
  if (path.isEmpty()) return;
  FigureExportOptions options;
  options.title = title;
  if (QFileInfo(path).suffix().compare("png", Qt::CaseInsensitive) == 0) {
    const QStringList scales{QObject::tr("1× (96 dpi, screen)"), QObject::tr("2× (192 dpi)"),
                             QObject::tr("3× (288 dpi, print)"), QObject::tr("4× (384 dpi)")};
    bool ok = false;
    const QString choice =
        QInputDialog::getItem(parent, QObject::tr("PNG resolution"), QObject::tr("Resolution:"), scales, 1, false, &ok);
    if (!ok) return;
    options.scale = scales.indexOf(choice) + 1;
  }
  const QString error = exportPlot(plot, path, options);
  if (!error.isEmpty()) QMessageBox::warning(parent, QObject::tr("Export failed"), error);
}

QString exportMatrixCsv(const QString& path, const QString& corner, const QStringList& rowNames,
                        const QStringList& colNames, const Eigen::MatrixXd& values) {
  std::vector<std::string> rows, cols;
  for (const auto& r : rowNames) rows.push_back(r.toStdString());
  for (const auto& c : colNames) cols.push_back(c.toStdString());
  std::vector<double> flat(static_cast<std::size_t>(values.size()));
  for (long r = 0; r < values.rows(); ++r)
    for (long c = 0; c < values.cols(); ++c) flat[static_cast<std::size_t>(r * values.cols() + c)] = values(r, c);
  try {
    writeLabelledMatrixCsv(path.toStdString(), corner.toStdString(), rows, cols, flat);
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

void exportCsvInteractively(QWidget* parent, const QString& suggestedName,
                            const std::function<QString(const QString&)>& write) {
  const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export table"), suggestedName + ".csv",
                                                    QObject::tr("CSV table (*.csv)"));
  if (path.isEmpty()) return;
  const QString error = write(path);
  if (!error.isEmpty()) QMessageBox::warning(parent, QObject::tr("Export failed"), error);
}

}  // namespace scdfm::ui
