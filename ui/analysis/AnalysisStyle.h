#pragma once
// Shared look of the analysis views: one colour per cell group (the same in
// every view, so "predicted" is always orange), the colour gradients, and gene
// names as axis tick labels.
#include <QColor>
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

class QCPAxis;
class QCPColorGradient;

namespace scdfm::ui {

enum class CellGroupKind { Control, Observed, Predicted };
QColor groupColor(CellGroupKind kind);
QString groupName(CellGroupKind kind);  // "control", "observed", "predicted"

inline const QColor kPositiveColor(200, 40, 40);   // positive correlation / synergy
inline const QColor kNegativeColor(40, 90, 200);   // negative correlation / buffering
inline const QColor kMissingColor(225, 225, 225);  // no value (NaN cells)

// Blue – white – red, white at the middle of the data range (set it symmetric about 0).
QCPColorGradient divergingGradient();
// White – dark blue, for maps of non-negative weights.
QCPColorGradient sequentialGradient();

// Gene names at integer positions 0..n−1 of `axis`; labels are rotated when there are
// many, and the font shrinks for long lists so that names stay readable and apart.
void setNameTicks(QCPAxis* axis, const QStringList& names);

QStringList toQStringList(const std::vector<std::string>& items);
QString formatNumber(double value, int significant = 3);  // "—" for NaN

}  // namespace scdfm::ui
