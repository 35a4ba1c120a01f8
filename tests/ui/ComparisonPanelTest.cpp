// The comparison panel: every tab fed from one input, an unseen perturbation and
// a prediction without attention maps explained in the affected tabs, and each tab
// rendered to build/test-work/comparison_panel/*.png for a visual check.
#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QPixmap>
#include <qcustomplot.h>

#include "AnalysisTestData.h"
#include "TestSupport.h"
#include "core/util/Error.h"
#include "ui/analysis/AttentionMapView.h"
#include "ui/analysis/AttentionReceivedChart.h"
#include "ui/analysis/ComparisonPanel.h"
#include "ui/analysis/DeRankChart.h"
#include "ui/analysis/DeltaScatterPlot.h"
#include "ui/analysis/DistributionPlot.h"
#include "ui/analysis/GraphNeighbourhoodView.h"
#include "ui/analysis/MetricsTableModel.h"
#include "ui/analysis/MetricsView.h"

using namespace scdfm;
using namespace scdfm::ui;

namespace {
// Shows each tab, lets it lay out and paint, and saves the tab's pixels.
void renderTabs(ComparisonPanel& panel, const QString& dir, const QString& prefix) {
  QDir().mkpath(dir);
  panel.resize(1280, 860);
  panel.show();
  for (int t = 0; t < panel.count(); ++t) {
    panel.setCurrentIndex(t);
    QApplication::processEvents();
    for (auto* plot : panel.currentWidget()->findChildren<QCustomPlot*>()) plot->replot();
    QApplication::processEvents();
    const QImage image = panel.grab().toImage();
    const QString name = dir + "/" + prefix + "_" + QString::number(t) + "_" +
                         panel.tabText(t).replace(' ', '_').replace("Δ", "delta") + ".png";
    EXPECT_TRUE(image.save(name)) << name.toStdString();
  }
}
}  // namespace

TEST(ComparisonPanel, FillsEveryTab) {
  const auto in = uitest::comparisonInput();
  ComparisonPanel panel;
  panel.setInput(in);
  const auto& d = panel.results().comparison;
  EXPECT_TRUE(d.hasObserved());
  EXPECT_EQ(panel.count(), 6);
  EXPECT_EQ(panel.distributions()->distributions().size(), 8u);
  EXPECT_EQ(panel.deltaScatter()->points().size(), 60u);
  EXPECT_EQ(panel.deRanking()->shownGenes().size(), kTopDeGenes);
  EXPECT_EQ(panel.metrics()->model()->rowsBeaten(), 2);
  EXPECT_TRUE(panel.attentionMap()->hasMaps());
  EXPECT_EQ(panel.attentionReceived()->values().size(), 20u);
  EXPECT_TRUE(panel.attentionReceived()->fromTargets());
  ASSERT_TRUE(panel.results().neighbourhood);
  EXPECT_EQ(panel.graph()->nodes()[0].gene, "KLF1");
  // Changing the attention selection updates the received chart.
  const double before = panel.attentionReceived()->values()[0];
  AttentionSelection s = panel.attentionMap()->selection();
  s.kind = AttentionKind::Softmax1;
  panel.attentionMap()->setSelection(s);
  EXPECT_NE(panel.attentionReceived()->values()[0], before);

  const QString dir = QString::fromStdString(SCDFM_TEST_WORK_DIR) + "/comparison_panel";
  renderTabs(panel, dir, "observed");
  panel.setCurrentIndex(ComparisonPanel::DeltaTab);
  EXPECT_EQ(panel.exportCurrentTo(dir + "/delta.svg"), "");
  panel.setCurrentIndex(ComparisonPanel::MetricsTab);
  EXPECT_EQ(panel.exportCurrentTo(dir + "/metrics.csv"), "");
  // Figure exports of every plot, at export size, for the visual check too.
  EXPECT_EQ(panel.distributions()->exportTo(dir + "/export_distributions.png"), "");
  EXPECT_EQ(panel.attentionMap()->exportTo(dir + "/export_attention.png"), "");
  EXPECT_EQ(panel.graph()->exportTo(dir + "/export_graph.png"), "");
}

TEST(ComparisonPanel, UnseenPerturbationWithoutAttentionOrGraph) {
  auto in = uitest::comparisonInput(/*withObserved=*/false, /*withAttention=*/false);
  in.graphMask.reset();
  ComparisonPanel panel;
  panel.setInput(in);
  EXPECT_FALSE(panel.results().comparison.hasObserved());
  EXPECT_TRUE(panel.distributions()->notice().contains("no observed cells"));
  EXPECT_TRUE(panel.deltaScatter()->notice().contains("no observed cells"));
  EXPECT_TRUE(panel.deRanking()->notice().contains("no observed cells"));
  EXPECT_TRUE(panel.metrics()->summary().contains("no observed cells")) << panel.metrics()->summary().toStdString();
  EXPECT_TRUE(panel.attentionMap()->notice().contains("No attention maps"));
  EXPECT_TRUE(panel.attentionReceived()->values().empty());
  EXPECT_TRUE(panel.graph()->notice().contains("not available"));
  renderTabs(panel, QString::fromStdString(SCDFM_TEST_WORK_DIR) + "/comparison_panel", "unseen");
}

TEST(ComparisonPanel, BadGraphIsReportedNotThrown) {
  auto in = uitest::comparisonInput();
  in.vocabulary.resize(10);  // the mask covers more tokens than this vocabulary
  ComparisonPanel panel;
  panel.setInput(in);
  EXPECT_FALSE(panel.results().neighbourhood);
  EXPECT_FALSE(panel.results().neighbourhoodError.empty());
  EXPECT_TRUE(panel.graph()->notice().contains("could not be read"));
  in.genes.pop_back();
  EXPECT_THROW(panel.setInput(in), InputError);
}
