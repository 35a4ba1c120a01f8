#include "core/sim/CellModel.h"

#include <cmath>
#include <limits>

#include "core/sim/SimRandom.h"

namespace scdfm::sim {

CellModel::CellModel(const SimulationConfig& config, const GeneNetwork& network, const SimulationDesign& design)
    : config_(config), network_(network), design_(design) {
  const int n = network.size();
  baseInput_.resize(design.cellTypes.size() * n);
  for (std::size_t c = 0; c < design.cellTypes.size(); ++c)
    for (int g = 0; g < n; ++g) baseInput_[c * n + g] = network.basal()[g] + design.cellTypes[c].program[g];
}

CellLatent CellModel::latent(std::uint64_t cellId, const Condition& condition, CellWorkspace& ws) const {
  const int n = network_.size();
  CellLatent cell;
  SimRandom rng(streamSeed(config_.seed, kStreamLatent, cellId));
  double u = rng.uniform(), acc = 0;
  cell.cellType = static_cast<int>(design_.cellTypes.size()) - 1;
  for (std::size_t c = 0; c < design_.cellTypes.size(); ++c) {
    acc += design_.cellTypes[c].proportion;
    if (u < acc) {
      cell.cellType = static_cast<int>(c);
      break;
    }
  }
  cell.state = rng.normal();
  cell.library = config_.medianLibrarySize * design_.cellTypes[cell.cellType].libraryFactor *
                 std::exp(config_.librarySizeSdLog * rng.normal());
  ws.noise.resize(n);
  for (int g = 0; g < n; ++g) ws.noise[g] = design_.noiseSd[g] * rng.normal();

  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int s = 0; s < 2; ++s) {
    cell.guideEffect[s] = nan;
    cell.guideStrength[s] = 0;
    if (s >= static_cast<int>(condition.guides.size())) continue;
    const double mean = design_.guides[condition.guides[s]].meanEffect;
    SimRandom g(streamSeed(config_.seed, kStreamGuide, cellId, s));
    const bool escaped = g.bernoulli(config_.escapeRate);
    if (config_.modality == Modality::CrisprI) {
      // Fraction of mRNA left: Beta around the guide's mean; escapers keep most of it.
      const double kappa = 8.0;
      const double left = escaped ? g.beta(8.0, 2.0) : g.beta(kappa * mean, kappa * (1.0 - mean));
      cell.guideEffect[s] = std::max(left, 1e-3);
      cell.guideStrength[s] = 1.0 - cell.guideEffect[s];
    } else {
      const double s01 = escaped ? g.beta(1.0, 9.0) : g.beta(6.0, 2.0);
      cell.guideEffect[s] = std::exp(s01 * std::log(mean));
      cell.guideStrength[s] = s01;
    }
  }
  for (int s = 0; s < 2; ++s) {
    SimRandom g(streamSeed(config_.seed, kStreamDrug, cellId, s));
    cell.drugEc50Factor[s] = std::exp(0.4 * g.normal());
  }
  return cell;
}

void CellModel::logRates(const CellLatent& cell, const Condition& cond, CellWorkspace& ws) const {
  const int n = network_.size();
  ws.u.resize(n);
  ws.y.resize(n);
  ws.phi.resize(n);
  const double* base = &baseInput_[static_cast<std::size_t>(cell.cellType) * n];
  for (int g = 0; g < n; ++g) ws.u[g] = base[g] + design_.stateLoading[g] * cell.state + ws.noise[g];

  const double* modulation = nullptr;
  for (std::size_t s = 0; s < cond.guides.size() && s < 2; ++s) {
    const int gene = design_.guides[cond.guides[s]].gene;
    ws.u[gene] += std::log(cell.guideEffect[s]);
  }
  if (cond.guides.size() == 2) {
    const auto& gi = cond.interaction;
    const double q = std::sqrt(cell.guideStrength[0] * cell.guideStrength[1]);
    const int a = design_.guides[cond.guides[0]].gene, b = design_.guides[cond.guides[1]].gene;
    auto modulate = [&](int gene, double factor) {
      if (ws.modulation.size() != static_cast<std::size_t>(n)) ws.modulation.assign(n, 1.0);
      ws.modulation[gene] = factor;
      modulation = ws.modulation.data();
    };
    switch (gi.type) {
      case InteractionType::Synergistic:
        modulate(a, 1.0 + gi.strength * q);
        modulate(b, 1.0 + gi.strength * q);
        break;
      case InteractionType::Buffering:
        modulate(a, 1.0 - gi.strength * q);
        modulate(b, 1.0 - gi.strength * q);
        break;
      case InteractionType::Epistatic:
        modulate(gi.maskedGene, 1.0 - q);
        break;
      case InteractionType::Neomorphic:
        for (std::size_t i = 0; i < gi.neoGenes.size(); ++i)
          ws.u[gi.neoGenes[i]] += gi.strength * gi.neoWeights[i] * q;
        break;
      default: break;
    }
  }
  for (std::size_t s = 0; s < cond.drugs.size() && s < 2; ++s) {
    const Drug& dr = design_.drugs[cond.drugs[s]];
    const double e = dr.effect(cond.dose, cell.drugEc50Factor[s]);
    const double inhibition = std::log(1.0 - dr.emax * e);
    for (int t : dr.targets) ws.u[t] += inhibition;
    for (std::size_t i = 0; i < dr.responseGenes.size(); ++i) ws.u[dr.responseGenes[i]] += dr.responseWeights[i] * e;
  }
  network_.propagate(ws.u.data(), modulation, config_.networkSweeps, ws.y.data(), ws.phi.data());
  if (modulation) {
    const int a = design_.guides[cond.guides[0]].gene, b = design_.guides[cond.guides[1]].gene;
    ws.modulation[a] = ws.modulation[b] = 1.0;  // leave the buffer neutral for the next cell
  }
}

double CellModel::expectedCount(const CellLatent& cell, double y) const {
  return cell.library * rateScale_ * std::exp(y);
}

long long CellModel::sampleCount(std::uint64_t cellId, int g, double expected) const {
  SimRandom rng(streamSeed(config_.seed, kStreamCounts, cellId, static_cast<std::uint64_t>(g)));
  return rng.negativeBinomial(expected, design_.nbSize[g]);
}

}  // namespace scdfm::sim
