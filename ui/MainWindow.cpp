#include "ui/MainWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QSpinBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <QPointer>
#include <set>

#include "core/data/ModelExpression.h"
#include "core/flow/ModelLoading.h"
#include "core/flow/Predictor.h"
#include "core/io/H5adReader.h"
#include "core/io/ModelCheckpoint.h"
#include "core/util/AtomicFile.h"
#include "core/util/BuildInfo.h"
#include "core/util/Error.h"
#include "core/util/InstallPaths.h"
#include "ui/CombinationScreenDialog.h"
#include "ui/ComparisonDock.h"
#include "ui/ComparisonSession.h"
#include "ui/ImportCheckpointDialog.h"
#include "ui/JobRunner.h"
#include "ui/PredictionFiles.h"
#include "ui/analysis/ComparisonPanel.h"
#include "ui/StatusIndicators.h"
#include "ui/PredictionSession.h"
#include "ui/panels/DatasetPanel.h"
#include "ui/panels/PredictionPanel.h"
#include "ui/views/CategoryPalette.h"
#include "ui/views/UmapView.h"

// resources.qrc is compiled into the static scdfm_ui library: register it
// explicitly (the macro must be used outside any namespace).
static void initScdfmResources() { Q_INIT_RESOURCE(resources); }

namespace scdfm::ui {

namespace {
constexpr int kMaxRecent = 10;
constexpr int kMaxCategories = 500;  // more distinct values than this: not offered as a colouring
const char* kPerturbationColoring = "__perturbation__";
const char* kLayerColoring = "__layers__";  // control / observed / predicted of the shown prediction

bool isH5ad(const QString& path) { return path.endsWith(".h5ad", Qt::CaseInsensitive); }
}  // namespace

template <typename F, typename D>
quint64 MainWindow::runJob(const QString& name, F work, D done) {
  quint64 id = jobs_->run(name, std::move(work));
  using R = std::invoke_result_t<F, const Progress&, const CancelToken&>;
  onFinished_[id] = [done = std::move(done)](const std::any& result) { done(std::any_cast<R>(result)); };
  return id;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  initScdfmResources();
  setWindowTitle(tr("scDFM Studio"));
  setWindowIcon(QIcon(":/scdfm/scdfm-studio.svg"));
  setAcceptDrops(true);
  resize(1400, 900);

  jobs_ = new JobRunner(this);

  // Centre: a row of view controls above the embedding.
  auto* centre = new QWidget;
  auto* layout = new QVBoxLayout(centre);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Colour by:")));
  colorBy_ = new QComboBox;
  colorBy_->setMinimumContentsLength(18);
  colorBy_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  colorBy_->setToolTip(tr("obs column whose categories colour the cells (uns['<column>_colors'] when stored)"));
  controls->addWidget(colorBy_);
  computeUmap_ = new QPushButton(tr("Compute UMAP"));
  computeUmap_->setToolTip(tr("Normalise (total 1e4, log1p), PCA (50 components) and UMAP (umap-learn defaults) "
                              "of all cells; runs in the background and can be cancelled"));
  controls->addWidget(computeUmap_);
  auto* reset = new QPushButton(tr("Reset view"));
  reset->setToolTip(tr("Show all cells (or double-click the view). Drag to pan, wheel to zoom."));
  controls->addWidget(reset);
  controls->addSpacing(12);
  controls->addWidget(new QLabel(tr("Gene:")));
  geneBox_ = new QLineEdit;
  geneBox_->setPlaceholderText(tr("colour by a gene…"));
  geneBox_->setClearButtonEnabled(true);
  geneBox_->setMaximumWidth(160);
  geneBox_->setToolTip(tr("Type a gene name (completion over the dataset's genes) and press Enter to colour every cell, "
                          "predicted ones included, by its expression; clear the box to go back"));
  controls->addWidget(geneBox_);
  controls->addSpacing(12);
  controls->addWidget(new QLabel(tr("Points:")));
  auto* pointSize = new QDoubleSpinBox;
  pointSize->setRange(1, 30);
  pointSize->setSingleStep(0.5);
  pointSize->setValue(5);
  pointSize->setSuffix(tr(" px"));
  pointSize->setToolTip(tr("Point diameter"));
  controls->addWidget(pointSize);
  auto* opacity = new QDoubleSpinBox;
  opacity->setRange(0.05, 1.0);
  opacity->setSingleStep(0.05);
  opacity->setValue(1.0);
  opacity->setPrefix(tr("opacity "));
  opacity->setToolTip(tr("Point opacity (lower it to see dense regions)"));
  controls->addWidget(opacity);
  auto* selectMode = new QComboBox;
  selectMode->addItem(tr("Pan / zoom"), int(UmapView::SelectionMode::None));
  selectMode->addItem(tr("Box select"), int(UmapView::SelectionMode::Box));
  selectMode->addItem(tr("Lasso select"), int(UmapView::SelectionMode::Lasso));
  selectMode->setToolTip(tr("What a left-drag does in the view (middle-drag always pans)"));
  controls->addWidget(selectMode);
  selectionLabel_ = new QLabel;
  controls->addWidget(selectionLabel_);
  controls->addStretch(1);
  layout->addLayout(controls);
  view_ = new UmapView;
  view_->setPlaceholder(tr("Open an .h5ad dataset (File ▸ Open dataset…, or drop it here)."));
  view_->setHoverText([this](int cell) { return hoverText(cell); });
  layout->addWidget(view_, 1);
  setCentralWidget(centre);

  panel_ = new DatasetPanel;
  auto* dock = new QDockWidget(tr("Dataset"), this);
  dock->setObjectName("DatasetDock");
  dock->setWidget(panel_);
  dock->setMinimumWidth(420);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  predictPanel_ = new PredictionPanel;
  auto* predictDock = new QDockWidget(tr("Predict"), this);
  predictDock->setObjectName("PredictDock");
  predictDock->setWidget(predictPanel_);
  predictDock->setMinimumWidth(360);
  addDockWidget(Qt::RightDockWidgetArea, predictDock);
  session_ = new PredictionSession(jobs_, this);
  undo_ = new QUndoStack(this);
  viewJobs_ = new JobRunner(this);
  compare_ = new ComparisonSession(this);
  compareDock_ = new ComparisonDock;
  auto* compareDock = new QDockWidget(tr("Compare"), this);
  compareDock->setObjectName("CompareDock");
  compareDock->setWidget(compareDock_);
  compareDock_->setMinimumHeight(320);
  addDockWidget(Qt::BottomDockWidgetArea, compareDock);
  compare_->setSeeds(compareDock_->seeds());

  status_ = new StatusIndicators(statusBar(), jobs_);
  createMenus();

  connect(colorBy_, &QComboBox::currentIndexChanged, this, [this] {
    applyColoring();
    commitView(tr("Colour by %1").arg(colorBy_->currentText()));
  });
  connect(computeUmap_, &QPushButton::clicked, this, &MainWindow::computeUmap);
  connect(geneBox_, &QLineEdit::returnPressed, this, [this] {
    colorByGene(geneBox_->text().trimmed());
    commitView(colorGene_.isEmpty() ? tr("Colour by %1").arg(colorBy_->currentText()) : tr("Colour by %1").arg(colorGene_));
  });
  connect(geneBox_, &QLineEdit::textChanged, this, [this](const QString& t) {
    if (t.isEmpty() && !colorGene_.isEmpty()) {
      colorByGene({});
      commitView(tr("Colour by %1").arg(colorBy_->currentText()));
    }
  });
  connect(viewJobs_, &JobRunner::failed, this,
          [this](quint64, const QString& title, const QString& message, const QString& hint) { showError(title, message, hint); });
  connect(pointSize, &QDoubleSpinBox::valueChanged, view_, &UmapView::setPointSize);
  connect(opacity, &QDoubleSpinBox::valueChanged, view_, &UmapView::setOpacity);
  connect(selectMode, &QComboBox::currentIndexChanged, this, [this, selectMode] {
    view_->setSelectionMode(static_cast<UmapView::SelectionMode>(selectMode->currentData().toInt()));
  });
  connect(view_, &UmapView::selectionChanged, this, [this](const std::vector<int>& points) {
    selectionLabel_->setText(points.empty() ? QString() : tr("%n cell(s) selected", nullptr, int(points.size())));
  });
  connect(compare_, &ComparisonSession::progress, this, [this](double f, const QString& stage) {
    compareDock_->setBusy(shownPrediction_, f, stage);
  });
  connect(compare_, &ComparisonSession::ready, this, [this](const QString& key) {
    if (compare_->last() && key == shownPrediction_) compareDock_->showComparison(*compare_->last());
  });
  connect(compare_, &ComparisonSession::failed, this, [this](const QString& title, const QString& message, const QString& hint) {
    compareDock_->setMessage(tr("%1: %2 What to do: %3").arg(title, message, hint));
  });
  connect(compareDock_, &ComparisonDock::seedsChanged, this, [this](int seeds) {
    compare_->setSeeds(seeds);
    compareShown();
  });
  connect(reset, &QPushButton::clicked, view_, &UmapView::resetView);
  connect(panel_, &DatasetPanel::conditionSelected, this, [this](const QString& key) {
    selectedCondition_ = key;
    applyColoring();
    commitView(key.isEmpty() ? tr("Clear highlight") : tr("Highlight %1").arg(key));
  });
  connect(predictPanel_, &PredictionPanel::runRequested, this, &MainWindow::runPredictions);
  connect(predictPanel_, &PredictionPanel::cancelRequested, session_, &PredictionSession::cancel);
  connect(predictPanel_, &PredictionPanel::resultSelected, this, &MainWindow::showPrediction);
  connect(predictPanel_, &PredictionPanel::deviceChanged, this, [this](const QString& device) {
    if (!checkpointPath_.isEmpty()) openCheckpoint(checkpointPath_, device);
  });
  connect(session_, &PredictionSession::progress, predictPanel_, &PredictionPanel::setProgress);
  connect(session_, &PredictionSession::resultReady, this, &MainWindow::onPredictionReady);
  connect(session_, &PredictionSession::batchFinished, this, &MainWindow::onBatchFinished);
  connect(session_, &PredictionSession::placementsChanged, this, &MainWindow::showEmbedding);
  connect(jobs_, &JobRunner::finished, this, [this](quint64 job, const std::any& result) {
    auto it = onFinished_.find(job);
    if (it == onFinished_.end()) return;
    auto done = std::move(it->second);
    onFinished_.erase(it);
    jobPath_.erase(job);
    done(result);
  });
  connect(jobs_, &JobRunner::failed, this,
          [this](quint64 job, const QString& title, const QString& message, const QString& hint) {
            onFinished_.erase(job);
            auto path = jobPath_.find(job);
            if (path != jobPath_.end()) {
              emit datasetFailed(path->second, message);
              jobPath_.erase(path);
            }
            showError(title, message, hint);
          });
  connect(jobs_, &JobRunner::cancelled, this, [this](quint64 job) {
    onFinished_.erase(job);
    jobPath_.erase(job);
  });
  installDataset(OpenedDataset{});
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->setToolTipsVisible(true);
  QAction* open = file->addAction(tr("&Open dataset…"), this, &MainWindow::chooseDatasetToOpen);
  open->setShortcut(QKeySequence::Open);
  open->setToolTip(tr("Open an AnnData .h5ad file"));
  recentMenu_ = file->addMenu(tr("Open &recent"));
  connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
  rebuildRecentMenu();
  QAction* checkpoint = file->addAction(tr("Open &checkpoint…"), this, &MainWindow::chooseCheckpointToOpen);
  checkpoint->setToolTip(tr("Load a trained scDFM model (the authors' checkpoint.pt or an imported one) "
                            "for predictions"));
  file->addSeparator();
  file->addAction(tr("Open &session…"), this, &MainWindow::chooseSessionToOpen)
      ->setToolTip(tr("Reopen a saved session: dataset, model, predictions (same seeds, same cells) and view"));
  file->addAction(tr("&Save session…"), this, &MainWindow::chooseSessionToSave)
      ->setToolTip(tr("Save the dataset and model paths, every prediction's options and seed, and the view, so a "
                      "figure can be made again later"));
  file->addSeparator();
  exportAction_ = file->addAction(tr("&Export figure…"), this, &MainWindow::exportFigure);
  exportAction_->setShortcut(QKeySequence(tr("Ctrl+E")));
  exportAction_->setToolTip(tr("Save the embedding view as PNG (2x resolution), SVG or PDF (vector)"));
  exportPredictionsAction_ = file->addAction(tr("Export &predictions…"), this, &MainWindow::exportPredictions);
  exportPredictionsAction_->setToolTip(
      tr("Save the shown prediction (and the others made with the same options) with their control and observed "
         "cells: AnnData .h5ad for scanpy, cells as CSV, or a per-gene summary CSV"));
  exportPredictionsAction_->setEnabled(false);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = undo_->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = undo_->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);

  QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
  analysis->setToolTipsVisible(true);
  analysis->addAction(tr("&Combination screen…"), this, &MainWindow::openCombinationScreen)
      ->setToolTip(tr("Predict every pair of a set of genes and map how far each pair departs from the additive "
                      "expectation of its singles"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("Open &demo"), this, [this] { openDemo(); })
      ->setToolTip(tr("The bundled simulated Perturb-seq dataset with the shipped demo model, predicting one held-out pair"));
  help->addAction(tr("&About scDFM Studio"), this, &MainWindow::showAbout);
}

QStringList MainWindow::recentFiles() { return QSettings().value("recentFiles").toStringList(); }

void MainWindow::addRecentFile(const QString& path) {
  QStringList files = recentFiles();
  const QString absolute = QFileInfo(path).absoluteFilePath();
  files.removeAll(absolute);
  files.prepend(absolute);
  while (files.size() > kMaxRecent) files.removeLast();
  QSettings().setValue("recentFiles", files);
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList files = recentFiles();
  for (const QString& f : files) {
    QAction* a = recentMenu_->addAction(QFileInfo(f).fileName(), this, [this, f] { openDataset(f); });
    a->setToolTip(f);
    a->setEnabled(QFileInfo::exists(f));
  }
  if (files.isEmpty()) recentMenu_->addAction(tr("(none)"))->setEnabled(false);
  recentMenu_->addSeparator();
  recentMenu_->addAction(tr("Clear list"), this, [] { QSettings().remove("recentFiles"); })
      ->setEnabled(!files.isEmpty());
}

void MainWindow::chooseDatasetToOpen() {
  QString start = recentFiles().isEmpty() ? QString() : QFileInfo(recentFiles().first()).absolutePath();
  QString path = QFileDialog::getOpenFileName(this, tr("Open dataset"), start,
                                              tr("AnnData files (*.h5ad);;All files (*)"));
  if (!path.isEmpty()) openDataset(path);
}

void MainWindow::chooseCheckpointToOpen() {
  QString path = QFileDialog::getOpenFileName(
      this, tr("Open checkpoint"), QSettings().value("lastCheckpointDir").toString(),
      tr("scDFM checkpoints (*.pt *.pth *.ckpt *.safetensors *.scdfm);;All files (*)"));
  if (path.isEmpty()) return;
  QSettings().setValue("lastCheckpointDir", QFileInfo(path).absolutePath());
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == "safetensors" || suffix == "scdfm") return openCheckpoint(path);
  ImportCheckpointDialog ask(path, this);
  if (ask.exec() == QDialog::Accepted) importCheckpoint(path, ask.vocabulary(), ask.mask());
}

