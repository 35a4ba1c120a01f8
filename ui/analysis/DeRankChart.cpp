#include "ui/analysis/DeRankChart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "ui/analysis/AnalysisStyle.h"

namespace scdfm::ui {

DeRankChart::DeRankChart(QWidget* parent) : FigureWidget(parent) {
  controlsRow()->addWidget(new QLabel(tr("Bar height:"), this));
  measureBox_ = new QComboBox(this);
  measureBox_->addItem(tr("Δ mean expression vs control (log1p)"));
  measureBox_->addItem(tr("log2 fold change vs control (DE)"));
  controlsRow()->addWidget(measureBox_);
  controlsRow()->addStretch(1);
  connect(measureBox_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { setMeasure(i == 0 ? Measure::DeltaMean : Measure::Log2FoldChange); });
  showPlaceholder(tr("No prediction to show yet."));
}

QString DeRankChart::figureName() const { return perturbation_ + "_de_ranking"; }

void DeRankChart::setData(const std::string& perturbation, const ComparisonData& data) {
  perturbation_ = QString::fromStdString(perturbation);
  data_ = data;
  hasData_ = true;
  setNotice(data.hasObserved()
                ? QString()
                : tr("“%1” has no observed cells in this dataset: the genes are ranked by the predicted DE "
                     "(predicted vs control) and only predicted bars are shown.")
                      .arg(perturbation_));
  rebuild();
}

void DeRankChart::setMeasure(Measure measure) {
  measure_ = measure;
  const int index = measure == Measure::DeltaMean ? 0 : 1;
  if (measureBox_->currentIndex() != index) measureBox_->setCurrentIndex(index);
  rebuild();
}

void DeRankChart::rebuild() {
  if (!hasData_) return;
  shown_.clear();
  observed_.clear();
  predicted_.clear();
  const bool delta = measure_ == Measure::DeltaMean;
  for (int g : data_.topDeGenes) {
    shown_ << QString::fromStdString(data_.genes[g]);
    predicted_.push_back(delta ? data_.deltaPredicted[g] : data_.predictedDe.log2FoldChange[g]);
    if (data_.hasObserved()) observed_.push_back(delta ? data_.deltaObserved[g] : data_.observedDe->log2FoldChange[g]);
  }
  if (shown_.isEmpty()) {
    showPlaceholder(tr("No genes to rank."));
    return;
  }
  clearPlot();
  auto* p = plot();
  auto* group = new QCPBarsGroup(p);
  auto addBars = [&](const std::vector<double>& values, CellGroupKind kind) {
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    QVector<double> keys, v;
    for (int i = 0; i < static_cast<int>(values.size()); ++i) {
      keys << i;
      v << (std::isfinite(values[i]) ? values[i] : 0.0);
    }
    bars->setData(keys, v, true);
    bars->setWidth(0.38);
    bars->setBrush(groupColor(kind));
    bars->setPen(QPen(groupColor(kind).darker(130)));
    bars->setName(groupName(kind));
    bars->setBarsGroup(group);
  };
  if (!observed_.empty()) addBars(observed_, CellGroupKind::Observed);
  addBars(predicted_, CellGroupKind::Predicted);
  setNameTicks(p->xAxis, shown_);
  p->xAxis->setRange(-0.7, shown_.size() - 0.3);
  double lo = 0, hi = 0;
  for (const auto* values : {&observed_, &predicted_})
    for (double v : *values)
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  const double pad = std::max(0.08 * (hi - lo), 0.02);
  p->yAxis->setRange(lo - pad, hi + pad);
  auto* zero = new QCPItemStraightLine(p);
  zero->point1->setCoords(0, 0);
  zero->point2->setCoords(1, 0);
  zero->setPen(QPen(Qt::black, 1));
  p->xAxis->setLabel(data_.rankedByObserved ? tr("gene, ranked by |DE score| of observed vs control (rank 1 at the left)")
                                            : tr("gene, ranked by |DE score| of predicted vs control (rank 1 at the left)"));
  p->yAxis->setLabel(delta ? tr("Δ mean expression vs control (log1p)")
                           : tr("log2 fold change vs control (ratio of mean log1p expression)"));
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  setTitle(tr("%1: top-%2 DE genes — observed vs predicted %3")
               .arg(perturbation_)
               .arg(shown_.size())
               .arg(delta ? tr("change in mean expression") : tr("log2 fold change")));
  p->replot();
}

}  // namespace scdfm::ui
