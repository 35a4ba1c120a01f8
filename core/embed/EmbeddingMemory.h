#pragma once
// Memory an embedding of many cells needs, estimated before anything is read,
// so that a UMAP of a file too large for the machine is refused with a clear
// message (core/util/AvailableMemory) instead of ending in the OOM killer.
#include <cstdint>

namespace scdfm {

// Bytes of an expression matrix in memory: CSR (float values, int64 column
// indices and row pointers) when nnz >= 0, else dense float.
double expressionBytes(std::int64_t cells, std::int64_t genes, std::int64_t nnz);

// Peak bytes of PCA (randomized SVD, nPcs + 10 sketch columns in double) and
// UMAP (HNSW index over the scores, kNN graph, fuzzy graph and its
// symmetrisation, layout) of `cells` cells, on top of the expression matrix.
double embeddingPeakBytes(std::int64_t cells, std::int64_t genes, int nPcs = 50, int nNeighbors = 15);

}  // namespace scdfm
