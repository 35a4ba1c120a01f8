#include "core/embed/CellProjector.h"

#include <algorithm>

#include "core/data/Dataset.h"
#include "core/embed/Pca.h"
#include "core/util/Error.h"

namespace scdfm {

struct CellProjector::State {
  PcaModel pca;
  UmapModel umap;
  std::int64_t genes = 0, reference = 0;
};

CellProjector::CellProjector(const Dataset& ds, const ExpressionSpace& space, const RowMatrixF& embedding,
                             const ProjectorOptions& o, const Progress& progress, const CancelToken& cancel)
    : s_(std::make_unique<State>()) {
  if (embedding.rows() != ds.nCells() || embedding.cols() < 2)
    throw InputError(ds.path(), "embedding",
                     "has " + std::to_string(embedding.rows()) + " × " + std::to_string(embedding.cols()) +
                         " coordinates for " + std::to_string(ds.nCells()) + " cells",
                     "Compute or load a 2-D embedding of this dataset first");
  if (space.genes.size() < 2)
    throw InputError(ds.path(), "genes", "at least two model genes are needed to place cells in the embedding");
  // An even subsample keeps the index small for very large files.
  const std::int64_t n = ds.nCells();
  const std::int64_t m = std::min(n, std::max<std::int64_t>(100, o.maxReferenceCells));
  std::vector<std::int64_t> rows(static_cast<std::size_t>(m));
  for (std::int64_t i = 0; i < m; ++i) rows[static_cast<std::size_t>(i)] = i * n / m;
  progress.report(0.0, "Reading the dataset in the model's genes");
  RowMatrixF x = readExpression(ds, rows, space);
  cancel.throwIfCancelled();
  PcaOptions po;
  po.nComponents = std::max(1, std::min<int>(o.nComponents, static_cast<int>(space.genes.size()) - 1));
  po.seed = o.seed;
  PcaResult pca = fitPca(x, po, progress.sub(0.2, 0.5), cancel);
  RowMatrixF coords(m, 2);
  for (std::int64_t i = 0; i < m; ++i) coords.row(i) = embedding.row(rows[static_cast<std::size_t>(i)]).head(2);
  UmapOptions uo = o.umap;
  uo.nComponents = 2;
  uo.seed = o.seed;
  s_->umap = UmapModel::fromEmbedding(pca.scores, coords, uo, progress.sub(0.5, 1.0), cancel);
  s_->pca = std::move(pca.model);
  s_->genes = static_cast<std::int64_t>(space.genes.size());
  s_->reference = m;
}

CellProjector::~CellProjector() = default;
CellProjector::CellProjector(CellProjector&&) noexcept = default;
CellProjector& CellProjector::operator=(CellProjector&&) noexcept = default;

std::int64_t CellProjector::referenceCells() const { return s_->reference; }

RowMatrixF CellProjector::project(const RowMatrixF& cells, const Progress& progress, const CancelToken& cancel) const {
  if (cells.cols() != s_->genes)
    throw InputError("", "cells to place", "have " + std::to_string(cells.cols()) + " genes, the projector " +
                                               std::to_string(s_->genes));
  return s_->umap.transform(s_->pca.project(cells), progress, cancel);
}

}  // namespace scdfm
