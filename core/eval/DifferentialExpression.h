#pragma once
// Per-gene differential expression of a target cell set against a reference
// (control) set: Wilcoxon rank-sum (Mann–Whitney U) or Welch's t-test, fold
// changes, Benjamini–Hochberg FDR, and the gene rankings the metrics use.
//
// Conventions (defaults follow cell-eval 0.5 / pdex, the authors' evaluation; spec §5.1):
// * Wilcoxon p-value = scipy.stats.mannwhitneyu(target, reference, alternative='two-sided',
//   use_continuity=True, method='auto'): normal approximation with tie correction
//     σ_U = sqrt(n1·n2/12 · ((n+1) − Σ(t³−t)/(n(n−1)))),  z = (max(U1,U2) − n1·n2/2 − 0.5)/σ_U,
//     p = min(1, 2·(1 − Φ(z))),
//   and the exact null distribution when some group has ≤ 8 cells and there are no ties.
//   Scanpy's rank_genes_groups('wilcoxon') convention is continuity=false, tieCorrection=false,
//   exactSmallSamples=false (set `DeOptions::scanpy()`).
// * score (used for ranking, as scanpy's `scores`): Wilcoxon z = (U1 − n1·n2/2)/σ_U without
//   continuity correction, positive when the target is higher; for the t-test, Welch's t.
// * Welch t-test = scipy.stats.ttest_ind(target, reference, equal_var=False).
// * fold change (pdex): FC = μ_target/μ_reference, set to `clip` (20) when μ_reference = 0 and
//   to 1/clip when μ_target = 0; log2FC = log2(FC). μ are means of the values given (log1p
//   expression) unless foldChange = Expm1OfMean (pdex's log1p branch: expm1(mean)).
// * Tests that cannot be computed (a constant gene in both groups) get p = 1 (pdex's default).
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

enum class DeTest { Wilcoxon, WelchT };
enum class FoldChangeMode { MeanOfValues, Expm1OfMean };

struct DeOptions {
  DeTest test = DeTest::Wilcoxon;
  bool continuity = true;         // Wilcoxon: subtract 0.5 from |U − μ_U| (scipy default)
  bool tieCorrection = true;      // Wilcoxon: tie term in σ_U
  bool exactSmallSamples = true;  // Wilcoxon: scipy's exact p when a group has ≤ 8 cells and no ties
  FoldChangeMode foldChange = FoldChangeMode::MeanOfValues;
  double foldChangeClip = 20.0;
  // scanpy.tl.rank_genes_groups(method='wilcoxon') defaults.
  static DeOptions scanpy() {
    DeOptions o;
    o.continuity = false;
    o.tieCorrection = false;
    o.exactSmallSamples = false;
    return o;
  }
};

// The reference group prepared once (sorted columns, means, variances) and reused
// against many targets (every perturbation is tested against the same controls).
class DeReference {
 public:
  explicit DeReference(const RowMatrixF& reference);
  long cells() const { return cells_; }
  long genes() const { return static_cast<long>(mean_.size()); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& variance() const { return var_; }  // ddof = 1
  const std::vector<float>& sortedColumn(long gene) const { return sorted_[gene]; }

 private:
  long cells_ = 0;
  std::vector<std::vector<float>> sorted_;
  std::vector<double> mean_, var_;
};

// One row per gene, in the input gene order.
struct DeResult {
  std::vector<double> meanTarget, meanReference;  // means of the values given
  std::vector<double> statistic;  // Wilcoxon: U of the target (U1); t-test: Welch t
  std::vector<double> score;      // ranking score (see header comment); signed
  std::vector<double> pValue;
  std::vector<double> fdr;        // BH over the genes of this result (see setFdr for pooled)
  std::vector<double> foldChange, log2FoldChange;
  long genes() const { return static_cast<long>(pValue.size()); }
};

// Tests every gene of `target` against `reference` (columns are genes; both must have the
// same number of genes and ≥ 1 cell; InputError otherwise). Parallel over genes.
DeResult differentialExpression(const RowMatrixF& target, const DeReference& reference,
                                const DeOptions& options = {});
DeResult differentialExpression(const RowMatrixF& target, const RowMatrixF& reference,
                                const DeOptions& options = {});

// Wilcoxon / t-test on two plain samples (the per-gene kernels, exposed for tests and tools).
struct TwoSampleTest {
  double statistic = 0, score = 0, pValue = 1;
};
TwoSampleTest wilcoxonRankSum(std::vector<double> target, std::vector<double> reference, const DeOptions& options = {});
TwoSampleTest welchTTest(const std::vector<double>& target, const std::vector<double>& reference);

// Gene indices ordered by |score| descending (ties: lower index first) — scanpy's
// rankby_abs ordering, used by GEARS-style "top-k DE genes".
std::vector<int> rankByAbsScore(const DeResult& de);
// Significant genes (fdr < threshold) ordered by |log2FC| descending (ties: lower index
// first) — cell-eval's ordering for overlap/precision at k.
std::vector<int> significantByAbsLog2Fc(const DeResult& de, double fdrThreshold = 0.05);

}  // namespace scdfm
