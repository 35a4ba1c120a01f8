#include "ui/views/OrbitProjection.h"

#include <cmath>

#include "ui/views/ScatterData.h"

namespace scdfm::ui {

namespace {
using Mat = std::array<double, 9>;
Mat multiply(const Mat& a, const Mat& b) {
  Mat m{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) m[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return m;
}
}  // namespace

void OrbitProjection::rotate(double yaw, double pitch) {
  const double cy = std::cos(yaw), sy = std::sin(yaw), cp = std::cos(pitch), sp = std::sin(pitch);
  // About screen y: x' = x cos + z sin. About screen x: y' = y cos - z sin.
  const Mat aboutY{cy, 0, sy, 0, 1, 0, -sy, 0, cy};
  const Mat aboutX{1, 0, 0, 0, cp, -sp, 0, sp, cp};
  r_ = multiply(aboutX, multiply(aboutY, r_));
  // Gram-Schmidt after every step: rounding errors would otherwise shear the
  // cloud after many drags.
  auto row = [this](int i) { return &r_[3 * i]; };
  auto dot = [](const double* a, const double* b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; };
  for (int i = 0; i < 3; ++i) {
    double* ri = row(i);
    for (int j = 0; j < i; ++j) {
      const double* rj = row(j);
      const double d = dot(ri, rj);
      for (int k = 0; k < 3; ++k) ri[k] -= d * rj[k];
    }
    const double len = std::sqrt(dot(ri, ri));
    for (int k = 0; k < 3; ++k) ri[k] /= len;
  }
}

QPointF OrbitProjection::project(double x, double y, double z, double* depth) const {
  const double dx = x - centre_[0], dy = y - centre_[1], dz = z - centre_[2];
  if (depth) *depth = r_[6] * dx + r_[7] * dy + r_[8] * dz;
  return {r_[0] * dx + r_[1] * dy + r_[2] * dz + centre_[0], r_[3] * dx + r_[4] * dy + r_[5] * dz + centre_[1]};
}

void OrbitProjection::projectAll(const ScatterData& data, std::vector<float>& xy, std::vector<float>& depth) const {
  const std::size_t n = data.size();
  xy.resize(2 * n);
  depth.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double d = 0;
    QPointF p = project(data.xy[2 * i], data.xy[2 * i + 1], data.z[i], &d);
    xy[2 * i] = static_cast<float>(p.x());
    xy[2 * i + 1] = static_cast<float>(p.y());
    depth[i] = static_cast<float>(d);
  }
}

}  // namespace scdfm::ui
