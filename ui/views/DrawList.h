#pragma once
// Which points a scatter view draws, in which order and in which colour.
// Built once per change of data, colouring, visibility, selection or 3-D
// rotation (not per frame, not per mouse move), and shared by the VTK
// renderer, the QPainter fallback and the vector exports, so that all of
// them draw the same picture.
//
// Order, bottom first:
//   1. with a selection: unselected points (dimmed) below the selected ones;
//   2. gene colouring: cells without a value, then increasing value (high
//      expression on top, as scanpy draws genes); category colouring: the
//      category layer (ScatterData::layerOf: file order, by category, and the
//      chosen top category);
//   3. 3-D category colouring: farther points first; else file order.
// Points of hidden categories and points with non-finite positions are left out.
#include <QRgb>
#include <cstdint>
#include <vector>

namespace scdfm::ui {

struct ScatterData;

// What the legend and the colour map need to know about a colouring: cells
// per category and the range of the values. O(n); computed when the colouring
// changes, so that layout and painting never walk the points.
struct ColorSummary {
  std::vector<int> counts;          // cells per category
  double valueMin = 0, valueMax = 0;  // finite values (gene colouring)
  bool anyMissingValue = false;     // some cell has no value (drawn grey)

  static ColorSummary of(const ScatterData& data);
  // Colour of a value on the map spanning [valueMin, valueMax] (NaN: grey).
  QRgb valueColor(double v) const;
};

struct DrawList {
  std::vector<std::int32_t> order;  // indices of the drawn points, bottom first
  std::vector<QRgb> color;          // per point (all points): opaque RGB, dimmed when unselected

  // `xy` are the positions drawn (the data's own, or a 3-D projection with
  // `depth` per point; empty depth = 2-D). `selected` is empty or one flag per point.
  static DrawList build(const ScatterData& data, const ColorSummary& summary, const std::vector<float>& xy,
                        const std::vector<float>& depth, const std::vector<char>& selected);
};

}  // namespace scdfm::ui
