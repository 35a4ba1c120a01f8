#pragma once
// What a scatter view shows: 2-D (optionally 3-D) positions, one category per
// point with the categories' names, colours and visibility, and optionally one
// value per point for continuous colouring (gene expression). Plain data,
// filled by whoever owns the view.
#include <QColor>
#include <QRectF>
#include <QStringList>
#include <vector>

namespace scdfm::ui {

struct ScatterData {
  std::vector<float> xy;        // x0 y0 x1 y1 ... (row-major n x 2)
  std::vector<float> z;         // third coordinate of a 3-D embedding; empty for 2-D
  std::vector<int> category;    // index into names/colors, -1 = missing (drawn grey)
  QStringList names;            // category labels, shown in the legend
  std::vector<QColor> colors;   // one per name
  QString colorBy;              // legend title (obs column)
  // Drawing order: false = file order (scanpy's default; cells without a
  // category first); true = by category, later categories on top (highlights).
  bool layerByCategory = false;
  int topCategory = -1;         // drawn above every other category (e.g. predicted cells); -1 = none
  std::vector<bool> hidden;     // per category: not drawn (legend click); missing entries = shown

  // Continuous colouring: one value per point (NaN = no value); empty = colour by category.
  std::vector<float> values;
  QString valueLabel;           // e.g. "KLF1 expression"
  QString valueUnit;            // e.g. "log1p counts"

  std::size_t size() const { return xy.size() / 2; }
  int dims() const { return !z.empty() && z.size() == size() ? 3 : 2; }
  bool showsValues() const { return !values.empty(); }
  int categoryOf(std::size_t i) const {
    int c = i < category.size() ? category[i] : -1;
    return c >= 0 && c < static_cast<int>(names.size()) ? c : -1;
  }
  QColor colorOf(std::size_t i) const {
    int c = categoryOf(i);
    return c >= 0 && c < static_cast<int>(colors.size()) ? colors[c] : missingColor();
  }
  static QColor missingColor() { return QColor(200, 200, 200); }
  bool isCategoryHidden(int c) const { return c >= 0 && c < static_cast<int>(hidden.size()) && hidden[c]; }
  bool isHidden(std::size_t i) const { return isCategoryHidden(categoryOf(i)); }
  QRectF bounds() const;                 // of finite points (x and y); empty when none
  std::vector<int> countsPerCategory() const;
  // Draw layer of point i for category colouring (higher on top), following
  // layerByCategory and topCategory.
  int layerOf(std::size_t i) const {
    int c = categoryOf(i);
    if (c < 0) return 0;
    if (c == topCategory) return static_cast<int>(names.size()) + 2;
    return layerByCategory ? c + 1 : 1;
  }
};

}  // namespace scdfm::ui
