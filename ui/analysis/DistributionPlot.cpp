#include "ui/analysis/DistributionPlot.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "ui/analysis/GeneLookup.h"

namespace scdfm::ui {
namespace {
constexpr double kSlot = 0.8;  // width of one gene's group of shapes on the x axis

// Shape half-widths along the value axis: (value, half-width) pairs, widest = halfWidth.
std::vector<std::pair<double, double>> profile(const GroupDistribution& d, bool violin, double halfWidth) {
  std::vector<std::pair<double, double>> p;
  if (violin && d.kde.bandwidth > 0) {
    const double peak = *std::max_element(d.kde.density.begin(), d.kde.density.end());
    for (std::size_t k = 0; k < d.kde.x.size(); ++k)
      p.emplace_back(d.kde.x[k], peak > 0 ? d.kde.density[k] / peak * halfWidth : 0);
    return p;
  }
  // Histogram steps (also for a group whose cells all have one value: no density to estimate).
  const auto& h = d.histogram;
  if (h.counts.empty()) return p;
  const double peak = *std::max_element(h.counts.begin(), h.counts.end());
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    const double w = peak > 0 ? h.counts[b] / peak * halfWidth : 0;
    p.emplace_back(h.edges[b], w);
    p.emplace_back(h.edges[b + 1], w);
  }
  return p;
}
}  // namespace

DistributionPlot::DistributionPlot(QWidget* parent) : FigureWidget(parent) {
  auto* row = controlsRow();
  row->addWidget(new QLabel(tr("Top DE genes:"), this));
  topSpin_ = new QSpinBox(this);
  topSpin_->setRange(0, 50);
  topSpin_->setValue(topCount_);
  topSpin_->setToolTip(tr("How many of the top differentially expressed genes to show"));
  row->addWidget(topSpin_);
  row->addSpacing(12);
  geneEdit_ = new QLineEdit(this);
  geneEdit_->setPlaceholderText(tr("Add gene(s)… e.g. GATA1, TAL1"));
  geneEdit_->setClearButtonEnabled(true);
  row->addWidget(geneEdit_, 1);
  auto* clear = new QPushButton(tr("Remove added"), this);
  row->addWidget(clear);
  row->addSpacing(12);
  row->addWidget(new QLabel(tr("Show as:"), this));
  modeBox_ = new QComboBox(this);
  modeBox_->addItem(tr("violins (kernel density)"));
  modeBox_->addItem(tr("histograms"));
  row->addWidget(modeBox_);
  geneMessage_ = new QLabel(this);
  geneMessage_->setWordWrap(true);
  geneMessage_->setStyleSheet("QLabel { color: #a01010; }");
  geneMessage_->hide();
  addRowAbovePlot(geneMessage_);

  connect(topSpin_, qOverload<int>(&QSpinBox::valueChanged), this, &DistributionPlot::setTopCount);
  connect(geneEdit_, &QLineEdit::returnPressed, this, [this] {
    if (addGenes(geneEdit_->text())) geneEdit_->clear();
  });
  connect(clear, &QPushButton::clicked, this, &DistributionPlot::clearAddedGenes);
  connect(modeBox_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { setMode(i == 0 ? Mode::Violin : Mode::Histogram); });
  showPlaceholder(tr("No prediction to show yet."));
}

void DistributionPlot::setData(const std::string& perturbation, const std::vector<std::string>& genes,
                               std::shared_ptr<const RowMatrixF> control, std::shared_ptr<const RowMatrixF> observed,
                               std::shared_ptr<const RowMatrixF> predicted, const std::vector<int>& topDeGenes,
                               bool rankedByObserved) {
  perturbation_ = perturbation;
  genes_ = genes;
  groups_.clear();
  groups_.push_back({CellGroupKind::Control, std::move(control)});
  if (observed && observed->rows() > 0) groups_.push_back({CellGroupKind::Observed, std::move(observed)});
  groups_.push_back({CellGroupKind::Predicted, std::move(predicted)});
  top_ = topDeGenes;
  rankedByObserved_ = rankedByObserved;
  added_.clear();
  setGeneCompleter(geneEdit_, genes_);
  geneMessage_->hide();
  const bool hasObserved = groups_.size() == 3;
  setNotice(hasObserved ? QString()
                        : tr("“%1” has no observed cells in this dataset (an unseen perturbation): only control and "
                             "predicted cells are shown, and the top genes are ranked by the predicted DE.")
                              .arg(QString::fromStdString(perturbation_)));
  rebuild();
}

void DistributionPlot::setTopCount(int n) {
  topCount_ = std::max(0, n);
  if (topSpin_->value() != topCount_) topSpin_->setValue(topCount_);
  rebuild();
}

bool DistributionPlot::addGenes(const QString& text) {
  const GeneLookup found = lookupGenes(text, genes_);
  for (int g : found.found)
    if (std::find(added_.begin(), added_.end(), g) == added_.end()) added_.push_back(g);
  geneMessage_->setText(found.message);
  geneMessage_->setVisible(!found.message.isEmpty());
  if (!found.found.empty()) rebuild();
  return found.unknown.isEmpty();
}

void DistributionPlot::clearAddedGenes() {
  added_.clear();
  geneMessage_->hide();
  rebuild();
}

void DistributionPlot::setMode(Mode mode) {
  mode_ = mode;
  const int index = mode == Mode::Violin ? 0 : 1;
  if (modeBox_->currentIndex() != index) modeBox_->setCurrentIndex(index);
  rebuild();
}