void MainWindow::openCheckpoint(const QString& path, const QString& device) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != "safetensors" && suffix != "scdfm") return importCheckpoint(path, importVocab_, importMask_, device);
  const std::string file = QFileInfo(path).absoluteFilePath().toStdString();
  const std::string onDevice = device.toStdString();
  runJob(tr("Loading checkpoint %1").arg(QFileInfo(path).fileName()),
         [file, onDevice](const Progress& progress, const CancelToken& cancel) {
           progress.report(0.0, "Reading the checkpoint");
           auto predictor = std::make_shared<const Predictor>(file, onDevice);
           cancel.throwIfCancelled();
           return predictor;
         },
         [this, path](std::shared_ptr<const Predictor> predictor) { installPredictor(std::move(predictor), path); });
}

void MainWindow::importCheckpoint(const QString& path, const QString& vocabulary, const QString& mask,
                                  const QString& device) {
  importVocab_ = vocabulary;
  importMask_ = mask;
  ImportRequest req;
  req.checkpoint = QFileInfo(path).absoluteFilePath().toStdString();
  req.vocab = vocabulary.toStdString();
  req.mask = mask.toStdString();
  const std::string onDevice = device.toStdString();
  runJob(tr("Importing checkpoint %1").arg(QFileInfo(path).fileName()),
         [req, onDevice](const Progress& progress, const CancelToken& cancel) {
           progress.report(0.0, "Converting the authors' checkpoint");
           ModelCheckpoint ck = importAuthorsCheckpoint(req);
           cancel.throwIfCancelled();
           return std::make_shared<const Predictor>(std::move(ck), req.checkpoint, onDevice);
         },
         [this, path](std::shared_ptr<const Predictor> predictor) { installPredictor(std::move(predictor), path); });
}

void MainWindow::installPredictor(std::shared_ptr<const Predictor> predictor, const QString& path) {
  predictor_ = std::move(predictor);
  checkpointPath_ = path;
  const QString device = QString::fromStdString(predictor_->deviceName());
  status_->setDevice(tr("Model on %1").arg(device),
                     tr("%1: %2 genes; predictions run on %3")
                         .arg(QFileInfo(path).fileName())
                         .arg(predictor_->checkpoint().genes.size())
                         .arg(device));
  shownPrediction_.clear();
  runs_.clear();
  undo_->clear();
  session_->setPredictor(predictor_);
  compare_->setPredictor(predictor_);
  closeCombinationScreen();
  compareDock_->setMessage(tr("Predict a perturbation to compare it with the observed cells and the baselines."));
  predictPanel_->setPredictor(predictor_, QFileInfo(path).fileName());
  updateCompatibility();
  showEmbedding();
  lastView_ = viewState();
  statusBar()->showMessage(tr("Loaded checkpoint %1").arg(QFileInfo(path).fileName()), 5000);
  emit checkpointLoaded(path);
}

void MainWindow::updateCompatibility() {
  if (!predictor_ || !current_.dataset) {
    predictPanel_->setCompatibility(
        {predictor_ ? tr("Open a dataset with control cells to predict from.")
                    : tr("Load a checkpoint to predict.")},
        false);
    return;
  }
  const CompatibilityReport report = predictor_->compatibility(*current_.dataset);
  QStringList lines;
  for (const auto& m : report.messages()) lines << QString::fromStdString(m);
  predictPanel_->setCompatibility(lines, report.usable());
}

void MainWindow::runPredictions() {
  const PredictionSettings settings = predictPanel_->settings();
  if (settings.perturbations.isEmpty()) return;
  predictPanel_->setRunning(true);
  runs_.push_back(settings);
  session_->run(settings);
}

void MainWindow::onPredictionReady(const QString& key) {
  const PredictionRecord* r = session_->find(key);
  if (!r) return;
  const auto& check = r->result.check;
  QString text = tr("%1 · %2 cells · %3 s").arg(key).arg(r->result.cells.rows()).arg(r->result.seconds, 0, 'f', 1);
  if (check.observedInData) text += tr(" · observed");
  QStringList tip;
  tip << tr("Context: %1").arg(r->settings.context.isEmpty() ? tr("all cells") : r->settings.context);
  tip << tr("%1 cells, %2 with %3 time points, seed %4")
             .arg(r->settings.cells)
             .arg(r->settings.solver)
             .arg(r->settings.timePoints)
             .arg(r->settings.seed);
  for (const auto& n : check.notes) tip << QString::fromStdString(n);
  if (!r->umap) tip << tr("Not placed in the embedding: the dataset has none (Compute UMAP first).");
  predictPanel_->addResult(key, text, tip.join("\n"));
  // The first result of a batch is shown at once; later ones wait for a click.
  if (shownPrediction_.isEmpty() || !session_->find(shownPrediction_) || key == pendingShow_) {
    if (key == pendingShow_) pendingShow_.clear();
    showPrediction(key);
  }
}

