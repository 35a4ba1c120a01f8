#pragma once
// The predictions of the open dataset with the loaded model: runs them in the
// JobRunner (one batch at a time; a new batch or Cancel stops the running one
// within one ODE step), streams each finished perturbation back to the UI
// thread, places its cells into the dataset's embedding (CellProjector, built
// once per dataset/model/embedding, never refitted), and keeps the results.
#include <QObject>
#include <QString>
#include <map>
#include <memory>
#include <optional>

#include "core/flow/Predictor.h"
#include "ui/panels/PredictionPanel.h"

namespace scdfm {
class CellProjector;
class Dataset;
}  // namespace scdfm

namespace scdfm::ui {

class JobRunner;

struct PredictionRecord {
  PredictedPerturbation result;
  PredictionSettings settings;      // what produced it (context, cells, solver, seed, ...)
  std::optional<RowMatrixF> umap;   // cells × 2 in the shown embedding (none without one)
};

class PredictionSession : public QObject {
  Q_OBJECT
 public:
  PredictionSession(JobRunner* jobs, QObject* parent = nullptr);
  ~PredictionSession() override;

  // Both clear the results (they belong to a dataset and a model).
  void setDataset(std::shared_ptr<const Dataset> dataset);
  void setPredictor(std::shared_ptr<const Predictor> predictor);
  // The embedding shown for the dataset's cells (all cells × ≥2), or none.
  // Results already there lose their placement; placeAll() places them again.
  void setEmbedding(std::shared_ptr<const RowMatrixF> embedding);
  // Places every result into the current embedding in the JobRunner (after a
  // new UMAP was computed). Returns the job id (0 when there is nothing to do).
  quint64 placeAll();

  // Starts a batch (the perturbations of `settings`). Returns the job id.
  quint64 run(const PredictionSettings& settings);
  void cancel();
  bool running() const { return job_ != 0; }

  const PredictionRecord* find(const QString& key) const;
  QStringList keys() const;  // in arrival order
  const std::shared_ptr<const Dataset>& dataset() const { return dataset_; }
  const std::shared_ptr<const Predictor>& predictor() const { return predictor_; }

 signals:
  void resultReady(const QString& key);
  // Results were placed into a new embedding (placeAll).
  void placementsChanged();
  void progress(double fraction, const QString& stage);
  // The batch ended: all done, cancelled, or failed (the error is shown by the window).
  void batchFinished(int results, bool completed);

 private:
  void accept(quint64 job, std::shared_ptr<PredictionRecord> record);
  // The projector for the current embedding, built in the worker when missing.
  static std::shared_ptr<const CellProjector> projectorFor(const Dataset& dataset, const Predictor& predictor,
                                                           const RowMatrixF& embedding, const Progress& progress,
                                                           const CancelToken& cancel);
  void finish(quint64 job, bool completed);

  JobRunner* jobs_;
  std::shared_ptr<const Dataset> dataset_;
  std::shared_ptr<const Predictor> predictor_;
  std::shared_ptr<const RowMatrixF> embedding_;
  std::shared_ptr<const CellProjector> projector_;  // built lazily by a batch
  std::map<QString, PredictionRecord> records_;
  QStringList order_;
  quint64 job_ = 0;
  int batchResults_ = 0;
};

}  // namespace scdfm::ui
