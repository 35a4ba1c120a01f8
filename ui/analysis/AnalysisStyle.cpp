#include "ui/analysis/AnalysisStyle.h"

#include <qcustomplot.h>

#include <cmath>

namespace scdfm::ui {

QColor groupColor(CellGroupKind kind) {
  switch (kind) {
    case CellGroupKind::Control: return QColor(127, 127, 127);
    case CellGroupKind::Observed: return QColor(31, 119, 180);
    case CellGroupKind::Predicted: return QColor(255, 127, 14);
  }
  return Qt::black;
}

QString groupName(CellGroupKind kind) {
  switch (kind) {
    case CellGroupKind::Control: return QObject::tr("control");
    case CellGroupKind::Observed: return QObject::tr("observed");
    case CellGroupKind::Predicted: return QObject::tr("predicted");
  }
  return {};
}

namespace {
// A gradient through the given stops; NaN cells drawn in the "missing" grey.
QCPColorGradient gradientThrough(std::initializer_list<std::pair<double, QColor>> stops) {
  QCPColorGradient g;
  g.clearColorStops();
  for (const auto& [position, color] : stops) g.setColorStopAt(position, color);
  g.setNanHandling(QCPColorGradient::nhNanColor);
  g.setNanColor(kMissingColor);
  return g;
}
}  // namespace

QCPColorGradient divergingGradient() {
  return gradientThrough({{0.0, QColor(33, 70, 160)},
                          {0.25, QColor(120, 160, 220)},
                          {0.5, QColor(255, 255, 255)},
                          {0.75, QColor(235, 130, 110)},
                          {1.0, QColor(170, 20, 30)}});
}

QCPColorGradient sequentialGradient() {
  return gradientThrough({{0.0, QColor(255, 255, 255)}, {0.4, QColor(140, 180, 220)}, {1.0, QColor(10, 40, 110)}});
}

void setNameTicks(QCPAxis* axis, const QStringList& names) {
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int i = 0; i < names.size(); ++i) ticker->addTick(i, names[i]);
  axis->setTicker(ticker);
  axis->setSubTicks(false);
  QFont f = axis->tickLabelFont();
  f.setPointSizeF(names.size() > 40 ? 6.5 : names.size() > 20 ? 7.5 : 9);
  axis->setTickLabelFont(f);
  const bool horizontal = axis->orientation() == Qt::Horizontal;
  axis->setTickLabelRotation(horizontal && names.size() > 6 ? 60 : 0);
}

QStringList toQStringList(const std::vector<std::string>& items) {
  QStringList out;
  out.reserve(static_cast<int>(items.size()));
  for (const auto& s : items) out << QString::fromStdString(s);
  return out;
}

QString formatNumber(double value, int significant) {
  if (std::isnan(value)) return QStringLiteral("—");
  return QString::number(value, 'g', significant);
}

}  // namespace scdfm::ui