void MainWindow::onBatchFinished(int results, bool completed) {
  predictPanel_->setRunning(false);
  statusBar()->showMessage(completed ? tr("Predicted %n perturbation(s)", nullptr, results)
                                     : tr("Prediction stopped; %n finished perturbation(s) kept", nullptr, results),
                           8000);
}

void MainWindow::showPrediction(const QString& key) {
  if (!session_->find(key)) return;
  shownPrediction_ = key;
  selectedCondition_.clear();
  predictPanel_->selectResult(key);
  {
    QSignalBlocker block(colorBy_);
    const int layers = colorBy_->findData(QString(kLayerColoring));
    if (layers >= 0) colorBy_->setCurrentIndex(layers);
  }
  showEmbedding();
  compareShown();
  exportPredictionsAction_->setEnabled(true);
  commitView(tr("Show prediction %1").arg(key));
  emit predictionShown(key);
}

void MainWindow::openDataset(const QString& path) {
  const std::string file = QFileInfo(path).absoluteFilePath().toStdString();
  const QString name = QFileInfo(path).fileName();
  quint64 job = runJob(tr("Opening %1").arg(name),
         [file](const Progress& progress, const CancelToken& cancel) {
           return std::make_shared<OpenedDataset>(scdfm::ui::openDataset(file, progress, cancel));
         },
         [this, path](std::shared_ptr<OpenedDataset> opened) {
           addRecentFile(path);
           installDataset(std::move(*opened));
           emit datasetShown(path);
         });
  jobPath_[job] = path;
}

void MainWindow::installDataset(OpenedDataset opened) {
  current_ = std::move(opened);
  selectedCondition_.clear();
  shownPrediction_.clear();
  panel_->setDataset(current_.dataset);
  predictPanel_->setDataset(current_.dataset);
  session_->setDataset(current_.dataset);
  compare_->setDataset(current_.dataset);
  closeCombinationScreen();
  compareDock_->setMessage(tr("Predict a perturbation to compare it with the observed cells and the baselines."));
  colorGene_.clear();
  geneCache_.reset();  // keyed by the dataset's address, which a new dataset may reuse
  geneCacheKey_.clear();
  {
    QSignalBlocker block(geneBox_);
    geneBox_->clear();
  }
  QStringList geneNames;
  if (current_.dataset)
    for (const auto& g : current_.dataset->geneNames()) geneNames << QString::fromStdString(g);
  auto* completer = new QCompleter(geneNames, geneBox_);
  completer->setCaseSensitivity(Qt::CaseInsensitive);
  completer->setFilterMode(Qt::MatchContains);
  delete geneBox_->completer();
  geneBox_->setCompleter(completer);
  runs_.clear();
  undo_->clear();
  session_->setEmbedding(current_.embedding ? std::make_shared<const RowMatrixF>(*current_.embedding) : nullptr);
  updateCompatibility();
  const bool open = current_.dataset != nullptr;
  setWindowTitle(open ? tr("%1 — scDFM Studio").arg(datasetName()) : tr("scDFM Studio"));
  computeUmap_->setEnabled(open && current_.dataset->summary().hasX);
  if (open && !current_.dataset->summary().hasX)
    computeUmap_->setToolTip(tr("This file has no expression matrix X, so no UMAP can be computed"));
  fillColorByChoices();
  showEmbedding();
  lastView_ = viewState();
}

QString MainWindow::datasetName() const {
  return current_.dataset ? QFileInfo(QString::fromStdString(current_.dataset->path())).fileName() : QString();
}

void MainWindow::showEmbedding() {
  ScatterData data;
  if (current_.embedding && current_.embedding->cols() >= 2) {
    const RowMatrixF& e = *current_.embedding;
    data.xy.resize(static_cast<std::size_t>(e.rows()) * 2);
    for (Eigen::Index i = 0; i < e.rows(); ++i) {
      data.xy[2 * i] = e(i, 0);
      data.xy[2 * i + 1] = e(i, 1);
    }
    // The shown prediction's cells, placed in the same picture, after the dataset's.
    const PredictionRecord* shown = session_->find(shownPrediction_);
    if (shown && shown->umap)
      for (Eigen::Index i = 0; i < shown->umap->rows(); ++i) {
        data.xy.push_back((*shown->umap)(i, 0));
        data.xy.push_back((*shown->umap)(i, 1));
      }
  }
  if (!current_.dataset) {
    view_->setPlaceholder(tr("Open an .h5ad dataset (File ▸ Open dataset…, or drop it here)."));
  } else if (data.xy.empty()) {
    view_->setPlaceholder(current_.dataset->summary().hasX
                              ? tr("%1 has no obsm['X_umap'].\nClick “Compute UMAP” to compute one.").arg(datasetName())
                              : tr("%1 has no obsm['X_umap'] and no expression matrix X.").arg(datasetName()));
  }
  exportAction_->setEnabled(!data.xy.empty());
  view_->setData(std::move(data));
  applyColoring();
}

void MainWindow::fillColorByChoices() {
  QSignalBlocker block(colorBy_);
  colorBy_->clear();
  if (!current_.dataset) return;
  colorBy_->addItem(tr("prediction layers (control / observed / predicted)"), QString(kLayerColoring));
  colorBy_->addItem(tr("perturbation (control / perturbed)"), QString(kPerturbationColoring));
  const DataFrame& obs = current_.dataset->obs();
  const ColumnRoles& roles = current_.dataset->roles().roles;
  int preferred = 1;
  for (const Column& c : obs.columns) {
    bool offer = false;
    if (c.kind == Column::Kind::Categorical) {
      offer = c.categories.size() <= kMaxCategories;
    } else if (c.kind == Column::Kind::String || c.kind == Column::Kind::Bool) {
      std::set<std::string> distinct;
      for (std::size_t i = 0; i < c.size() && distinct.size() <= kMaxCategories; ++i) distinct.insert(c.text(i));
      offer = distinct.size() <= kMaxCategories;
    }
    if (!offer) continue;
    colorBy_->addItem(QString::fromStdString(c.name), QString::fromStdString(c.name));
    // Cell type is the usual first look; else the condition column.
    if (c.name == roles.cellType) preferred = colorBy_->count() - 1;
    if (c.name == roles.condition && preferred == 1) preferred = colorBy_->count() - 1;
  }
  colorBy_->setCurrentIndex(preferred);
}

