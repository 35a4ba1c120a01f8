#pragma once
// The one metrics module: the field's common metrics and the authors' cell-eval set
// (spec §5.1), computed from plain expression matrices (cells × genes, log1p values as
// the model sees them). Every metric has an entry in metricCatalog() with its exact
// formula; the GUI shows it as a tooltip and the CLI prints it in its help.
//
// Notation: μ_c, μ_o, μ_p = per-gene means of control, observed-perturbed and predicted
// cells; Δ_o = μ_o − μ_c, Δ_p = μ_p − μ_c; G = number of genes.
// DE "observed" = observed cells vs control; DE "predicted" = predicted cells vs the same
// control cells (as cell-eval does: the predicted AnnData holds the real controls).
// "top-20 DE genes" = the 20 genes with the largest |score| in the observed DE (scanpy's
// rankby_abs ordering; score = Wilcoxon z or Welch t, see DifferentialExpression.h).
// "significant" = BH FDR < 0.05; significant genes are ordered by |log2 FC| (cell-eval).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/eval/DifferentialExpression.h"
#include "core/eval/Distances.h"
#include "core/io/AnnData.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

enum class MetricFamily { Field, CellEval };
enum class MetricScope {
  PerPerturbation,      // one value per perturbation from its own cells
  RankedAmongAll,       // one value per perturbation, but relative to all others (discrimination)
  AcrossPerturbations,  // one value for a whole set of perturbations
};

struct MetricInfo {
  std::string id;           // stable key (CSV column, JSON key, CLI name)
  std::string displayName;  // for tables and plots
  std::string formula;      // plain-text definition (tooltip / --help)
  bool higherIsBetter = false;
  MetricFamily family = MetricFamily::Field;
  MetricScope scope = MetricScope::PerPerturbation;
};

const char* toString(MetricFamily family);  // "field" / "cell-eval"
const char* toString(MetricScope scope);    // "per perturbation" / "ranked among all" / "across perturbations"

// Every metric this module computes, in display order.
const std::vector<MetricInfo>& metricCatalog();
// nullptr when unknown.
const MetricInfo* findMetric(std::string_view id);

// id → value. NaN where a metric is undefined for the data (e.g. no significant genes).
using MetricSet = std::map<std::string, double>;

constexpr int kTopDeGenes = 20;

struct EvalOptions {
  DeOptions de;                    // test for all DE sets (default: cell-eval's Wilcoxon)
  double fdrThreshold = 0.05;      // "significant"
  MmdOptions mmd;
  bool distributionMetrics = true; // energy_distance and mmd (predicted vs observed cells)
  // Multi-perturbation only:
  bool pooledFdr = true;           // BH over all (perturbation, gene) tests together, as cell-eval
  bool edistanceMetric = true;     // pearson_edistance (needs control–control distances)
  bool discriminationOnAbsDelta = true;   // cell-eval 0.5: distances between |Δ| vectors
  bool discriminationExcludeTargets = false;  // drop each perturbation's target genes (cell-eval's
                                              // name match never fires on the authors' data)
};

// Everything behind one perturbation's metrics (for tables, plots and exports).
struct PerturbationEvaluation {
  MetricSet metrics;
  DeResult observedDe, predictedDe;  // vs control; FDR per perturbation (or pooled, multi)
  std::vector<int> topDeGenes;       // observed top-20 by |score|
};

// Field + cell-eval per-perturbation metrics for one perturbation. All matrices are
// cells × genes over `genes` (which may be empty: then only the column count is checked).
// Throws InputError naming what is inconsistent.
PerturbationEvaluation evaluatePerturbationDetailed(const RowMatrixF& control, const RowMatrixF& observed,
                                                    const RowMatrixF& predicted,
                                                    const std::vector<std::string>& genes,
                                                    const EvalOptions& options = {});
MetricSet evaluatePerturbation(const RowMatrixF& control, const RowMatrixF& observed, const RowMatrixF& predicted,
                               const std::vector<std::string>& genes, const EvalOptions& options = {});

// One perturbation's cells for the multi-perturbation evaluation. The matrices are
// referenced, not copied: they must outlive the call.
struct PerturbationCells {
  std::string name;
  const RowMatrixF* observed = nullptr;
  const RowMatrixF* predicted = nullptr;
  std::vector<std::string> targetGenes;  // used only with discriminationExcludeTargets
};

struct MultiEvaluation {
  std::vector<std::string> perturbations;
  std::vector<PerturbationEvaluation> perPerturbation;  // metrics include the discrimination scores
  // Across-perturbation metrics (pearson_edistance, de_spearman_sig, pr_auc_pooled, ...)
  // plus, under each per-perturbation id, the mean over perturbations (NaNs skipped).
  MetricSet summary;
};

// The cell-eval run over a set of perturbations sharing one control set.
MultiEvaluation evaluatePerturbations(const RowMatrixF& control, const std::vector<PerturbationCells>& perturbations,
                                      const std::vector<std::string>& genes, const EvalOptions& options = {},
                                      const Progress& progress = Progress::none(),
                                      const CancelToken& cancel = CancelToken());

// Building blocks, exposed for tests and for tools that hold DE results already.
// Discrimination score of every perturbation: for p, the distances d(Δ_pred(p), Δ_real(q))
// over all q (rows of the matrices), rank of q = p among them ascending (0 = closest,
// ties by index), score = 1 − rank/P. metric: "l1", "l2" or "cosine" (1 − cos).
// excludeMask (optional, P × G, 1 = drop the gene for that perturbation's comparison).
std::vector<double> discriminationScores(const Eigen::MatrixXd& realDeltas, const Eigen::MatrixXd& predDeltas,
                                         const std::string& metric,
                                         const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>* excludeMask = nullptr);
// cell-eval overlap at k: k_eff = min(k, |list|) for the real list ("overlap") or the
// predicted list ("precision"); |top_keff(real) ∩ top_keff(pred)| / k_eff; 0 when k_eff = 0.
// k <= 0 means "all significant genes" (N).
double deOverlapAtK(const std::vector<int>& realRanked, const std::vector<int>& predRanked, int k, bool precision);

}  // namespace scdfm
