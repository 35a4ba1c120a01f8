#include "ui/panels/PredictionPanel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QVBoxLayout>
#include <set>

#include "core/data/Dataset.h"
#include "core/flow/Predictor.h"
#include "core/model/ScDfmNetwork.h"
#include "core/util/Error.h"
#include "ui/panels/PerturbationCompleter.h"

namespace scdfm::ui {

namespace {
constexpr int kKeyRole = Qt::UserRole + 1;

// What a queued perturbation is, for the list and its tooltip.
QString describe(const PerturbationCheck& c) {
  QStringList tags;
  tags << (c.combination ? QObject::tr("combination") : QObject::tr("single"));
  tags << (c.observedInData ? QObject::tr("observed in the data") : QObject::tr("not in the data"));
  if (c.seenInTraining) tags << (*c.seenInTraining ? QObject::tr("seen in training") : QObject::tr("unseen"));
  return QString::fromStdString(c.key) + "  —  " + tags.join(", ");
}
}  // namespace

PredictionPanel::PredictionPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);

  auto* modelBox = new QGroupBox(tr("Model"));
  auto* modelForm = new QFormLayout(modelBox);
  model_ = new QLabel(tr("No checkpoint loaded (File ▸ Open checkpoint…, or Help ▸ Open demo)."));
  model_->setWordWrap(true);
  modelForm->addRow(model_);
  fit_ = new QLabel;
  fit_->setWordWrap(true);
  fit_->setTextFormat(Qt::PlainText);
  modelForm->addRow(fit_);
  device_ = new QComboBox;
  device_->addItem(tr("Automatic (GPU when available)"), "auto");
  for (const auto& d : computeDevices())
    device_->addItem(QString::fromStdString(d.description), QString::fromStdString(d.id));
  device_->setToolTip(tr("Where the model runs. Changing it reloads the model on that device."));
  modelForm->addRow(tr("Device"), device_);
  layout->addWidget(modelBox);

  auto* pickBox = new QGroupBox(tr("Perturbations"));
  auto* pick = new QVBoxLayout(pickBox);
  auto* contextRow = new QFormLayout;
  context_ = new QComboBox;
  context_->setToolTip(tr("Cell type whose control cells the model starts from"));
  contextRow->addRow(tr("Context"), context_);
  pick->addLayout(contextRow);
  auto* queryRow = new QHBoxLayout;
  query_ = new QLineEdit;
  query_->setPlaceholderText(tr("Gene, drug@dose or a pair, e.g. KLF1 or KLF1+MAP2K6"));
  query_->setClearButtonEnabled(true);
  query_->setToolTip(tr("Type a gene or a drug with its dose (completion offers the model's vocabulary); join two "
                        "with '+' for a combination. Press Enter to add it to the queue."));
  completer_ = new PerturbationCompleter({}, this);
  query_->setCompleter(completer_);
  auto* add = new QPushButton(tr("Add"));
  queryRow->addWidget(query_, 1);
  queryRow->addWidget(add);
  pick->addLayout(queryRow);
  message_ = new QLabel;
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  pick->addWidget(message_);
  queue_ = new QListWidget;
  queue_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  queue_->setToolTip(tr("Perturbations to predict, in order. Delete removes the selected ones."));
  queue_->setMinimumHeight(90);
  pick->addWidget(queue_, 1);
  auto* queueButtons = new QHBoxLayout;
  auto* remove = new QPushButton(tr("Remove"));
  auto* clear = new QPushButton(tr("Clear"));
  queueButtons->addWidget(remove);
  queueButtons->addWidget(clear);
  queueButtons->addStretch(1);
  pick->addLayout(queueButtons);
  layout->addWidget(pickBox, 1);

  auto* optionsBox = new QGroupBox(tr("Sampling"));
  auto* form = new QFormLayout(optionsBox);
  preset_ = new QComboBox;
  preset_->addItem(tr("Authors' settings (128 cells, RK4, 20 points)"));
  preset_->addItem(tr("Quick preview (32 cells, RK4, 8 points)"));
  preset_->addItem(tr("Custom"));
  preset_->setToolTip(tr("The authors evaluate with 128 generated cells and RK4 on 20 time points; the preview is "
                         "about 10x faster and less accurate."));
  form->addRow(tr("Preset"), preset_);
  cells_ = new QSpinBox;
  cells_->setRange(2, 100000);
  cells_->setValue(128);
  cells_->setToolTip(tr("Cells generated per perturbation; as many control cells are drawn as inputs"));
  form->addRow(tr("Cells"), cells_);
  solver_ = new QComboBox;
  solver_->addItem(tr("RK4 (3/8 rule)"), "rk4");
  solver_->addItem(tr("Midpoint"), "midpoint");
  solver_->addItem(tr("Euler"), "euler");
  form->addRow(tr("ODE solver"), solver_);
  timePoints_ = new QSpinBox;
  timePoints_->setRange(2, 1000);
  timePoints_->setValue(20);
  timePoints_->setToolTip(tr("Points of the fixed time grid on [0, 1]; steps = points − 1"));
  form->addRow(tr("Time points"), timePoints_);
  seed_ = new QSpinBox;
  seed_->setRange(0, 2147483647);
  seed_->setToolTip(tr("Seed of the control-cell draw and of the noise: the same seed gives the same cells"));
  form->addRow(tr("Seed"), seed_);
  layout->addWidget(optionsBox);

  auto* runRow = new QHBoxLayout;
  run_ = new QPushButton(tr("Predict"));
  run_->setDefault(true);
  run_->setToolTip(tr("Generate cells for every queued perturbation (runs in the background)"));
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setEnabled(false);
  cancel_->setToolTip(tr("Stop after the current ODE step; finished perturbations are kept"));
  runRow->addWidget(run_, 1);
  runRow->addWidget(cancel_);
  layout->addLayout(runRow);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setTextVisible(true);
  progress_->setFormat(tr("idle"));
  layout->addWidget(progress_);

  auto* resultsLabel = new QLabel(tr("Results (click to show):"));
  layout->addWidget(resultsLabel);
  results_ = new QListWidget;
  results_->setMinimumHeight(80);
  layout->addWidget(results_, 1);

  auto addTyped = [this] {
    const QString text = query_->text().trimmed();
    if (text.isEmpty()) return;
    if (addPerturbation(text).isEmpty()) query_->clear();
  };
  connect(add, &QPushButton::clicked, this, addTyped);
  connect(query_, &QLineEdit::returnPressed, this, addTyped);
  connect(remove, &QPushButton::clicked, this, [this] {
    qDeleteAll(queue_->selectedItems());
    updateRunEnabled();
  });
  auto* del = new QShortcut(QKeySequence::Delete, queue_, nullptr, nullptr, Qt::WidgetShortcut);
  connect(del, &QShortcut::activated, remove, &QPushButton::click);
  connect(clear, &QPushButton::clicked, this, &PredictionPanel::clearQueue);
  connect(run_, &QPushButton::clicked, this, &PredictionPanel::runRequested);
  connect(cancel_, &QPushButton::clicked, this, &PredictionPanel::cancelRequested);
  connect(preset_, &QComboBox::activated, this, &PredictionPanel::applyPreset);
  auto custom = [this] {
    if (!preset_->signalsBlocked()) preset_->setCurrentIndex(2);
  };
  connect(cells_, &QSpinBox::valueChanged, this, custom);
  connect(timePoints_, &QSpinBox::valueChanged, this, custom);
  connect(solver_, &QComboBox::activated, this, custom);
  connect(device_, &QComboBox::activated, this,
          [this] { emit deviceChanged(device_->currentData().toString()); });
  connect(results_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
    if (item) emit resultSelected(item->data(kKeyRole).toString());
  });
  setPredictor(nullptr, {});
}

