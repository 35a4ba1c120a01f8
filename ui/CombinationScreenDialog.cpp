#include "ui/CombinationScreenDialog.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMetaObject>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>
#include <climits>
#include <limits>

#include "core/data/Dataset.h"
#include "ui/JobRunner.h"
#include "ui/analysis/CombinationHeatmap.h"
#include "ui/analysis/PlotExport.h"
#include "ui/panels/PerturbationCompleter.h"

namespace scdfm::ui {

namespace {

const QRegularExpression& separators() {
  static const QRegularExpression re(QStringLiteral("[,;\\s]+"));
  return re;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

// An error with what to do about it, for the red line and export failures.
QString withHint(const QString& message, const QString& hint) {
  return hint.isEmpty() ? message : QObject::tr("%1\nWhat to do: %2").arg(message, hint);
}

QString errorText(std::exception_ptr error) {
  const ErrorText e = describeError(error);
  return withHint(e.message, e.hint);
}

// PerturbationCompleter's names and matching, but completing the gene typed
// after the last comma or space of a list ("KLF1, MAP" → "KLF1, MAP2K6").
class GeneListCompleter : public PerturbationCompleter {
 public:
  using PerturbationCompleter::PerturbationCompleter;
  QStringList splitPath(const QString& path) const override { return {path.mid(headLength(path))}; }
  QString pathFromIndex(const QModelIndex& index) const override {
    const auto* edit = qobject_cast<const QLineEdit*>(widget());
    const QString text = edit ? edit->text() : QString();
    return text.left(headLength(text)) + index.data(Qt::EditRole).toString();
  }

 private:
  static qsizetype headLength(const QString& text) {
    QRegularExpressionMatch last;
    for (auto it = separators().globalMatch(text); it.hasNext();) last = it.next();
    return last.hasMatch() ? last.capturedEnd() : 0;
  }
};

}  // namespace

CombinationScreenDialog::CombinationScreenDialog(std::shared_ptr<const Dataset> dataset,
                                                 std::shared_ptr<const Predictor> predictor, QWidget* parent)
    : QDialog(parent), dataset_(std::move(dataset)), predictor_(std::move(predictor)), jobs_(new JobRunner(this)) {
  setWindowTitle(tr("Combination screen"));
  setWindowFlag(Qt::Tool);
  setModal(false);

  genes_ = new QLineEdit;
  genes_->setPlaceholderText(tr("e.g. KLF1, MAP2K6, CEBPA, SPI1"));
  genes_->setToolTip(tr("%1 to %2 genes of the model, separated by commas or spaces; every single and every pair "
                        "is predicted")
                         .arg(kMinScreenGenes)
                         .arg(kMaxScreenGenes));
  QStringList vocabulary;
  if (predictor_)
    for (const auto& g : predictor_->checkpoint().genes) vocabulary << q(g);
  auto* completer = new GeneListCompleter(vocabulary, this);
  genes_->setCompleter(completer);
  auto* suggest = new QPushButton(tr("Use perturbed genes of the data"));
  suggest->setToolTip(tr("Fill in five single-gene perturbations of the data (in the chosen context) that the "
                         "model knows, genes of observed pairs first"));
  suggest->setAutoDefault(false);
  auto* geneRow = new QHBoxLayout;
  geneRow->addWidget(genes_, 1);
  geneRow->addWidget(suggest);

  context_ = new QComboBox;
  context_->setToolTip(tr("Cell type whose control cells the model starts from and observed pairs are taken from"));
  if (dataset_) {
    const auto& cat = dataset_->catalog();
    for (const auto& t : cat.cellTypes())
      context_->addItem(tr("%1 (%2 control cells)").arg(q(t)).arg(cat.controlCells(t).size()), q(t));
    context_->addItem(tr("all cells (%1 control cells)").arg(cat.controlCells().size()), QString());
  }
  cells_ = new QSpinBox;
  cells_->setRange(8, 1024);
  cells_->setValue(64);
  cells_->setToolTip(tr("Cells generated per single and per pair (control cells drawn)"));
  timePoints_ = new QSpinBox;
  timePoints_->setRange(2, 200);
  timePoints_->setValue(20);
  timePoints_->setToolTip(tr("Points of the ODE time grid on [0, 1] (20 as the authors; fewer is faster and coarser)"));
  seed_ = new QSpinBox;
  seed_->setRange(0, INT_MAX);
  seed_->setToolTip(tr("Random seed of the control draw and the noise: the same seed gives the same screen"));

  auto* form = new QFormLayout;
  form->addRow(tr("Genes"), geneRow);
  form->addRow(tr("Context"), context_);
  form->addRow(tr("Cells per perturbation"), cells_);
  form->addRow(tr("ODE time points"), timePoints_);
  form->addRow(tr("Seed"), seed_);

  error_ = new QLabel;
  error_->setStyleSheet(QStringLiteral("color: #b00020;"));
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->hide();

  run_ = new QPushButton(tr("Run"));
  run_->setDefault(true);
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setAutoDefault(false);
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setTextVisible(false);
  auto* runRow = new QHBoxLayout;
  runRow->addWidget(run_);
  runRow->addWidget(cancel_);
  runRow->addWidget(progress_, 1);
  status_ = new QLabel(tr("List the genes to screen and press Run."));
  status_->setWordWrap(true);

  heatmap_ = new CombinationHeatmap;
  heatmap_->setMinimumSize(420, 360);
  resize(980, 940);  // room for 30 gene labels, the colour bar and the title
  auto* legend = new QLabel(
      tr("Score of a pair A+B (Norman et al. 2019, as GEARS): the pair's predicted mean expression change Δ_AB "
         "(against the context's control cells, over the model's genes without A and B) is fitted as "
         "c1·Δ_A + c2·Δ_B from the predicted changes of the two singles; score = log2(√(c1² + c2²) / √2). "
         "0 is the magnitude of the additive expectation (c1 = c2 = 1); positive = synergy (the pair changes "
         "expression more than its singles combined), negative = buffering (less). Rings: pairs with cells of "
         "the pair and of both singles in this context, scored the same way from the observed cells (score in "
         "the tooltip). Grey: no score (yet). Click a pair to predict and show its cells."));
  legend->setWordWrap(true);

  exportCsv_ = new QPushButton(tr("Export CSV…"));
  exportCsv_->setToolTip(tr("One row per pair: coefficients, magnitude, score, fit and type, predicted and observed"));
  exportFigure_ = new QPushButton(tr("Export figure…"));
  auto* close = new QPushButton(tr("Close"));
  for (auto* b : {exportCsv_, exportFigure_, close}) b->setAutoDefault(false);
  auto* exportRow = new QHBoxLayout;
  exportRow->addWidget(exportCsv_);
  exportRow->addWidget(exportFigure_);
  exportRow->addStretch(1);
  exportRow->addWidget(close);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(error_);
  layout->addLayout(runRow);
  layout->addWidget(status_);
  layout->addWidget(heatmap_, 1);
  layout->addWidget(legend);
  layout->addLayout(exportRow);

  connect(suggest, &QPushButton::clicked, this, [this] {
    const QStringList genes = suggestedGenes(5);
    if (genes.isEmpty())
      showError(tr("The data has no single-gene perturbation in this context that the model knows."));
    else
      genes_->setText(genes.join(QStringLiteral(", ")));
  });
  connect(run_, &QPushButton::clicked, this, [this] { run(); });
  connect(cancel_, &QPushButton::clicked, this, &CombinationScreenDialog::cancel);
  connect(close, &QPushButton::clicked, this, &QDialog::close);
  connect(exportCsv_, &QPushButton::clicked, this, [this] {
    exportCsvInteractively(this, heatmap_->figureName(), [this](const QString& path) { return exportCsvTo(path); });
  });
  connect(exportFigure_, &QPushButton::clicked, this,
          [this] { exportPlotInteractively(*heatmap_->plot(), this, heatmap_->figureName(), heatmap_->title()); });
  connect(heatmap_, &CombinationHeatmap::pairClicked, this, &CombinationScreenDialog::onPairClicked);

  connect(jobs_, &JobRunner::progress, this, [this](quint64 job, double fraction, const QString& stage) {
    if (job != job_) return;
    progress_->setValue(qRound(fraction * 1000));
    status_->setText(tr("Screening: %1 scored — %2").arg(pairsDone(), stage));
  });
  connect(jobs_, &JobRunner::finished, this, [this](quint64 job, const std::any& value) {
    onFinished(job, std::any_cast<const CombinationScreenResult&>(value));
  });
  connect(jobs_, &JobRunner::cancelled, this,
          [this](quint64 job) { onStopped(job, tr("Cancelled after %1.").arg(pairsDone())); });
  connect(jobs_, &JobRunner::failed, this,
          [this](quint64 job, const QString& title, const QString& message, const QString& hint) {
            if (job != job_) return;
            showError(withHint(title + ": " + message, hint));
            onStopped(job, tr("Failed after %1.").arg(pairsDone()));
          });

  if (!dataset_ || !predictor_) showError(tr("Open a dataset and a model first (File menu)."));
  updateButtons();
}

CombinationScreenDialog::~CombinationScreenDialog() {
  // The worker posts pairs to this dialog: stop it (JobRunner's destructor
  // cancels and waits) while the dialog is still whole.
  delete jobs_;
}

QString CombinationScreenDialog::lastError() const { return error_->text(); }
QString CombinationScreenDialog::statusText() const { return status_->text(); }

void CombinationScreenDialog::showError(const QString& text) {
  error_->setText(text);
  error_->setVisible(!text.isEmpty());
}

bool CombinationScreenDialog::startScreen(const QStringList& genes) {
  genes_->setText(genes.join(QStringLiteral(", ")));
  return run();
}

std::optional<std::vector<std::string>> CombinationScreenDialog::checkedGenes() {
  const QStringList typed = genes_->text().split(separators(), Qt::SkipEmptyParts);
  if (typed.size() < static_cast<qsizetype>(kMinScreenGenes) || typed.size() > static_cast<qsizetype>(kMaxScreenGenes)) {
    showError(tr("A screen takes %1 to %2 genes; %3 listed.").arg(kMinScreenGenes).arg(kMaxScreenGenes).arg(typed.size()));
    return std::nullopt;
  }
  // Checked here, before anything runs, so a typo is answered at once with the closest names.
  std::vector<std::string> genes;
  QStringList keys;
  for (const auto& g : typed) {
    PerturbationCheck check;
    try {
      check = predictor_->check(g.toStdString(), dataset_.get());
    } catch (...) {
      showError(errorText(std::current_exception()));
      return std::nullopt;
    }
    const QString key = q(check.key);
    if (check.combination) {
      showError(tr("%1 is a pair; list single genes (the screen pairs them itself).").arg(g));
      return std::nullopt;
    }
    if (keys.contains(key)) {
      showError(tr("%1 is listed twice; list each gene once.").arg(key));
      return std::nullopt;
    }
    keys << key;
    genes.push_back(check.targets.front());
  }
  return genes;
}

bool CombinationScreenDialog::run() {
  if (!dataset_ || !predictor_) {
    showError(tr("Open a dataset and a model first (File menu)."));
    return false;
  }
  auto genes = checkedGenes();
  if (!genes) return false;
  showError({});

  CombinationScreenRequest request;
  request.genes = *genes;
  request.context = context_->currentData().toString().toStdString();
  request.cells = cells_->value();
  request.timePoints = timePoints_->value();
  request.seed = static_cast<std::uint64_t>(seed_->value());

  // The heatmap starts empty (grey) and fills as pairs arrive.
  const auto n = static_cast<Eigen::Index>(request.genes.size());
  result_.reset();
  shown_ = CombinationScreenResult{};
  shown_.genes = request.genes;
  shown_.context = request.context;
  shown_.predictedScore = Eigen::MatrixXd::Constant(n, n, std::numeric_limits<double>::quiet_NaN());
  shown_.observedScore = shown_.predictedScore;
  heatmap_->setData(shown_.genes, shown_.predictedScore, shown_.observedScore);
  heatmap_->setScreenName(q(request.context));

  auto dataset = dataset_;
  auto predictor = predictor_;
  auto jobId = std::make_shared<quint64>(0);
  // `this` outlives the worker: the destructor stops the JobRunner first.
  job_ = jobs_->run(tr("Combination screen of %n gene(s)", nullptr, static_cast<int>(n)),
                    [this, dataset, predictor, request, jobId](const Progress& progress, const CancelToken& cancel) {
                      return runCombinationScreen(
                          *predictor, *dataset, request,
                          [this, jobId](const ScreenPair& pair) {
                            // To the UI thread now; the screen goes on.
                            QMetaObject::invokeMethod(this, [this, jobId, pair] { acceptPair(*jobId, pair); },
                                                      Qt::QueuedConnection);
                          },
                          progress, cancel);
                    });
  *jobId = job_;  // set before any queued pair can be delivered
  running_ = true;
  clock_.start();
  progress_->setValue(0);
  status_->setText(tr("Screening %1 genes: %2 singles and %3 pairs…").arg(n).arg(n).arg(n * (n - 1) / 2));
  updateButtons();
  return true;
}

void CombinationScreenDialog::cancel() {
  if (!running_ || jobs_->currentJob() != job_) return;
  jobs_->cancel();
  status_->setText(tr("Cancelling after %1…").arg(pairsDone()));
}

void CombinationScreenDialog::acceptPair(quint64 job, const ScreenPair& pair) {
  if (job != job_ || !running_) return;  // a superseded screen
  const auto a = static_cast<Eigen::Index>(pair.a), b = static_cast<Eigen::Index>(pair.b);
  shown_.predictedScore(a, b) = shown_.predictedScore(b, a) = pair.predicted.score;
  if (pair.observed) shown_.observedScore(a, b) = shown_.observedScore(b, a) = pair.observed->score;
  shown_.pairs.push_back(pair);
  heatmap_->setData(shown_.genes, shown_.predictedScore, shown_.observedScore);
  status_->setText(tr("Screening: %1 scored (latest %2: %3).")
                       .arg(pairsDone(), q(pair.key), q(toString(pair.predicted.type))));
}

void CombinationScreenDialog::onFinished(quint64 job, const CombinationScreenResult& result) {
  if (job != job_) return;
  running_ = false;
  result_ = result;
  shown_ = result;
  heatmap_->setData(result.genes, result.predictedScore, result.observedScore);
  progress_->setValue(1000);
  long observed = 0;
  for (const auto& p : result.pairs) observed += p.observed.has_value();
  status_->setText(tr("Done: %1 pairs scored in %2 s; %3 observed in the data (ringed).")
                       .arg(result.pairs.size())
                       .arg(clock_.elapsed() / 1000.0, 0, 'f', 1)
                       .arg(observed));
  updateButtons();
}

void CombinationScreenDialog::onStopped(quint64 job, const QString& status) {
  if (job != job_) return;
  running_ = false;
  status_->setText(status);
  updateButtons();
}

void CombinationScreenDialog::onPairClicked(const QString& geneA, const QString& geneB) {
  for (const auto& p : shown_.pairs)
    if ((q(p.geneA) == geneA && q(p.geneB) == geneB) || (q(p.geneA) == geneB && q(p.geneB) == geneA)) {
      emit pairRequested(q(p.key));
      return;
    }
  status_->setText(tr("%1 + %2 is not scored yet.").arg(geneA, geneB));
}

QString CombinationScreenDialog::exportCsvTo(const QString& path) const {
  if (shown_.pairs.empty()) return tr("There is no scored pair to export yet: run a screen first.");
  try {
    writeCombinationScreenCsv(path.toStdString(), shown_);
  } catch (...) {
    return errorText(std::current_exception());
  }
  return {};
}

QStringList CombinationScreenDialog::suggestedGenes(int n) const {
  QStringList out;
  if (!dataset_ || !predictor_) return out;
  const auto& cat = dataset_->catalog();
  const std::string context = context_->currentData().toString().toStdString();
  auto inContext = [&](const CatalogEntry* e) {
    if (!e || !e->observed) return false;
    if (context.empty()) return e->nCells > 0;
    auto it = e->cellsByCellType.find(context);
    return it != e->cellsByCellType.end() && it->second > 0;
  };
  auto known = [&](const std::string& gene) {
    try {
      return !predictor_->check(gene, dataset_.get()).combination;
    } catch (const std::exception&) {
      return false;
    }
  };
  // A single gene perturbed in the context that the model can encode.
  auto usable = [&](const std::string& gene) { return inContext(cat.find(gene)) && known(gene); };
  auto add = [&](const std::string& gene) {
    if (out.size() < n && !out.contains(q(gene))) out << q(gene);
  };
  // Genes of observed pairs first: those pairs are ringed and can be compared with the data.
  for (const auto& e : cat.entries()) {
    if (out.size() + 2 > n) break;
    if (e.kind() != PerturbationKind::Gene || e.perturbation.components.size() != 2 || !inContext(&e)) continue;
    const auto& a = e.perturbation.components[0].name;
    const auto& b = e.perturbation.components[1].name;
    if (usable(a) && usable(b)) {
      add(a);
      add(b);
    }
  }
  for (const auto& e : cat.entries())
    if (out.size() < n && !e.isCombination() && e.kind() == PerturbationKind::Gene && usable(e.key)) add(e.key);
  return out;
}

void CombinationScreenDialog::updateButtons() {
  const bool ready = dataset_ && predictor_;
  run_->setEnabled(ready && !running_);
  cancel_->setEnabled(running_);
  const bool exportable = !running_ && !shown_.pairs.empty();
  exportCsv_->setEnabled(exportable);
  exportFigure_->setEnabled(exportable);
}

QString CombinationScreenDialog::pairsDone() const {
  const auto n = shown_.genes.size();
  return tr("%1 of %2 pairs").arg(shown_.pairs.size()).arg(n * (n - 1) / 2);
}

}  // namespace scdfm::ui
