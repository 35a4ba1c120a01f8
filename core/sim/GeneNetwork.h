#pragma once
// The simulator's gene regulatory network: signed, directed, sparse edges
// from a few hub regulators through module regulators to their targets, plus
// a few negative feedback edges. It also owns the nonlinear update that turns
// a cell's inputs into its steady-state expression (propagate()).
//
// Expression model (natural-log scale, per cell):
//   y_g = u_g + sum_j W_gj * m_j * L * tanh((y_j - b_j) / L)
// u: the cell's inputs (basal level b, cell-type program, latent state,
// noise, perturbations); b_j: regulator j's basal level, so an unperturbed
// reference cell sits at y = b; L: saturation (one regulator changes a
// target by at most exp(|W| L)); m_j: per-cell edge modulation used by
// genetic interactions (1 = none). Updated in Gauss–Seidel sweeps in
// hierarchy order, so the feed-forward part is exact after one sweep and
// feedback edges settle over the following sweeps.
#include <cstdint>
#include <string>
#include <vector>

namespace scdfm::sim {

class SimRandom;

enum class GeneRole { Hub, ModuleRegulator, SubRegulator, Target };
const char* toString(GeneRole r);

struct Edge {
  int source = 0, target = 0;
  double weight = 0;
  bool feedback = false;
};

class GeneNetwork {
 public:
  static constexpr double kSaturation = 2.0;  // L above

  // Random network over n genes (names G0001…), deterministic in rng.
  static GeneNetwork generate(int nGenes, double feedbackFraction, SimRandom& rng);

  int size() const { return static_cast<int>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<int>& modules() const { return module_; }
  int moduleCount() const { return nModules_; }
  const std::vector<GeneRole>& roles() const { return role_; }
  bool isRegulator(int g) const { return role_[g] != GeneRole::Target; }
  const std::vector<double>& basal() const { return basal_; }
  const std::vector<Edge>& edges() const { return edges_; }
  // Targets of gene g (out-edges), as edge indices.
  const std::vector<int>& outEdges(int g) const { return out_[g]; }
  // Genes reachable from g within `depth` steps (excluding g).
  std::vector<int> downstream(int g, int depth) const;

  // The nonlinear update above. u, y: n values; modulation: n values or null.
  // phi is scratch space of n values.
  void propagate(const double* u, const double* modulation, int sweeps, double* y, double* phi) const;

 private:
  void buildIndex();

  std::vector<std::string> names_;
  std::vector<int> module_;
  int nModules_ = 0;
  std::vector<GeneRole> role_;
  std::vector<double> basal_;
  std::vector<Edge> edges_;
  std::vector<int> order_;                 // update order (hierarchy level, then index)
  std::vector<int> inStart_, inSource_;    // CSR of in-edges by target
  std::vector<double> inWeight_;
  std::vector<std::vector<int>> out_;
};

}  // namespace scdfm::sim
