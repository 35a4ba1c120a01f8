#pragma once
// Spread of metrics over several sampling seeds (the model samples from noise, so
// every metric varies run to run; report it, not a single draw).
#include <map>
#include <string>
#include <vector>

#include "core/eval/Metrics.h"

namespace scdfm {

struct MetricSpread {
  double mean = 0, sd = 0, min = 0, max = 0;  // sd: sample standard deviation (n − 1); 0 when n = 1
  int n = 0;                                  // seeds with a finite value (NaNs are skipped)
};

// id → spread over the given runs (one MetricSet per seed). An id missing from some runs
// is summarised over the runs that have it; an id that is NaN everywhere gets n = 0 and NaNs.
std::map<std::string, MetricSpread> summariseSeeds(const std::vector<MetricSet>& runs);

}  // namespace scdfm
