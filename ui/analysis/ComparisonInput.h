#pragma once
// What the comparison panel shows for one prediction, as plain data (no torch,
// no widgets), and the numbers computed from it by core. computeComparisonResults
// is thread-safe: run it on a worker and hand the results to the panel.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/ComparisonData.h"
#include "core/eval/GeneNeighbourhood.h"
#include "core/eval/MethodComparison.h"
#include "core/io/AnnData.h"
#include "core/io/Safetensors.h"
#include "core/model/AttentionMap.h"

namespace scdfm::ui {

struct ComparisonInput {
  std::string perturbation;          // canonical key, e.g. "KLF1+MAP2K6"
  std::vector<std::string> targets;  // perturbed genes
  std::string context;               // cell type of the control cells ("" = all)
  std::vector<std::string> genes;    // columns of the three matrices (the generated genes)
  std::shared_ptr<const RowMatrixF> control, observed, predicted;  // observed: null or 0 rows = none in the data
  // rows/cols = `genes`; null or empty = none recorded. Shared: a map set can be hundreds of MB.
  std::shared_ptr<const std::vector<AttentionMap>> attention;
  MethodRuns metricRuns;                // "scDFM" and baselines → one MetricSet per seed; may be empty
  // The model's gene-interaction graph (ModelCheckpoint::graphMask / vocabulary); null = none.
  std::shared_ptr<const RawTensor> graphMask;
  std::vector<std::string> vocabulary;
  NeighbourhoodOptions neighbourhood;
  ComparisonOptions comparison;

  bool hasObserved() const { return observed && observed->rows() > 0; }
};

struct ComparisonResults {
  ComparisonData comparison;
  std::optional<GeneNeighbourhood> neighbourhood;  // absent without a graph
  std::string neighbourhoodError;                  // why the neighbourhood could not be computed
};

// Throws InputError for inconsistent matrices (see computeComparison); a graph that does
// not fit is reported in neighbourhoodError rather than thrown (the other views still work).
ComparisonResults computeComparisonResults(const ComparisonInput& input);

}  // namespace scdfm::ui