std::vector<int> DistributionPlot::shownGenes() const {
  std::vector<int> shown(top_.begin(), top_.begin() + std::min<std::size_t>(top_.size(), topCount_));
  for (int g : added_)
    if (std::find(shown.begin(), shown.end(), g) == shown.end()) shown.push_back(g);
  return shown;
}

QString DistributionPlot::geneMessage() const { return geneMessage_->isHidden() ? QString() : geneMessage_->text(); }

QString DistributionPlot::figureName() const {
  return QString::fromStdString(perturbation_) + "_distributions";
}

void DistributionPlot::rebuild() {
  distributions_.clear();
  if (groups_.empty()) return;
  const auto shown = shownGenes();
  if (shown.empty()) {
    showPlaceholder(tr("No genes selected: raise “Top DE genes” or add a gene by name."));
    emit genesChanged();
    return;
  }
  clearPlot();
  std::vector<CellGroup> cellGroups;
  for (const auto& g : groups_) cellGroups.push_back({groupName(g.kind).toStdString(), g.cells.get()});
  QStringList names;
  double lo = 0, hi = 0;
  for (int gene : shown) {
    distributions_.push_back(geneDistribution(cellGroups, gene, genes_[gene]));
    names << QString::fromStdString(genes_[gene]);
    lo = std::min(lo, distributions_.back().lo);
    hi = std::max(hi, distributions_.back().hi);
  }
  auto* p = plot();
  const int nGroups = static_cast<int>(groups_.size());
  for (int slot = 0; slot < static_cast<int>(distributions_.size()); ++slot)
    for (int g = 0; g < nGroups; ++g) drawGroupShapes(slot, g, nGroups, distributions_[slot].groups[g]);
  // Medians as white dots (one graph, one legend entry).
  auto* medians = p->addGraph();
  medians->setName(tr("median"));
  medians->setLineStyle(QCPGraph::lsNone);
  medians->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1), QBrush(Qt::white), 5));
  for (int slot = 0; slot < static_cast<int>(distributions_.size()); ++slot)
    for (int g = 0; g < nGroups; ++g) {
      const auto& d = distributions_[slot].groups[g];
      if (!d.values.empty()) medians->addData(slot - kSlot / 2 + kSlot / nGroups * (g + 0.5), d.median);
    }
  setNameTicks(p->xAxis, names);
  p->xAxis->setLabel(rankedByObserved_ ? tr("gene (top DE genes, observed vs control; then genes added)")
                                       : tr("gene (top DE genes, predicted vs control; then genes added)"));
  p->yAxis->setLabel(tr("expression (log1p)"));
  p->xAxis->setRange(-0.6, static_cast<double>(shown.size()) - 0.4);
  const double pad = std::max(0.05 * (hi - lo), 0.05);
  p->yAxis->setRange(lo - pad, hi + pad);
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  const QString how = mode_ == Mode::Violin ? tr("violins: Gaussian kernel density, Scott bandwidth")
                                            : tr("histograms, 30 bins");
  setTitle(nGroups == 3
               ? tr("%1: expression per gene in control, observed and predicted cells\n(%2)")
                     .arg(QString::fromStdString(perturbation_), how)
               : tr("%1: expression per gene in control and predicted cells — no observed cells\n(%2)")
                     .arg(QString::fromStdString(perturbation_), how));
  p->replot();
  emit genesChanged();
}

void DistributionPlot::drawGroupShapes(int slot, int group, int groups, const GroupDistribution& d) {
  if (d.values.empty()) return;
  const double width = kSlot / groups, cx = slot - kSlot / 2 + width * (group + 0.5);
  const auto pts = profile(d, mode_ == Mode::Violin, width * 0.46);
  if (pts.empty()) return;
  auto* curve = new QCPCurve(plot()->xAxis, plot()->yAxis);
  QVector<double> t, x, y;
  for (const auto& [v, w] : pts) {
    x << cx + w;
    y << v;
  }
  for (auto it = pts.rbegin(); it != pts.rend(); ++it) {
    x << cx - it->second;
    y << it->first;
  }
  x << x.front();
  y << y.front();
  for (int i = 0; i < x.size(); ++i) t << i;
  curve->setData(t, x, y);
  const QColor color = groupColor(groups_[group].kind);
  QColor fill = color;
  fill.setAlpha(150);
  curve->setPen(QPen(color.darker(130), 1));
  curve->setBrush(fill);
  curve->setName(tr("%1 (n = %2 cells)").arg(groupName(groups_[group].kind)).arg(d.values.size()));
  if (slot > 0) curve->removeFromLegend();
}

QString DistributionPlot::hoverText(const QPoint& pos) const {
  if (distributions_.empty() || groups_.empty() || !plot()->axisRect()->rect().contains(pos)) return {};
  const double x = plot()->xAxis->pixelToCoord(pos.x());
  const int slot = static_cast<int>(std::lround(x));
  const int nGroups = static_cast<int>(groups_.size());
  const int group = static_cast<int>(std::floor((x - (slot - kSlot / 2)) / (kSlot / nGroups)));
  if (slot < 0 || slot >= static_cast<int>(distributions_.size()) || group < 0 || group >= nGroups) return {};
  const auto& d = distributions_[slot].groups[group];
  return tr("%1 · %2\n%3 cells, mean %4, median %5 (log1p)")
      .arg(QString::fromStdString(distributions_[slot].gene), groupName(groups_[group].kind))
      .arg(d.values.size())
      .arg(formatNumber(d.mean), formatNumber(d.median));
}

}  // namespace scdfm::ui
