#pragma once
// Judges one finished prediction against the data for the comparison panel:
// in its own JobRunner (so it never cancels a running prediction batch) it
// reads the control and observed cells in the model's space, scores the model
// beside the no-change / additive / linear baselines over several sampling
// seeds (core's evaluateCondition, the path `scdfm evaluate` uses), and runs
// the panel's computations (DE, Δ, graph neighbourhood). A prediction of a
// perturbation without cells in the data is shown against control only.
#include <QObject>
#include <QString>
#include <memory>

#include "ui/analysis/ComparisonInput.h"

namespace scdfm {
class Dataset;
class Predictor;
class ReferenceBaselines;
}  // namespace scdfm

namespace scdfm::ui {

class JobRunner;
struct PredictionRecord;

struct Comparison {
  QString key;
  ComparisonInput input;
  ComparisonResults results;
  QString note;  // e.g. which context the metrics were computed in
};

class ComparisonSession : public QObject {
  Q_OBJECT
 public:
  explicit ComparisonSession(QObject* parent = nullptr);
  ~ComparisonSession() override;

  // Both drop the cached baselines (they are fitted per dataset and model).
  void setDataset(std::shared_ptr<const Dataset> dataset);
  void setPredictor(std::shared_ptr<const Predictor> predictor);
  // Sampling seeds the metrics are averaged over (the record's seed, +1, ...).
  void setSeeds(int seeds) { seeds_ = std::max(1, seeds); }
  int seeds() const { return seeds_; }

  // Starts judging `record` (a running comparison is cancelled). Returns the job id.
  quint64 compare(const PredictionRecord& record);
  void cancel();
  JobRunner* jobs() const { return jobs_; }
  const std::shared_ptr<const Comparison>& last() const { return last_; }

 signals:
  void ready(const QString& key);
  void failed(const QString& title, const QString& message, const QString& hint);
  void progress(double fraction, const QString& stage);

 private:
  JobRunner* jobs_;
  std::shared_ptr<const Dataset> dataset_;
  std::shared_ptr<const Predictor> predictor_;
  std::shared_ptr<std::shared_ptr<const ReferenceBaselines>> baselines_;  // filled by the first job
  std::shared_ptr<const Comparison> last_;
  quint64 job_ = 0;
  int seeds_ = 3;
};

}  // namespace scdfm::ui