void PredictionPanel::applyPreset(int index) {
  if (index > 1) return;
  // Blocking the preset box tells the "custom" handler that these edits are the preset's.
  QSignalBlocker block(preset_);
  cells_->setValue(index == 0 ? 128 : 32);
  solver_->setCurrentIndex(0);
  timePoints_->setValue(index == 0 ? 20 : 8);
}

void PredictionPanel::setDataset(std::shared_ptr<const Dataset> dataset) {
  dataset_ = std::move(dataset);
  refreshContexts();
  refreshCompletions();
  // Queued checks depend on the dataset (observed or not): start over.
  clearQueue();
  clearResults();
}

void PredictionPanel::setPredictor(std::shared_ptr<const Predictor> predictor, const QString& name) {
  predictor_ = std::move(predictor);
  if (predictor_) {
    const auto& ck = predictor_->checkpoint();
    model_->setText(tr("<b>%1</b><br>%2 genes, %3 training conditions; runs on %4")
                        .arg(name.toHtmlEscaped())
                        .arg(ck.genes.size())
                        .arg(ck.training.trainConditions.size())
                        .arg(QString::fromStdString(predictor_->deviceName())));
  } else {
    model_->setText(tr("No checkpoint loaded (File ▸ Open checkpoint…, or Help ▸ Open demo)."));
    fit_->clear();
    usable_ = false;
  }
  query_->setEnabled(predictor_ != nullptr);
  refreshCompletions();
  clearQueue();
  updateRunEnabled();
}

