#include "ui/views/CategoryPalette.h"

#include <cmath>

namespace scdfm::ui {

std::vector<QColor> categoryColors(std::size_t n) {
  static const char* tab10[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  static const char* tab20extra[] = {"#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
                                     "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"};
  std::vector<QColor> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i < 10) {
      out.emplace_back(tab10[i]);
    } else if (i < 20) {
      out.emplace_back(tab20extra[i - 10]);
    } else {
      // Golden-ratio hue steps keep neighbours apart; alternate lightness.
      double h = std::fmod(0.11 + (i - 20) * 0.618033988749895, 1.0);
      out.push_back(QColor::fromHsvF(h, 0.65, (i % 2) ? 0.75 : 0.92));
    }
  }
  return out;
}

std::vector<QColor> categoryColors(std::size_t n, const std::vector<std::string>& stored) {
  if (stored.size() >= n && n > 0) {
    std::vector<QColor> out;
    for (std::size_t i = 0; i < n; ++i) {
      QString s = QString::fromStdString(stored[i]).trimmed();
      if (s.startsWith('#') && s.size() == 9) s = "#" + s.mid(7, 2) + s.mid(1, 6);  // #rrggbbaa -> #aarrggbb
      QColor c = QColor::fromString(s);
      if (!c.isValid()) return categoryColors(n);
      out.push_back(c);
    }
    return out;
  }
  return categoryColors(n);
}

}  // namespace scdfm::ui
