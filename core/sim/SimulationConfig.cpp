#include "core/sim/SimulationConfig.h"

#include <nlohmann/json.hpp>

#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm::sim {

const char* toString(Modality m) { return m == Modality::CrisprI ? "CRISPRi" : "CRISPRa"; }

const std::vector<std::string>& SimulationConfig::presetNames() {
  static const std::vector<std::string> names{"demo", "tiny"};
  return names;
}

SimulationConfig SimulationConfig::fromPreset(const std::string& name) {
  SimulationConfig c;
  const std::string n = toLower(name);
  if (n == "demo") {
    c.preset = "demo";  // the defaults above are the demo
    return c;
  }
  if (n == "tiny") {
    c.preset = "tiny";
    c.genes = 100;
    c.cellTypes = 2;
    c.controlCells = 300;
    c.cellsPerCondition = 75;
    c.singles = 8;
    c.combos = 6;
    c.drugs = 1;
    c.doses = {100, 1000};
    c.drugCombos = 0;
    c.truthCellsPerCondition = 400;
    c.medianLibrarySize = 80;
    return c;
  }
  throw InputError("", "--preset", "unknown preset '" + name + "'",
                   "use one of: " + join(presetNames(), ", "));
}

void SimulationConfig::validate() const {
  auto bad = [](const std::string& option, const std::string& problem, const std::string& hint) {
    throw InputError("", option, problem, hint);
  };
  if (genes < 50 || genes > 5000)
    bad("--genes", std::to_string(genes) + " genes is outside the supported range", "use 50 to 5000 genes");
  if (cellTypes < 1 || cellTypes > 8) bad("--cell-types", "must be 1 to 8", "");
  if (controlCells < 10) bad("--control-cells", "need at least 10 control cells", "");
  if (cellsPerCondition < 1) bad("--cells-per-condition", "must be at least 1", "");
  if (singles < 0 || singles > genes / 4)
    bad("--singles", std::to_string(singles) + " single perturbations for " + std::to_string(genes) + " genes",
        "use at most a quarter of the genes (" + std::to_string(genes / 4) + ")");
  if (combos < 0 || (combos > 0 && singles < 2) || combos > singles * (singles - 1) / 2)
    bad("--combos", std::to_string(combos) + " combinations of " + std::to_string(singles) + " singles",
        "combinations pair simulated singles; lower --combos or raise --singles");
  if (drugs < 0 || drugs > 12) bad("--drugs", "must be 0 to 12", "");
  if (drugs > 0 && doses.empty()) bad("--doses", "drugs need at least one dose", "");
  for (double d : doses)
    if (!(d > 0)) bad("--doses", "doses must be positive (nM)", "");
  if (drugCombos < 0 || drugCombos > drugs * (drugs - 1) / 2)
    bad("--drug-combos", "more drug pairs than the drugs allow", "lower --drug-combos or raise --drugs");
  if (!(medianLibrarySize >= 10)) bad("--library-size", "median library size must be at least 10 UMIs", "");
  if (!(knockdownRemaining > 0 && knockdownRemaining < 1)) bad("--knockdown", "must be in (0, 1)", "");
  if (!(activationFold > 1)) bad("activationFold", "must be > 1", "");
  if (!(escapeRate >= 0 && escapeRate < 1)) bad("escapeRate", "must be in [0, 1)", "");
  if (networkSweeps < 1 || networkSweeps > 20) bad("networkSweeps", "must be 1 to 20", "");
  if (truthCellsPerCondition < 10) bad("--truth-cells", "need at least 10 Monte-Carlo cells", "");
}

nlohmann::json SimulationConfig::toJson() const {
  nlohmann::json j;
  j["preset"] = preset;
  j["seed"] = static_cast<std::int64_t>(seed);  // HDF5 attributes are signed
  j["n_genes"] = genes;
  j["n_cell_types"] = cellTypes;
  j["control_cells"] = controlCells;
  j["cells_per_condition"] = cellsPerCondition;
  j["median_library_size"] = medianLibrarySize;
  j["library_size_sdlog"] = librarySizeSdLog;
  j["nb_size_median"] = nbSize;
  j["network_sweeps"] = networkSweeps;
  j["feedback_fraction"] = feedbackFraction;
  j["modality"] = toString(modality);
  j["n_singles"] = singles;
  j["n_combos"] = combos;
  j["knockdown_remaining"] = knockdownRemaining;
  j["activation_fold"] = activationFold;
  j["escape_rate"] = escapeRate;
  j["n_drugs"] = drugs;
  j["doses_nM"] = doses;
  j["n_drug_combos"] = drugCombos;
  j["truth_cells_per_condition"] = truthCellsPerCondition;
  return j;
}

}  // namespace scdfm::sim
