#pragma once
// Spectral initialisation of a UMAP layout: the eigenvectors 1..dim (after the
// trivial one) of the normalised graph Laplacian L = I - D^-1/2 W D^-1/2, as
// umap-learn's spectral_layout, computed by restarted Lanczos with full
// re-orthogonalisation on (I + D^-1/2 W D^-1/2)/2 deflated against D^1/2 1.
#include <cstdint>
#include <optional>

#include "core/embed/EmbedTypes.h"
#include "core/embed/FuzzyGraph.h"
#include "core/util/CancelToken.h"

namespace scdfm {

// Number of connected components of a symmetric graph (labels per vertex when given).
int connectedComponents(const FuzzyGraph& graph, std::vector<int>* labels = nullptr);

// n x dim coordinates (eigenvectors, smallest Laplacian eigenvalue first), or
// nullopt when the graph is disconnected, too small, or the solver fails; the
// caller then falls back to a random layout as umap-learn does. `cancel` is
// checked at every Lanczos step.
std::optional<Eigen::MatrixXd> spectralLayout(const FuzzyGraph& graph, int dim, std::uint64_t seed,
                                              const CancelToken& cancel = {});

}  // namespace scdfm
