#include "ui/views/ScatterLegend.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QLinearGradient>
#include <algorithm>
#include <cmath>

#include "ui/views/AxisTicks.h"
#include "ui/views/ColorMap.h"
#include "ui/views/DrawList.h"
#include "ui/views/ScatterData.h"

namespace scdfm::ui {

namespace {
constexpr int kGap = 12;   // between the plot and the legend
constexpr int kBarWidth = 14;

QString tr(const char* text) { return QCoreApplication::translate("scdfm::ui::ScatterLegend", text); }

QFont boldOf(QFont f) {
  f.setBold(true);
  return f;
}

QString valueText(double v) { return QString::number(v, 'g', 3); }

QString barTitle(const ScatterData& d) { return d.valueLabel.isEmpty() ? tr("value") : d.valueLabel; }
}  // namespace

QString ScatterLegend::rowText(int category) const {
  const int count = category < static_cast<int>(summary_.counts.size()) ? summary_.counts[category] : 0;
  return QString("%1 (%2)").arg(data_.names[category]).arg(count);
}

int ScatterLegend::width(const QFont& font) const {
  const QFontMetrics fm(font), bold(boldOf(font));
  int w = 0;
  if (data_.showsValues()) {
    w = std::max({bold.horizontalAdvance(barTitle(data_)), fm.horizontalAdvance(data_.valueUnit),
                  kBarWidth + 5 + fm.horizontalAdvance(valueText(summary_.valueMin)),
                  kBarWidth + 5 + fm.horizontalAdvance(valueText(summary_.valueMax)),
                  kBarWidth + 5 + fm.horizontalAdvance(tr("no value"))});
  } else if (!data_.names.isEmpty()) {
    w = bold.horizontalAdvance(data_.colorBy);
    for (int i = 0; i < data_.names.size() && i < kMaxRows; ++i)
      w = std::max(w, fm.height() + 4 + fm.horizontalAdvance(rowText(i)));
  } else {
    return 0;
  }
  return std::min(w + 8, kMaxWidth) + kGap;
}

QRect ScatterLegend::rowRect(const QFontMetrics& fm, const QRect& plot, int row) const {
  const int rowH = fm.height() + 2;
  const int top = plot.top() + fm.height() + 4;  // below the title
  return QRect(plot.right() + kGap, top + row * rowH, kMaxWidth, rowH);
}

int ScatterLegend::categoryAt(const QFont& font, const QRect& plot, const QPoint& pos) const {
  if (data_.showsValues()) return -1;
  const QFontMetrics fm(font);
  for (int i = 0; i < data_.names.size() && i < kMaxRows; ++i)
    if (rowRect(fm, plot, i).contains(pos)) return i;
  return -1;
}

void ScatterLegend::draw(QPainter& p, const QRect& area, const QRect& plot) const {
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  if (data_.showsValues())
    drawColorBar(p, area, plot);
  else if (!data_.names.isEmpty())
    drawCategories(p, area, plot);
  p.restore();
}

void ScatterLegend::drawCategories(QPainter& p, const QRect& area, const QRect& plot) const {
  const QFontMetrics fm(p.font());
  const int x = plot.right() + kGap;
  p.save();
  p.setFont(boldOf(p.font()));
  p.setPen(Qt::black);
  p.drawText(QPointF(x, plot.top() + fm.ascent()),
             QFontMetrics(p.font()).elidedText(data_.colorBy, Qt::ElideRight, area.right() - x));
  p.restore();
  for (int i = 0; i < data_.names.size(); ++i) {
    const QRect row = rowRect(fm, plot, i);
    if (i == kMaxRows) {
      p.setPen(Qt::black);
      p.drawText(QPointF(x, row.top() + fm.ascent()), tr("… %1 more").arg(data_.names.size() - kMaxRows));
      break;
    }
    const bool hidden = data_.isCategoryHidden(i);
    const QColor color = i < static_cast<int>(data_.colors.size()) ? data_.colors[i] : ScatterData::missingColor();
    const double r = fm.height() * 0.3;
    // Hidden categories: a hollow swatch and grey text, still clickable.
    p.setPen(QPen(hidden ? QColor(150, 150, 150) : color.darker(140), 1));
    p.setBrush(hidden ? QBrush(Qt::NoBrush) : QBrush(color));
    p.drawEllipse(QPointF(x + fm.height() / 2.0, row.top() + row.height() / 2.0), r, r);
    p.setPen(hidden ? QColor(150, 150, 150) : QColor(Qt::black));
    p.drawText(QPointF(x + fm.height() + 4, row.top() + fm.ascent()),
               fm.elidedText(rowText(i), Qt::ElideRight, area.right() - x - fm.height() - 6));
  }
}

void ScatterLegend::drawColorBar(QPainter& p, const QRect& area, const QRect& plot) const {
  const QFontMetrics fm(p.font());
  const int x = plot.right() + kGap;
  int y = plot.top();
  p.save();
  p.setFont(boldOf(p.font()));
  p.setPen(Qt::black);
  p.drawText(QPointF(x, y + fm.ascent()), QFontMetrics(p.font()).elidedText(barTitle(data_), Qt::ElideRight, area.right() - x));
  p.restore();
  y += fm.height() + 2;
  if (!data_.valueUnit.isEmpty()) {
    p.setPen(QColor(80, 80, 80));
    p.drawText(QPointF(x, y + fm.ascent()), fm.elidedText(data_.valueUnit, Qt::ElideRight, area.right() - x));
    y += fm.height() + 2;
  }
  y += fm.height() / 2 + 2;  // room for the top tick's label above the bar's top edge

  const bool hasRange = summary_.valueMax > summary_.valueMin;
  const int missingRow = summary_.anyMissingValue ? fm.height() + 10 : 0;
  const int barH = std::clamp(plot.bottom() - y - missingRow - fm.height(), 30, 240);
  const QRectF bar(x, y, kBarWidth, barH);
  // High values at the top, as in scanpy's colour bars.
  QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
  for (int k = 0; k <= 32; ++k) gradient.setColorAt(k / 32.0, viridis(hasRange ? k / 32.0 : 0.5));
  p.setPen(QPen(QColor(90, 90, 90), 1));
  p.setBrush(gradient);
  p.drawRect(bar);

  // Min and max at the ends, round values between them where they fit.
  const double lo = summary_.valueMin, hi = summary_.valueMax;
  auto yOf = [&](double v) { return hasRange ? bar.bottom() - (v - lo) / (hi - lo) * bar.height() : bar.center().y(); };
  auto tick = [&](double v, const QString& text) {
    const double ty = yOf(v);
    p.setPen(QColor(60, 60, 60));
    p.drawLine(QPointF(bar.right(), ty), QPointF(bar.right() + 4, ty));
    p.drawText(QPointF(bar.right() + 6, ty + fm.ascent() / 2.0 - 1), text);
  };
  tick(hi, valueText(hi));
  if (hasRange) {
    tick(lo, valueText(lo));
    const double step = niceTickStep(hi - lo, std::max(1, barH / (3 * fm.height())));
    for (double v = std::ceil(lo / step) * step; v < hi; v += step) {
      const double ty = yOf(v);
      if (ty < bar.top() + fm.height() * 1.2 || ty > bar.bottom() - fm.height() * 1.2) continue;
      tick(v, tickLabel(v, step));
    }
  }
  if (summary_.anyMissingValue) {
    const QRectF swatch(x, bar.bottom() + 10, kBarWidth, fm.height() * 0.7);
    p.setPen(QPen(QColor(90, 90, 90), 1));
    p.setBrush(valueMissingColor());
    p.drawRect(swatch);
    p.setPen(Qt::black);
    p.drawText(QPointF(bar.right() + 6, swatch.center().y() + fm.ascent() / 2.0 - 1), tr("no value"));
  }
}

}  // namespace scdfm::ui
