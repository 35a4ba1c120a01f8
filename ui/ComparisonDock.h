#pragma once
// The "Compare" dock: the comparison panel of the prediction shown in the
// view, with a header that names it, says where its metrics come from, lets
// the user choose how many sampling seeds the metrics average over, and
// exports the current tab (figure, or CSV for the metrics table).
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace scdfm::ui {

class ComparisonPanel;
struct Comparison;

class ComparisonDock : public QWidget {
  Q_OBJECT
 public:
  explicit ComparisonDock(QWidget* parent = nullptr);

  void showComparison(const Comparison& comparison);
  // While a comparison runs: the key and the progress; an empty key clears.
  void setBusy(const QString& key, double fraction, const QString& stage);
  void setMessage(const QString& text);  // e.g. "Predict a perturbation to compare it"
  int seeds() const;
  ComparisonPanel* panel() const { return panel_; }
  QString shownKey() const { return key_; }
  QString note() const;

 signals:
  void seedsChanged(int seeds);

 private:
  void exportCurrentTab();

  ComparisonPanel* panel_;
  QLabel* title_;
  QLabel* note_;
  QProgressBar* progress_;
  QSpinBox* seeds_;
  QPushButton* export_;
  QString key_;
};

}  // namespace scdfm::ui
