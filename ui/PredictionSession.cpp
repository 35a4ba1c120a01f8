#include "ui/PredictionSession.h"

#include <QMetaObject>
#include <QPointer>

#include "core/data/Dataset.h"
#include "core/data/ModelExpression.h"
#include "core/embed/CellProjector.h"
#include "core/flow/OdeMethod.h"
#include "ui/JobRunner.h"

namespace scdfm::ui {

PredictionSession::PredictionSession(JobRunner* jobs, QObject* parent) : QObject(parent), jobs_(jobs) {
  connect(jobs_, &JobRunner::progress, this, [this](quint64 job, double fraction, const QString& stage) {
    if (job == job_) emit progress(fraction, stage);
  });
  connect(jobs_, &JobRunner::finished, this, [this](quint64 job, const std::any&) { finish(job, true); });
  connect(jobs_, &JobRunner::failed, this, [this](quint64 job) { finish(job, false); });
  connect(jobs_, &JobRunner::cancelled, this, [this](quint64 job) { finish(job, false); });
}

PredictionSession::~PredictionSession() = default;

void PredictionSession::setDataset(std::shared_ptr<const Dataset> dataset) {
  cancel();
  dataset_ = std::move(dataset);
  embedding_.reset();
  projector_.reset();
  records_.clear();
  order_.clear();
}

void PredictionSession::setPredictor(std::shared_ptr<const Predictor> predictor) {
  cancel();
  predictor_ = std::move(predictor);
  projector_.reset();  // the projector works in the model's genes
  records_.clear();
  order_.clear();
}

void PredictionSession::setEmbedding(std::shared_ptr<const RowMatrixF> embedding) {
  embedding_ = std::move(embedding);
  projector_.reset();
  for (auto& [key, r] : records_) r.umap.reset();
}

void PredictionSession::cancel() {
  if (job_ != 0 && jobs_->currentJob() == job_) jobs_->cancel();
}

quint64 PredictionSession::run(const PredictionSettings& s) {
  if (!dataset_ || !predictor_ || s.perturbations.isEmpty()) return 0;
  PredictRequest req;
  for (const auto& p : s.perturbations) req.perturbations.push_back(p.toStdString());
  req.context = s.context.toStdString();
  req.cells = s.cells;
  req.method = parseOdeMethod(s.solver.toStdString());
  req.timePoints = s.timePoints;
  req.seed = s.seed;
  req.attentionCells = {0};  // the attention view shows the first generated cell

  auto dataset = dataset_;
  auto predictor = predictor_;
  auto embedding = embedding_;
  auto projector = projector_;
  QPointer<PredictionSession> self(this);
  auto jobId = std::make_shared<quint64>(0);
  batchResults_ = 0;
  job_ = jobs_->start(
      tr("Predicting %n perturbation(s)", nullptr, static_cast<int>(req.perturbations.size())),
      [=](const Progress& progress, const CancelToken& cancel) mutable -> std::any {
        // Placing cells needs the projector: built once, in the first batch that needs it.
        const bool place = embedding != nullptr;
        const double placeShare = place && !projector ? 0.15 : 0.0;
        if (place && !projector) {
          projector = projectorFor(*dataset, *predictor, *embedding, progress.sub(0.0, placeShare), cancel);
          QMetaObject::invokeMethod(self, [self, projector, embedding] {
            if (self && self->embedding_ == embedding) self->projector_ = projector;
          }, Qt::QueuedConnection);
        }
        int n = 0;
        predictor->predict(
            *dataset, req,
            [&](const PredictedPerturbation& r) {
              auto record = std::make_shared<PredictionRecord>();
              record->result = r;
              record->settings = s;
              if (projector) record->umap = projector->project(r.cells, Progress::none(), cancel);
              ++n;
              // Hand the finished perturbation to the UI thread now; the batch goes on.
              QMetaObject::invokeMethod(self, [self, jobId, record] {
                if (self) self->accept(*jobId, record);
              }, Qt::QueuedConnection);
            },
            progress.sub(placeShare, 1.0), cancel);
        return n;
      });
  *jobId = job_;
  return job_;
}

std::shared_ptr<const CellProjector> PredictionSession::projectorFor(const Dataset& dataset, const Predictor& predictor,
                                                                    const RowMatrixF& embedding,
                                                                    const Progress& progress,
                                                                    const CancelToken& cancel) {
  const auto& prep = predictor.checkpoint().preprocessing;
  const ExpressionSpace space = expressionSpace(dataset, predictor.genesFor(dataset), prep.normalizeTotal, prep.log1p);
  return std::make_shared<const CellProjector>(dataset, space, embedding, ProjectorOptions{}, progress, cancel);
}

quint64 PredictionSession::placeAll() {
  if (!dataset_ || !predictor_ || !embedding_ || records_.empty()) return 0;
  using Placed = std::map<QString, RowMatrixF>;
  auto dataset = dataset_;
  auto predictor = predictor_;
  auto embedding = embedding_;
  std::map<QString, RowMatrixF> cells;
  for (const auto& [key, r] : records_) cells.emplace(key, r.result.cells);
  QPointer<PredictionSession> self(this);
  return jobs_->start(tr("Placing predicted cells in the new embedding"),
                      [=](const Progress& progress, const CancelToken& cancel) -> std::any {
                        auto projector = projectorFor(*dataset, *predictor, *embedding, progress.sub(0, 0.8), cancel);
                        auto placed = std::make_shared<Placed>();
                        for (const auto& [key, c] : cells) (*placed)[key] = projector->project(c, Progress::none(), cancel);
                        QMetaObject::invokeMethod(self, [self, projector, embedding, placed] {
                          if (!self || self->embedding_ != embedding) return;
                          self->projector_ = projector;
                          for (auto& [key, xy] : *placed)
                            if (auto it = self->records_.find(key); it != self->records_.end()) it->second.umap = xy;
                          emit self->placementsChanged();
                        }, Qt::QueuedConnection);
                        return static_cast<int>(placed->size());
                      });
}

void PredictionSession::accept(quint64 job, std::shared_ptr<PredictionRecord> record) {
  if (job != job_ || job == 0) return;  // a superseded batch
  const QString key = QString::fromStdString(record->result.check.key);
  if (!records_.count(key)) order_ << key;
  records_[key] = std::move(*record);
  ++batchResults_;
  emit resultReady(key);
}

void PredictionSession::finish(quint64 job, bool completed) {
  if (job != job_ || job == 0) return;
  job_ = 0;
  emit batchFinished(batchResults_, completed);
}

const PredictionRecord* PredictionSession::find(const QString& key) const {
  auto it = records_.find(key);
  return it == records_.end() ? nullptr : &it->second;
}

QStringList PredictionSession::keys() const { return order_; }

}  // namespace scdfm::ui
