#include "ui/views/DrawList.h"

#include <QColor>
#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/views/ColorMap.h"
#include "ui/views/ScatterData.h"

namespace scdfm::ui {

namespace {
// Unselected points fade towards white, keeping a hint of their colour.
QRgb dimmed(QRgb c) {
  auto mix = [](int v) { return (v + 3 * 255) / 4; };
  return qRgb(mix(qRed(c)), mix(qGreen(c)), mix(qBlue(c)));
}

double valueOf(const ScatterData& data, std::size_t i) {
  return i < data.values.size() ? data.values[i] : std::numeric_limits<double>::quiet_NaN();
}
}  // namespace

ColorSummary ColorSummary::of(const ScatterData& data) {
  ColorSummary s;
  s.counts = data.countsPerCategory();
  if (!data.showsValues()) return s;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double v = valueOf(data, i);
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    } else {
      s.anyMissingValue = true;
    }
  }
  if (lo <= hi) {
    s.valueMin = lo;
    s.valueMax = hi;
  }
  return s;
}

QRgb ColorSummary::valueColor(double v) const {
  if (!std::isfinite(v)) return valueMissingColor().rgb();
  const double span = valueMax - valueMin;
  return viridis(span > 0 ? (v - valueMin) / span : 0.5).rgb();
}

DrawList DrawList::build(const ScatterData& data, const ColorSummary& summary, const std::vector<float>& xy,
                         const std::vector<float>& depth, const std::vector<char>& selected) {
  DrawList list;
  const std::size_t n = std::min(data.size(), xy.size() / 2);
  const bool byValue = data.showsValues();
  const bool withSelection = std::find(selected.begin(), selected.end(), 1) != selected.end();
  const bool byDepth = !byValue && depth.size() == n;

  // Sort key per point: (selected, layer or value, depth); ties keep file order.
  struct Key {
    bool on;
    double primary;
    float secondary;
  };
  std::vector<Key> key(n);
  list.color.resize(n);
  list.order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool isSelected = i < selected.size() && selected[i];
    double primary;
    if (byValue) {
      const double v = valueOf(data, i);
      primary = std::isfinite(v) ? v : -std::numeric_limits<double>::infinity();
      list.color[i] = summary.valueColor(v);
    } else {
      primary = data.layerOf(i);
      list.color[i] = data.colorOf(i).rgb();
    }
    if (withSelection && !isSelected) list.color[i] = dimmed(list.color[i]);
    key[i] = {!withSelection || isSelected, primary, byDepth ? depth[i] : 0.0f};
    if (data.isHidden(i) || !std::isfinite(xy[2 * i]) || !std::isfinite(xy[2 * i + 1])) continue;
    list.order.push_back(static_cast<std::int32_t>(i));
  }
  std::stable_sort(list.order.begin(), list.order.end(), [&key](std::int32_t a, std::int32_t b) {
    const Key &ka = key[a], &kb = key[b];
    if (ka.on != kb.on) return kb.on;
    if (ka.primary != kb.primary) return ka.primary < kb.primary;
    return ka.secondary < kb.secondary;
  });
  return list;
}

}  // namespace scdfm::ui
