#pragma once
// UMAP (McInnes, Healy & Melville 2018) with umap-learn's defaults: fit an
// embedding of observed cells, then place new cells into the same picture
// without refitting (umap-learn's UMAP.transform): kNN into the fitted cells,
// membership strengths, start at the membership-weighted mean of the
// neighbours' positions, and optimise only the new points against the fixed
// embedding.
#include <cstdint>
#include <memory>
#include <utility>

#include "core/embed/EmbedTypes.h"
#include "core/embed/Knn.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

struct UmapOptions {
  int nNeighbors = 15;          // including the point itself, as umap-learn counts
  int nComponents = 2;
  float minDist = 0.1f;
  float spread = 1.0f;
  int nEpochs = 0;              // 0: 500 for <= 10,000 cells, else 200 (umap-learn)
  float learningRate = 1.0f;
  float repulsionStrength = 1.0f;  // gamma
  int negativeSampleRate = 5;
  float localConnectivity = 1.0f;
  float setOpMixRatio = 1.0f;   // 1: fuzzy union
  bool spectralInit = true;     // else uniform random in [-10, 10]
  std::uint64_t seed = 0;
  int threads = 0;              // 0: threadCount(); 1: deterministic for a seed
  // transform: 0 chooses as umap-learn: 100 epochs for <= 10,000 new cells, else 30,
  // or nEpochs / 3 when nEpochs was given.
  int transformEpochs = 0;
  KnnOptions knn;
};

// umap-learn's find_ab_params: least-squares fit of 1 / (1 + a x^2b) to the
// offset exponential (1 below minDist, exp(-(x - minDist) / spread) above) on
// 300 points of [0, 3 spread] (Levenberg-Marquardt from a = b = 1).
std::pair<float, float> findAbParams(float spread, float minDist);

class UmapModel {
 public:
  UmapModel();
  ~UmapModel();
  UmapModel(UmapModel&&) noexcept;
  UmapModel& operator=(UmapModel&&) noexcept;

  // Fits the embedding of the rows of `data` (cells x PCA components).
  static UmapModel fit(const RowMatrixF& data, const UmapOptions& options = {}, const Progress& progress = Progress::none(),
                       const CancelToken& cancel = CancelToken());
  // A model from a stored embedding (e.g. obsm X_pca and X_umap of a file) without
  // refitting: only the kNN index is built, so new cells can be transformed.
  static UmapModel fromEmbedding(const RowMatrixF& data, const RowMatrixF& embedding, const UmapOptions& options = {},
                                 const Progress& progress = Progress::none(), const CancelToken& cancel = CancelToken());

  // Coordinates of new cells (same space as the fitted data) in the fitted picture.
  RowMatrixF transform(const RowMatrixF& newData, const Progress& progress = Progress::none(),
                       const CancelToken& cancel = CancelToken()) const;

  bool fitted() const;
  const RowMatrixF& embedding() const;  // cells x nComponents (obsm['X_umap'])
  const UmapOptions& options() const;
  float a() const;
  float b() const;
  int epochsUsed() const;  // of the fit
  bool usedSpectralInit() const;  // false when the fit fell back to a random start
  const KnnIndex& index() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace scdfm
