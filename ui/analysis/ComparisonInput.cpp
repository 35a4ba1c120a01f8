#include "ui/analysis/ComparisonInput.h"

#include "core/util/Error.h"

namespace scdfm::ui {

ComparisonResults computeComparisonResults(const ComparisonInput& in) {
  if (!in.control || !in.predicted)
    throw InputError("", "comparison of " + in.perturbation, "control or predicted cells missing",
                     "Run the prediction first.");
  ComparisonResults r;
  static const RowMatrixF kNoCells;
  r.comparison = computeComparison(*in.control, in.hasObserved() ? *in.observed : kNoCells, *in.predicted, in.genes,
                                   in.comparison);
  if (in.graphMask) {
    try {
      r.neighbourhood =
          geneNeighbourhood(*in.graphMask, in.vocabulary, *in.control, in.genes, in.targets, in.neighbourhood);
    } catch (const InputError& e) {
      r.neighbourhoodError = e.what();
    }
  }
  return r;
}

}  // namespace scdfm::ui
