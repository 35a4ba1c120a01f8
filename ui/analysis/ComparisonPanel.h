#pragma once
// One prediction judged against the data, in tabs: Distributions, Δ scatter,
// DE ranking, Metrics (model vs baselines), Attention (map + attention received),
// Graph (gene-interaction neighbourhood). Handles perturbations without observed
// cells and predictions without attention maps by saying so in the affected tabs.
#include <QTabWidget>

#include "ui/analysis/ComparisonInput.h"

namespace scdfm::ui {

class AttentionMapView;
class AttentionReceivedChart;
class DeltaScatterPlot;
class DeRankChart;
class DistributionPlot;
class FigureWidget;
class GraphNeighbourhoodView;
class MetricsView;

class ComparisonPanel : public QTabWidget {
  Q_OBJECT
 public:
  enum Tab { DistributionsTab, DeltaTab, DeRankingTab, MetricsTab, AttentionTab, GraphTab };
  explicit ComparisonPanel(QWidget* parent = nullptr);

  // Computes the results here (computeComparisonResults) and shows them. Throws InputError
  // for inconsistent matrices.
  void setInput(const ComparisonInput& input);
  // Shows results computed elsewhere (e.g. on a worker thread) for `input`.
  void setInput(const ComparisonInput& input, const ComparisonResults& results);
  const ComparisonResults& results() const { return results_; }

  DistributionPlot* distributions() const { return distributions_; }
  DeltaScatterPlot* deltaScatter() const { return delta_; }
  DeRankChart* deRanking() const { return deRank_; }
  MetricsView* metrics() const { return metrics_; }
  AttentionMapView* attentionMap() const { return attention_; }
  AttentionReceivedChart* attentionReceived() const { return received_; }
  GraphNeighbourhoodView* graph() const { return graph_; }

  // Exports the current tab: a figure (PNG/SVG/PDF) or, on the Metrics tab, CSV.
  // On the Attention tab the map is exported. "" on success, else the error.
  QString exportCurrentTo(const QString& path) const;

 private:
  void updateReceived();

  ComparisonInput input_;
  ComparisonResults results_;
  DistributionPlot* distributions_ = nullptr;
  DeltaScatterPlot* delta_ = nullptr;
  DeRankChart* deRank_ = nullptr;
  MetricsView* metrics_ = nullptr;
  AttentionMapView* attention_ = nullptr;
  AttentionReceivedChart* received_ = nullptr;
  GraphNeighbourhoodView* graph_ = nullptr;
};

}  // namespace scdfm::ui
