#pragma once
// Draws many discs of one size into an image by blending precomputed
// coverage masks: the QPainter fallback's raster path. QPainter strokes each
// wide round-capped point as a path (seconds for 200k cells); stamping a mask
// costs a few dozen pixel blends per point. Discs look like the VTK ones:
// flat colour with a darker rim, antialiased edges.
#include <QImage>
#include <QRgb>
#include <cstdint>
#include <vector>

namespace scdfm::ui {

class DiscStamp {
 public:
  explicit DiscStamp(double radiusPixels);
  // Blends a disc of `color` at `opacity` (0..1) centred at (x, y) (pixel
  // units, (0,0) = top-left corner of the image) into `image`, which must be
  // Format_RGB32. Parts outside the image are clipped.
  void draw(QImage& image, double x, double y, QRgb color, double opacity) const;

 private:
  static constexpr int kSub = 4;  // sub-pixel positions per axis
  int half_ = 0;                  // a mask spans [-half_, half_] pixels around the centre pixel
  int side_ = 1;
  // Per sub-pixel position: coverage of the disc (0..256) and of its rim (0..256).
  std::vector<std::vector<std::uint16_t>> cover_, rim_;
};

}  // namespace scdfm::ui
