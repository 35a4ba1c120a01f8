#pragma once
// Tick positions and labels for axes and colour bars: steps of 1, 2 or 5
// times a power of ten, labelled with as many decimals as the step needs.
#include <QString>

namespace scdfm::ui {

// About `target` steps over `range` (1 when range is not positive).
double niceTickStep(double range, int target);
// Label of tick value v for ticks `step` apart ("0" rather than "-0.0").
QString tickLabel(double v, double step);

}  // namespace scdfm::ui