void MainWindow::applyColoring() {
  const std::size_t n = view_->data().size();
  if (!current_.dataset || n == 0) {
    view_->setTitle(current_.dataset ? datasetName() : QString());
    return;
  }
  const PerturbationCatalog& catalog = current_.dataset->catalog();
  std::vector<int> category(n, -1);
  QStringList names;
  std::vector<QColor> colors;
  QString legendTitle;
  QString title = datasetName();
  if (!current_.embeddingKey.empty() && current_.embeddingKey != "X_umap")
    title += " — " + QString::fromStdString(current_.embeddingKey);

  const auto& cellCondition = catalog.cellCondition();
  const PredictionRecord* shown = session_->find(shownPrediction_);
  const QString column = colorBy_->currentData().toString();
  bool layered = !selectedCondition_.isEmpty();
  if (shown && column == kLayerColoring && selectedCondition_.isEmpty()) {
    // The prediction against its inputs and its observation: control cells of
    // the context, observed cells of the condition there, the generated cells.
    const std::string key = shown->result.check.key;
    const std::string context = shown->settings.context.toStdString();
    names = {tr("other cells"), tr("control (%1)").arg(context.empty() ? tr("all") : QString::fromStdString(context)),
             tr("observed %1").arg(QString::fromStdString(key))};
    colors = {QColor(222, 222, 222), QColor("#1f77b4"), QColor("#2ca02c")};
    for (std::size_t i = 0; i < n && i < cellCondition.size(); ++i) {
      int e = cellCondition[i];
      category[i] = 0;
      if (e < 0 || (!context.empty() && catalog.cellTypeOf(static_cast<std::int64_t>(i)) != context)) continue;
      const CatalogEntry& entry = catalog.entries()[static_cast<std::size_t>(e)];
      if (entry.isControl()) category[i] = 1;
      else if (entry.key == key) category[i] = 2;
    }
    legendTitle = tr("layer");
    title += " — " + QString::fromStdString(key);
    layered = true;
  } else if (!selectedCondition_.isEmpty()) {
    // One condition against its controls; everything else in light grey.
    names = {tr("other cells"), tr("control"), selectedCondition_};
    colors = {QColor(215, 215, 215), QColor("#1f77b4"), QColor("#d62728")};
    const std::string key = selectedCondition_.toStdString();
    for (std::size_t i = 0; i < n && i < cellCondition.size(); ++i) {
      int e = cellCondition[i];
      if (e < 0) continue;
      const CatalogEntry& entry = catalog.entries()[static_cast<std::size_t>(e)];
      category[i] = entry.key == key ? 2 : entry.isControl() ? 1 : 0;
    }
    legendTitle = tr("condition");
    title += " — " + selectedCondition_;
  } else {
    if (column == kPerturbationColoring || column == kLayerColoring || column.isEmpty()) {
      names = {tr("control"), tr("perturbed (observed)")};
      colors = {QColor("#1f77b4"), QColor("#ff7f0e")};
      for (std::size_t i = 0; i < n && i < cellCondition.size(); ++i) {
        int e = cellCondition[i];
        if (e >= 0) category[i] = catalog.entries()[static_cast<std::size_t>(e)].isControl() ? 0 : 1;
      }
      legendTitle = tr("perturbation");
    } else if (const Column* c = current_.dataset->obs().find(column.toStdString())) {
      legendTitle = column;
      std::vector<std::string> labels;
      if (c->kind == Column::Kind::Categorical) {
        labels = c->categories;
        for (std::size_t i = 0; i < n && i < c->codes.size(); ++i) category[i] = c->codes[i];
      } else {
        std::map<std::string, int> index;
        for (std::size_t i = 0; i < c->size(); ++i)
          if (!c->isMissing(i)) index.emplace(c->text(i), 0);
        for (auto& [label, k] : index) {
          k = static_cast<int>(labels.size());
          labels.push_back(label);
        }
        for (std::size_t i = 0; i < n && i < c->size(); ++i)
          if (!c->isMissing(i)) category[i] = index[c->text(i)];
      }
      for (const auto& l : labels) names << QString::fromStdString(l);
      auto stored = current_.storedColors.find(column.toStdString());
      colors = stored != current_.storedColors.end() ? categoryColors(labels.size(), stored->second)
                                                     : categoryColors(labels.size());
    }
  }
  // Generated cells (after the dataset's in the view) form their own category, drawn on top.
  const std::size_t datasetCells = static_cast<std::size_t>(current_.dataset->nCells());
  if (shown && n > datasetCells) {
    names << tr("predicted %1").arg(QString::fromStdString(shown->result.check.key));
    colors.push_back(QColor("#d62728"));
    for (std::size_t i = datasetCells; i < n; ++i) category[i] = static_cast<int>(names.size() - 1);
    layered = true;
  }
  // Highlights (a condition, a prediction) are drawn above the other cells.
  view_->setColors(category, names, colors, legendTitle, layered);
  view_->setTitle(title);
  if (!colorGene_.isEmpty()) colorByGene(colorGene_);  // the points changed: colour them again
}

QString MainWindow::hoverText(int cell) const {
  if (!current_.dataset) return {};
  const std::int64_t datasetCells = current_.dataset->nCells();
  if (cell >= datasetCells) {
    const PredictionRecord* shown = session_->find(shownPrediction_);
    if (!shown) return {};
    const auto i = static_cast<std::size_t>(cell - datasetCells);
    const auto& rows = shown->result.controlRows;
    QString from = i < rows.size() ? QString::fromStdString(current_.dataset->obs().index[static_cast<std::size_t>(rows[i])])
                                   : QString();
    return tr("<b>predicted cell %1 of %2</b><br>context: %3<br>generated from control cell %4<br>seed %5, %6")
        .arg(i)
        .arg(QString::fromStdString(shown->result.check.key).toHtmlEscaped())
        .arg(shown->settings.context.isEmpty() ? tr("all") : shown->settings.context.toHtmlEscaped())
        .arg(from.toHtmlEscaped())
        .arg(shown->settings.seed)
        .arg(shown->settings.solver);
  }
  const DataFrame& obs = current_.dataset->obs();
  const std::size_t row = static_cast<std::size_t>(cell);
  QStringList lines;
  if (row < obs.index.size()) lines << QString("<b>%1</b>").arg(QString::fromStdString(obs.index[row]).toHtmlEscaped());
  int shown = 0;
  for (const Column& c : obs.columns) {
    if (++shown > 14) {
      lines << tr("… %1 more columns").arg(obs.columns.size() - 14);
      break;
    }
    lines << QString("%1: %2").arg(QString::fromStdString(c.name).toHtmlEscaped(),
                                   QString::fromStdString(c.text(row)).toHtmlEscaped());
  }
  return lines.join("<br>");
}

