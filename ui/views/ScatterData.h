#pragma once
// What a scatter view shows: 2-D positions, one category per point, and the
// categories' names and colours. Plain data, filled by whoever owns the view.
#include <QColor>
#include <QRectF>
#include <QStringList>
#include <vector>

namespace scdfm::ui {

struct ScatterData {
  std::vector<float> xy;        // x0 y0 x1 y1 ... (row-major n x 2)
  std::vector<int> category;    // index into names/colors, -1 = missing (drawn grey)
  QStringList names;            // category labels, shown in the legend
  std::vector<QColor> colors;   // one per name
  QString colorBy;              // legend title (obs column)
  // Drawing order: false = file order (scanpy's default; cells without a
  // category first); true = by category, later categories on top (highlights).
  bool layerByCategory = false;

  std::size_t size() const { return xy.size() / 2; }
  QColor colorOf(std::size_t i) const {
    int c = i < category.size() ? category[i] : -1;
    return (c >= 0 && c < static_cast<int>(colors.size())) ? colors[c] : missingColor();
  }
  static QColor missingColor() { return QColor(200, 200, 200); }
  QRectF bounds() const;                 // of finite points; empty when none
  std::vector<int> countsPerCategory() const;
  // Draw layer of point i (higher on top), following layerByCategory.
  int layerOf(std::size_t i) const {
    int c = i < category.size() ? category[i] : -1;
    bool valid = c >= 0 && c < static_cast<int>(names.size());
    return !valid ? 0 : layerByCategory ? c + 1 : 1;
  }
  // Point indices in drawing order (bottom first).
  std::vector<std::size_t> drawingOrder() const;
};

}  // namespace scdfm::ui
