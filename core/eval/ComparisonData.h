#pragma once
// One prediction beside the observed and control cells, as the numbers the
// analysis views draw: per-gene mean and variance of each group, the mean shift
// Δ of observed and predicted cells against the controls, DE of both against the
// controls, the top-k DE genes and Pearson r of Δ. Observed cells may be absent
// (a perturbation the data does not contain): then only the predicted side is
// filled and the ranking uses the predicted DE.
//
// With observed cells everything comes from evaluatePerturbationDetailed (one
// implementation of DE and of the Pearson Δ metrics); without, from the same DE.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/DifferentialExpression.h"
#include "core/eval/Metrics.h"
#include "core/io/AnnData.h"

namespace scdfm {

// Per-gene moments of one cell group (cells × genes); empty when the group has no cells.
struct GroupStats {
  long cells = 0;
  Eigen::VectorXd mean;      // per gene
  Eigen::VectorXd variance;  // per gene, ddof = 1 (NaN with one cell)
  bool empty() const { return cells == 0; }
};
GroupStats groupStats(const RowMatrixF& cells);

struct ComparisonOptions {
  int topK = kTopDeGenes;  // genes in topDeGenes
  EvalOptions eval;        // DE test and metric options (distribution metrics off: the views do not need them)
  ComparisonOptions() { eval.distributionMetrics = false; }
};

struct ComparisonData {
  std::vector<std::string> genes;  // column names of every matrix
  GroupStats control, observed, predicted;
  Eigen::VectorXd deltaObserved;   // μ_obs − μ_ctrl (empty without observed cells)
  Eigen::VectorXd deltaPredicted;  // μ_pred − μ_ctrl
  std::optional<DeResult> observedDe;  // observed vs control
  DeResult predictedDe;                // predicted vs control
  std::vector<int> topDeGenes;         // top-k by |DE score|, best first
  bool rankedByObserved = false;       // topDeGenes from the observed DE (else the predicted)
  // Pearson r of Δ_pred vs Δ_obs over all genes and over the top-20 observed DE genes
  // (the metrics pearson_delta and pearson_delta_top20_de); NaN without observed cells.
  double pearsonDeltaAll = 0, pearsonDeltaTopDe = 0;
  MetricSet metrics;  // per-perturbation metrics (empty without observed cells)

  bool hasObserved() const { return !observed.empty(); }
  int geneIndex(const std::string& gene) const;  // -1 when absent
};

// control and predicted must have ≥ 1 cell; observed may have 0 rows (any column count)
// or the same genes. InputError names the inconsistent input.
ComparisonData computeComparison(const RowMatrixF& control, const RowMatrixF& observed, const RowMatrixF& predicted,
                                 const std::vector<std::string>& genes, const ComparisonOptions& options = {});

// Indices of the n entries with the largest |value| (NaN last), ties: lower index first.
std::vector<int> largestAbsolute(const Eigen::VectorXd& values, int n);

}  // namespace scdfm
