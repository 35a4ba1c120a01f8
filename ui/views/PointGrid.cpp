#include "ui/views/PointGrid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace scdfm::ui {

PointGrid::PointGrid(const std::vector<float>& xy, const std::vector<std::int32_t>* only) : pts_(xy) {
  const std::size_t total = xy.size() / 2;
  std::vector<std::int32_t> members;
  if (only) {
    for (std::int32_t i : *only)
      if (i >= 0 && static_cast<std::size_t>(i) < total) members.push_back(i);
  } else {
    members.resize(total);
    for (std::size_t i = 0; i < total; ++i) members[i] = static_cast<std::int32_t>(i);
  }
  members.erase(std::remove_if(members.begin(), members.end(),
                               [this](std::int32_t i) {
                                 return !std::isfinite(pts_[2 * i]) || !std::isfinite(pts_[2 * i + 1]);
                               }),
                members.end());
  n_ = members.size();
  if (n_ == 0) return;
  double x1 = -std::numeric_limits<double>::infinity(), y1 = x1;
  x0_ = y0_ = std::numeric_limits<double>::infinity();
  for (std::int32_t i : members) {
    double x = pts_[2 * i], y = pts_[2 * i + 1];
    x0_ = std::min(x0_, x); x1 = std::max(x1, x);
    y0_ = std::min(y0_, y); y1 = std::max(y1, y);
  }
  // About two points per cell on average, at most 1024 cells a side.
  double w = std::max(x1 - x0_, 1e-9), h = std::max(y1 - y0_, 1e-9);
  cell_ = std::sqrt(w * h * 2.0 / n_);
  cell_ = std::max({cell_, w / 1024, h / 1024, 1e-12});
  nx_ = std::max(1, static_cast<int>(w / cell_) + 1);
  ny_ = std::max(1, static_cast<int>(h / cell_) + 1);
  std::vector<std::int32_t> cellOf(members.size());
  start_.assign(static_cast<std::size_t>(nx_) * ny_ + 1, 0);
  for (std::size_t k = 0; k < members.size(); ++k) {
    const std::int32_t i = members[k];
    cellOf[k] = cellY(pts_[2 * i + 1]) * nx_ + cellX(pts_[2 * i]);
    ++start_[cellOf[k] + 1];
  }
  for (std::size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
  order_.assign(n_, 0);
  std::vector<std::int32_t> fill(start_.begin(), start_.end() - 1);
  for (std::size_t k = 0; k < members.size(); ++k) order_[fill[cellOf[k]]++] = members[k];
}

int PointGrid::cellX(double x) const { return std::clamp(static_cast<int>((x - x0_) / cell_), 0, nx_ - 1); }
int PointGrid::cellY(double y) const { return std::clamp(static_cast<int>((y - y0_) / cell_), 0, ny_ - 1); }

template <class F>
void PointGrid::forCellsInBox(double x0, double y0, double x1, double y1, F&& f) const {
  const int cx0 = cellX(x0), cx1 = cellX(x1), cy0 = cellY(y0), cy1 = cellY(y1);
  for (int cy = cy0; cy <= cy1; ++cy)
    for (int cx = cx0; cx <= cx1; ++cx) {
      const int c = cy * nx_ + cx;
      for (int k = start_[c]; k < start_[c + 1]; ++k) f(order_[k]);
    }
}

int PointGrid::nearest(double x, double y, double maxDistance) const {
  if (n_ == 0 || !std::isfinite(x) || !std::isfinite(y)) return -1;
  double best = maxDistance * maxDistance;
  int bestIndex = -1;
  forCellsInBox(x - maxDistance, y - maxDistance, x + maxDistance, y + maxDistance, [&](int i) {
    double dx = pts_[2 * i] - x, dy = pts_[2 * i + 1] - y;
    double d = dx * dx + dy * dy;
    if (d <= best) {
      best = d;
      bestIndex = i;
    }
  });
  return bestIndex;
}

std::vector<int> PointGrid::inBox(double x0, double y0, double x1, double y1) const {
  std::vector<int> out;
  if (n_ == 0 || !(x0 <= x1) || !(y0 <= y1)) return out;
  forCellsInBox(x0, y0, x1, y1, [&](int i) {
    const double x = pts_[2 * i], y = pts_[2 * i + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push_back(i);
  });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> PointGrid::inPolygon(const QPolygonF& polygon) const {
  std::vector<int> out;
  if (n_ == 0 || polygon.size() < 3) return out;
  const QRectF b = polygon.boundingRect();
  forCellsInBox(b.left(), b.top(), b.right(), b.bottom(), [&](int i) {
    const QPointF p(pts_[2 * i], pts_[2 * i + 1]);
    if (b.contains(p) && polygon.containsPoint(p, Qt::OddEvenFill)) out.push_back(i);
  });
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace scdfm::ui
