#pragma once
// Simulates a Perturb-seq experiment with known ground truth: builds the
// network and the design from the config, draws every cell's UMI counts,
// assembles an AnnData in the conventions of real files, and (optionally)
// estimates the true per-condition shifts and interaction scores.
//
// AnnData layout:
//   X: raw UMI counts, CSR, integer-valued float32
//   obs (index: synthetic 10x barcodes, rows shuffled):
//     condition          categorical  ctrl | A+ctrl | A+B | Drug | DrugA+DrugB
//     perturbation_type  categorical  control | gene | drug
//     dose               float        nM per drug (0 for control and genes)
//     cell_type          categorical  TypeA, TypeB, ...
//     control            bool         condition == ctrl
//     n_counts, n_genes  QC numbers (total UMIs, detected genes)
//   var (index: gene names G0001...): highly_variable (all true)
//   uns: dose_unit = "nM", perturbation_modality, simulation = {parameters,
//        truth folder name, normalize_target_sum}
#include <array>
#include <memory>
#include <vector>

#include "core/io/AnnData.h"
#include "core/sim/CellModel.h"
#include "core/sim/GeneNetwork.h"
#include "core/sim/GroundTruth.h"
#include "core/sim/SimulationConfig.h"
#include "core/sim/SimulationDesign.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm::sim {

struct SimulationResult {
  SimulationConfig config;
  GeneNetwork network;
  SimulationDesign design;
  AnnData adata;
  // Per obs row (in file order): condition index and the cell's latent draws.
  std::vector<int> cellCondition;
  std::vector<CellLatent> cellLatent;
  bool hasTruth = false;
  GroundTruth truth;

  // Index of the condition with this obs label and dose, or -1.
  int findCondition(const std::string& label, double dose = 0) const;
  // obs rows of a condition.
  std::vector<std::int64_t> cellsOf(int condition) const;
};

struct SimulateOptions {
  bool groundTruth = true;
  std::string truthFolderName;  // recorded in uns (e.g. "demo.truth"); empty = none
};

// Throws InputError for invalid configs; checks `cancel` between chunks.
std::unique_ptr<SimulationResult> simulatePerturbSeq(const SimulationConfig& config, const SimulateOptions& options,
                                                     const Progress& progress, const CancelToken& cancel);

}  // namespace scdfm::sim
