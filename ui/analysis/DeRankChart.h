#pragma once
// The top DE genes (observed ranking, by |DE score|) as paired bars: the observed
// and the predicted change of each gene, as Δ mean expression (log1p) or as the
// DE log2 fold change, genes in rank order along the axis.
#include <QStringList>
#include <vector>

#include "core/eval/ComparisonData.h"
#include "ui/analysis/FigureWidget.h"

class QComboBox;

namespace scdfm::ui {

class DeRankChart : public FigureWidget {
  Q_OBJECT
 public:
  enum class Measure { DeltaMean, Log2FoldChange };
  explicit DeRankChart(QWidget* parent = nullptr);

  // Shows data.topDeGenes (their ranking: observed, or predicted without observed cells).
  void setData(const std::string& perturbation, const ComparisonData& data);
  void setMeasure(Measure measure);
  Measure measure() const { return measure_; }

  // The bars drawn, in rank order (observedValues empty without observed cells).
  const QStringList& shownGenes() const { return shown_; }
  const std::vector<double>& observedValues() const { return observed_; }
  const std::vector<double>& predictedValues() const { return predicted_; }
  QString figureName() const override;

 private:
  void rebuild();

  QString perturbation_;
  ComparisonData data_;
  bool hasData_ = false;
  Measure measure_ = Measure::DeltaMean;
  QStringList shown_;
  std::vector<double> observed_, predicted_;
  QComboBox* measureBox_ = nullptr;
};

}  // namespace scdfm::ui
