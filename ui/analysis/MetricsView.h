#pragma once
// The metrics table with a one-line verdict above it ("scDFM is beaten by a
// baseline on 3 of 24 metrics") and CSV export of the numbers.
#include <QWidget>

#include "core/eval/MethodComparison.h"

class QLabel;
class QTableView;

namespace scdfm::ui {

class MetricsTableModel;

class MetricsView : public QWidget {
  Q_OBJECT
 public:
  explicit MetricsView(QWidget* parent = nullptr);

  void setRuns(const std::string& perturbation, const MethodRuns& runs);
  // Shown instead of the table (e.g. "no observed cells: metrics need them").
  void showMessage(const QString& text);
  MetricsTableModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  QString summary() const;
  // Writes the numbers as CSV (metric id rows; mean, sd and n per method). "" or the error.
  QString exportTo(const QString& path) const;

 private:
  void showContextMenu(const QPoint& pos);
  MetricsTableModel* model_ = nullptr;
  QTableView* table_ = nullptr;
  QLabel* summary_ = nullptr;
  std::string perturbation_;
};

}  // namespace scdfm::ui
