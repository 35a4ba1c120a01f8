#include "core/data/ModelSpaceCells.h"

#include "core/data/Dataset.h"
#include "core/data/Preprocess.h"

namespace scdfm {

RowMatrixF modelSpaceCells(const Dataset& dataset, const std::vector<std::int64_t>& rows,
                           const std::vector<std::int64_t>& geneColumns, const CheckpointPreprocessing& preprocessing) {
  ExpressionMatrix e = dataset.expression(rows);
  if (preprocessing.normalizeTotal > 0) normalizeTotal(e, preprocessing.normalizeTotal);
  if (preprocessing.log1p) log1pInPlace(e);
  RowMatrixF out = RowMatrixF::Zero(e.rows(), static_cast<std::int64_t>(geneColumns.size()));
  // Sparse: scatter the stored values of the wanted columns (no dense copy of
  // every gene); a column asked for twice takes the dense route.
  std::vector<std::int64_t> slot(static_cast<std::size_t>(e.cols()), -1);
  bool repeated = false;
  for (std::size_t j = 0; j < geneColumns.size(); ++j) {
    auto& s = slot.at(static_cast<std::size_t>(geneColumns[j]));
    repeated = repeated || s >= 0;
    s = static_cast<std::int64_t>(j);
  }
  if (!e.sparse || repeated) {
    const RowMatrixF d = e.sparse ? e.toDense() : RowMatrixF();
    const RowMatrixF& all = e.sparse ? d : e.dense;
    for (std::size_t j = 0; j < geneColumns.size(); ++j) out.col(static_cast<std::int64_t>(j)) = all.col(geneColumns[j]);
    return out;
  }
  for (std::int64_t i = 0; i < e.csr.outerSize(); ++i)
    for (SparseRowMatrixF::InnerIterator it(e.csr, i); it; ++it)
      if (const auto s = slot[static_cast<std::size_t>(it.col())]; s >= 0) out(i, s) = it.value();
  return out;
}

}  // namespace scdfm
