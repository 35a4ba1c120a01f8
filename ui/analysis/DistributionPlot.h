#pragma once
// Per-gene distributions of control, observed and predicted cells side by side:
// violins (Gaussian KDE, Scott bandwidth) or histograms, for the top DE genes and
// any gene the user types (type-ahead; unknown names get the closest ones).
#include <memory>
#include <string>
#include <vector>

#include "core/eval/GeneDistribution.h"
#include "core/io/AnnData.h"
#include "ui/analysis/AnalysisStyle.h"
#include "ui/analysis/FigureWidget.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace scdfm::ui {

class DistributionPlot : public FigureWidget {
  Q_OBJECT
 public:
  enum class Mode { Violin, Histogram };

  explicit DistributionPlot(QWidget* parent = nullptr);

  // observed may be null or empty (an unseen perturbation): control and predicted are shown.
  // topDeGenes: column indices, best first; rankedByObserved says which DE ranked them.
  void setData(const std::string& perturbation, const std::vector<std::string>& genes,
               std::shared_ptr<const RowMatrixF> control, std::shared_ptr<const RowMatrixF> observed,
               std::shared_ptr<const RowMatrixF> predicted, const std::vector<int>& topDeGenes,
               bool rankedByObserved);
  void setTopCount(int n);  // how many of the top DE genes to show (default 8)
  // Adds typed genes (a name or a list); false when any is unknown (see geneMessage()).
  bool addGenes(const QString& text);
  void clearAddedGenes();
  void setMode(Mode mode);
  Mode mode() const { return mode_; }

  std::vector<int> shownGenes() const;  // top DE genes, then the added ones
  // The data drawn: one entry per shown gene, groups in the order control, observed, predicted.
  const std::vector<GeneDistribution>& distributions() const { return distributions_; }
  QString geneMessage() const;
  QString figureName() const override;

 signals:
  void genesChanged();

 protected:
  QString hoverText(const QPoint& plotPos) const override;

 private:
  struct Group {
    CellGroupKind kind;
    std::shared_ptr<const RowMatrixF> cells;
  };
  void rebuild();
  void drawGroupShapes(int slot, int group, int groups, const GroupDistribution& d);

  std::string perturbation_;
  std::vector<std::string> genes_;
  std::vector<Group> groups_;
  std::vector<int> top_, added_;
  bool rankedByObserved_ = true;
  int topCount_ = 8;
  Mode mode_ = Mode::Violin;
  std::vector<GeneDistribution> distributions_;

  QSpinBox* topSpin_ = nullptr;
  QLineEdit* geneEdit_ = nullptr;
  QComboBox* modeBox_ = nullptr;
  QLabel* geneMessage_ = nullptr;
};

}  // namespace scdfm::ui
