#include "core/eval/SeedSpread.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace scdfm {

std::map<std::string, MetricSpread> summariseSeeds(const std::vector<MetricSet>& runs) {
  std::map<std::string, std::vector<double>> values;
  for (const auto& run : runs)
    for (const auto& [id, v] : run) {
      auto& list = values[id];
      if (std::isfinite(v)) list.push_back(v);
    }
  std::map<std::string, MetricSpread> out;
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [id, list] : values) {
    MetricSpread s;
    s.n = static_cast<int>(list.size());
    if (list.empty()) {
      s.mean = s.sd = s.min = s.max = nan;
    } else {
      double sum = 0;
      for (double v : list) sum += v;
      s.mean = sum / s.n;
      double ss = 0;
      for (double v : list) ss += (v - s.mean) * (v - s.mean);
      s.sd = s.n > 1 ? std::sqrt(ss / (s.n - 1)) : 0.0;
      s.min = *std::min_element(list.begin(), list.end());
      s.max = *std::max_element(list.begin(), list.end());
    }
    out[id] = s;
  }
  return out;
}

}  // namespace scdfm
