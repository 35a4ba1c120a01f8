#pragma once
// UMAP's layout optimisation (umap-learn's optimize_layout_euclidean): SGD on
// the fuzzy cross-entropy with edge sampling proportional to the membership
// weight (epochs_per_sample) and negative sampling, gradients clipped at ±4,
// learning rate decaying linearly to 0.
#include <cstdint>
#include <vector>

#include "core/embed/EmbedTypes.h"
#include "core/embed/FuzzyGraph.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

struct LayoutOptions {
  float a = 1.577f, b = 0.895f;  // low-dimensional curve 1 / (1 + a d^2b)
  float gamma = 1.0f;            // repulsion strength
  float initialAlpha = 1.0f;     // learning rate
  int negativeSampleRate = 5;
  int nEpochs = 200;
  bool moveOther = true;         // fit: both ends move; transform: only the new points
  int threads = 1;               // 1: deterministic; more: Hogwild (lock-free, racy updates)
  std::uint64_t seed = 0;
};

// Optimises `head` in place. Edges go from head rows to tail rows; `tail` may be
// the same matrix as `head` (a fit). Negative samples are drawn from the tail rows.
// Edges with epochsPerSample <= 0 are never sampled.
void optimizeLayout(RowMatrixF& head, const RowMatrixF& tail, const FuzzyGraph& graph,
                    const std::vector<float>& epochsPerSample, const LayoutOptions& options,
                    const Progress& progress = Progress::none(), const CancelToken& cancel = CancelToken());

}  // namespace scdfm
