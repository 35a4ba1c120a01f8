#include "ui/analysis/AttentionReceivedChart.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <algorithm>
#include <qcustomplot.h>

#include "core/eval/AttentionSummary.h"
#include "ui/analysis/AnalysisStyle.h"

namespace scdfm::ui {

AttentionReceivedChart::AttentionReceivedChart(QWidget* parent) : FigureWidget(parent) {
  controlsRow()->addWidget(new QLabel(tr("Genes shown:"), this));
  topSpin_ = new QSpinBox(this);
  topSpin_->setRange(1, 100);
  topSpin_->setValue(topN_);
  controlsRow()->addWidget(topSpin_);
  controlsRow()->addStretch(1);
  connect(topSpin_, qOverload<int>(&QSpinBox::valueChanged), this, &AttentionReceivedChart::setTopCount);
  showPlaceholder(tr("No attention maps to show."));
}

QString AttentionReceivedChart::figureName() const {
  return QString::fromStdString(perturbation_) + "_attention_received";
}

void AttentionReceivedChart::setData(const std::string& perturbation, const Eigen::MatrixXd& matrix,
                                     const std::vector<std::string>& genes, const std::vector<std::string>& targets,
                                     const QString& mapDescription) {
  perturbation_ = perturbation;
  matrix_ = matrix;
  genes_ = genes;
  targets_ = targets;
  description_ = mapDescription;
  rebuild();
}

void AttentionReceivedChart::showMessage(const QString& text) {
  matrix_.resize(0, 0);
  shown_.clear();
  values_.clear();
  setNotice({});
  setTitle(tr("%1: attention received").arg(QString::fromStdString(perturbation_)));
  showPlaceholder(text);
}

void AttentionReceivedChart::setTopCount(int n) {
  topN_ = std::max(1, n);
  if (topSpin_->value() != topN_) topSpin_->setValue(topN_);
  rebuild();
}

void AttentionReceivedChart::rebuild() {
  if (matrix_.size() == 0) return;
  std::vector<int> rows;
  for (const auto& t : targets_) {
    auto it = std::find(genes_.begin(), genes_.end(), t);
    if (it != genes_.end()) rows.push_back(static_cast<int>(it - genes_.begin()));
  }
  fromTargets_ = !rows.empty();
  const Eigen::VectorXd received = attentionReceived(matrix_, rows);
  const auto top = topAttended(received, topN_, rows);
  shown_.clear();
  values_.clear();
  QVector<double> keys, v;
  for (int i = 0; i < static_cast<int>(top.size()); ++i) {
    shown_ << QString::fromStdString(genes_[top[i]]);
    values_.push_back(received[top[i]]);
    keys << i;
    v << received[top[i]];
  }
  const QString targets = toQStringList(targets_).join(" + ");
  setNotice(fromTargets_ ? QString()
                         : tr("The perturbed gene(s) %1 are not among the %2 generated genes, so they have no row in "
                              "the map: the bars show the attention each gene receives on average over all query "
                              "genes instead.")
                               .arg(targets)
                               .arg(genes_.size()));
  clearPlot();
  auto* p = plot();
  auto* bars = new QCPBars(p->xAxis, p->yAxis);
  bars->setData(keys, v, true);
  bars->setWidth(0.7);
  bars->setBrush(QColor(90, 110, 170));
  bars->setPen(QPen(QColor(50, 60, 110)));
  setNameTicks(p->xAxis, shown_);
  p->xAxis->setRange(-0.7, std::max<int>(1, shown_.size()) - 0.3);
  double lo = 0, hi = 0;
  for (double x : values_) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  const double pad = std::max(0.08 * (hi - lo), 1e-6);
  p->yAxis->setRange(lo - pad, hi + pad);
  p->xAxis->setLabel(fromTargets_ ? tr("key gene (perturbed genes themselves not shown)")
                                  : tr("key gene"));
  p->yAxis->setLabel(fromTargets_ ? tr("attention from %1 (mean of their rows)").arg(targets)
                                  : tr("attention (mean over all query genes)"));
  setTitle(tr("%1: genes receiving the most attention from %2\n%3")
               .arg(QString::fromStdString(perturbation_),
                    fromTargets_ ? targets : tr("all genes (perturbed gene not generated)"), description_));
  p->replot();
}

}  // namespace scdfm::ui
