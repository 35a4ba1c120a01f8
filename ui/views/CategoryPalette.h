#pragma once
// Colours for categories: the scanpy/Tableau-10 defaults, extended with
// distinct hues for more categories; uns['<col>_colors'] wins when present.
#include <QColor>
#include <string>
#include <vector>

namespace scdfm::ui {

// n distinct colours (first ten: Tableau 10, as matplotlib's tab10 / scanpy).
std::vector<QColor> categoryColors(std::size_t n);
// Colours stored by scanpy in uns['<col>_colors'] ("#1f77b4" or "#1f77b4ff");
// falls back to categoryColors(n) when missing, wrong length or unparsable.
std::vector<QColor> categoryColors(std::size_t n, const std::vector<std::string>& stored);

}  // namespace scdfm::ui
