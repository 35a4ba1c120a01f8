#pragma once
// Places new cells (the model's predictions) into a dataset's existing 2-D
// embedding without refitting it (umap-learn's transform): the dataset's cells
// are described in the model's expression space (its genes, its
// preprocessing), reduced by PCA, indexed for kNN, and tied to their shown
// coordinates; a new cell starts at the membership-weighted mean of its
// neighbours' positions and is optimised against the fixed picture. The shown
// embedding may have been computed from other genes (e.g. the file's X_umap on
// all genes): only neighbourhoods in the model's space are needed.
#include <cstdint>

#include "core/data/ModelExpression.h"
#include "core/embed/Umap.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

class Dataset;

struct ProjectorOptions {
  int nComponents = 50;                 // PCA components (capped by genes − 1)
  std::int64_t maxReferenceCells = 60000;  // larger datasets: an even subsample of the cells
  UmapOptions umap;
  std::uint64_t seed = 0;
};

class CellProjector {
 public:
  // embedding: dataset cells × ≥2 coordinates (all cells, in row order).
  CellProjector(const Dataset& dataset, const ExpressionSpace& space, const RowMatrixF& embedding,
                const ProjectorOptions& options = {}, const Progress& progress = Progress::none(),
                const CancelToken& cancel = {});
  ~CellProjector();
  CellProjector(CellProjector&&) noexcept;
  CellProjector& operator=(CellProjector&&) noexcept;

  // cells × space.genes → cells × 2 coordinates in the shown embedding.
  RowMatrixF project(const RowMatrixF& cells, const Progress& progress = Progress::none(),
                     const CancelToken& cancel = {}) const;
  std::int64_t referenceCells() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace scdfm
