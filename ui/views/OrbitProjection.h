#pragma once
// Rotation of a 3-D embedding, projected orthographically onto the screen.
// The view rotates the points itself (instead of moving a VTK camera) so that
// the offscreen VTK path, the QPainter fallback, vector exports, hover and
// selection all see the same projected 2-D positions: every 2-D code path
// keeps working unchanged on the projection.
#include <QPointF>
#include <array>
#include <vector>

namespace scdfm::ui {

struct ScatterData;

class OrbitProjection {
 public:
  // Rotation about `centre`; the projection of a point p is
  // (R(p - c)).xy + c.xy, so the unrotated view shows the data's own x and y.
  void setCentre(double x, double y, double z) { centre_ = {x, y, z}; }
  void reset() { r_ = {1, 0, 0, 0, 1, 0, 0, 0, 1}; }
  bool isIdentity() const { return r_ == std::array<double, 9>{1, 0, 0, 0, 1, 0, 0, 0, 1}; }
  // Turns the points about the screen's vertical axis by `yaw` and then about
  // its horizontal axis by `pitch` (radians): a positive yaw brings points in
  // front (nearer the viewer) to the right, a positive pitch brings them down.
  void rotate(double yaw, double pitch);
  // Screen position (world units) of a point; `depth` > 0 is nearer the viewer.
  QPointF project(double x, double y, double z, double* depth = nullptr) const;
  // Projects every point of a 3-D data set: xy as x0 y0 x1 y1 ..., depth per point.
  void projectAll(const ScatterData& data, std::vector<float>& xy, std::vector<float>& depth) const;
  // Direction on screen (x right, y up) and depth of data axis k (0, 1, 2).
  std::array<double, 3> axisOnScreen(int k) const { return {r_[k], r_[3 + k], r_[6 + k]}; }

 private:
  std::array<double, 9> r_{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major 3x3
  std::array<double, 3> centre_{0, 0, 0};
};

}  // namespace scdfm::ui
