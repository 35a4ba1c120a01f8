#include "ui/analysis/MetricsTableModel.h"

#include <QFont>
#include <algorithm>
#include <cmath>

#include "ui/analysis/AnalysisStyle.h"

namespace scdfm::ui {

MetricsTableModel::MetricsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void MetricsTableModel::setRuns(const MethodRuns& runs, const std::string& model) {
  beginResetModel();
  comparison_ = compareMethods(runs, model);
  endResetModel();
}

int MetricsTableModel::rowsBeaten() const {
  return static_cast<int>(std::count_if(comparison_.rows.begin(), comparison_.rows.end(),
                                        [](const MethodMetricRow& r) { return !r.beatenBy.empty(); }));
}

QString MetricsTableModel::cellText(const MetricSpread& s) {
  if (s.n == 0 || !std::isfinite(s.mean)) return QStringLiteral("—");
  return QStringLiteral("%1 ± %2 (n = %3)").arg(formatNumber(s.mean, 4), formatNumber(s.sd, 2)).arg(s.n);
}

int MetricsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(comparison_.rows.size());
}

int MetricsTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : 1 + static_cast<int>(comparison_.methods.size());
}

QString MetricsTableModel::beatenText(const MethodMetricRow& row) const {
  QStringList lines;
  const auto& model = row.spread[comparison_.modelColumn];
  for (const auto& win : row.beatenBy)
    lines << tr("%1 beats %2 by %3 (%4 vs %5, means over seeds)")
                 .arg(QString::fromStdString(comparison_.methods[win.method]),
                      QString::fromStdString(comparison_.methods[comparison_.modelColumn]), formatNumber(win.margin),
                      formatNumber(row.spread[win.method].mean, 4), formatNumber(model.mean, 4));
  return lines.join("\n");
}

QVariant MetricsTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const auto& row = comparison_.rows[index.row()];
  const int method = index.column() - 1;
  const bool beaten = !row.beatenBy.empty();
  switch (role) {
    case Qt::DisplayRole:
      if (method < 0) {
        const QString name = row.info ? QString::fromStdString(row.info->displayName) : QString::fromStdString(row.metricId);
        if (!isRankedMetric(row.metricId)) return name;
        return name + (row.info->higherIsBetter ? QStringLiteral("  ↑") : QStringLiteral("  ↓"));
      }
      return cellText(row.spread[method]);
    case Qt::ToolTipRole: {
      QStringList tip;
      if (method < 0 && row.info) {
        tip << QString::fromStdString(row.info->formula);
        tip << (isRankedMetric(row.metricId)
                    ? (row.info->higherIsBetter ? tr("Higher is better.") : tr("Lower is better."))
                    : tr("A count, not a score: compare it with the observed count."));
      } else if (method >= 0) {
        const auto& s = row.spread[method];
        if (s.n > 0)
          tip << tr("%1: mean %2, sd %3, min %4, max %5 over %6 seed(s)")
                     .arg(QString::fromStdString(comparison_.methods[method]), formatNumber(s.mean, 6),
                          formatNumber(s.sd, 4), formatNumber(s.min, 6), formatNumber(s.max, 6))
                     .arg(s.n);
      }
      if (beaten) tip << beatenText(row);
      return tip.join("\n");
    }
    case Qt::FontRole: {
      if (method >= 0 && std::find(row.best.begin(), row.best.end(), method) != row.best.end()) {
        QFont f;
        f.setBold(true);
        return f;
      }
      return {};
    }
    case Qt::BackgroundRole:
      if (beaten) return kBeatenBackground;
      return {};
    case Qt::TextAlignmentRole:
      return method < 0 ? int(Qt::AlignLeft | Qt::AlignVCenter) : int(Qt::AlignRight | Qt::AlignVCenter);
    case MetricIdRole:
      return QString::fromStdString(row.metricId);
    case BeatenRole:
      return beaten;
    case BestRole:
      return method >= 0 && std::find(row.best.begin(), row.best.end(), method) != row.best.end();
    default:
      return {};
  }
}

QVariant MetricsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    if (section == 0) return tr("Metric");
    if (section - 1 < static_cast<int>(comparison_.methods.size()))
      return QString::fromStdString(comparison_.methods[section - 1]);
  }
  if (role == Qt::ToolTipRole && section > 0 && section - 1 < static_cast<int>(comparison_.methods.size())) {
    const std::string& m = comparison_.methods[section - 1];
    if (section - 1 == comparison_.modelColumn) return tr("The model's predictions, mean ± sd over sampling seeds");
    if (m == kNoChangeMethod) return tr("Baseline: the control cells, unchanged (predicts no effect)");
    if (m == kAdditiveMethod) return tr("Baseline: control cells shifted by the sum of the single perturbations' effects");
    if (m == kLinearMethod) return tr("Baseline: ridge regression from the perturbation design to the mean effect");
    return tr("A baseline, shown so the model's value can be judged");
  }
  return {};
}

}  // namespace scdfm::ui
