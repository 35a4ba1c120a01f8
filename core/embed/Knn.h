#pragma once
// k nearest neighbours (Euclidean) of cells in a low-dimensional space (PCA
// scores): an approximate HNSW index (hnswlib) for large data, exact brute
// force for small data (and in tests), both multi-threaded.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/embed/EmbedTypes.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

// Neighbours of each query row, nearest first: indices into the indexed data
// and Euclidean distances, row-major (query x k). -1 marks a missing neighbour.
struct KnnGraph {
  int k = 0;
  std::vector<std::int32_t> indices;
  std::vector<float> distances;

  std::int64_t rows() const { return k > 0 ? static_cast<std::int64_t>(indices.size()) / k : 0; }
  std::int32_t index(std::int64_t i, int j) const { return indices[i * k + j]; }
  float distance(std::int64_t i, int j) const { return distances[i * k + j]; }
};

struct KnnOptions {
  int m = 16;                  // HNSW graph degree
  int efConstruction = 200;
  int ef = 0;                  // query beam width (searches use max(ef, k)); 0: 32, recall@15 ~0.995 on 50-D PCA spaces
  std::int64_t exactBelow = 4096;  // brute force when the indexed data has fewer rows (umap-learn's small-data cut)
  bool forceExact = false;
  bool forceApproximate = false;
  std::uint64_t seed = 100;    // HNSW level generator
  int threads = 0;             // 0: threadCount(); 1 makes the HNSW build deterministic
};

// An index over the rows of `data` (copied). Thread-safe to query.
class KnnIndex {
 public:
  KnnIndex(const RowMatrixF& data, const KnnOptions& options = {}, const Progress& progress = Progress::none(),
           const CancelToken& cancel = CancelToken());
  ~KnnIndex();
  KnnIndex(const KnnIndex&) = delete;
  KnnIndex& operator=(const KnnIndex&) = delete;

  bool approximate() const;
  std::int64_t size() const;
  int dim() const;
  const RowMatrixF& data() const;
  const KnnOptions& options() const;

  // k nearest indexed rows of each row of `queries`.
  KnnGraph query(const RowMatrixF& queries, int k, const Progress& progress = Progress::none(),
                 const CancelToken& cancel = CancelToken()) const;
  // The k nearest neighbours of every indexed row, the row itself first (at
  // distance 0), as umap-learn's fit uses them.
  KnnGraph queryIndexed(int k, const Progress& progress = Progress::none(), const CancelToken& cancel = CancelToken()) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Exact k nearest rows of `data` for each row of `queries` (brute force, blocked GEMM).
KnnGraph exactKnn(const RowMatrixF& data, const RowMatrixF& queries, int k, int threads = 0,
                  const CancelToken& cancel = CancelToken());

// Fraction of true neighbours found: |approx_i ∩ exact_i| / k averaged over rows.
double knnRecall(const KnnGraph& approx, const KnnGraph& exact);

}  // namespace scdfm
