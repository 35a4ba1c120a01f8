#pragma once
// The key to a scatter view's colours, drawn right of the plot: a legend of
// categories (swatch, name, cell count; hidden categories hollow and grey,
// clickable to show/hide) or, for gene colouring, a colour bar with the
// value's label, unit, min/max and intermediate ticks.
#include <QFont>
#include <QPainter>
#include <QRect>

namespace scdfm::ui {

struct ScatterData;
struct ColorSummary;

class ScatterLegend {
 public:
  ScatterLegend(const ScatterData& data, const ColorSummary& summary) : data_(data), summary_(summary) {}
  // Width needed right of the plot (0 when there is nothing to show).
  int width(const QFont& font) const;
  void draw(QPainter& p, const QRect& area, const QRect& plot) const;
  // Category whose legend row holds `pos`, or -1 (always -1 for a colour bar).
  int categoryAt(const QFont& font, const QRect& plot, const QPoint& pos) const;

  static constexpr int kMaxRows = 30;
  static constexpr int kMaxWidth = 260;

 private:
  QRect rowRect(const QFontMetrics& fm, const QRect& plot, int row) const;
  QString rowText(int category) const;
  void drawCategories(QPainter& p, const QRect& area, const QRect& plot) const;
  void drawColorBar(QPainter& p, const QRect& area, const QRect& plot) const;

  const ScatterData& data_;
  const ColorSummary& summary_;
};

}  // namespace scdfm::ui
