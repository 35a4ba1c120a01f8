#include "ui/analysis/DeltaScatterPlot.h"

#include <algorithm>
#include <cmath>
#include <qcustomplot.h>
#include <set>

#include "ui/analysis/AnalysisStyle.h"

namespace scdfm::ui {

DeltaScatterPlot::DeltaScatterPlot(QWidget* parent) : FigureWidget(parent) {
  showPlaceholder(tr("No prediction to show yet."));
}

QString DeltaScatterPlot::figureName() const { return perturbation_ + "_delta_scatter"; }

void DeltaScatterPlot::setData(const std::string& perturbation, const ComparisonData& data, int labelCount) {
  perturbation_ = QString::fromStdString(perturbation);
  genes_ = toQStringList(data.genes);
  points_.clear();
  labelled_.clear();
  if (!data.hasObserved()) {
    setTitle(tr("%1: predicted vs observed change per gene").arg(perturbation_));
    setNotice(tr("“%1” has no observed cells in this dataset, so there is no observed change to compare with. "
                 "The DE ranking tab shows the predicted change of the top genes.")
                  .arg(perturbation_));
    showPlaceholder(tr("No observed cells for %1:\nthe predicted Δ cannot be compared with an observed Δ.")
                        .arg(perturbation_));
    return;
  }
  setNotice({});
  clearPlot();
  auto* p = plot();
  const long n = data.deltaObserved.size();
  std::set<int> top(data.topDeGenes.begin(), data.topDeGenes.begin() +
                                                 std::min<std::size_t>(data.topDeGenes.size(), kTopDeGenes));
  QVector<double> xAll, yAll, xTop, yTop;
  double lo = 0, hi = 0;
  for (long i = 0; i < n; ++i) {
    const double x = data.deltaObserved[i], y = data.deltaPredicted[i];
    points_.emplace_back(x, y);
    (top.count(static_cast<int>(i)) ? xTop : xAll) << x;
    (top.count(static_cast<int>(i)) ? yTop : yAll) << y;
    if (std::isfinite(x) && std::isfinite(y)) {
      lo = std::min({lo, x, y});
      hi = std::max({hi, x, y});
    }
  }
  auto* others = p->addGraph();
  others->setName(tr("genes (%1)").arg(xAll.size()));
  others->setLineStyle(QCPGraph::lsNone);
  others->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(120, 120, 120, 140), 4));
  others->setData(xAll, yAll);
  auto* topGraph = p->addGraph();
  topGraph->setName(tr("top-%1 DE genes (observed vs control)").arg(xTop.size()));
  topGraph->setLineStyle(QCPGraph::lsNone);
  topGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, groupColor(CellGroupKind::Predicted), 7));
  topGraph->setData(xTop, yTop);
  // Identity line y = x, with a legend entry through a hidden stand-in graph.
  auto* identity = new QCPItemStraightLine(p);
  identity->point1->setCoords(0, 0);
  identity->point2->setCoords(1, 1);
  identity->setPen(QPen(Qt::black, 1, Qt::DashLine));
  auto* identityKey = p->addGraph();
  identityKey->setName(tr("identity (predicted = observed)"));
  identityKey->setPen(QPen(Qt::black, 1, Qt::DashLine));
  // Labels: the genes with the largest observed change.
  labelled_ = largestAbsolute(data.deltaObserved, labelCount);
  for (int g : labelled_) {
    auto* label = new QCPItemText(p);
    label->position->setCoords(points_[g].x(), points_[g].y());
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setPadding(QMargins(4, 0, 0, 2));
    label->setText(genes_[g]);
    QFont f = font();
    f.setPointSize(8);
    label->setFont(f);
    label->setClipToAxisRect(true);
  }
  const double pad = std::max(0.08 * (hi - lo), 0.05);
  p->xAxis->setRange(lo - pad, hi + pad);
  p->yAxis->setRange(lo - pad, hi + pad);
  p->xAxis->setLabel(tr("observed Δ = mean(observed) − mean(control), log1p expression"));
  p->yAxis->setLabel(tr("predicted Δ = mean(predicted) − mean(control), log1p expression"));
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  setTitle(tr("%1: predicted vs observed change per gene\nPearson r of Δ = %2 (all %3 genes), %4 (top-20 DE genes)")
               .arg(perturbation_, formatNumber(data.pearsonDeltaAll))
               .arg(n)
               .arg(formatNumber(data.pearsonDeltaTopDe)));
  p->replot();
}

int DeltaScatterPlot::geneAt(const QPoint& pos) const {
  int best = -1;
  double bestD = 8.0 * 8.0;
  for (int i = 0; i < static_cast<int>(points_.size()); ++i) {
    const double dx = plot()->xAxis->coordToPixel(points_[i].x()) - pos.x();
    const double dy = plot()->yAxis->coordToPixel(points_[i].y()) - pos.y();
    if (dx * dx + dy * dy < bestD) {
      bestD = dx * dx + dy * dy;
      best = i;
    }
  }
  return best;
}

QString DeltaScatterPlot::hoverText(const QPoint& pos) const {
  const int g = geneAt(pos);
  if (g < 0) return {};
  return tr("%1\nobserved Δ = %2\npredicted Δ = %3")
      .arg(genes_[g], formatNumber(points_[g].x(), 4), formatNumber(points_[g].y(), 4));
}

}  // namespace scdfm::ui
