#include "ui/ComparisonSession.h"

#include <QMetaObject>
#include <QPointer>
#include <mutex>

#include "core/data/Dataset.h"
#include "core/data/ModelExpression.h"
#include "core/flow/OdeMethod.h"
#include "core/flow/PredictionEvaluation.h"
#include "ui/JobRunner.h"
#include "ui/PredictionSession.h"

namespace scdfm::ui {

ComparisonSession::ComparisonSession(QObject* parent)
    : QObject(parent), jobs_(new JobRunner(this)),
      baselines_(std::make_shared<std::shared_ptr<const ReferenceBaselines>>()) {
  connect(jobs_, &JobRunner::progress, this, [this](quint64 job, double f, const QString& stage) {
    if (job == job_) emit progress(f, stage);
  });
  connect(jobs_, &JobRunner::finished, this, [this](quint64 job, const std::any& result) {
    if (job != job_) return;
    job_ = 0;
    last_ = std::any_cast<std::shared_ptr<const Comparison>>(result);
    emit ready(last_->key);
  });
  connect(jobs_, &JobRunner::failed, this,
          [this](quint64 job, const QString& title, const QString& message, const QString& hint) {
            if (job != job_) return;
            job_ = 0;
            emit failed(title, message, hint);
          });
  connect(jobs_, &JobRunner::cancelled, this, [this](quint64 job) {
    if (job == job_) job_ = 0;
  });
}

ComparisonSession::~ComparisonSession() { jobs_->waitForIdle(); }

void ComparisonSession::setDataset(std::shared_ptr<const Dataset> dataset) {
  cancel();
  dataset_ = std::move(dataset);
  baselines_ = std::make_shared<std::shared_ptr<const ReferenceBaselines>>();
  last_.reset();
}

void ComparisonSession::setPredictor(std::shared_ptr<const Predictor> predictor) {
  cancel();
  predictor_ = std::move(predictor);
  baselines_ = std::make_shared<std::shared_ptr<const ReferenceBaselines>>();
  last_.reset();
}

void ComparisonSession::cancel() {
  if (job_ != 0) jobs_->cancel();
  job_ = 0;
}

quint64 ComparisonSession::compare(const PredictionRecord& record) {
  if (!dataset_ || !predictor_) return 0;
  auto dataset = dataset_;
  auto predictor = predictor_;
  auto baselines = baselines_;  // the slot shared by the jobs of this dataset + model
  auto prediction = std::make_shared<const PredictedPerturbation>(record.result);
  const PredictionSettings settings = record.settings;
  const int seeds = seeds_;
  job_ = jobs_->run(tr("Comparing %1 with the data").arg(QString::fromStdString(record.result.check.key)),
                    [=](const Progress& progress, const CancelToken& cancel) {
    static std::mutex baselineMutex;  // two quick requests must not fit the baselines twice
    const auto& check = prediction->check;
    const auto& ck = predictor->checkpoint();
    const auto& prep = ck.preprocessing;
    const ExpressionSpace space = expressionSpace(*dataset, prediction->genes, prep.normalizeTotal, prep.log1p);
    auto c = std::make_shared<Comparison>();
    c->key = QString::fromStdString(check.key);
    ComparisonInput& in = c->input;
    in.perturbation = check.key;
    in.targets = check.targets;
    in.context = settings.context.toStdString();
    in.genes = prediction->genes;
    in.attention = std::make_shared<const std::vector<AttentionMap>>(prediction->attention);
    if (ck.graphMask) in.graphMask = std::make_shared<const RawTensor>(*ck.graphMask);
    in.vocabulary = ck.vocabulary;

    const auto* entry = dataset->catalog().find(check.key);
    std::string context = in.context;
    if (entry && context.empty()) context = largestContext(*entry);
    const bool observed = entry && entry->observed && !dataset->catalog().cellsOf(check.key, context).empty();
    if (!observed) {
      // Nothing to score against: the prediction beside its own control cells.
      progress.report(0.2, "reading the control cells");
      in.control = std::make_shared<const RowMatrixF>(readExpression(*dataset, prediction->controlRows, space));
      in.predicted = std::make_shared<const RowMatrixF>(prediction->cells);
      c->note = tr("%1 has no cells in this dataset: the prediction is shown against control only, without metrics.")
                    .arg(c->key);
    } else {
      std::shared_ptr<const ReferenceBaselines> fitted;
      {
        std::lock_guard<std::mutex> lock(baselineMutex);
        if (!*baselines)
          *baselines = std::make_shared<const ReferenceBaselines>(
              baselinesFor(*predictor, *dataset, progress.sub(0.0, 0.2), cancel));
        fitted = *baselines;
      }
      EvaluationRequest req;
      req.context = context;
      req.cells = settings.cells;
      req.method = parseOdeMethod(settings.solver.toStdString());
      req.timePoints = settings.timePoints;
      req.seeds.clear();
      for (int s = 0; s < seeds; ++s) req.seeds.push_back(settings.seed + static_cast<quint64>(s));
      req.keepCells = true;
      ConditionEvaluation ev =
          evaluateCondition(*predictor, *dataset, *fitted, check.key, req, progress.sub(0.2, 0.9), cancel);
      in.context = ev.context;
      in.genes = ev.genes;
      in.control = std::make_shared<const RowMatrixF>(std::move(ev.control));
      in.observed = std::make_shared<const RowMatrixF>(std::move(ev.observed));
      // With the record's context and seed the first generation equals the record's cells;
      // when the record used every control cell, the metrics' context is said in the note.
      in.predicted = std::make_shared<const RowMatrixF>(std::move(ev.prediction.cells));
      if (ev.genes != prediction->genes) in.attention.reset();
      for (const auto& [method, runs] : ev.runs)
        if (method == kModelMethod) in.metricRuns.insert(in.metricRuns.begin(), {method, runs});
        else in.metricRuns.emplace_back(method, runs);
      const QString where = QString::fromStdString(ev.context.empty() ? std::string("all cells") : ev.context);
      const QString over = seeds == 1 ? tr("with one sampling seed") : tr("over %1 sampling seeds").arg(seeds);
      c->note = tr("Compared in %1 %2 (%3 observed cells).").arg(where, over).arg(ev.observedCells);
      for (const auto& [method, why] : ev.unavailable)
        c->note += QStringLiteral(" ") + tr("%1: %2.").arg(QString::fromStdString(method), QString::fromStdString(why));
    }
    cancel.throwIfCancelled();
    progress.report(0.92, "differential expression and Δ");
    c->results = computeComparisonResults(in);
    progress.report(1.0, "done");
    return std::shared_ptr<const Comparison>(c);
  });
  return job_;
}

}  // namespace scdfm::ui
