#pragma once
// Distances between cell sets (rows = cells, columns = genes or any feature space,
// e.g. PCA coordinates the caller projected). Computed in double precision in
// row blocks on threadCount() threads.
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

// mean_{i,j} ‖a_i − b_j‖ over all |A|·|B| pairs (Euclidean).
double meanPairwiseDistance(const RowMatrixF& a, const RowMatrixF& b);
// mean_{i,j} ‖a_i − a_j‖ over all n² pairs, the zero diagonal included (sklearn
// pairwise_distances(a).mean(), as cell-eval uses).
double meanPairwiseDistanceWithin(const RowMatrixF& a);

// Energy distance (V-statistic, cell-eval's E-distance):
//   E(X, Y) = 2·mean‖x − y‖ − mean‖x − x'‖ − mean‖y − y'‖,
// Euclidean distance; the within-set means run over all n² pairs including i = j.
// withinY may pass a precomputed meanPairwiseDistanceWithin(y) (reused across perturbations).
double energyDistance(const RowMatrixF& x, const RowMatrixF& y, double withinY = -1.0);

struct MmdOptions {
  std::vector<double> scales{0.5, 1.0, 2.0, 4.0};  // s in σ_s = sqrt(s·median)
};
// Multi-bandwidth unbiased MMD² exactly as the training loss (spec §3.2), X = predicted,
// Y = target (observed) cells:
//   med = lower median of the off-diagonal ‖y_i − y_j‖² (clamped ≥ 1e-12), σ_s = sqrt(s·med);
//   k_σ(a,b) = exp(−‖a − b‖² / (2σ² + 1e-12));
//   MMD²_σ = Σ_{i≠j} k(x_i,x_j)/(m(m−1)+1e-12) + Σ_{i≠j} k(y_i,y_j)/(n(n−1)+1e-12) − 2·mean_{i,j} k(x_i,y_j);
//   MMD = mean over s of MMD²_σs.  (Unbiased: can be slightly negative.)
// Holds the n(n−1)/2 squared distances within Y for the median (8 bytes each: 100 MB at
// n = 5000 observed cells).
double mmd(const RowMatrixF& x, const RowMatrixF& y, const MmdOptions& options = {});

}  // namespace scdfm
