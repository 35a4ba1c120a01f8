#pragma once
// The main window: menus, the embedding view in the centre, the dataset panel
// as a dock, and the status bar. Long work (opening, computing a UMAP) runs in
// the JobRunner; the window keeps its state when a job fails or is cancelled.
#include <QMainWindow>
#include <any>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "ui/OpenedDataset.h"
#include "ui/SessionState.h"
#include "ui/ViewState.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QUndoStack;

namespace scdfm {
class Predictor;
}

namespace scdfm::ui {

class CombinationScreenDialog;
class ComparisonDock;
class ComparisonSession;
class DatasetPanel;
class JobRunner;
class PredictionPanel;
class PredictionSession;
class StatusIndicators;
class UmapView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens an .h5ad file on a worker thread; errors are shown in a dialog
  // (or, with --screenshot, printed) and the current dataset stays open.
  void openDataset(const QString& path);
  // Loads an scDFM checkpoint on a worker thread (core's Predictor) on
  // `device` ("auto", "cpu", "cuda:N"); the status bar then names the device
  // it runs on, and the prediction panel says how the model fits the dataset.
  void openCheckpoint(const QString& path, const QString& device = "auto");
  // An authors' PyTorch checkpoint through core's importer (with their
  // vocabulary JSON and graph mask, "" = none), then as openCheckpoint.
  void importCheckpoint(const QString& path, const QString& vocabulary, const QString& mask,
                        const QString& device = "auto");
  // What the app does on start (command line): open a dataset, then a
  // checkpoint, then predict the listed perturbations; with `screenshot`, save
  // a picture of the window once all that is shown and quit (exit code 1 on
  // failure) — how the README's screenshots are made.
  struct StartupPlan {
    QString dataset, checkpoint, device = "auto", screenshot;
    QStringList predict;  // one batch with the panel's options (command line)
    int cells = 0;        // > 0: generated cells per perturbation of `predict`
    std::vector<PredictionSettings> batches;  // run in order after `predict` (sessions)
    std::optional<ViewState> view;            // applied once everything ran (sessions)
    int compareTab = -1;                      // ComparisonPanel::Tab to show (screenshots)
    QString colorGene;                        // colour the cells by this gene
    QStringList screenGenes;                  // run a combination screen of these genes
  };
  void start(const StartupPlan& plan);
  // Sessions (File ▸ Save/Open session): see SessionState.h.
  void saveSession(const QString& path);
  void openSession(const QString& path);
  SessionState sessionState() const;

  // Undo/redo of what is shown (ViewState.h).
  ViewState viewState() const;
  void applyViewState(const ViewState& state);
  QUndoStack* undoStack() const { return undo_; }

  static QStringList recentFiles();
  static void addRecentFile(const QString& path);

  // For tests.
  UmapView* umapView() const { return view_; }
  DatasetPanel* datasetPanel() const { return panel_; }
  JobRunner* jobs() const { return jobs_; }
  const OpenedDataset& current() const { return current_; }
  const Predictor* predictor() const { return predictor_.get(); }
  QComboBox* colorByBox() const { return colorBy_; }
  PredictionPanel* predictionPanel() const { return predictPanel_; }
  PredictionSession* predictions() const { return session_; }
  QString shownPrediction() const { return shownPrediction_; }
  ComparisonSession* comparisons() const { return compare_; }
  ComparisonDock* comparisonDock() const { return compareDock_; }
  JobRunner* viewJobs() const { return viewJobs_; }
  QLineEdit* geneBox() const { return geneBox_; }
  CombinationScreenDialog* combinationScreen() const { return screen_; }
  // Colours the cells by one gene's expression ("" = back to the colour-by choice).
  void colorByGene(const QString& gene);
  QString coloredGene() const { return colorGene_; }
  // Writes the shown prediction and those made with the same options
  // (File ▸ Export predictions). "" on success, else the error.
  QString exportPredictionsTo(const QString& path, const QString& format);
  // Opens the bundled demo dataset and model and predicts one of the model's
  // held-out pairs (Help ▸ Open demo, first launch). `extra` adds to that plan
  // (screenshot, tab, gene, screen; its predict list replaces the default pair).
  void openDemo();
  void openDemo(const StartupPlan& extra);
  void openCombinationScreen();
  // Shows a finished prediction in the view (its layers: control, observed, predicted).
  void showPrediction(const QString& key);

