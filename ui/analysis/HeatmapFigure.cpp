#include "ui/analysis/HeatmapFigure.h"

#include <QMenu>
#include <cmath>
#include <qcustomplot.h>

#include "ui/analysis/AnalysisStyle.h"
#include "ui/analysis/PlotExport.h"

namespace scdfm::ui {

QCPRange symmetricRange(const Eigen::MatrixXd& values) {
  double m = 0;
  for (long i = 0; i < values.size(); ++i)
    if (std::isfinite(values.data()[i])) m = std::max(m, std::fabs(values.data()[i]));
  if (!(m > 0)) m = 1e-6;
  return QCPRange(-m, m);
}

HeatmapFigure::HeatmapFigure(QWidget* parent) : FigureWidget(parent) {
  auto* p = plot();
  scale_ = new QCPColorScale(p);
  scale_->setType(QCPAxis::atRight);
  scale_->setBarWidth(14);
  p->plotLayout()->addElement(1, 1, scale_);
  // The map and its colour bar share top and bottom margins.
  auto* margins = new QCPMarginGroup(p);
  p->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  p->yAxis->setRangeReversed(true);  // first row at the top, as in a table
  p->xAxis->grid()->setVisible(false);
  p->yAxis->grid()->setVisible(false);
  showHeatmapPlaceholder(tr("Nothing to show yet."));
}

void HeatmapFigure::showMatrix(const QStringList& rowNames, const QStringList& colNames, const Eigen::MatrixXd& values,
                               const QCPColorGradient& gradient, const QCPRange& range, const QString& scaleLabel,
                               const QString& xLabel, const QString& yLabel) {
  clearPlot();
  auto* p = plot();
  matrix_ = values;
  rowNames_ = rowNames;
  colNames_ = colNames;
  scale_->setVisible(true);
  map_ = new QCPColorMap(p->xAxis, p->yAxis);
  const int nx = static_cast<int>(values.cols()), ny = static_cast<int>(values.rows());
  // Cell centres at integer coordinates: column c at x = c, row r at y = r.
  map_->data()->setSize(nx, ny);
  map_->data()->setRange(QCPRange(0, std::max(nx - 1, 1)), QCPRange(0, std::max(ny - 1, 1)));
  for (int r = 0; r < ny; ++r)
    for (int c = 0; c < nx; ++c) map_->data()->setCell(c, r, values(r, c));
  map_->setInterpolate(false);
  map_->setColorScale(scale_);
  map_->setGradient(gradient);
  map_->setDataRange(range);
  scale_->axis()->setLabel(scaleLabel);
  setNameTicks(p->xAxis, colNames);
  setNameTicks(p->yAxis, rowNames);
  p->xAxis->setRange(-0.5, nx - 0.5);
  p->yAxis->setRange(-0.5, ny - 0.5);
  p->xAxis->setLabel(xLabel);
  p->yAxis->setLabel(yLabel);
  p->replot();
}

void HeatmapFigure::showHeatmapPlaceholder(const QString& text) {
  map_ = nullptr;
  matrix_.resize(0, 0);
  rowNames_.clear();
  colNames_.clear();
  scale_->setVisible(false);
  plot()->xAxis->setLabel({});
  plot()->yAxis->setLabel({});
  showPlaceholder(text);
}

double HeatmapFigure::drawnValue(int row, int col) const {
  if (!map_) return std::nan("");
  return map_->data()->cell(col, row);
}

std::pair<int, int> HeatmapFigure::cellAt(const QPoint& pos) const {
  if (!map_ || !plot()->axisRect()->rect().contains(pos)) return {-1, -1};
  const int col = static_cast<int>(std::lround(plot()->xAxis->pixelToCoord(pos.x())));
  const int row = static_cast<int>(std::lround(plot()->yAxis->pixelToCoord(pos.y())));
  if (row < 0 || col < 0 || row >= matrix_.rows() || col >= matrix_.cols()) return {-1, -1};
  return {row, col};
}

QPoint HeatmapFigure::cellCentre(int row, int col) const {
  return QPoint(static_cast<int>(std::lround(plot()->xAxis->coordToPixel(col))),
                static_cast<int>(std::lround(plot()->yAxis->coordToPixel(row))));
}

QString HeatmapFigure::exportCsv(const QString& path) const {
  return exportMatrixCsv(path, csvCorner(), rowNames_, colNames_, matrix_);
}

QString HeatmapFigure::cellToolTip(int row, int col) const {
  return QStringLiteral("%1, %2: %3").arg(rowNames_[row], colNames_[col], formatNumber(matrix_(row, col), 4));
}

void HeatmapFigure::addContextActions(QMenu& menu) {
  auto* action = menu.addAction(tr("Export matrix as CSV…"), this, [this] {
    exportCsvInteractively(this, figureName(), [this](const QString& path) { return exportCsv(path); });
  });
  action->setEnabled(matrix_.size() > 0);
}

QString HeatmapFigure::hoverText(const QPoint& pos) const {
  const auto [row, col] = cellAt(pos);
  return row < 0 ? QString() : cellToolTip(row, col);
}

}  // namespace scdfm::ui
