#pragma once
// Everything the simulator decides before drawing cells, i.e. the ground
// truth apart from the network itself: cell types and their programs, the
// latent state program, per-gene noise and dispersion, which genes are
// perturbed (with guide efficiencies), the drugs (targets, Hill dose
// response), the combinations and their genetic-interaction model, and the
// list of conditions with their cell counts.
#include <string>
#include <vector>

#include "core/sim/GeneNetwork.h"
#include "core/sim/SimulationConfig.h"

namespace scdfm::sim {

enum class InteractionType { Additive, Synergistic, Buffering, Epistatic, Neomorphic, Independent };
const char* toString(InteractionType t);

enum class ConditionKind { Control, Gene, Drug };
const char* toString(ConditionKind k);

struct CellType {
  std::string name;
  double proportion = 1.0;
  double libraryFactor = 1.0;
  std::vector<double> program;  // per gene, added to the basal inputs
};

struct GuideTarget {
  int gene = -1;
  double meanEffect = 0.2;  // CRISPRi: mean fraction of mRNA left; CRISPRa: mean fold induction
};

struct Drug {
  std::string name;
  std::vector<int> targets;          // genes whose production the drug inhibits
  int responseModule = -1;           // module whose genes respond directly
  std::vector<int> responseGenes;
  std::vector<double> responseWeights;  // log-rate change at full effect
  double ec50 = 100, hill = 1.5, emax = 0.9;  // nM
  // Fraction of maximal effect at dose d (nM): Hill equation.
  double effect(double dose, double ec50Factor = 1.0) const;
};

// The interaction model of a pair: q = sqrt(r_A r_B) is the cell's joint
// perturbation strength (r = 1 - remaining fraction; 0 when a guide escaped).
//  synergistic: both targets' out-edges scaled by (1 + strength q)
//  buffering:   both scaled by (1 - strength q)
//  epistatic:   the masked target's out-edges scaled by (1 - q)
//  neomorphic:  genes of an unrelated module get + strength * weight_g * q
//  additive / independent (drug pairs): no extra term.
struct Interaction {
  InteractionType type = InteractionType::Additive;
  double strength = 0;
  int maskedGene = -1;                 // epistatic
  std::vector<int> neoGenes;           // neomorphic
  std::vector<double> neoWeights;
};

struct Condition {
  std::string label;                  // obs `condition`: ctrl, A+ctrl, A+B, Drug, DrugA+DrugB
  std::string key;                    // canonical key: ctrl, A, A+B, Drug@100, A@100+B@100
  ConditionKind kind = ConditionKind::Control;
  std::vector<int> guides;            // indices into SimulationDesign::guides (1 or 2)
  std::vector<int> drugs;             // indices into SimulationDesign::drugs
  double dose = 0;                    // nM, per drug
  int cells = 0;
  bool isCombination() const { return guides.size() + drugs.size() > 1; }
  Interaction interaction;            // for combinations
};

struct SimulationDesign {
  std::vector<CellType> cellTypes;
  std::vector<double> stateLoading;   // per gene: response to the latent state factor
  std::vector<double> noiseSd;        // per gene: cell-to-cell noise of the log rate
  std::vector<double> nbSize;         // per gene: negative-binomial size
  std::vector<GuideTarget> guides;    // one per perturbed gene
  std::vector<Drug> drugs;
  std::vector<Condition> conditions;  // conditions[0] is the control
  double rateScale = 1.0;             // 1 / sum of reference rates (set by the simulator)

  static SimulationDesign generate(const SimulationConfig& config, const GeneNetwork& net, SimRandom& rng);
  int totalCells() const;
};

}  // namespace scdfm::sim