 signals:
  void datasetShown(const QString& path);
  void datasetFailed(const QString& path, const QString& message);
  void checkpointLoaded(const QString& path);
  void predictionShown(const QString& key);

 protected:
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;
  void closeEvent(QCloseEvent* e) override;

 private:
  void createMenus();
  void chooseDatasetToOpen();
  void chooseCheckpointToOpen();
  void rebuildRecentMenu();
  void exportFigure();
  void exportPredictions();
  void showAbout();
  void compareShown();
  void closeCombinationScreen();
  void applyGeneValues(const QString& gene, std::shared_ptr<const std::vector<float>> values, const QString& unit);
  void showError(const QString& title, const QString& message, const QString& hint);
  void installDataset(OpenedDataset opened);
  void showEmbedding();
  void fillColorByChoices();
  void applyColoring();
  void computeUmap();
  void updateCompatibility();
  void runPredictions();
  void onPredictionReady(const QString& key);
  void onBatchFinished(int results, bool completed);
  QString hoverText(int cell) const;
  QString datasetName() const;
  // Runs `work` in the JobRunner and calls `done` with its result (UI thread).
  template <typename F, typename D>
  quint64 runJob(const QString& name, F work, D done);

  JobRunner* jobs_ = nullptr;
  UmapView* view_ = nullptr;
  DatasetPanel* panel_ = nullptr;
  StatusIndicators* status_ = nullptr;
  QComboBox* colorBy_ = nullptr;
  QPushButton* computeUmap_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QAction* exportAction_ = nullptr;

  OpenedDataset current_;
  std::shared_ptr<const Predictor> predictor_;
  QString checkpointPath_;
  PredictionPanel* predictPanel_ = nullptr;
  PredictionSession* session_ = nullptr;
  QString shownPrediction_;  // key of the prediction drawn in the view ("" = none)
  QString selectedCondition_;  // catalog key highlighted in the view ("" = none)
  std::map<quint64, std::function<void(const std::any&)>> onFinished_;
  std::map<quint64, QString> jobPath_;  // open jobs: which file
  void shootAndQuit();
  // Records a user change of the view state as one undo step (no-op while undoing).
  void commitView(const QString& what);
  void chooseSessionToOpen();
  void chooseSessionToSave();
  QUndoStack* undo_ = nullptr;
  ViewState lastView_;
  void installPredictor(std::shared_ptr<const Predictor> predictor, const QString& path);
  QString importVocab_, importMask_;  // of the imported checkpoint (device changes re-import)
  bool applyingView_ = false;
  std::vector<PredictionSettings> runs_;  // prediction batches of this dataset + model (sessions)
  QString screenshotPath_;
  ComparisonSession* compare_ = nullptr;
  ComparisonDock* compareDock_ = nullptr;
  JobRunner* viewJobs_ = nullptr;  // gene colouring: never cancels a prediction
  QLineEdit* geneBox_ = nullptr;
  QLabel* selectionLabel_ = nullptr;
  QAction* exportPredictionsAction_ = nullptr;
  CombinationScreenDialog* screen_ = nullptr;
  QString colorGene_;
  quint64 geneTicket_ = 0;  // the latest gene-colouring request (older results are dropped)
  QString geneCacheKey_;    // gene|dataset|preprocessing of geneCache_
  std::shared_ptr<const std::vector<float>> geneCache_;  // that gene's values for the dataset's cells
  QString compared_;        // "key/seeds" of the comparison asked for last
  QString pendingShow_;     // a pair asked for by the combination screen: show it when it arrives
};

}  // namespace scdfm::ui
