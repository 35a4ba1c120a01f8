#include "ui/analysis/CombinationHeatmap.h"

#include <QEvent>
#include <QMouseEvent>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "ui/analysis/AnalysisStyle.h"

namespace scdfm::ui {

CombinationHeatmap::CombinationHeatmap(QWidget* parent) : HeatmapFigure(parent) {
  scoreName_ = tr("genetic-interaction score");
}

QString CombinationHeatmap::figureName() const {
  return screenName_.isEmpty() ? QStringLiteral("combination_screen") : screenName_ + "_combinations";
}

void CombinationHeatmap::setScoreName(const QString& name) {
  scoreName_ = name;
  redraw();
}

void CombinationHeatmap::setScreenName(const QString& name) {
  screenName_ = name;
  redraw();
}

void CombinationHeatmap::setData(const std::vector<std::string>& genes, const Eigen::MatrixXd& predicted,
                                 const std::optional<Eigen::MatrixXd>& observed) {
  genes_ = genes;
  predicted_ = predicted;
  observed_ = observed;
  redraw();
}

void CombinationHeatmap::redraw() {
  observedPairs_.clear();
  const long n = static_cast<long>(genes_.size());
  if (n == 0) {
    showHeatmapPlaceholder(tr("No combinations to show."));
    return;
  }
  if (predicted_.rows() != n || predicted_.cols() != n || (observed_ && (observed_->rows() != n || observed_->cols() != n))) {
    showHeatmapPlaceholder(tr("The score matrices do not match the %1 genes (one row and column per gene needed).").arg(n));
    return;
  }
  Eigen::MatrixXd shown = predicted_;
  for (long i = 0; i < n; ++i) shown(i, i) = std::numeric_limits<double>::quiet_NaN();  // singles: no pair score
  const QStringList names = toQStringList(genes_);
  showMatrix(names, names, shown, divergingGradient(), symmetricRange(shown),
             tr("%1 (predicted)\n+ synergy · − buffering").arg(scoreName_), tr("gene B"), tr("gene A"));
  // Unordered pairs: A+B and B+A are one combination.
  int predictedPairs = 0, observedCount = 0;
  for (long i = 0; i < n; ++i)
    for (long j = i + 1; j < n; ++j) {
      predictedPairs += std::isfinite(shown(i, j)) || std::isfinite(shown(j, i));
      if (observed_) observedCount += std::isfinite((*observed_)(i, j)) || std::isfinite((*observed_)(j, i));
    }
  if (observed_) {
    auto* rings = plot()->addGraph();
    rings->setLineStyle(QCPGraph::lsNone);
    rings->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), Qt::NoBrush,
                                           n > 30 ? 6 : 10));
    rings->setName(tr("pair observed in the data"));
    for (long i = 0; i < n; ++i)
      for (long j = 0; j < n; ++j)
        if (i != j && std::isfinite((*observed_)(i, j))) {
          observedPairs_.emplace_back(static_cast<int>(i), static_cast<int>(j));
          rings->addData(static_cast<double>(j), static_cast<double>(i));
        }
    plot()->legend->setVisible(!observedPairs_.empty());
    plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  }
  setTitle(tr("%1predicted genetic interactions of %2 genes\n%3 pairs predicted, %4 observed (ringed); grey = no score")
               .arg(screenName_.isEmpty() ? QString() : screenName_ + ": ")
               .arg(n)
               .arg(predictedPairs)
               .arg(observedCount));
  plot()->replot();
}

QString CombinationHeatmap::cellToolTip(int row, int col) const {
  const QString pair = QStringLiteral("%1 + %2").arg(rowNames()[row], columnNames()[col]);
  if (row == col) return tr("%1 alone (single perturbation: no interaction score)").arg(rowNames()[row]);
  QString text = tr("%1\npredicted %2: %3").arg(pair, scoreName_, formatNumber(matrix()(row, col), 4));
  if (observed_ && std::isfinite((*observed_)(row, col)))
    text += tr("\nobserved %1: %2").arg(scoreName_, formatNumber((*observed_)(row, col), 4));
  else
    text += tr("\nnot observed in the data");
  return text + tr("\n(click to open this pair)");
}

bool CombinationHeatmap::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot() && event->type() == QEvent::MouseButtonRelease) {
    auto* me = static_cast<QMouseEvent*>(event);
    if (me->button() == Qt::LeftButton) {
      const auto [row, col] = cellAt(me->pos());
      if (row >= 0 && row != col) emit pairClicked(rowNames()[row], columnNames()[col]);
    }
  }
  return HeatmapFigure::eventFilter(watched, event);  // hover tooltips
}

}  // namespace scdfm::ui
