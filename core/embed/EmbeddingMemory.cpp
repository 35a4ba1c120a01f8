#include "core/embed/EmbeddingMemory.h"

namespace scdfm {

double expressionBytes(std::int64_t cells, std::int64_t genes, std::int64_t nnz) {
  const double n = static_cast<double>(cells);
  if (nnz >= 0) return static_cast<double>(nnz) * (4.0 + 8.0) + (n + 1.0) * 8.0;
  return n * static_cast<double>(genes) * 4.0;
}

double embeddingPeakBytes(std::int64_t cells, std::int64_t genes, int nPcs, int nNeighbors) {
  const double n = static_cast<double>(cells), pcs = nPcs, k = nNeighbors;
  const double sketch = pcs + 10.0;
  // PCA: the sketch and its orthonormal basis (n × l doubles, twice), the gene means
  // and loadings, the scores (float).
  const double pca = 2.0 * n * sketch * 8.0 + static_cast<double>(genes) * sketch * 8.0 * 2.0 + n * pcs * 4.0;
  // UMAP: a copy of the scores in the index, HNSW links (M = 16, 2M on layer 0) and
  // bookkeeping, the kNN graph (index + distance), the directed graph (head, tail,
  // weight), the symmetrised one (entries of A and Aᵀ, then the union), layout state.
  const double index = n * pcs * 4.0 + n * (2.0 * 16.0 * 4.0 + 64.0);
  const double knn = n * k * 8.0;
  const double directed = n * k * 12.0;
  const double symmetric = 2.0 * n * k * 12.0 + 2.0 * n * k * 12.0;
  const double layout = 2.0 * n * k * 12.0 + n * 2.0 * 8.0;
  return pca + index + knn + directed + symmetric + layout;
}

}  // namespace scdfm
