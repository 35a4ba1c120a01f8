#pragma once
// Predicted against observed mean shift per gene: Δ_pred = μ_pred − μ_ctrl (y) vs
// Δ_obs = μ_obs − μ_ctrl (x), the identity line, Pearson r of Δ (all genes and the
// top-20 DE genes), the top genes by |Δ_obs| labelled, hover for any gene.
#include <QPointF>
#include <QStringList>
#include <vector>

#include "core/eval/ComparisonData.h"
#include "ui/analysis/FigureWidget.h"

namespace scdfm::ui {

class DeltaScatterPlot : public FigureWidget {
  Q_OBJECT
 public:
  explicit DeltaScatterPlot(QWidget* parent = nullptr);

  // Without observed cells the plot says so instead of drawing points.
  void setData(const std::string& perturbation, const ComparisonData& data, int labelCount = 10);

  // The points drawn, in gene order: x = Δ_obs, y = Δ_pred (empty without observed cells).
  const std::vector<QPointF>& points() const { return points_; }
  const QStringList& genes() const { return genes_; }
  const std::vector<int>& labelledGenes() const { return labelled_; }
  // Gene index nearest to a widget position of the plot (within 8 px), −1 if none.
  int geneAt(const QPoint& plotPos) const;
  QString figureName() const override;

 protected:
  QString hoverText(const QPoint& plotPos) const override;

 private:
  QString perturbation_;
  QStringList genes_;
  std::vector<QPointF> points_;
  std::vector<int> labelled_;
};

}  // namespace scdfm::ui
