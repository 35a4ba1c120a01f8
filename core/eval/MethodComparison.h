#pragma once
// The model beside its baselines, metric by metric: the spread of every metric over
// sampling seeds for each method, the best method per metric, and where a baseline
// beats the model (so the views can say so at a glance).
#include <string>
#include <utility>
#include <vector>

#include "core/eval/Metrics.h"
#include "core/eval/SeedSpread.h"

namespace scdfm {

// Method names the views and the CLI share.
inline constexpr const char* kModelMethod = "scDFM";
inline constexpr const char* kNoChangeMethod = "no change (control mean)";
inline constexpr const char* kAdditiveMethod = "additive";
inline constexpr const char* kLinearMethod = "linear";

// One method's metric sets, one per sampling seed (a baseline usually has one).
using MethodRuns = std::vector<std::pair<std::string, std::vector<MetricSet>>>;

struct BaselineWin {
  int method = -1;     // column of the baseline
  double margin = 0;   // |mean_baseline − mean_model| (> 0)
};

struct MethodMetricRow {
  std::string metricId;
  const MetricInfo* info = nullptr;     // nullptr for ids not in metricCatalog()
  std::vector<MetricSpread> spread;     // per method (n = 0 where a method lacks the metric)
  std::vector<int> best;                // methods with the best mean (ties all listed); empty if not ranked
  std::vector<BaselineWin> beatenBy;    // baselines better than the model, largest margin first
  bool ranked() const { return !best.empty(); }
};

struct MethodComparison {
  std::vector<std::string> methods;  // columns: the model first, then the baselines in the order given
  int modelColumn = -1;              // -1 when the model is not among the methods
  std::vector<MethodMetricRow> rows; // metrics present in any run, in metricCatalog() order, unknown ids last
};

// Whether a metric orders methods (counts such as de_nsig_counts_* are shown but not ranked).
bool isRankedMetric(const std::string& metricId);

// `model` names the model's entry in `runs`. Means over seeds (summariseSeeds) decide
// "best" and "beaten"; NaN means take part in neither.
MethodComparison compareMethods(const MethodRuns& runs, const std::string& model = kModelMethod);

}  // namespace scdfm
