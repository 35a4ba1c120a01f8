// Attention views: the heatmap cells are the recorded AttentionMap values for the
// chosen block / part / head / map (difference with the block's λ), the gene
// subsets are the perturbed genes plus their most attended genes, the top DE
// genes or a typed list; CSV export holds the shown matrix; the received chart
// is the mean of the perturbed genes' rows.
#include <gtest/gtest.h>

#include <QFile>
#include <qcustomplot.h>

#include "AnalysisTestData.h"
#include "TestSupport.h"
#include "ui/analysis/AttentionMapView.h"
#include "ui/analysis/AttentionReceivedChart.h"

using namespace scdfm;
using namespace scdfm::ui;

TEST(AttentionMapView, CellsAreTheRecordedValues) {
  const auto in = uitest::comparisonInput();
  AttentionMapView view;
  view.resize(900, 800);
  view.setData(in.perturbation, in.attention, in.genes, in.targets, {});
  // Default: the last block, the first part, mean over heads and cells, the difference map.
  ASSERT_EQ(view.targetRows(), (std::vector<int>{0, 5}));  // KLF1, MAP2K6
  AttentionSelection s;
  s.block = 1;
  s.part = "diff_cross_attn";
  s.head = 2;
  s.cell = 1;
  s.kind = AttentionKind::Difference;
  view.setSelection(s);
  const auto& shown = view.shownGenes();
  ASSERT_EQ(shown.size(), 2u + 20u);
  EXPECT_EQ(shown[0], 0);
  EXPECT_EQ(shown[1], 5);
  // The map recorded for cell 1, block 1, diff_cross_attn.
  const AttentionMap* rec = nullptr;
  for (const auto& m : *in.attention)
    if (m.cell == 1 && m.block == 1 && m.part == "diff_cross_attn") rec = &m;
  ASSERT_TRUE(rec);
  for (int i = 0; i < static_cast<int>(shown.size()); ++i)
    for (int j = 0; j < static_cast<int>(shown.size()); ++j) {
      const double expected = rec->at1(2, shown[i], shown[j]) - rec->lambda * rec->at2(2, shown[i], shown[j]);
      ASSERT_NEAR(view.drawnValue(i, j), expected, 1e-6) << i << "," << j;
    }
  EXPECT_EQ(view.rowNames()[0], "KLF1");
  EXPECT_EQ(view.columnNames()[1], "MAP2K6");
  EXPECT_TRUE(view.colorScale()->axis()->label().contains("λ = 0.7")) << view.colorScale()->axis()->label().toStdString();
  EXPECT_EQ(view.plot()->yAxis->label(), "query gene (attending)");
  EXPECT_EQ(view.plot()->xAxis->label(), "key gene (attended to)");
  // The neighbours are the genes the targets attend to most (mean of their rows), excluding them.
  const Eigen::VectorXd received = attentionReceived(view.fullMatrix().values, {0, 5});
  const auto top = topAttended(received, 20, {0, 5});
  EXPECT_EQ(std::vector<int>(shown.begin() + 2, shown.end()), top);

  s.kind = AttentionKind::Softmax2;
  s.head = -1;
  s.cell = -1;
  view.setSelection(s);
  double expected = 0;
  for (const auto& m : *in.attention)
    if (m.block == 1 && m.part == "diff_cross_attn")
      for (int h = 0; h < 4; ++h) expected += m.at2(h, view.shownGenes()[3], view.shownGenes()[4]) / 8.0;
  EXPECT_NEAR(view.drawnValue(3, 4), expected, 1e-6);
  EXPECT_TRUE(view.title().contains("mean over 2 cells"));
}

TEST(AttentionMapView, SubsetsTypedGenesAndCsv) {
  const auto in = uitest::comparisonInput();
  AttentionMapView view;
  view.setData(in.perturbation, in.attention, in.genes, in.targets, {7, 3, 9});
  view.setSubset(AttentionMapView::Subset::TopDeGenes, 2);
  EXPECT_EQ(view.shownGenes(), (std::vector<int>{7, 3}));
  EXPECT_TRUE(view.setTypedGenes("tal1, GATA1 HBG1"));
  EXPECT_EQ(view.shownGenes(), (std::vector<int>{2, 1, 3}));
  EXPECT_FALSE(view.setTypedGenes("GATA1, NOTAGENE"));
  EXPECT_EQ(view.shownGenes(), std::vector<int>{1});
  EXPECT_TRUE(view.message().contains("NOTAGENE")) << view.message().toStdString();

  view.setTypedGenes("KLF1, GATA1");
  const QString dir = QString::fromStdString(test::scratchDir("attention_csv"));
  ASSERT_EQ(view.exportCsv(dir + "/a.csv"), "");
  QFile f(dir + "/a.csv");
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
  ASSERT_EQ(lines.size(), 3);
  EXPECT_EQ(lines[0], "query \\ key,KLF1,GATA1");
  const QStringList row = lines[2].split(',');
  EXPECT_EQ(row[0], "GATA1");
  EXPECT_NEAR(row[1].toDouble(), view.matrix()(1, 0), 1e-8);
  EXPECT_NEAR(row[1].toDouble(), view.fullMatrix().values(1, 0), 1e-8);
}

TEST(AttentionMapView, NoMapsAndTargetNotGenerated) {
  const auto in = uitest::comparisonInput(true, /*withAttention=*/false);
  AttentionMapView view;
  view.setData(in.perturbation, in.attention, in.genes, in.targets, {});
  EXPECT_FALSE(view.hasMaps());
  EXPECT_TRUE(view.notice().contains("No attention maps")) << view.notice().toStdString();
  EXPECT_EQ(view.matrix().size(), 0);

  const auto with = uitest::comparisonInput();
  view.setData("FOXA1", with.attention, with.genes, {"FOXA1"}, {});
  EXPECT_TRUE(view.targetRows().empty());
  EXPECT_EQ(view.shownGenes().size(), 20u);
  EXPECT_TRUE(view.message().contains("not among the 60 generated genes")) << view.message().toStdString();
  const auto top = topAttended(attentionReceived(view.fullMatrix().values, {}), 20);
  EXPECT_EQ(view.shownGenes(), top);
}

TEST(AttentionReceivedChart, BarsAreTheTargetsRowMeans) {
  const auto in = uitest::comparisonInput();
  AttentionSelection s;
  s.block = 0;
  const auto m = attentionMatrix(*in.attention, s);
  AttentionReceivedChart chart;
  chart.setData(in.perturbation, m.values, in.genes, in.targets, "block 0");
  EXPECT_TRUE(chart.fromTargets());
  ASSERT_EQ(chart.values().size(), 20u);
  const Eigen::VectorXd received = (m.values.row(0) + m.values.row(5)).transpose() / 2;
  const auto top = topAttended(received, 20, {0, 5});
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(chart.shownGenes()[i].toStdString(), in.genes[top[i]]);
    EXPECT_NEAR(chart.values()[i], received[top[i]], 1e-12);
  }
  EXPECT_TRUE(chart.notice().isEmpty());
  EXPECT_TRUE(chart.plot()->yAxis->label().contains("KLF1 + MAP2K6"));

  chart.setData("FOXA1", m.values, in.genes, {"FOXA1"}, "block 0");
  EXPECT_FALSE(chart.fromTargets());
  EXPECT_TRUE(chart.notice().contains("not among the 60 generated genes"));
  EXPECT_NEAR(chart.values()[0], m.values.colwise().mean().maxCoeff(), 1e-12);
}
