#include "app/cli/MetricTable.h"

#include <cmath>
#include <iomanip>

namespace scdfm::cli {

void printMetricTable(std::ostream& out, const std::map<std::string, MetricSet>& byMethod,
                      const std::vector<std::string>& methods) {
  std::vector<std::string> shown;
  for (const auto& m : methods)
    if (byMethod.count(m)) shown.push_back(m);
  if (shown.empty()) return;
  out << std::left << std::setw(30) << "metric (↑ higher is better)";
  for (const auto& m : shown) out << std::setw(13) << m;
  out << "\n";
  for (const auto& info : metricCatalog()) {
    if (!byMethod.at(shown.front()).count(info.id)) continue;
    out << std::setw(30) << (info.id + (info.higherIsBetter ? " ↑" : " ↓"));
    for (const auto& m : shown) {
      auto it = byMethod.at(m).find(info.id);
      out << std::setw(13) << std::setprecision(4) << (it == byMethod.at(m).end() ? NAN : it->second);
    }
    out << "\n";
  }
}

}  // namespace scdfm::cli
