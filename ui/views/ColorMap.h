#pragma once
// Perceptual colour map for continuous values (gene expression): viridis,
// the default of matplotlib and scanpy, so figures look like the ones users
// already know. Lightness rises monotonically, which keeps the order of
// values readable in greyscale and for colour-blind readers.
#include <QColor>

namespace scdfm::ui {

// Colour for t in [0, 1] (clamped); NaN gives valueMissingColor().
QColor viridis(double t);
// Grey for cells without a value (scanpy's "NA" colour is light grey too).
inline QColor valueMissingColor() { return QColor(200, 200, 200); }

}  // namespace scdfm::ui
