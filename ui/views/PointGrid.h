#pragma once
// Uniform grid over 2-D points for "which cell is under the mouse" queries.
// Built once per point set (O(n)); a query looks at the few cells that can
// hold a point within the search radius.
#include <cstdint>
#include <vector>

namespace scdfm::ui {

class PointGrid {
 public:
  PointGrid() = default;
  // xy: x0 y0 x1 y1 ... ; non-finite points are skipped.
  explicit PointGrid(const std::vector<float>& xy);
  // Index of the point nearest to (x, y) within maxDistance, or -1.
  int nearest(double x, double y, double maxDistance) const;
  bool empty() const { return n_ == 0; }

 private:
  int cellX(double x) const;
  int cellY(double y) const;
  std::vector<float> pts_;            // own copy (the view's data may change)
  std::size_t n_ = 0;
  double x0_ = 0, y0_ = 0, cell_ = 1;
  int nx_ = 0, ny_ = 0;
  std::vector<std::int32_t> start_;   // nx*ny+1 offsets into order_
  std::vector<std::int32_t> order_;   // point indices sorted by cell
};

}  // namespace scdfm::ui