void MainWindow::computeUmap() {
  if (!current_.dataset) return;
  std::shared_ptr<const Dataset> dataset = current_.dataset;
  runJob(tr("Computing UMAP of %1").arg(datasetName()),
         [dataset](const Progress& progress, const CancelToken& cancel) {
           return std::make_shared<RowMatrixF>(scdfm::ui::computeUmap(*dataset, progress, cancel));
         },
         [this, dataset](std::shared_ptr<RowMatrixF> umap) {
           if (current_.dataset != dataset) return;  // another dataset was opened meanwhile
           current_.embedding = std::move(*umap);
           current_.embeddingKey = "UMAP (computed)";
           session_->setEmbedding(std::make_shared<const RowMatrixF>(*current_.embedding));
           session_->placeAll();  // earlier predictions into the new picture
           showEmbedding();
         });
}

void MainWindow::exportFigure() {
  QString base = current_.dataset ? QFileInfo(datasetName()).completeBaseName() + "_umap" : "umap";
  QString selected;
  QString path = QFileDialog::getSaveFileName(this, tr("Export figure"), base + ".png",
                                              tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)"),
                                              &selected);
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += selected.contains("svg") ? ".svg" : selected.contains("pdf") ? ".pdf" : ".png";
  QString error;
  if (!view_->exportFigure(path, &error))
    showError(tr("Could not export the figure"), error, tr("Choose another folder or file name."));
  else
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About scDFM Studio"),
                     tr("<h3>scDFM Studio %1</h3>"
                        "<p>Predicts single-cell responses to genetic and chemical perturbations with the "
                        "scDFM flow-matching model, and shows them beside the observed cells.</p>"
                        "<p>Embedding view: %2</p>")
                         .arg(QString::fromLatin1(scdfm::build::kVersion), view_->backendDescription()));
}

void MainWindow::showError(const QString& title, const QString& message, const QString& hint) {
  if (!screenshotPath_.isEmpty()) {
    std::fprintf(stderr, "%s\n%s\n%s\n", qPrintable(title), qPrintable(message), qPrintable(hint));
    QApplication::exit(1);
    return;
  }
  // Window-modal but not blocking: jobs and timers keep running behind it.
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  if (!hint.isEmpty()) box->setInformativeText(tr("What to do: %1").arg(hint));
  box->open();
}

void MainWindow::start(const StartupPlan& plan) {
  screenshotPath_ = plan.screenshot;
  // Each step starts when the previous one is shown; an error ends a scripted run (showError).
  auto batches = std::make_shared<std::vector<PredictionSettings>>(plan.batches);
  if (!plan.predict.isEmpty()) {
    PredictionSettings s = predictPanel_->settings();
    if (plan.cells > 0) s.cells = plan.cells;
    s.perturbations = plan.predict;
    batches->insert(batches->begin(), s);
  }
  auto finish = [this, plan] {
    if (plan.view) applyViewState(*plan.view);
    if (plan.compareTab >= 0) compareDock_->panel()->setCurrentIndex(plan.compareTab);
    if (!plan.colorGene.isEmpty()) {
      geneBox_->setText(plan.colorGene);
      colorByGene(plan.colorGene);
    }
    if (!plan.screenGenes.isEmpty()) {
      openCombinationScreen();
      if (!screen_) return;
      if (!screenshotPath_.isEmpty())
        connect(screen_->jobs(), &JobRunner::busyChanged, this, [this](bool busy) {
          if (!busy) QTimer::singleShot(800, this, &MainWindow::shootAndQuit);
        });
      screen_->startScreen(plan.screenGenes);
      return;
    }
    if (screenshotPath_.isEmpty()) return;
    // The picture waits for what is still being computed: the comparison, a gene's values.
    auto shoot = [this] {
      if (compare_->jobs()->isRunning() || viewJobs_->isRunning()) return false;
      QTimer::singleShot(800, this, &MainWindow::shootAndQuit);
      return true;
    };
    if (shoot()) return;
    auto* poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, [poll, shoot] {
      if (shoot()) poll->deleteLater();
    });
    poll->start(200);
  };
  // Runs the batches one after another (the worker runs one at a time).
  auto next = std::make_shared<std::function<void()>>();
  *next = [this, batches, finish, next] {
    if (batches->empty()) return finish();
    const PredictionSettings s = batches->front();
    batches->erase(batches->begin());
    predictPanel_->setSettings(s);
    if (predictPanel_->queueList()->count() != s.perturbations.size()) {
      showError(tr("Cannot predict %1").arg(s.perturbations.join(", ")), predictPanel_->messageLabel()->text(),
                tr("Check the perturbation names against the model"));
      return;
    }
    connect(session_, &PredictionSession::batchFinished, this, [next] { (*next)(); }, Qt::SingleShotConnection);
    runPredictions();
  };
  auto loadModel = [this, plan, next] {
    if (plan.checkpoint.isEmpty()) return (*next)();
    connect(this, &MainWindow::checkpointLoaded, this, [next] { (*next)(); }, Qt::SingleShotConnection);
    openCheckpoint(plan.checkpoint, plan.device);
  };
  if (plan.dataset.isEmpty()) return loadModel();
  connect(this, &MainWindow::datasetShown, this, loadModel, Qt::SingleShotConnection);
  openDataset(plan.dataset);
}

SessionState MainWindow::sessionState() const {
  SessionState s;
  if (current_.dataset) s.dataset = QString::fromStdString(current_.dataset->path());
  s.checkpoint = checkpointPath_;
  s.device = predictPanel_->settings().device;
  s.batches = runs_;
  const ViewState v = viewState();
  s.shownPrediction = v.shownPrediction;
  s.highlightedCondition = v.highlightedCondition;
  s.colorBy = v.colorBy;
  s.colorGene = v.colorGene;
  return s;
}

void MainWindow::saveSession(const QString& path) {
  try {
    sessionState().save(path);
    statusBar()->showMessage(tr("Saved session %1").arg(QFileInfo(path).fileName()), 5000);
  } catch (const std::exception&) {
    const ErrorText e = describeError(std::current_exception());
    showError(tr("Could not save the session"), e.message, e.hint);
  }
}

void MainWindow::openSession(const QString& path) {
  SessionState s;
  try {
    s = SessionState::load(path);
  } catch (const std::exception&) {
    const ErrorText e = describeError(std::current_exception());
    showError(tr("Could not open the session"), e.message, e.hint);
    return;
  }
  StartupPlan plan;
  plan.dataset = s.dataset;
  plan.checkpoint = s.checkpoint;
  plan.device = s.device;
  plan.batches = s.batches;
  plan.view = ViewState{s.shownPrediction, s.highlightedCondition, s.colorBy, s.colorGene, {}};
  start(plan);
}

void MainWindow::chooseSessionToSave() {
  QString path = QFileDialog::getSaveFileName(this, tr("Save session"), datasetName().section('.', 0, 0) + ".scdfm-session",
                                              tr("scDFM Studio sessions (*.scdfm-session)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += ".scdfm-session";
  saveSession(path);
}

void MainWindow::chooseSessionToOpen() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), QString(),
                                                    tr("scDFM Studio sessions (*.scdfm-session);;All files (*)"));
  if (!path.isEmpty()) openSession(path);
}

