#pragma once
// Expression preprocessing with scanpy's semantics (scanpy 1.11), so that
// results match what users computed in Python:
//   normalizeTotal  = sc.pp.normalize_total(adata, target_sum=...)
//   log1pInPlace    = sc.pp.log1p(adata)
//   highlyVariableGenesSeurat = sc.pp.highly_variable_genes(adata, flavor='seurat', ...)
// Each function documents its formula in the .cpp. All work on
// ExpressionMatrix (sparse CSR or dense) in place or read-only.
#include <cstdint>
#include <limits>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

// x_ij <- x_ij * target / sum_j x_ij. target <= 0 uses the median of the
// non-zero cell totals (scanpy's target_sum=None). Cells with total 0 stay 0.
// Returns the target used.
double normalizeTotal(ExpressionMatrix& m, double targetSum = 1e4);

// x <- log(1 + x) on every stored value (zeros stay zeros).
void log1pInPlace(ExpressionMatrix& m);

struct HvgOptions {
  // > 0: keep the n genes with the highest normalised dispersion (ties at the
  // cut-off kept, as scanpy does); 0: use the cut-offs below.
  std::int64_t nTopGenes = 0;
  double minMean = 0.0125, maxMean = 3.0;
  double minDisp = 0.5, maxDisp = std::numeric_limits<double>::infinity();
  int nBins = 20;
};

struct HvgResult {
  std::vector<double> means;            // log1p(mean of expm1(x))   (scanpy 'means')
  std::vector<double> dispersions;      // log(var/mean), NaN when var = 0 ('dispersions')
  std::vector<double> dispersionsNorm;  // z-score within the mean bin ('dispersions_norm')
  std::vector<int> meanBin;             // 0..nBins-1 (pd.cut bin), -1 when the mean is NaN
  std::vector<std::uint8_t> highlyVariable;
  std::vector<std::int64_t> selected() const;  // indices of highly variable genes, ascending
};

// scanpy highly_variable_genes(flavor='seurat') on log1p data (not batch-aware).
HvgResult highlyVariableGenesSeurat(const ExpressionMatrix& logExpr, const HvgOptions& options = {});

// Exactly n gene indices ranked by normalised dispersion (descending, NaN
// last, ties by index): the GUI's "top N variable genes".
std::vector<std::int64_t> topGenesByDispersion(const HvgResult& hvg, std::int64_t n);

// Highly variable genes plus `forced` ones (e.g. perturbation targets, as the
// authors do), as ascending indices in the original var order.
std::vector<std::int64_t> selectGenes(const HvgResult& hvg, const std::vector<std::int64_t>& forced = {});

}  // namespace scdfm
