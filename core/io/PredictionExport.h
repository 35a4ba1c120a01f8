#pragma once
// Exports of a prediction, shared by `scdfm predict` and the GUI's export
// dialog: the predicted cells (optionally beside the context's real control
// cells and the observed cells of the same perturbations) as
//   - an .h5ad that scanpy users open directly (X = cells × genes, obs columns
//     condition / cell_type / kind / control_cell / seed, var index = gene
//     names, optional obsm['X_umap'], provenance in uns['scdfm_prediction']),
//   - a cells CSV (one row per cell: cell, condition, cell_type, kind, then
//     one column per gene),
//   - a per-gene summary CSV (per perturbation and gene: mean and variance of
//     control, observed and predicted cells, and the changes against control).
// Plain data in, files out (torch-free, no Dataset): core/flow's
// PredictionExportBuilder fills a PredictionExport from a Predictor's results.
// Every write is atomic (a failed export leaves no partial file); whether an
// existing file may be replaced is the caller's decision.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "core/io/AnnData.h"

namespace scdfm {

enum class ExportedCellKind { Predicted, Control, Observed };
const char* toString(ExportedCellKind kind);  // "predicted" / "control" / "observed" (obs['kind'])

// Cells sharing their labels: the predicted cells of one perturbation, the
// control cells of a context, or the observed cells of one perturbation.
struct CellBlock {
  ExportedCellKind kind = ExportedCellKind::Predicted;
  std::string condition;                  // perturbation key ("KLF1+MAP2K6"); "ctrl" for control cells
  std::string cellType;                   // the context ("all" when the data has no cell types)
  RowMatrixF cells;                       // cells × PredictionExport::genes
  std::vector<std::string> cellNames;     // obs index; empty = "<kind>-<condition>-<i>"
  std::vector<std::string> controlCells;  // predicted: the control cell each one was generated from
  std::optional<std::uint64_t> seed;      // predicted: the sampling seed (obs['seed'])
  RowMatrixF umap;                        // cells × 2 embedding coordinates, or empty
};

// What produced the prediction (uns['scdfm_prediction']).
struct PredictionProvenance {
  std::string checkpoint;     // file name of the checkpoint
  std::string dataFile;       // file name of the dataset whose control cells were used
  std::string context;        // cell type ("" = every control cell)
  std::int64_t cells = 0;     // generated cells per perturbation
  std::string solver;         // "rk4", "midpoint", "euler"
  std::int64_t timePoints = 0;
  std::uint64_t seed = 0;
  nlohmann::json notes = nlohmann::json::object();  // perturbation key → notes (e.g. unseen pair)
};

struct PredictionExport {
  std::vector<std::string> genes;  // column names of every block's cells
  std::vector<CellBlock> blocks;
  PredictionProvenance provenance;
};

// Which blocks the cell-level files (h5ad, cells CSV) hold. Predicted cells
// always; the summary always uses every block.
struct ExportSelection {
  bool controls = true;
  bool observed = true;
  bool umap = true;  // write obsm['X_umap'] (every selected block must have coordinates)
};

// Throws InputError when blocks disagree with the genes (column counts, name
// counts) or UMAP coordinates are asked for but missing in a block.
AnnData predictionAnnData(const PredictionExport& prediction, const ExportSelection& selection = {});
void writePredictionH5ad(const std::string& path, const PredictionExport& prediction,
                         const ExportSelection& selection = {});
void writePredictionCellsCsv(const std::string& path, const PredictionExport& prediction,
                             const ExportSelection& selection = {});

// Per-gene statistics of one predicted perturbation against the control and
// observed cells of its context (blocks with the same cellType).
// Variances use ddof = 1 (NaN with fewer than 2 cells); observed vectors are
// empty when the perturbation has no observed cells.
struct PerturbationGeneSummary {
  std::string perturbation, cellType;
  std::int64_t controlCells = 0, observedCells = 0, predictedCells = 0;
  Eigen::VectorXd controlMean, controlVar, observedMean, observedVar, predictedMean, predictedVar;
};
// One entry per predicted block, in block order. InputError when a predicted
// block has no control cells of its context to compare with.
std::vector<PerturbationGeneSummary> summarizePrediction(const PredictionExport& prediction);

// Columns: perturbation, cell_type, gene, control_mean, control_var,
// observed_mean, observed_var, predicted_mean, predicted_var,
// delta_predicted (predicted − control mean), delta_observed (observed −
// control mean; empty without observed cells). One row per perturbation × gene.
void writePredictionSummaryCsv(const std::string& path, const PredictionExport& prediction);

}  // namespace scdfm