ViewState MainWindow::viewState() const {
  ViewState v;
  v.shownPrediction = shownPrediction_;
  v.highlightedCondition = selectedCondition_;
  v.colorBy = colorBy_->currentData().toString();
  v.colorGene = colorGene_;
  return v;
}

void MainWindow::applyViewState(const ViewState& v) {
  applyingView_ = true;
  shownPrediction_ = session_->find(v.shownPrediction) ? v.shownPrediction : QString();
  selectedCondition_ = v.highlightedCondition;
  {
    QSignalBlocker block(colorBy_);
    const int c = colorBy_->findData(v.colorBy);
    if (c >= 0) colorBy_->setCurrentIndex(c);
  }
  predictPanel_->selectResult(shownPrediction_);
  colorGene_ = v.colorGene;
  {
    QSignalBlocker block(geneBox_);
    geneBox_->setText(colorGene_);
  }
  showEmbedding();
  compareShown();
  lastView_ = viewState();
  applyingView_ = false;
}

void MainWindow::commitView(const QString& what) {
  if (applyingView_) return;
  const ViewState now = viewState();
  if (now == lastView_) return;
  undo_->push(new ViewStateCommand([this](const ViewState& s) { applyViewState(s); }, lastView_, now, what));
  lastView_ = now;
}

void MainWindow::shootAndQuit() {
  view_->renderNow();
  QApplication::processEvents();
  // The combination screen is its own window: picture it when it is open.
  QWidget* subject = screen_ && screen_->isVisible() ? static_cast<QWidget*>(screen_) : this;
  // Atomic, like every file the app writes: a kill mid-write keeps the previous picture.
  bool ok = true;
  try {
    const QByteArray format = QFileInfo(screenshotPath_).suffix().toLower().toLatin1();
    const QPixmap shot = subject->grab();
    writeFileAtomically(screenshotPath_.toStdString(), [&](const std::string& tmp) {
      if (!shot.save(QString::fromStdString(tmp), format.isEmpty() ? "PNG" : format.constData()))
        throw InputError(screenshotPath_.toStdString(), "", "cannot write the screenshot");
    });
  } catch (const InputError&) {
    ok = false;
  }
  std::fprintf(stderr, "%s %s (%zu cells drawn with %s, last frame %.0f ms)\n",
               ok ? "screenshot saved to" : "could not save screenshot", qPrintable(screenshotPath_),
               view_->data().size(), qPrintable(view_->backendDescription()), view_->lastFrameMs());
  QApplication::exit(ok ? 0 : 1);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  for (const QUrl& url : e->mimeData()->urls())
    if (url.isLocalFile() && isH5ad(url.toLocalFile())) {
      e->acceptProposedAction();
      return;
    }
}

void MainWindow::dropEvent(QDropEvent* e) {
  for (const QUrl& url : e->mimeData()->urls())
    if (url.isLocalFile() && isH5ad(url.toLocalFile())) {
      openDataset(url.toLocalFile());
      e->acceptProposedAction();
      return;
    }
}

void MainWindow::closeEvent(QCloseEvent* e) {
  jobs_->cancel();
  e->accept();
}

void MainWindow::compareShown() {
  const PredictionRecord* r = session_->find(shownPrediction_);
  if (!r) {
    compare_->cancel();
    compared_.clear();
    return;
  }
  const QString what = shownPrediction_ + "/" + QString::number(compare_->seeds());
  if (what == compared_) {
    if (compare_->last() && compare_->last()->key == shownPrediction_ && compareDock_->shownKey() != shownPrediction_)
      compareDock_->showComparison(*compare_->last());
    return;
  }
  compared_ = what;
  compareDock_->setBusy(shownPrediction_, 0.0, tr("starting"));
  compare_->compare(*r);
}

void MainWindow::colorByGene(const QString& gene) {
  ++geneTicket_;
  if (gene.isEmpty()) {
    const bool was = !colorGene_.isEmpty();
    colorGene_.clear();
    if (was) applyColoring();
    return;
  }
  if (!current_.dataset || view_->data().size() == 0) return;
  const auto found = current_.dataset->findGene(gene.toStdString());
  if (!found) {
    showError(tr("Unknown gene %1").arg(gene), tr("%1 has no gene named “%2”.").arg(datasetName(), gene),
              tr("Pick a name from the completion list of the Gene box"));
    return;
  }
  const std::string name = current_.dataset->geneNames()[static_cast<std::size_t>(*found)];
  colorGene_ = QString::fromStdString(name);
  if (geneBox_->text() != colorGene_) {
    QSignalBlocker block(geneBox_);
    geneBox_->setText(colorGene_);
  }
  // Values in the model's space when a model is loaded (predicted cells are in it), else as stored.
  double total = 0;
  bool log1p = false;
  if (predictor_) {
    total = predictor_->checkpoint().preprocessing.normalizeTotal;
    log1p = predictor_->checkpoint().preprocessing.log1p;
  }
  const QString unit = total > 0 && log1p ? tr("log1p(counts per %1)").arg(total, 0, 'g', 6)
                       : total > 0        ? tr("counts per %1").arg(total, 0, 'g', 6)
                       : log1p            ? tr("log1p(X)")
                                          : tr("X as stored");
  std::shared_ptr<const Dataset> dataset = current_.dataset;
  std::shared_ptr<const RowMatrixF> predicted;  // the shown prediction's cells, when drawn
  std::int64_t predictedColumn = -1;
  const PredictionRecord* shown = session_->find(shownPrediction_);
  if (shown && view_->data().size() > static_cast<std::size_t>(dataset->nCells())) {
    predicted = std::make_shared<const RowMatrixF>(shown->result.cells);
    const auto& g = shown->result.genes;
    const auto it = std::find(g.begin(), g.end(), name);
    if (it != g.end()) predictedColumn = it - g.begin();
  }
  const quint64 ticket = geneTicket_;
  // The dataset's column is read once per gene, dataset and preprocessing: every
  // recolouring (a highlight, another prediction shown) reuses it.
  const QString cacheKey = QStringLiteral("%1|%2|%3|%4")
                               .arg(colorGene_)
                               .arg(reinterpret_cast<quintptr>(dataset.get()))
                               .arg(total)
                               .arg(log1p);
  const auto cached = cacheKey == geneCacheKey_ ? geneCache_ : nullptr;
  QPointer<MainWindow> self(this);
  viewJobs_->run(tr("Reading %1").arg(colorGene_), [=](const Progress& progress, const CancelToken& cancel) {
    auto column = cached;
    if (!column) {
      std::vector<std::int64_t> rows(static_cast<std::size_t>(dataset->nCells()));
      std::iota(rows.begin(), rows.end(), std::int64_t{0});
      progress.report(0.0, "reading " + name);
      const RowMatrixF read = readExpression(*dataset, rows, expressionSpace(*dataset, {name}, total, log1p));
      column = std::make_shared<const std::vector<float>>(read.data(), read.data() + read.size());
    }
    cancel.throwIfCancelled();
    auto values = std::make_shared<std::vector<float>>(*column);
    if (predicted)
      for (Eigen::Index i = 0; i < predicted->rows(); ++i)
        values->push_back(predictedColumn >= 0 ? (*predicted)(i, predictedColumn) : std::nanf(""));
    QMetaObject::invokeMethod(self, [self, ticket, values, unit, name, cacheKey, column] {
      if (!self) return;
      self->geneCacheKey_ = cacheKey;
      self->geneCache_ = column;
      if (ticket == self->geneTicket_) self->applyGeneValues(QString::fromStdString(name), values, unit);
    }, Qt::QueuedConnection);
    return 0;
  });
}

