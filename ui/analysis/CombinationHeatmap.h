#pragma once
// A combination screen: predicted genetic-interaction scores of gene pairs as a
// gene × gene heatmap (diverging colours centred at 0: positive = synergy,
// negative = buffering), pairs observed in the data ringed (observed score in
// the tooltip); clicking a pair emits pairClicked.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "ui/analysis/HeatmapFigure.h"

namespace scdfm::ui {

class CombinationHeatmap : public HeatmapFigure {
  Q_OBJECT
 public:
  explicit CombinationHeatmap(QWidget* parent = nullptr);

  // predicted: n × n (NaN = not predicted; the diagonal, single genes, is shown empty);
  // observed: n × n or absent, NaN where the pair is not in the data.
  // InputError-like problems (sizes) are shown as a message in the plot.
  void setData(const std::vector<std::string>& genes, const Eigen::MatrixXd& predicted,
               const std::optional<Eigen::MatrixXd>& observed = std::nullopt);
  // Name of the score on the colour bar (default: "genetic-interaction score").
  void setScoreName(const QString& name);
  // Title prefix, e.g. the screen's name or context.
  void setScreenName(const QString& name);

  // (row, col) of the observed pairs drawn with a ring.
  const std::vector<std::pair<int, int>>& observedPairs() const { return observedPairs_; }
  QString figureName() const override;

 signals:
  void pairClicked(const QString& geneA, const QString& geneB);

 protected:
  QString cellToolTip(int row, int col) const override;
  QString csvCorner() const override { return QStringLiteral("gene A \\ gene B"); }
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void redraw();

  std::vector<std::string> genes_;
  Eigen::MatrixXd predicted_;
  std::optional<Eigen::MatrixXd> observed_;
  std::vector<std::pair<int, int>> observedPairs_;
  QString scoreName_, screenName_;
};

}  // namespace scdfm::ui
