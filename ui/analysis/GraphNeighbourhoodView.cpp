#include "ui/analysis/GraphNeighbourhoodView.h"

#include <cmath>
#include <qcustomplot.h>

#include "ui/analysis/AnalysisStyle.h"

namespace scdfm::ui {
namespace {
constexpr double kExtent = 1.55;  // half-size of the square that must stay visible (labels included)

QColor edgeColor(double r) {
  if (std::isnan(r)) return QColor(170, 170, 170);
  return r >= 0 ? kPositiveColor : kNegativeColor;
}
}  // namespace

GraphNeighbourhoodView::GraphNeighbourhoodView(QWidget* parent) : FigureWidget(parent) {
  auto* p = plot();
  for (auto* axis : {p->xAxis, p->yAxis}) {
    axis->setVisible(false);
    axis->grid()->setVisible(false);
  }
  // Keep circles round at any widget or export size: fit the square [−E, E]² into the axis rect.
  connect(p, &QCustomPlot::afterLayout, this, &GraphNeighbourhoodView::keepAspect);
  showPlaceholder(tr("No gene-interaction graph to show."));
}

QString GraphNeighbourhoodView::figureName() const { return perturbation_ + "_graph_neighbourhood"; }

void GraphNeighbourhoodView::keepAspect() {
  const QRect r = plot()->axisRect()->rect();
  if (r.width() <= 0 || r.height() <= 0) return;
  const double aspect = static_cast<double>(r.width()) / r.height();
  plot()->xAxis->setRange(-kExtent * std::max(aspect, 1.0), kExtent * std::max(aspect, 1.0));
  plot()->yAxis->setRange(-kExtent / std::min(aspect, 1.0), kExtent / std::min(aspect, 1.0));
}

void GraphNeighbourhoodView::resizeEvent(QResizeEvent* event) {
  FigureWidget::resizeEvent(event);
  plot()->replot();
}

void GraphNeighbourhoodView::showMessage(const std::string& perturbation, const QString& text) {
  perturbation_ = QString::fromStdString(perturbation);
  nodes_.clear();
  edges_.clear();
  setTitle(tr("%1: gene-interaction graph neighbourhood").arg(perturbation_));
  setNotice(text);
  showPlaceholder(text);
}

void GraphNeighbourhoodView::setData(const std::string& perturbation, const GeneNeighbourhood& hood,
                                     const QString& cellsDescription) {
  perturbation_ = QString::fromStdString(perturbation);
  nodes_.clear();
  edges_.clear();
  QStringList notes;
  if (!hood.notInGraph.empty())
    notes << tr("Not in the model's gene graph: %1.").arg(toQStringList(hood.notInGraph).join(", "));
  if (hood.centres.empty()) {
    showMessage(perturbation, tr("None of the perturbed genes is in the model's gene-interaction graph, so there "
                                 "is no neighbourhood to draw.") +
                                  (notes.isEmpty() ? QString() : " " + notes.join(" ")));
    return;
  }
  // Centre genes near the middle, neighbours on the unit circle (grouped by centre).
  const int nc = static_cast<int>(hood.centres.size());
  auto indexOf = [&](const QString& gene) {
    for (int i = 0; i < static_cast<int>(nodes_.size()); ++i)
      if (nodes_[i].gene == gene) return i;
    return -1;
  };
  for (int c = 0; c < nc; ++c) {
    const double a = 2 * M_PI * c / nc + M_PI / 2;
    const double r = nc == 1 ? 0.0 : 0.22;
    nodes_.push_back({QString::fromStdString(hood.centres[c].gene), QPointF(r * std::cos(a), r * std::sin(a)), true});
  }
  QStringList truncated;
  for (int c = 0; c < nc; ++c) {
    const auto& centre = hood.centres[c];
    if (!centre.expressed) notes << tr("%1 has no expression values here: its edges are grey.").arg(nodes_[c].gene);
    if (centre.neighboursInGraph > static_cast<int>(centre.neighbours.size()))
      truncated << tr("%1: %2 of %3").arg(nodes_[c].gene).arg(centre.neighbours.size()).arg(centre.neighboursInGraph);
    for (const auto& n : centre.neighbours) {
      const QString gene = QString::fromStdString(n.gene);
      int node = indexOf(gene);
      if (node < 0) {
        nodes_.push_back({gene, QPointF(), false});
        node = static_cast<int>(nodes_.size()) - 1;
      }
      edges_.push_back({c, node, n.correlation});
    }
  }
  const int nn = static_cast<int>(nodes_.size()) - nc;
  for (int i = 0; i < nn; ++i) {
    const double a = 2 * M_PI * i / std::max(nn, 1) + M_PI / 2;
    nodes_[nc + i].position = QPointF(std::cos(a), std::sin(a));
  }
  setNotice(notes.join(" "));
  QStringList centreNames;
  for (int c = 0; c < nc; ++c) centreNames << nodes_[c].gene;
  QString title = tr("%1: neighbours of %2 in the model's gene-interaction graph\nedges: Pearson r of expression in %3")
                      .arg(perturbation_, centreNames.join(" + "), cellsDescription);
  if (!truncated.isEmpty()) title += tr("; strongest |r| shown (%1 neighbours)").arg(truncated.join(", "));
  draw(title);
}

void GraphNeighbourhoodView::draw(const QString& title) {
  clearPlot();
  auto* p = plot();
  setTitle(title);
  bool anyNaN = false;
  for (const auto& e : edges_) {
    auto* line = new QCPItemLine(p);
    line->start->setCoords(nodes_[e.from].position);
    line->end->setCoords(nodes_[e.to].position);
    anyNaN |= std::isnan(e.correlation);
    QColor c = edgeColor(e.correlation);
    c.setAlpha(200);
    line->setPen(QPen(c, std::isnan(e.correlation) ? 1.0 : 1.0 + 4.0 * std::fabs(e.correlation)));
    line->setLayer("grid");  // below the nodes
  }
  auto addNodes = [&](bool centre) {
    auto* g = p->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(centre ? QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), QColor(250, 200, 60), 16)
                              : QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(60, 60, 60)), QColor(235, 235, 235), 9));
    g->setName(centre ? tr("perturbed gene") : tr("graph neighbour"));
    for (const auto& n : nodes_)
      if (n.centre == centre) g->addData(n.position.x(), n.position.y());
  };
  addNodes(false);
  addNodes(true);
  for (const auto& n : nodes_) {
    auto* label = new QCPItemText(p);
    QFont f = font();
    if (n.centre) {
      f.setBold(true);
      f.setPointSize(10);
      label->position->setCoords(n.position.x(), n.position.y() - 0.09);
      label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignTop);
      label->setBrush(QColor(255, 255, 255, 210));
    } else {
      f.setPointSize(8);
      const double a = std::atan2(n.position.y(), n.position.x());
      label->position->setCoords(1.07 * std::cos(a), 1.07 * std::sin(a));
      Qt::Alignment h = std::cos(a) > 0.3 ? Qt::AlignLeft : std::cos(a) < -0.3 ? Qt::AlignRight : Qt::AlignHCenter;
      Qt::Alignment v = std::sin(a) > 0.3 ? Qt::AlignBottom : std::sin(a) < -0.3 ? Qt::AlignTop : Qt::AlignVCenter;
      label->setPositionAlignment(h | v);
    }
    label->setFont(f);
    label->setText(n.gene);
  }
  // Legend entries for the edge colours (empty graphs carry the pens).
  auto addKey = [&](const QString& name, const QColor& color) {
    auto* g = p->addGraph();
    g->setName(name);
    g->setPen(QPen(color, 3));
  };
  addKey(tr("positive correlation (r > 0)"), kPositiveColor);
  addKey(tr("negative correlation (r < 0)"), kNegativeColor);
  if (anyNaN) addKey(tr("no expression values"), edgeColor(std::nan("")));
  p->legend->setVisible(true);
  QFont lf = font();
  lf.setPointSize(8);
  p->legend->setFont(lf);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
  p->replot();
}

int GraphNeighbourhoodView::nodeAt(const QPoint& pos) const {
  // The nearest node within 10 pixels (labels and discs may overlap).
  int best = -1;
  double bestDistance = 100;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    const double dx = plot()->xAxis->coordToPixel(nodes_[i].position.x()) - pos.x();
    const double dy = plot()->yAxis->coordToPixel(nodes_[i].position.y()) - pos.y();
    if (dx * dx + dy * dy <= bestDistance) {
      bestDistance = dx * dx + dy * dy;
      best = i;
    }
  }
  return best;
}

QString GraphNeighbourhoodView::hoverText(const QPoint& pos) const {
  const int node = nodeAt(pos);
  if (node < 0) return {};
  QStringList lines{nodes_[node].gene};
  for (const auto& e : edges_)
    if (e.to == node || e.from == node) {
      const int other = e.to == node ? e.from : e.to;
      lines << tr("r = %1 with %2").arg(formatNumber(e.correlation), nodes_[other].gene);
    }
  return lines.join("\n");
}

}  // namespace scdfm::ui
