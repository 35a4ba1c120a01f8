#pragma once
// The baselines shown beside every prediction (see Baselines.h for their
// formulas), fitted to a dataset once and then asked per perturbation:
//   "no change"  the context's control cells themselves;
//   "additive"   control cells shifted by the sum of the observed single effects
//                of the components (combinations only);
//   "linear"     control cells shifted by a ridge model of condition effects
//                fitted on the learnable conditions, leaving the asked
//                perturbation itself out.
// Effects Δ are per context (cell type): μ(condition cells of the context) −
// μ(control cells of the context); a condition with no cells in the context
// uses its cell-weighted mean effect over the contexts it was measured in.
// Everything is computed in the model's expression space (ModelExpression.h).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/data/ModelExpression.h"
#include "core/data/Perturbation.h"
#include "core/eval/Baselines.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

class Dataset;

inline constexpr const char* kNoChangeBaseline = "no change";
inline constexpr const char* kAdditiveBaseline = "additive";
inline constexpr const char* kLinearBaseline = "linear";

struct BaselineCells {
  std::map<std::string, RowMatrixF> cells;         // baseline name → predicted cells
  std::map<std::string, std::string> unavailable;  // baseline name → why it cannot predict this
};

class ReferenceBaselines {
 public:
  // learnFrom: condition keys the baselines may learn from (e.g. a checkpoint's
  // training conditions); empty = every observed non-control condition.
  // Reads the cells of those conditions and the controls once (chunked).
  ReferenceBaselines(const Dataset& dataset, ExpressionSpace space, const std::vector<std::string>& learnFrom = {},
                     const LinearBaselineOptions& linear = {}, const Progress& progress = Progress::none(),
                     const CancelToken& cancel = {});

  // Baseline cells for `perturbation` from `control` (cells of `context` in
  // the model's space). The perturbation's own cells are never used.
  BaselineCells predict(const Perturbation& perturbation, const std::string& context, const RowMatrixF& control) const;

  // Δ of a learnable condition in a context (nullopt when it has no cells anywhere).
  std::optional<Eigen::VectorXd> effect(const std::string& key, const std::string& context) const;
  const ExpressionSpace& space() const { return space_; }
  const std::vector<std::string>& learnable() const { return keys_; }

 private:
  struct Means {
    std::map<std::string, Eigen::VectorXd> byContext;  // context → mean
    std::map<std::string, double> counts;
  };
  ExpressionSpace space_;
  LinearBaselineOptions linear_;
  std::vector<std::string> keys_;                        // learnable condition keys, sorted
  std::map<std::string, std::vector<std::string>> components_;  // key → component labels
  std::map<std::string, Means> condition_;
  Means control_;
};

}  // namespace scdfm
