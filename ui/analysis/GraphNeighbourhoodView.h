#pragma once
// The perturbed genes' neighbourhood in the model's gene-interaction graph as a
// small network: perturbed genes in the centre, their graph neighbours on a
// circle, edges coloured by the sign of the expression correlation (width ∝ |r|),
// node labels = gene names, hover for r.
#include <QPointF>
#include <QStringList>
#include <vector>

#include "core/eval/GeneNeighbourhood.h"
#include "ui/analysis/FigureWidget.h"

namespace scdfm::ui {

class GraphNeighbourhoodView : public FigureWidget {
  Q_OBJECT
 public:
  struct Node {
    QString gene;
    QPointF position;
    bool centre = false;
  };
  struct Edge {
    int from = -1, to = -1;  // node indices (from = a centre gene)
    double correlation = 0;  // NaN: no expression values
  };

  explicit GraphNeighbourhoodView(QWidget* parent = nullptr);

  // cellsDescription says which cells the correlations come from, e.g. "128 control cells (K562)".
  void setData(const std::string& perturbation, const GeneNeighbourhood& neighbourhood,
               const QString& cellsDescription);
  void showMessage(const std::string& perturbation, const QString& text);

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  int nodeAt(const QPoint& plotPos) const;  // −1 if none within 10 px
  QString figureName() const override;

 protected:
  QString hoverText(const QPoint& plotPos) const override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void draw(const QString& title);
  void keepAspect();

  QString perturbation_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
};

}  // namespace scdfm::ui