void PredictionPanel::setCompatibility(const QStringList& messages, bool usable) {
  usable_ = usable;
  fit_->setText(messages.join("\n"));
  fit_->setStyleSheet(usable ? QString() : QString("color: #b00020;"));
  updateRunEnabled();
}

void PredictionPanel::refreshContexts() {
  const QString previous = context_->currentData().toString();
  context_->clear();
  if (!dataset_) return;
  const auto& cat = dataset_->catalog();
  const auto types = cat.cellTypes();
  for (const auto& t : types)
    context_->addItem(tr("%1 (%2 control cells)").arg(QString::fromStdString(t)).arg(cat.controlCells(t).size()),
                      QString::fromStdString(t));
  if (types.empty()) context_->addItem(tr("all cells (%1 control cells)").arg(cat.controlCells().size()), QString());
  const int keep = context_->findData(previous);
  if (keep >= 0) context_->setCurrentIndex(keep);
}

void PredictionPanel::refreshCompletions() {
  QStringList names;
  if (predictor_) {
    std::set<QString> seen;
    const auto& ck = predictor_->checkpoint();
    for (const auto& g : ck.genes) seen.insert(QString::fromStdString(g));
    for (const auto& d : ck.drugs) seen.insert(QString::fromStdString(d));  // drug@dose labels
    // The dataset's observed conditions the model can encode (pairs too), for one-click picks.
    if (dataset_)
      for (const auto& e : dataset_->catalog().entries())
        if (!e.isControl() && (e.kind() == PerturbationKind::Gene || !ck.drugs.empty()))
          seen.insert(QString::fromStdString(e.key));
    for (const auto& n : seen) names << n;
  }
  completer_->setNames(names);
}

QString PredictionPanel::addPerturbation(const QString& query) {
  auto fail = [this](const QString& why) {
    message_->setStyleSheet("color: #b00020;");
    message_->setText(why);
    return why;
  };
  if (!predictor_) return fail(tr("Load a checkpoint first (File ▸ Open checkpoint…)."));
  PerturbationCheck check;
  try {
    check = predictor_->check(query.toStdString(), dataset_.get());
  } catch (const InputError& e) {
    QString text = QString::fromStdString(e.problem());
    if (!e.where().empty()) text = QString::fromStdString(e.where()) + ": " + text;
    if (!e.hint().empty()) text += "\n" + tr("What to do: %1").arg(QString::fromStdString(e.hint()));
    return fail(text);
  }
  const QString key = QString::fromStdString(check.key);
  for (int i = 0; i < queue_->count(); ++i)
    if (queue_->item(i)->data(kKeyRole).toString() == key) return fail(tr("%1 is already queued.").arg(key));
  auto* item = new QListWidgetItem(describe(check));
  item->setData(kKeyRole, key);
  QStringList tip;
  tip << tr("Model tokens: %1").arg(QString::fromStdString(check.targets.size() > 1
                                                                ? check.targets[0] + " + " + check.targets[1]
                                                                : check.targets[0] + " + control"));
  for (const auto& n : check.notes) tip << QString::fromStdString(n);
  item->setToolTip(tip.join("\n"));
  if (check.seenInTraining && !*check.seenInTraining) item->setForeground(QColor("#8a5a00"));
  queue_->addItem(item);
  message_->setStyleSheet(QString());
  message_->setText(check.notes.empty() ? tr("Queued %1.").arg(key)
                                        : tr("Queued %1 — %2").arg(key, QString::fromStdString(check.notes.front())));
  updateRunEnabled();
  return {};
}

