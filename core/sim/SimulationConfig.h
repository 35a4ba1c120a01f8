#pragma once
// Parameters of a simulated Perturb-seq experiment, with the two presets the
// build generates: "demo" (the app's sample data) and "tiny" (for tests).
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace scdfm::sim {

enum class Modality { CrisprI, CrisprA };
const char* toString(Modality m);

struct SimulationConfig {
  std::string preset = "custom";
  std::uint64_t seed = 1;

  // Network and cells.
  int genes = 1000;                 // 50..5000
  int cellTypes = 2;
  int controlCells = 3000;
  int cellsPerCondition = 230;      // per perturbation condition (drug conditions: per dose)
  double medianLibrarySize = 800;   // UMIs per cell over the simulated (HVG-like) genes
  double librarySizeSdLog = 0.45;   // log-normal spread of library sizes
  double nbSize = 4.0;              // median negative-binomial size (theta) over genes
  int networkSweeps = 3;            // nonlinear update sweeps through the network
  double feedbackFraction = 0.03;   // share of edges that feed back onto regulators

  // Genetic perturbations.
  Modality modality = Modality::CrisprI;
  int singles = 60;
  int combos = 40;
  double knockdownRemaining = 0.2;  // mean fraction of target mRNA left (CRISPRi)
  double activationFold = 5.0;      // mean fold induction of the target (CRISPRa)
  double escapeRate = 0.1;          // share of cells whose guide barely works

  // Drugs.
  int drugs = 4;
  std::vector<double> doses = {10, 100, 1000};  // nM
  int drugCombos = 2;               // pairs of drugs, both at the middle dose

  // Ground truth (Monte-Carlo cells per condition, common random numbers).
  int truthCellsPerCondition = 600;

  static SimulationConfig fromPreset(const std::string& name);  // "demo" | "tiny"; InputError otherwise
  static const std::vector<std::string>& presetNames();
  // Throws InputError naming the option when a value is out of range.
  void validate() const;
  nlohmann::json toJson() const;
};

}  // namespace scdfm::sim
