#pragma once
// One simulated cell: its latent variables (cell type, state, library size,
// guide efficiencies, drug sensitivity), its log expression rates after the
// network update, and its UMI counts (negative binomial).
//
// All draws come from counter-based streams keyed by (seed, cell id, ...),
// never from the condition, so the same cell id under two conditions differs
// only by the perturbation (used for low-noise ground truth).
#include <array>
#include <cstdint>
#include <vector>

#include "core/sim/GeneNetwork.h"
#include "core/sim/SimulationConfig.h"
#include "core/sim/SimulationDesign.h"

namespace scdfm::sim {

struct CellLatent {
  int cellType = 0;
  double state = 0;     // latent state factor, N(0, 1)
  double library = 0;   // expected UMIs before composition effects
  // Per guide slot of the condition: CRISPRi: fraction of target mRNA left;
  // CRISPRa: fold induction. NaN for unused slots.
  std::array<double, 2> guideEffect{};
  std::array<double, 2> guideStrength{};  // r in [0, 1]: how strongly the guide acted
  std::array<double, 2> drugEc50Factor{};  // cell's sensitivity multiplier on EC50
};

// Scratch buffers, one per thread.
struct CellWorkspace {
  std::vector<double> noise, u, y, phi, modulation;
};

class CellModel {
 public:
  CellModel(const SimulationConfig& config, const GeneNetwork& network, const SimulationDesign& design);

  CellLatent latent(std::uint64_t cellId, const Condition& condition, CellWorkspace& ws) const;
  // Fills ws.y with the cell's log rates (needs ws.noise from latent()).
  void logRates(const CellLatent& cell, const Condition& condition, CellWorkspace& ws) const;
  // Expected UMI count of gene g given the log rate y.
  double expectedCount(const CellLatent& cell, double y) const;
  // Negative-binomial UMI count of gene g of this cell.
  long long sampleCount(std::uint64_t cellId, int g, double expected) const;

  void setRateScale(double s) { rateScale_ = s; }
  double rateScale() const { return rateScale_; }
  int genes() const { return network_.size(); }

 private:
  const SimulationConfig& config_;
  const GeneNetwork& network_;
  const SimulationDesign& design_;
  double rateScale_ = 1.0;
  std::vector<double> baseInput_;  // per cell type: basal + program
};

// Stream ids (documented so results can be reproduced independently).
enum StreamId : std::uint64_t {
  kStreamNetwork = 1, kStreamDesign = 2, kStreamLatent = 3, kStreamGuide = 4,
  kStreamDrug = 5, kStreamCounts = 6, kStreamOrder = 7, kStreamBarcode = 8
};

}  // namespace scdfm::sim
