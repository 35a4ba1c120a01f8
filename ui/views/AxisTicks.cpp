#include "ui/views/AxisTicks.h"

#include <algorithm>
#include <cmath>

namespace scdfm::ui {

double niceTickStep(double range, int target) {
  if (!(range > 0) || target < 1) return 1;
  double raw = range / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  double step = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return step * mag;
}

QString tickLabel(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0;
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  return QString::number(v, 'f', decimals);
}

}  // namespace scdfm::ui
