#pragma once
// The held-out metrics table printed by `scdfm train` and `scdfm evaluate`:
// one row per metric of core's catalog, one column per method (model first).
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/eval/Metrics.h"

namespace scdfm::cli {

void printMetricTable(std::ostream& out, const std::map<std::string, MetricSet>& byMethod,
                      const std::vector<std::string>& methods);

}  // namespace scdfm::cli
