#include "ui/views/ColorMap.h"

#include <algorithm>
#include <cmath>

namespace scdfm::ui {

namespace {
// viridis sampled at nine evenly spaced points (t = 0, 1/8, ..., 1), the
// values R's viridisLite and matplotlib agree on; between them a Catmull-Rom
// spline follows the map's curvature closely (within a few levels of 255).
constexpr int kStops = 9;
constexpr unsigned char kViridis[kStops][3] = {
    {0x44, 0x01, 0x54}, {0x47, 0x2D, 0x7B}, {0x3B, 0x52, 0x8B}, {0x2C, 0x72, 0x8E}, {0x21, 0x90, 0x8C},
    {0x27, 0xAD, 0x81}, {0x5D, 0xC8, 0x63}, {0xAA, 0xDC, 0x32}, {0xFD, 0xE7, 0x25}};

double catmullRom(double p0, double p1, double p2, double p3, double u) {
  return 0.5 * (2 * p1 + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u * u + (-p0 + 3 * p1 - 3 * p2 + p3) * u * u * u);
}
}  // namespace

QColor viridis(double t) {
  if (std::isnan(t)) return valueMissingColor();
  t = std::clamp(t, 0.0, 1.0) * (kStops - 1);
  const int k = std::min(static_cast<int>(t), kStops - 2);
  const double u = t - k;
  auto at = [](int i, int c) { return static_cast<double>(kViridis[std::clamp(i, 0, kStops - 1)][c]); };
  int rgb[3];
  for (int c = 0; c < 3; ++c) {
    // End segments reuse the end stop as the missing neighbour.
    double v = catmullRom(at(k - 1, c), at(k, c), at(k + 1, c), at(k + 2, c), u);
    rgb[c] = std::clamp(static_cast<int>(std::lround(v)), 0, 255);
  }
  return QColor(rgb[0], rgb[1], rgb[2]);
}

}  // namespace scdfm::ui
