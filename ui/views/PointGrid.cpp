#include "ui/views/PointGrid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace scdfm::ui {

PointGrid::PointGrid(const std::vector<float>& xy) : pts_(xy), n_(xy.size() / 2) {
  double x1 = -std::numeric_limits<double>::infinity(), y1 = x1;
  x0_ = y0_ = std::numeric_limits<double>::infinity();
  std::size_t finite = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    double x = pts_[2 * i], y = pts_[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    ++finite;
    x0_ = std::min(x0_, x); x1 = std::max(x1, x);
    y0_ = std::min(y0_, y); y1 = std::max(y1, y);
  }
  if (finite == 0) {
    n_ = 0;
    return;
  }
  // About two points per cell on average, at most 1024 cells a side.
  double w = std::max(x1 - x0_, 1e-9), h = std::max(y1 - y0_, 1e-9);
  cell_ = std::sqrt(w * h * 2.0 / finite);
  cell_ = std::max({cell_, w / 1024, h / 1024, 1e-12});
  nx_ = std::max(1, static_cast<int>(w / cell_) + 1);
  ny_ = std::max(1, static_cast<int>(h / cell_) + 1);
  std::vector<std::int32_t> cellOf(n_, -1);
  start_.assign(static_cast<std::size_t>(nx_) * ny_ + 1, 0);
  for (std::size_t i = 0; i < n_; ++i) {
    double x = pts_[2 * i], y = pts_[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    cellOf[i] = cellY(y) * nx_ + cellX(x);
    ++start_[cellOf[i] + 1];
  }
  for (std::size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
  order_.assign(finite, 0);
  std::vector<std::int32_t> fill(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < n_; ++i)
    if (cellOf[i] >= 0) order_[fill[cellOf[i]]++] = static_cast<std::int32_t>(i);
}

int PointGrid::cellX(double x) const { return std::clamp(static_cast<int>((x - x0_) / cell_), 0, nx_ - 1); }
int PointGrid::cellY(double y) const { return std::clamp(static_cast<int>((y - y0_) / cell_), 0, ny_ - 1); }

int PointGrid::nearest(double x, double y, double maxDistance) const {
  if (n_ == 0 || !std::isfinite(x) || !std::isfinite(y)) return -1;
  int cx0 = cellX(x - maxDistance), cx1 = cellX(x + maxDistance);
  int cy0 = cellY(y - maxDistance), cy1 = cellY(y + maxDistance);
  double best = maxDistance * maxDistance;
  int bestIndex = -1;
  for (int cy = cy0; cy <= cy1; ++cy)
    for (int cx = cx0; cx <= cx1; ++cx) {
      int c = cy * nx_ + cx;
      for (int k = start_[c]; k < start_[c + 1]; ++k) {
        int i = order_[k];
        double dx = pts_[2 * i] - x, dy = pts_[2 * i + 1] - y;
        double d = dx * dx + dy * dy;
        if (d <= best) {
          best = d;
          bestIndex = i;
        }
      }
    }
  return bestIndex;
}

}  // namespace scdfm::ui
