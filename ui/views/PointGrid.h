#pragma once
// Uniform grid over 2-D points for "which cells are under the mouse / inside
// this box or lasso" queries. Built once per point set (O(n)); a query looks
// only at the grid cells that the search area touches.
#include <QPolygonF>
#include <cstdint>
#include <vector>

namespace scdfm::ui {

class PointGrid {
 public:
  PointGrid() = default;
  // xy: x0 y0 x1 y1 ... ; non-finite points are skipped, and so are points
  // not listed in `only` when it is given (e.g. hidden categories).
  explicit PointGrid(const std::vector<float>& xy, const std::vector<std::int32_t>* only = nullptr);
  // Index of the point nearest to (x, y) within maxDistance, or -1.
  int nearest(double x, double y, double maxDistance) const;
  // Indices of the points with x0 <= x <= x1 and y0 <= y <= y1, ascending.
  std::vector<int> inBox(double x0, double y0, double x1, double y1) const;
  // Indices of the points inside `polygon` (even-odd rule), ascending.
  std::vector<int> inPolygon(const QPolygonF& polygon) const;
  bool empty() const { return n_ == 0; }

 private:
  int cellX(double x) const;
  int cellY(double y) const;
  // Calls f(index) for every point in the grid cells overlapping the box.
  template <class F>
  void forCellsInBox(double x0, double y0, double x1, double y1, F&& f) const;

  std::vector<float> pts_;            // own copy (the view's data may change)
  std::size_t n_ = 0;                 // points in the grid
  double x0_ = 0, y0_ = 0, cell_ = 1;
  int nx_ = 0, ny_ = 0;
  std::vector<std::int32_t> start_;   // nx*ny+1 offsets into order_
  std::vector<std::int32_t> order_;   // point indices sorted by cell
};

}  // namespace scdfm::ui
