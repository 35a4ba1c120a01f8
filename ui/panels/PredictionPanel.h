#pragma once
// Dock panel that sets up predictions: the model and its fit to the dataset,
// the context (cell type) whose control cells are the input, the perturbations
// to predict (type-ahead over the model's vocabulary; combinations 'A+B';
// each checked against the model before it is queued), sampling options, and
// the results as they arrive. It only collects choices: MainWindow runs the
// work.
#include <QString>
#include <QStringList>
#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QProgressBar;

namespace scdfm {
class Dataset;
class Predictor;
}  // namespace scdfm

namespace scdfm::ui {

class PerturbationCompleter;

struct PredictionSettings {
  QString context;                 // "" = every control cell
  QStringList perturbations;       // canonical keys, in queue order
  int cells = 128;                 // generated cells per perturbation (authors: 128)
  QString solver = "rk4";          // rk4 | midpoint | euler
  int timePoints = 20;             // grid points incl. 0 and 1 (authors: 20)
  quint64 seed = 0;
  QString device = "auto";
};

class PredictionPanel : public QWidget {
  Q_OBJECT
 public:
  explicit PredictionPanel(QWidget* parent = nullptr);

  void setDataset(std::shared_ptr<const Dataset> dataset);
  // The loaded model and its name (nullptr: none loaded).
  void setPredictor(std::shared_ptr<const Predictor> predictor, const QString& name);
  void setCompatibility(const QStringList& messages, bool usable);

  // Checks `query` against the model and queues it. Returns "" when queued,
  // else the reason shown to the user (unknown gene with closest names, ...).
  QString addPerturbation(const QString& query);
  void clearQueue();
  PredictionSettings settings() const;
  void setSettings(const PredictionSettings& settings);

  void setRunning(bool running);
  void setProgress(double fraction, const QString& stage);
  // A finished perturbation (listed; selecting it shows it).
  void addResult(const QString& key, const QString& text, const QString& tooltip);
  void clearResults();
  void selectResult(const QString& key);

  // For tests.
  QLineEdit* queryField() const { return query_; }
  QLabel* messageLabel() const { return message_; }
  QListWidget* queueList() const { return queue_; }
  QListWidget* resultList() const { return results_; }
  QPushButton* runButton() const { return run_; }
  QPushButton* cancelButton() const { return cancel_; }
  QComboBox* contextBox() const { return context_; }
  QComboBox* deviceBox() const { return device_; }

 signals:
  void runRequested();
  void cancelRequested();
  void resultSelected(const QString& key);
  void deviceChanged(const QString& device);

 private:
  void refreshContexts();
  void refreshCompletions();
  void updateRunEnabled();
  void applyPreset(int index);

  std::shared_ptr<const Dataset> dataset_;
  std::shared_ptr<const Predictor> predictor_;
  bool usable_ = false, running_ = false;
  QLabel* model_ = nullptr;
  QLabel* fit_ = nullptr;
  QComboBox* device_ = nullptr;
  QComboBox* context_ = nullptr;
  QLineEdit* query_ = nullptr;
  PerturbationCompleter* completer_ = nullptr;
  QLabel* message_ = nullptr;
  QListWidget* queue_ = nullptr;
  QComboBox* preset_ = nullptr;
  QSpinBox* cells_ = nullptr;
  QComboBox* solver_ = nullptr;
  QSpinBox* timePoints_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QListWidget* results_ = nullptr;
};

}  // namespace scdfm::ui
