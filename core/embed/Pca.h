#pragma once
// Principal component analysis by randomized truncated SVD (Halko, Martinsson
// & Tropp 2011): a Gaussian sketch with oversampling, power iterations with QR
// re-orthonormalisation, then an exact SVD of the small projected matrix.
// Sparse input is centred implicitly, (A - 1 mu^T) Omega = A Omega - 1 (mu^T Omega),
// so a cells x genes CSR matrix is never densified.
#include <cstdint>
#include <vector>

#include "core/embed/EmbedTypes.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

struct PcaOptions {
  int nComponents = 50;
  int oversampling = 10;      // extra sketch columns (Halko's p)
  int powerIterations = 7;    // as sklearn's randomized_svd n_iter='auto' for few components
  bool scale = false;         // divide each gene by its standard deviation (genes with sd 0 are left at 0)
  std::uint64_t seed = 0;
  int threads = 0;            // 0: threadCount()
};

// A fitted PCA: projects cells (rows, same genes/columns) onto the components.
// Sign convention: in each component the loading of largest magnitude is
// positive (sklearn's svd_flip with u_based_decision=False), so the result does
// not depend on the seed or on the order of cells.
struct PcaModel {
  Eigen::VectorXf mean;               // per gene
  Eigen::VectorXf scale;              // per gene divisor (all 1 when not scaled)
  RowMatrixF loadings;                // genes x components (scanpy's varm['PCs'])
  Eigen::VectorXf singularValues;     // of the centred (scaled) matrix
  Eigen::VectorXf explainedVariance;  // singular^2 / (n - 1)
  Eigen::VectorXf explainedVarianceRatio;  // over the total variance of all genes
  double totalVariance = 0.0;

  int nComponents() const { return static_cast<int>(loadings.cols()); }
  std::int64_t nFeatures() const { return loadings.rows(); }
  // Scores of new cells: ((x - mean) / scale) . loadings. Throws InputError when the
  // number of genes differs from the fitted one.
  RowMatrixF project(const SparseRowMatrixF& x, int threads = 0) const;
  RowMatrixF project(const RowMatrixF& x, int threads = 0) const;
};

struct PcaResult {
  PcaModel model;
  RowMatrixF scores;  // cells x components (obsm['X_pca'])
};

// nComponents is capped at min(cells, genes) - 1 (at least 1).
PcaResult fitPca(const SparseRowMatrixF& x, const PcaOptions& options = {}, const Progress& progress = Progress::none(),
                 const CancelToken& cancel = CancelToken());
PcaResult fitPca(const RowMatrixF& x, const PcaOptions& options = {}, const Progress& progress = Progress::none(),
                 const CancelToken& cancel = CancelToken());

}  // namespace scdfm
