#include "ui/analysis/ComparisonPanel.h"

#include <QSplitter>

#include "ui/analysis/AttentionMapView.h"
#include "ui/analysis/AttentionReceivedChart.h"
#include "ui/analysis/DeRankChart.h"
#include "ui/analysis/DeltaScatterPlot.h"
#include "ui/analysis/DistributionPlot.h"
#include "ui/analysis/GraphNeighbourhoodView.h"
#include "ui/analysis/MetricsView.h"

namespace scdfm::ui {

ComparisonPanel::ComparisonPanel(QWidget* parent) : QTabWidget(parent) {
  distributions_ = new DistributionPlot(this);
  delta_ = new DeltaScatterPlot(this);
  deRank_ = new DeRankChart(this);
  metrics_ = new MetricsView(this);
  auto* split = new QSplitter(Qt::Vertical, this);
  attention_ = new AttentionMapView(split);
  received_ = new AttentionReceivedChart(split);
  split->addWidget(attention_);
  split->addWidget(received_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  graph_ = new GraphNeighbourhoodView(this);
  addTab(distributions_, tr("Distributions"));
  addTab(delta_, tr("Δ scatter"));
  addTab(deRank_, tr("DE ranking"));
  addTab(metrics_, tr("Metrics"));
  addTab(split, tr("Attention"));
  addTab(graph_, tr("Graph"));
  setTabToolTip(DistributionsTab, tr("Expression of single genes in control, observed and predicted cells"));
  setTabToolTip(DeltaTab, tr("Predicted vs observed change of every gene's mean expression"));
  setTabToolTip(DeRankingTab, tr("The top differentially expressed genes, observed vs predicted change"));
  setTabToolTip(MetricsTab, tr("The model's metrics beside simple baselines"));
  setTabToolTip(AttentionTab, tr("Which genes the model attends to"));
  setTabToolTip(GraphTab, tr("The perturbed genes' neighbours in the model's gene-interaction graph"));
  connect(attention_, &AttentionMapView::matrixChanged, this, &ComparisonPanel::updateReceived);
}

void ComparisonPanel::setInput(const ComparisonInput& input) { setInput(input, computeComparisonResults(input)); }

void ComparisonPanel::setInput(const ComparisonInput& input, const ComparisonResults& results) {
  input_ = input;
  results_ = results;
  const auto& d = results_.comparison;
  const std::string& pert = input_.perturbation;
  distributions_->setData(pert, input_.genes, input_.control, input_.observed, input_.predicted, d.topDeGenes,
                          d.rankedByObserved);
  delta_->setData(pert, d);
  deRank_->setData(pert, d);
  if (!input_.metricRuns.empty())
    metrics_->setRuns(pert, input_.metricRuns);
  else
    metrics_->showMessage(input_.hasObserved()
                              ? tr("No metrics were computed for %1 yet.").arg(QString::fromStdString(pert))
                              : tr("“%1” has no observed cells in this dataset: metrics compare predictions with "
                                   "observed cells, so there are none for an unseen perturbation.")
                                    .arg(QString::fromStdString(pert)));
  attention_->setData(pert, input_.attention, input_.genes, input_.targets, d.topDeGenes);
  const QString cells = tr("%1 control cells%2")
                            .arg(input_.control->rows())
                            .arg(input_.context.empty() ? QString() : " (" + QString::fromStdString(input_.context) + ")");
  if (results_.neighbourhood)
    graph_->setData(pert, *results_.neighbourhood, cells);
  else if (!results_.neighbourhoodError.empty())
    graph_->showMessage(pert, tr("The gene graph could not be read: %1")
                                  .arg(QString::fromStdString(results_.neighbourhoodError)));
  else
    graph_->showMessage(pert, tr("The model's gene-interaction graph is not available (the checkpoint has no "
                                 "graph mask)."));
}

void ComparisonPanel::updateReceived() {
  if (!attention_->hasMaps()) {
    received_->showMessage(tr("No attention maps for %1.").arg(QString::fromStdString(input_.perturbation)));
    return;
  }
  if (attention_->fullMatrix().mapsAveraged == 0) {
    received_->showMessage(tr("No map for this selection."));
    return;
  }
  received_->setData(input_.perturbation, attention_->fullMatrix().values, input_.genes, input_.targets,
                     attention_->selectionDescription());
}

QString ComparisonPanel::exportCurrentTo(const QString& path) const {
  switch (currentIndex()) {
    case DistributionsTab: return distributions_->exportTo(path);
    case DeltaTab: return delta_->exportTo(path);
    case DeRankingTab: return deRank_->exportTo(path);
    case MetricsTab: return metrics_->exportTo(path);
    case AttentionTab: return attention_->exportTo(path);
    case GraphTab: return graph_->exportTo(path);
    default: return tr("Nothing to export on this tab.");
  }
}

}  // namespace scdfm::ui
