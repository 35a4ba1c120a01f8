#pragma once
// Attention each gene receives from the perturbed gene(s): their rows of the chosen
// map (mean over the perturbed genes; heads and cells already averaged by the map),
// the top genes as bars. When no perturbed gene is among the generated genes, the
// mean over all query genes is used, and the chart says so.
#include <Eigen/Core>
#include <QStringList>
#include <string>
#include <vector>

#include "ui/analysis/FigureWidget.h"

class QSpinBox;

namespace scdfm::ui {

class AttentionReceivedChart : public FigureWidget {
  Q_OBJECT
 public:
  explicit AttentionReceivedChart(QWidget* parent = nullptr);

  // matrix: query × key over `genes` (AttentionMatrix::values); mapDescription names the map.
  void setData(const std::string& perturbation, const Eigen::MatrixXd& matrix, const std::vector<std::string>& genes,
               const std::vector<std::string>& targets, const QString& mapDescription);
  void showMessage(const QString& text);
  void setTopCount(int n);

  const QStringList& shownGenes() const { return shown_; }
  const std::vector<double>& values() const { return values_; }
  bool fromTargets() const { return fromTargets_; }  // false: mean over all query genes
  QString figureName() const override;

 private:
  void rebuild();

  std::string perturbation_;
  Eigen::MatrixXd matrix_;
  std::vector<std::string> genes_, targets_;
  QString description_;
  int topN_ = 20;
  QStringList shown_;
  std::vector<double> values_;
  bool fromTargets_ = false;
  QSpinBox* topSpin_ = nullptr;
};

}  // namespace scdfm::ui
