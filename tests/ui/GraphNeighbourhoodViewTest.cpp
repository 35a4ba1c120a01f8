// Graph view: nodes are the perturbed genes and their neighbours, edges carry the
// neighbourhood's correlations; genes outside the graph are named.
#include <gtest/gtest.h>

#include <QApplication>

#include <qcustomplot.h>

#include "AnalysisTestData.h"
#include "ui/analysis/GraphNeighbourhoodView.h"

using namespace scdfm;
using namespace scdfm::ui;

TEST(GraphNeighbourhoodView, NodesAndEdgesFollowTheNeighbourhood) {
  const auto in = uitest::comparisonInput();
  const auto hood = geneNeighbourhood(*in.graphMask, in.vocabulary, *in.control, in.genes, {"KLF1", "MAP2K6", "XYZ"});
  GraphNeighbourhoodView view;
  view.resize(800, 800);
  view.setData(in.perturbation, hood, "150 control cells (K562)");
  ASSERT_GE(view.nodes().size(), 3u);
  EXPECT_EQ(view.nodes()[0].gene, "KLF1");
  EXPECT_EQ(view.nodes()[1].gene, "MAP2K6");
  EXPECT_TRUE(view.nodes()[0].centre && view.nodes()[1].centre);
  std::size_t expectedEdges = 0;
  for (const auto& c : hood.centres) expectedEdges += c.neighbours.size();
  ASSERT_EQ(view.edges().size(), expectedEdges);
  std::size_t e = 0;
  for (int c = 0; c < 2; ++c)
    for (const auto& n : hood.centres[c].neighbours) {
      const auto& edge = view.edges()[e++];
      EXPECT_EQ(edge.from, c);
      EXPECT_EQ(view.nodes()[edge.to].gene.toStdString(), n.gene);
      if (std::isnan(n.correlation))
        EXPECT_TRUE(std::isnan(edge.correlation));
      else
        EXPECT_DOUBLE_EQ(edge.correlation, n.correlation);
    }
  // Neighbours sit on the unit circle, labelled with their names.
  for (const auto& n : view.nodes())
    if (!n.centre) EXPECT_NEAR(std::hypot(n.position.x(), n.position.y()), 1.0, 1e-9);
  EXPECT_TRUE(view.notice().contains("XYZ")) << view.notice().toStdString();
  EXPECT_TRUE(view.title().contains("150 control cells (K562)"));
  EXPECT_TRUE(view.plot()->legend->visible());
  view.show();  // laid out: the axes map coordinates to distinct pixels
  QApplication::processEvents();
  view.plot()->replot();
  const auto& node = view.nodes()[2];
  const QPoint px(static_cast<int>(view.plot()->xAxis->coordToPixel(node.position.x())),
                  static_cast<int>(view.plot()->yAxis->coordToPixel(node.position.y())));
  EXPECT_EQ(view.nodeAt(px), 2);
}

TEST(GraphNeighbourhoodView, NoGraphOrNoCentreIsExplained) {
  GraphNeighbourhoodView view;
  view.showMessage("KLF1", "The model's gene-interaction graph is not available.");
  EXPECT_TRUE(view.nodes().empty());
  EXPECT_TRUE(view.notice().contains("not available"));
  GeneNeighbourhood empty;
  empty.notInGraph = {"FOXA1"};
  view.setData("FOXA1", empty, "cells");
  EXPECT_TRUE(view.nodes().empty());
  EXPECT_TRUE(view.notice().contains("FOXA1")) << view.notice().toStdString();
}
