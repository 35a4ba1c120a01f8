#pragma once
// Held-out evaluation of a model beside the baselines, one code path for the
// CLI (`scdfm evaluate`), training validation and the GUI's metrics table:
// for each condition, cells are generated from control cells of one context
// (Predictor), the baselines predict from the same control cells
// (ReferenceBaselines), and every method is scored against the observed cells
// of that context with the one metrics module (core/eval/Metrics.h). Several
// sampling seeds give the spread of each metric. Torch-free.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/data/PerturbationCatalog.h"
#include "core/eval/MethodComparison.h"  // kModelMethod
#include "core/eval/Metrics.h"
#include "core/eval/ReferenceBaselines.h"
#include "core/flow/Predictor.h"

namespace scdfm {


struct EvaluationRequest {
  std::vector<std::string> conditions;  // observed conditions (keys or labels)
  std::string context;                  // "" = each condition's largest context
  std::int64_t cells = 128;             // generated cells (= control cells drawn)
  OdeMethod method = OdeMethod::Rk4;
  std::int64_t timePoints = 20;
  std::vector<std::uint64_t> seeds{0};  // one generation per seed
  EvalOptions metrics;
  bool keepCells = false;               // keep the first seed's matrices (GUI views)
};

struct ConditionEvaluation {
  std::string key, context;
  std::int64_t observedCells = 0;
  // method → one MetricSet per seed ("scDFM" first in methods()).
  std::map<std::string, std::vector<MetricSet>> runs;
  std::map<std::string, std::string> unavailable;  // baseline → why not
  // With keepCells, of the first seed (model space: the model's genes, preprocessed).
  std::vector<std::string> genes;
  RowMatrixF control, observed;
  PredictedPerturbation prediction;
  std::map<std::string, RowMatrixF> baselineCells;
};

struct EvaluationReport {
  std::vector<ConditionEvaluation> conditions;
  // method → metric → mean over conditions of the per-condition mean over seeds.
  std::map<std::string, MetricSet> mean;
  std::vector<std::string> methods() const;  // scDFM, then the baselines present
};

// The context with the most cells of a condition ("" when it has none).
std::string largestContext(const CatalogEntry& entry);

// Baselines fitted in the predictor's expression space, learning from the
// checkpoint's training conditions (all observed conditions when it lists none).
ReferenceBaselines baselinesFor(const Predictor& predictor, const Dataset& dataset,
                                const Progress& progress = Progress::none(), const CancelToken& cancel = {});

ConditionEvaluation evaluateCondition(const Predictor& predictor, const Dataset& dataset,
                                      const ReferenceBaselines& baselines, const std::string& condition,
                                      const EvaluationRequest& request, const Progress& progress = Progress::none(),
                                      const CancelToken& cancel = {});

EvaluationReport evaluatePredictions(const Predictor& predictor, const Dataset& dataset,
                                     const ReferenceBaselines& baselines, const EvaluationRequest& request,
                                     const Progress& progress = Progress::none(), const CancelToken& cancel = {});

}  // namespace scdfm
