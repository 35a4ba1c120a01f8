#pragma once
// A combination screen for the open dataset and model: the user lists 2–30
// genes, the dialog runs core's runCombinationScreen in its own JobRunner
// (every single and pair predicted from the control cells of one context),
// fills a CombinationHeatmap pair by pair as the scores arrive, and exports the
// pairs as CSV or the heatmap as a figure. A click on a scored pair emits
// pairRequested so the main window can predict and show that pair's cells.
// Non-modal tool window; Cancel stops the screen within one ODE step.
#include <QDialog>
#include <QElapsedTimer>
#include <QStringList>
#include <memory>
#include <optional>

#include "core/flow/CombinationScreen.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace scdfm {
class Dataset;
}

namespace scdfm::ui {

class CombinationHeatmap;
class JobRunner;

class CombinationScreenDialog : public QDialog {
  Q_OBJECT
 public:
  CombinationScreenDialog(std::shared_ptr<const Dataset> dataset, std::shared_ptr<const Predictor> predictor,
                          QWidget* parent = nullptr);
  ~CombinationScreenDialog() override;

  // Puts `genes` into the gene list and runs it (as the Run button does).
  // False when the input is refused; lastError() then says why.
  bool startScreen(const QStringList& genes);
  // Asks the running screen to stop; the pairs already shown stay.
  void cancel();
  // Writes the pairs shown (all of a finished screen, those done of a cancelled
  // one) with writeCombinationScreenCsv. "" on success, else the error and what to do.
  QString exportCsvTo(const QString& path) const;
  // Up to n single genes perturbed in the data (in the chosen context) that the
  // model knows; genes of observed pairs first, so the screen has pairs to compare.
  QStringList suggestedGenes(int n = 5) const;

  // The finished screen (none while running, after a cancel or a failure).
  const std::optional<CombinationScreenResult>& result() const { return result_; }
  CombinationHeatmap* heatmap() const { return heatmap_; }
  JobRunner* jobs() const { return jobs_; }
  // The error shown in the red line ("" when none).
  QString lastError() const;
  QString statusText() const;

  QLineEdit* geneEdit() const { return genes_; }
  QComboBox* contextBox() const { return context_; }
  QSpinBox* cellsBox() const { return cells_; }
  QSpinBox* timePointsBox() const { return timePoints_; }
  QSpinBox* seedBox() const { return seed_; }
  QPushButton* runButton() const { return run_; }
  QPushButton* cancelButton() const { return cancel_; }

 signals:
  // key: the pair as the catalog spells it ("A+B"), as in ScreenPair::key.
  void pairRequested(const QString& key);

 private:
  bool run();
  // The genes of the edit, checked against the model; nullopt (and the error shown) when refused.
  std::optional<std::vector<std::string>> checkedGenes();
  void showError(const QString& text);
  void acceptPair(quint64 job, const ScreenPair& pair);
  void onFinished(quint64 job, const CombinationScreenResult& result);
  void onStopped(quint64 job, const QString& status);
  void onPairClicked(const QString& geneA, const QString& geneB);
  void updateButtons();
  QString pairsDone() const;  // "k of N pairs"

  std::shared_ptr<const Dataset> dataset_;
  std::shared_ptr<const Predictor> predictor_;
  JobRunner* jobs_ = nullptr;
  quint64 job_ = 0;  // the screen being run or last run
  bool running_ = false;
  QElapsedTimer clock_;
  CombinationScreenResult shown_;  // what the heatmap shows: filled pair by pair
  std::optional<CombinationScreenResult> result_;

  QLineEdit* genes_ = nullptr;
  QComboBox* context_ = nullptr;
  QSpinBox *cells_ = nullptr, *timePoints_ = nullptr, *seed_ = nullptr;
  QLabel *error_ = nullptr, *status_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton *run_ = nullptr, *cancel_ = nullptr, *exportCsv_ = nullptr, *exportFigure_ = nullptr;
  CombinationHeatmap* heatmap_ = nullptr;
};

}  // namespace scdfm::ui
