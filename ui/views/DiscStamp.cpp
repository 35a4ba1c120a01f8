#include "ui/views/DiscStamp.h"

#include <algorithm>
#include <cmath>

namespace scdfm::ui {

namespace {
constexpr int kSamples = 4;         // per axis and pixel, for the coverage
constexpr double kRimStart = 0.8;   // rim from 80 % of the radius, as the VTK shader
constexpr int kRimShade = 179;      // rim colour = colour * 0.7 (of 256)
}  // namespace

DiscStamp::DiscStamp(double radius) {
  radius = std::max(radius, 0.3);
  half_ = static_cast<int>(std::ceil(radius)) + 1;
  side_ = 2 * half_ + 1;
  cover_.resize(kSub * kSub);
  rim_.resize(kSub * kSub);
  const double r2 = radius * radius, rim2 = kRimStart * kRimStart * r2;
  for (int sy = 0; sy < kSub; ++sy)
    for (int sx = 0; sx < kSub; ++sx) {
      // Disc centre inside the centre pixel, at this sub-pixel offset.
      const double cx = (sx + 0.5) / kSub, cy = (sy + 0.5) / kSub;
      auto& cover = cover_[sy * kSub + sx];
      auto& rim = rim_[sy * kSub + sx];
      cover.assign(side_ * side_, 0);
      rim.assign(side_ * side_, 0);
      for (int py = 0; py < side_; ++py)
        for (int px = 0; px < side_; ++px) {
          int inside = 0, inRim = 0;
          for (int j = 0; j < kSamples; ++j)
            for (int i = 0; i < kSamples; ++i) {
              const double dx = px - half_ + (i + 0.5) / kSamples - cx;
              const double dy = py - half_ + (j + 0.5) / kSamples - cy;
              const double d2 = dx * dx + dy * dy;
              inside += d2 <= r2;
              inRim += d2 <= r2 && d2 > rim2;
            }
          cover[py * side_ + px] = static_cast<std::uint16_t>(inside * 256 / (kSamples * kSamples));
          rim[py * side_ + px] = static_cast<std::uint16_t>(inside ? inRim * 256 / inside : 0);
        }
    }
}

void DiscStamp::draw(QImage& image, double x, double y, QRgb color, double opacity) const {
  if (!std::isfinite(x) || !std::isfinite(y)) return;
  const double fx = std::floor(x), fy = std::floor(y);
  const int sx = std::min(kSub - 1, static_cast<int>((x - fx) * kSub));
  const int sy = std::min(kSub - 1, static_cast<int>((y - fy) * kSub));
  const int left = static_cast<int>(fx) - half_, top = static_cast<int>(fy) - half_;
  if (left >= image.width() || top >= image.height() || left + side_ <= 0 || top + side_ <= 0) return;
  const auto& cover = cover_[sy * kSub + sx];
  const auto& rim = rim_[sy * kSub + sx];
  const int alpha = std::clamp(static_cast<int>(std::lround(opacity * 256)), 0, 256);
  const int r = qRed(color), g = qGreen(color), b = qBlue(color);
  for (int py = std::max(0, -top); py < side_ && top + py < image.height(); ++py) {
    QRgb* line = reinterpret_cast<QRgb*>(image.scanLine(top + py));
    for (int px = std::max(0, -left); px < side_ && left + px < image.width(); ++px) {
      const int k = py * side_ + px;
      if (!cover[k]) continue;
      const int a = cover[k] * alpha >> 8;  // 0..256
      const int shade = 256 - ((256 - kRimShade) * rim[k] >> 8);
      QRgb& dst = line[left + px];
      auto mix = [&](int d, int s) { return d + (((s * shade >> 8) - d) * a >> 8); };
      dst = qRgb(mix(qRed(dst), r), mix(qGreen(dst), g), mix(qBlue(dst), b));
    }
  }
}

}  // namespace scdfm::ui
