#pragma once
// Base of the gene × gene heatmaps (attention maps, combination screens): a
// QCPColorMap with row names down the left axis (first row at the top) and
// column names along the bottom, a labelled colour scale, a hover tooltip per
// cell and CSV export of the matrix shown.
#include <Eigen/Core>
#include <QStringList>
#include <utility>

#include "ui/analysis/FigureWidget.h"

class QCPColorGradient;
class QCPColorMap;
class QCPColorScale;
class QCPRange;

namespace scdfm::ui {

class HeatmapFigure : public FigureWidget {
  Q_OBJECT
 public:
  explicit HeatmapFigure(QWidget* parent = nullptr);

  const Eigen::MatrixXd& matrix() const { return matrix_; }  // the values shown (rows × cols)
  const QStringList& rowNames() const { return rowNames_; }
  const QStringList& columnNames() const { return colNames_; }
  // What the colour map holds at (row, col) (reads QCPColorMapData, for tests).
  double drawnValue(int row, int col) const;
  // Cell under a position in plot widget coordinates; {-1, -1} outside.
  std::pair<int, int> cellAt(const QPoint& plotPos) const;
  // Pixel centre of a cell in plot widget coordinates.
  QPoint cellCentre(int row, int col) const;
  // "" on success, else the error.
  QString exportCsv(const QString& path) const;
  QCPColorScale* colorScale() const { return scale_; }

 protected:
  // range: colour scale range (e.g. symmetric about 0 for diverging data).
  void showMatrix(const QStringList& rowNames, const QStringList& colNames, const Eigen::MatrixXd& values,
                  const QCPColorGradient& gradient, const QCPRange& range, const QString& scaleLabel,
                  const QString& xLabel, const QString& yLabel);
  // Hides the colour scale and shows a message instead of the map.
  void showHeatmapPlaceholder(const QString& text);
  virtual QString cellToolTip(int row, int col) const;
  virtual QString csvCorner() const { return QStringLiteral("row \\ column"); }
  void addContextActions(QMenu& menu) override;
  QString hoverText(const QPoint& plotPos) const override;

 private:
  QCPColorMap* map_ = nullptr;
  QCPColorScale* scale_ = nullptr;
  Eigen::MatrixXd matrix_;
  QStringList rowNames_, colNames_;
};

// [−m, m] with m = max |finite value| (a tiny range when all are 0 or NaN).
QCPRange symmetricRange(const Eigen::MatrixXd& values);

}  // namespace scdfm::ui
