#pragma once
// Figure export shared by every analysis plot: a QCustomPlot to PNG (at a chosen
// scale / DPI), SVG or PDF, chosen by the file's suffix, written atomically
// (temporary file + rename) so a failed export never leaves half a file.
#include <Eigen/Core>
#include <QSize>
#include <QString>
#include <QStringList>
#include <functional>

class QCustomPlot;
class QWidget;

namespace scdfm::ui {

struct FigureExportOptions {
  QSize size;          // logical size; empty = the plot's size, at least 800 × 600
  double scale = 2.0;  // PNG only: pixels per logical pixel (2 → 192 dpi)
  QString title;       // SVG/PDF document title
};

// "" on success, else a message naming the file and what to do.
QString exportPlot(QCustomPlot& plot, const QString& path, const FigureExportOptions& options = {});

// Asks for a file name (PNG, SVG or PDF) and, for PNG, the resolution; exports and
// reports a failure in a message box.
void exportPlotInteractively(QCustomPlot& plot, QWidget* parent, const QString& suggestedName,
                             const QString& title = {});

// A gene × gene (or any labelled) matrix as CSV: names as the header row and first
// column, NaN as empty fields. "" on success, else the error.
QString exportMatrixCsv(const QString& path, const QString& corner, const QStringList& rowNames,
                        const QStringList& colNames, const Eigen::MatrixXd& values);

// Asks for a .csv file name and calls write(path) (which returns "" or an error to show).
void exportCsvInteractively(QWidget* parent, const QString& suggestedName,
                            const std::function<QString(const QString&)>& write);

// The file filter of the export dialogs ("PNG image (*.png);;SVG …;;PDF …").
QString figureFileFilter();

}  // namespace scdfm::ui
