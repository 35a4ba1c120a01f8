#include "core/eval/MethodComparison.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace scdfm {

bool isRankedMetric(const std::string& metricId) {
  // Counts of significant genes describe the data; "better" is not higher or lower.
  return findMetric(metricId) && metricId.rfind("de_nsig_counts", 0) != 0;
}

MethodComparison compareMethods(const MethodRuns& runs, const std::string& model) {
  MethodComparison cmp;
  // Model first, then the rest in the order given.
  std::vector<const std::pair<std::string, std::vector<MetricSet>>*> ordered;
  for (const auto& r : runs)
    if (r.first == model) ordered.push_back(&r);
  for (const auto& r : runs)
    if (r.first != model) ordered.push_back(&r);
  std::vector<std::map<std::string, MetricSpread>> spreads;
  std::set<std::string> ids;
  for (const auto* r : ordered) {
    cmp.methods.push_back(r->first);
    spreads.push_back(summariseSeeds(r->second));
    for (const auto& [id, s] : spreads.back()) ids.insert(id);
  }
  if (!ordered.empty() && ordered.front()->first == model) cmp.modelColumn = 0;

  std::vector<std::string> order;
  for (const auto& m : metricCatalog())
    if (ids.erase(m.id)) order.push_back(m.id);
  order.insert(order.end(), ids.begin(), ids.end());  // unknown ids, alphabetically

  const MetricSpread none{std::nan(""), std::nan(""), std::nan(""), std::nan(""), 0};
  for (const auto& id : order) {
    MethodMetricRow row;
    row.metricId = id;
    row.info = findMetric(id);
    for (const auto& s : spreads) {
      auto it = s.find(id);
      row.spread.push_back(it == s.end() ? none : it->second);
    }
    if (isRankedMetric(id)) {
      const double sign = row.info->higherIsBetter ? 1.0 : -1.0;  // larger sign·mean is better
      double best = -std::numeric_limits<double>::infinity();
      for (const auto& s : row.spread)
        if (std::isfinite(s.mean)) best = std::max(best, sign * s.mean);
      for (int m = 0; m < static_cast<int>(row.spread.size()); ++m)
        if (std::isfinite(row.spread[m].mean) && sign * row.spread[m].mean == best) row.best.push_back(m);
      if (cmp.modelColumn >= 0 && std::isfinite(row.spread[cmp.modelColumn].mean)) {
        const double modelScore = sign * row.spread[cmp.modelColumn].mean;
        for (int m = 0; m < static_cast<int>(row.spread.size()); ++m) {
          if (m == cmp.modelColumn || !std::isfinite(row.spread[m].mean)) continue;
          const double margin = sign * row.spread[m].mean - modelScore;
          if (margin > 0) row.beatenBy.push_back({m, margin});
        }
        std::stable_sort(row.beatenBy.begin(), row.beatenBy.end(),
                         [](const BaselineWin& a, const BaselineWin& b) { return a.margin > b.margin; });
      }
    }
    cmp.rows.push_back(std::move(row));
  }
  return cmp;
}

}  // namespace scdfm