void MainWindow::applyGeneValues(const QString& gene, std::shared_ptr<const std::vector<float>> values,
                                 const QString& unit) {
  if (gene != colorGene_) return;
  if (!view_->setValues(*values, tr("%1 expression").arg(gene), unit)) return;  // the points changed meanwhile
  QString title = datasetName() + " — " + gene;
  if (!shownPrediction_.isEmpty()) title += tr(" (with predicted %1)").arg(shownPrediction_);
  view_->setTitle(title);
}

void MainWindow::exportPredictions() {
  QString base = QString(shownPrediction_).replace('+', '_') + "_predicted";
  QString selected;
  QString path = QFileDialog::getSaveFileName(
      this, tr("Export predictions"), base + ".h5ad",
      tr("AnnData for scanpy (*.h5ad);;Cells as CSV (*.csv);;Per-gene summary CSV (*.csv)"), &selected);
  if (path.isEmpty()) return;
  const QString format = selected.contains("summary") ? "summary" : selected.contains("h5ad") ? "h5ad" : "csv";
  if (QFileInfo(path).suffix().isEmpty()) path += format == "h5ad" ? ".h5ad" : ".csv";
  QApplication::setOverrideCursor(Qt::WaitCursor);
  const QString error = exportPredictionsTo(path, format);
  QApplication::restoreOverrideCursor();
  if (!error.isEmpty()) showError(tr("Could not export the predictions"), error, tr("Choose another folder or file name."));
  else statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

QString MainWindow::exportPredictionsTo(const QString& path, const QString& format) {
  const PredictionRecord* shown = session_->find(shownPrediction_);
  if (!shown || !predictor_ || !current_.dataset) return tr("There is no prediction to export: predict a perturbation first.");
  // One provenance per file: the predictions made with the shown one's options.
  std::vector<const PredictionRecord*> records;
  const PredictionSettings& s = shown->settings;
  for (const QString& key : session_->keys()) {
    const PredictionRecord* r = session_->find(key);
    const PredictionSettings& o = r->settings;
    if (o.context == s.context && o.cells == s.cells && o.solver == s.solver && o.timePoints == s.timePoints &&
        o.seed == s.seed)
      records.push_back(r);
  }
  const PredictionFileKind kind = format == "h5ad"      ? PredictionFileKind::H5ad
                                  : format == "summary" ? PredictionFileKind::SummaryCsv
                                                        : PredictionFileKind::CellsCsv;
  try {
    const PredictionExport e = exportOfRecords(*current_.dataset, *predictor_, records,
                                               current_.embedding ? &*current_.embedding : nullptr);
    writePredictionFile(path, kind, e);
  } catch (const std::exception&) {
    const ErrorText e = describeError(std::current_exception());
    return e.message;
  }
  return {};
}

void MainWindow::openDemo() { openDemo(StartupPlan{}); }

void MainWindow::openDemo(const StartupPlan& extra) {
  const QString screenshot = extra.screenshot;
  const auto data = install::findDemoDataset();
  if (!data) {
    screenshotPath_ = screenshot;
    showError(tr("The demo dataset was not found"),
              tr("No %1. %2").arg(install::kDemoDatasetFile,
                                  QString::fromStdString(install::describeSearch(
                                      install::dataDirCandidates(install::SearchContext::current())))),
              tr("Build it with installer/dev.sh run (target 'datasets'), or reinstall the package"));
    return;
  }
  StartupPlan plan = extra;
  plan.dataset = QString::fromStdString(data->string());
  if (const auto ckpt = install::findDemoCheckpoint()) {
    plan.checkpoint = QString::fromStdString(ckpt->string());
    // Show one of the model's held-out pairs at once: a prediction it never saw in training.
    try {
      // Preferably a pair whose two singles were trained on (the authors' "additive" case).
      const ModelCheckpoint ck = readModelCheckpoint(ckpt->string());
      const auto& trained = ck.training.trainConditions;
      auto seen = [&](const QString& g) { return std::find(trained.begin(), trained.end(), g.toStdString()) != trained.end(); };
      QString fallback;
      for (const auto& t : ck.training.testConditions) {
        const QString key = QString::fromStdString(t);
        if (!key.contains('+') || key.contains('@')) continue;
        if (fallback.isEmpty()) fallback = key;
        if (seen(key.section('+', 0, 0)) && seen(key.section('+', 1, 1))) {
          fallback = key;
          break;
        }
      }
      if (plan.predict.isEmpty() && !fallback.isEmpty()) plan.predict = {fallback};
    } catch (const std::exception&) {
      // The load itself reports what is wrong with the checkpoint.
    }
  }
  start(plan);
}

void MainWindow::openCombinationScreen() {
  if (!predictor_ || !current_.dataset) {
    showError(tr("No model or dataset"), tr("A combination screen needs a dataset with control cells and a loaded model."),
              tr("Open a dataset and a checkpoint first (Help ▸ Open demo loads both)"));
    return;
  }
  if (!screen_) {
    screen_ = new CombinationScreenDialog(current_.dataset, predictor_, this);
    connect(screen_, &CombinationScreenDialog::pairRequested, this, [this](const QString& key) {
      if (session_->find(key)) return showPrediction(key);
      // The pair as the screen predicted it: its context, cells, time points and seed.
      PredictionSettings s = predictPanel_->settings();
      s.perturbations = QStringList{key};
      s.context = screen_->contextBox()->currentData().toString();
      s.cells = screen_->cellsBox()->value();
      s.timePoints = screen_->timePointsBox()->value();
      s.seed = static_cast<quint64>(screen_->seedBox()->value());
      pendingShow_ = key;
      predictPanel_->setRunning(true);
      runs_.push_back(s);
      session_->run(s);
    });
  }
  screen_->show();
  screen_->raise();
  screen_->activateWindow();
}

void MainWindow::closeCombinationScreen() {
  if (!screen_) return;
  screen_->close();
  screen_->deleteLater();
  screen_ = nullptr;
}

}  // namespace scdfm::ui
