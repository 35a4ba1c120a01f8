#pragma once
// UMAP's fuzzy simplicial set (McInnes, Healy & Melville 2018, §3; the
// formulas and constants of umap-learn's umap_.py): smooth kNN distances
// (sigma, rho per point), membership strengths exp(-(d - rho) / sigma), and
// the fuzzy union A + A^T - A o A^T.
#include <cstdint>
#include <vector>

#include "core/embed/Knn.h"
#include "core/util/CancelToken.h"

namespace scdfm {

struct SmoothKnn {
  std::vector<float> sigmas;
  std::vector<float> rhos;
};

// umap-learn's smooth_knn_dist: distances rows sorted ascending; like
// umap-learn the sum skips column 0 (the point itself in a fit). Binary search
// of at most nIter steps to |sum - log2(k) * bandwidth| < 1e-5
// (SMOOTH_K_TOLERANCE); sigma at least 1e-3 (MIN_K_DIST_SCALE) times the mean
// distance. `cancel` is checked every few thousand rows (large data).
SmoothKnn smoothKnnDist(const KnnGraph& knn, float k, int nIter = 64, float localConnectivity = 1.0f,
                        float bandwidth = 1.0f, const CancelToken& cancel = {});

// A sparse graph as edge lists (head -> tail with weight), rows x cols vertices.
struct FuzzyGraph {
  std::int64_t rows = 0, cols = 0;
  std::vector<std::int32_t> head, tail;
  std::vector<float> weight;
  std::size_t edges() const { return weight.size(); }
};

// Directed memberships from the kNN graph (umap-learn's compute_membership_strengths).
// bipartite=false: an edge of a point to itself gets weight 0 (and is dropped).
FuzzyGraph membershipStrengths(const KnnGraph& knn, const SmoothKnn& s, std::int64_t cols, bool bipartite);

// Symmetric fuzzy set: mix * (A + A^T - A o A^T) + (1 - mix) * (A o A^T), zeros
// dropped, edges sorted by (head, tail). Buckets the entries by row, so it
// takes linear time and `cancel` is checked every few thousand rows.
FuzzyGraph fuzzyUnion(const FuzzyGraph& directed, float setOpMixRatio = 1.0f, const CancelToken& cancel = {});

// umap-learn's make_epochs_per_sample: n_epochs / (n_epochs * w / max w); -1 for never.
std::vector<float> epochsPerSample(const std::vector<float>& weights, int nEpochs);

}  // namespace scdfm