void PredictionPanel::clearQueue() {
  queue_->clear();
  message_->clear();
  updateRunEnabled();
}

PredictionSettings PredictionPanel::settings() const {
  PredictionSettings s;
  s.context = context_->currentData().toString();
  for (int i = 0; i < queue_->count(); ++i) s.perturbations << queue_->item(i)->data(kKeyRole).toString();
  s.cells = cells_->value();
  s.solver = solver_->currentData().toString();
  s.timePoints = timePoints_->value();
  s.seed = static_cast<quint64>(seed_->value());
  s.device = device_->currentData().toString();
  return s;
}

void PredictionPanel::setSettings(const PredictionSettings& s) {
  const int c = context_->findData(s.context);
  if (c >= 0) context_->setCurrentIndex(c);
  {
    QSignalBlocker b(preset_);
    cells_->setValue(s.cells);
    const int m = solver_->findData(s.solver);
    if (m >= 0) solver_->setCurrentIndex(m);
    timePoints_->setValue(s.timePoints);
    seed_->setValue(static_cast<int>(s.seed));
  }
  preset_->setCurrentIndex(s.cells == 128 && s.solver == "rk4" && s.timePoints == 20  ? 0
                           : s.cells == 32 && s.solver == "rk4" && s.timePoints == 8 ? 1
                                                                                      : 2);
  const int d = device_->findData(s.device);
  if (d >= 0) device_->setCurrentIndex(d);
  clearQueue();
  for (const auto& p : s.perturbations) addPerturbation(p);
}

void PredictionPanel::setRunning(bool running) {
  running_ = running;
  cancel_->setEnabled(running);
  device_->setEnabled(!running);
  if (!running) {
    progress_->setValue(0);
    progress_->setFormat(tr("idle"));
  }
  updateRunEnabled();
}

void PredictionPanel::setProgress(double fraction, const QString& stage) {
  progress_->setValue(static_cast<int>(fraction * 1000));
  progress_->setFormat(tr("%1 — %p%").arg(stage));
}

void PredictionPanel::addResult(const QString& key, const QString& text, const QString& tooltip) {
  for (int i = 0; i < results_->count(); ++i)
    if (results_->item(i)->data(kKeyRole).toString() == key) delete results_->takeItem(i--);
  auto* item = new QListWidgetItem(text);
  item->setData(kKeyRole, key);
  item->setToolTip(tooltip);
  results_->addItem(item);
}

void PredictionPanel::clearResults() { results_->clear(); }

void PredictionPanel::selectResult(const QString& key) {
  for (int i = 0; i < results_->count(); ++i)
    if (results_->item(i)->data(kKeyRole).toString() == key) {
      QSignalBlocker b(results_);
      results_->setCurrentRow(i);
    }
}

void PredictionPanel::updateRunEnabled() {
  run_->setEnabled(predictor_ && dataset_ && usable_ && !running_ && queue_->count() > 0);
  run_->setToolTip(!predictor_         ? tr("Load a checkpoint first")
                   : !dataset_         ? tr("Open a dataset first")
                   : !usable_          ? tr("The model does not fit this dataset (see Model above)")
                   : queue_->count() == 0 ? tr("Add at least one perturbation")
                                          : tr("Generate cells for every queued perturbation (runs in the background)"));
}

}  // namespace scdfm::ui
