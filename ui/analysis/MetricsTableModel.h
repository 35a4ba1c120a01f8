#pragma once
// Metrics of the model beside its baselines: one row per metric (name with ↑/↓
// for higher/lower is better, the formula as tooltip), one column per method
// ("scDFM" first, then the baselines) showing mean ± sd over sampling seeds and n.
// The best method of a row is bold; a row where a baseline beats the model is
// light red, and its tooltip says which baseline and by how much.
#include <QAbstractTableModel>
#include <QColor>

#include "core/eval/MethodComparison.h"

namespace scdfm::ui {

class MetricsTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int MetricIdRole = Qt::UserRole + 1;  // QString metric id (any column)
  static constexpr int BeatenRole = Qt::UserRole + 2;    // bool: a baseline beats the model on this row
  static constexpr int BestRole = Qt::UserRole + 3;      // bool: this cell's method is (one of) the best
  static inline const QColor kBeatenBackground{255, 215, 215};

  explicit MetricsTableModel(QObject* parent = nullptr);

  // Methods in the order given after the model (baselines: kNoChangeMethod, kAdditiveMethod, kLinearMethod).
  void setRuns(const MethodRuns& runs, const std::string& model = kModelMethod);
  const MethodComparison& comparison() const { return comparison_; }
  int rowsBeaten() const;  // rows where a baseline beats the model

  // "0.123 ± 0.004 (n = 5)"; "—" without a finite value.
  static QString cellText(const MetricSpread& spread);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;  // metric + one per method
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  QString beatenText(const MethodMetricRow& row) const;
  MethodComparison comparison_;
};

}  // namespace scdfm::ui
