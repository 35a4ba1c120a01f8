#pragma once
// The status bar's permanent widgets: the current job (name, progress,
// cancel), the compute device, and the process memory (RSS, refreshed each
// second).
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;
class QStatusBar;

namespace scdfm::ui {

class JobRunner;

class StatusIndicators : public QObject {
  Q_OBJECT
 public:
  StatusIndicators(QStatusBar* bar, JobRunner* jobs);
  void setDevice(const QString& text, const QString& tooltip = {});
  QString deviceText() const;
  QString jobText() const;

  // Resident set size of this process in bytes (/proc/self/statm); -1 if unknown.
  static qint64 residentBytes();

 private:
  void refreshMemory();
  QLabel* job_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QToolButton* cancel_ = nullptr;
  QLabel* device_ = nullptr;
  QLabel* memory_ = nullptr;
};

}  // namespace scdfm::ui
