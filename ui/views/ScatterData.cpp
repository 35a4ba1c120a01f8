#include "ui/views/ScatterData.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace scdfm::ui {

QRectF ScatterData::bounds() const {
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
  for (std::size_t i = 0; i < size(); ++i) {
    double x = xy[2 * i], y = xy[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    x0 = std::min(x0, x); x1 = std::max(x1, x);
    y0 = std::min(y0, y); y1 = std::max(y1, y);
  }
  if (x0 > x1) return {};
  return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

std::vector<int> ScatterData::countsPerCategory() const {
  std::vector<int> counts(names.size(), 0);
  for (std::size_t i = 0; i < size(); ++i)
    if (int c = categoryOf(i); c >= 0) ++counts[c];
  return counts;
}

}  // namespace scdfm::ui
