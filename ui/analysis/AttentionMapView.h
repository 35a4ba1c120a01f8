#pragma once
// The model's differential-attention maps as a gene × gene heatmap: query genes
// (rows, attending) × key genes (columns, attended to), for a chosen block, part
// (diff_self_attn / diff_cross_attn), head or the mean over heads, and map
// (softmax 1, softmax 2, or softmax 1 − λ·softmax 2), over a gene subset: the top-k
// DE genes, the perturbed genes with the genes they attend to most, or a typed list.
#include <QStringList>
#include <memory>
#include <string>
#include <vector>

#include "core/eval/AttentionSummary.h"
#include "ui/analysis/HeatmapFigure.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace scdfm::ui {

class AttentionMapView : public HeatmapFigure {
  Q_OBJECT
 public:
  enum class Subset { TopDeGenes, PerturbedAndAttended, Typed };
  explicit AttentionMapView(QWidget* parent = nullptr);

  // genes: the generated genes (rows/columns of every map, in sampler order);
  // topDeGenes: column indices of the top DE genes (for the "top-k DE genes" subset).
  // maps: null or empty = none recorded (the view says so).
  void setData(const std::string& perturbation, std::shared_ptr<const std::vector<AttentionMap>> maps,
               const std::vector<std::string>& genes,
               const std::vector<std::string>& targets, const std::vector<int>& topDeGenes);

  void setSelection(const AttentionSelection& selection);
  AttentionSelection selection() const { return selection_; }
  void setSubset(Subset subset, int k = -1);
  // Typed genes (comma/space separated); switches to the typed subset. False when any is unknown.
  bool setTypedGenes(const QString& text);

  // The full map of the current selection (all generated genes) and the shown subset.
  const AttentionMatrix& fullMatrix() const { return full_; }
  const std::vector<int>& shownGenes() const { return shown_; }
  const std::vector<int>& targetRows() const { return targetRows_; }  // perturbed genes among the generated
  const std::vector<std::string>& genes() const { return genes_; }
  QString selectionDescription() const;  // e.g. "block 2, diff_self_attn, mean over 8 heads, softmax 1 − λ·softmax 2"
  QString message() const;               // why a subset is smaller than asked, unknown typed genes …
  bool hasMaps() const { return maps_ && !maps_->empty(); }
  QString figureName() const override;

 signals:
  // The selection (and so fullMatrix()) changed.
  void matrixChanged();

 protected:
  QString cellToolTip(int row, int col) const override;
  QString csvCorner() const override { return QStringLiteral("query \\ key"); }

 private:
  void fillControls();
  void recompute();  // selection → full_ → subset → heatmap
  void redraw();
  void readControls();

  std::string perturbation_;
  std::shared_ptr<const std::vector<AttentionMap>> maps_;
  std::vector<std::string> genes_, targets_;
  std::vector<int> topDe_, targetRows_, typed_, shown_;
  AttentionInventory inventory_;
  AttentionSelection selection_;
  AttentionMatrix full_;
  Subset subset_ = Subset::PerturbedAndAttended;
  int k_ = 20;
  QString message_;
  bool updating_ = false;

  QComboBox *blockBox_ = nullptr, *partBox_ = nullptr, *headBox_ = nullptr, *kindBox_ = nullptr,
            *cellBox_ = nullptr, *subsetBox_ = nullptr;
  QSpinBox* kSpin_ = nullptr;
  QLineEdit* typedEdit_ = nullptr;
  QLabel* messageLabel_ = nullptr;
};

}  // namespace scdfm::ui
