#pragma once
// Fills a PredictionExport (core/io/PredictionExport.h) from a Predictor's
// results: the predicted cells of each perturbation, and from the dataset the
// context's control cells and the observed cells of the same perturbations,
// in the model's space (the checkpoint's preprocessing, the predicted genes),
// so that every block compares like with like. Used by `scdfm predict` and
// the GUI. Torch-free.
#include <vector>

#include "core/flow/Predictor.h"
#include "core/io/PredictionExport.h"

namespace scdfm {

struct PredictionExportOptions {
  bool controls = true;  // every control cell of the context (the summary's reference)
  bool observed = true;  // observed cells of each predicted perturbation in the context, where the data has them
};

// `request` is the one the results were predicted with (context, seed,
// solver, ... go into the provenance). InputError when results is empty.
PredictionExport buildPredictionExport(const Predictor& predictor, const Dataset& dataset,
                                       const PredictRequest& request,
                                       const std::vector<PredictedPerturbation>& results,
                                       const PredictionExportOptions& options = {});

}  // namespace scdfm
