// Δ scatter and DE ranking: the plotted coordinates and bar heights are core's
// numbers (meanDelta of the matrices, DE log2 fold changes), the labelled genes
// the largest |Δ_obs|, and an unseen perturbation is explained, not left blank.
#include <gtest/gtest.h>

#include <QTest>
#include <qcustomplot.h>

#include "AnalysisTestData.h"
#include "core/eval/Baselines.h"
#include "core/eval/ComparisonData.h"
#include "ui/analysis/DeRankChart.h"
#include "ui/analysis/DeltaScatterPlot.h"

using namespace scdfm;
using namespace scdfm::ui;

TEST(DeltaScatterPlot, PointsAreTheMeanDeltas) {
  const auto in = uitest::comparisonInput();
  const auto d = computeComparison(*in.control, *in.observed, *in.predicted, in.genes);
  DeltaScatterPlot view;
  view.resize(900, 700);
  view.setData(in.perturbation, d, 7);
  const Eigen::VectorXd dObs = meanDelta(*in.observed, *in.control), dPred = meanDelta(*in.predicted, *in.control);
  ASSERT_EQ(view.points().size(), 60u);
  for (int g = 0; g < 60; ++g) {
    EXPECT_DOUBLE_EQ(view.points()[g].x(), dObs[g]) << g;
    EXPECT_DOUBLE_EQ(view.points()[g].y(), dPred[g]) << g;
  }
  // Every gene is drawn once: the two point graphs together hold 60 points.
  EXPECT_EQ(view.plot()->graph(0)->dataCount() + view.plot()->graph(1)->dataCount(), 60);
  EXPECT_EQ(view.plot()->graph(1)->dataCount(), kTopDeGenes);
  EXPECT_EQ(view.labelledGenes(), largestAbsolute(dObs, 7));
  EXPECT_TRUE(view.title().contains(QString::number(d.pearsonDeltaAll, 'g', 3))) << view.title().toStdString();
  EXPECT_TRUE(view.title().contains(QString::number(d.pearsonDeltaTopDe, 'g', 3)));
  EXPECT_TRUE(view.plot()->xAxis->label().contains("observed"));
  EXPECT_TRUE(view.plot()->yAxis->label().contains("predicted"));
  // Hover finds the gene under a point.
  view.show();
  view.plot()->replot();
  const int g = view.labelledGenes()[0];
  const QPoint px(static_cast<int>(view.plot()->xAxis->coordToPixel(dObs[g])),
                  static_cast<int>(view.plot()->yAxis->coordToPixel(dPred[g])));
  EXPECT_EQ(view.geneAt(px), g);
}

TEST(DeltaScatterPlot, NoObservedCellsIsExplained) {
  const auto in = uitest::comparisonInput(false);
  const auto d = computeComparison(*in.control, RowMatrixF(), *in.predicted, in.genes);
  DeltaScatterPlot view;
  view.setData(in.perturbation, d);
  EXPECT_TRUE(view.points().empty());
  EXPECT_TRUE(view.notice().contains("no observed cells")) << view.notice().toStdString();
  EXPECT_EQ(view.plot()->plottableCount(), 0);
  EXPECT_EQ(view.plot()->itemCount(), 1);  // the message in the plot (also in exports)
}

TEST(DeRankChart, BarsAreObservedAndPredictedChanges) {
  const auto in = uitest::comparisonInput();
  const auto d = computeComparison(*in.control, *in.observed, *in.predicted, in.genes);
  DeRankChart view;
  view.setData(in.perturbation, d);
  ASSERT_EQ(view.shownGenes().size(), kTopDeGenes);
  const Eigen::VectorXd dObs = meanDelta(*in.observed, *in.control), dPred = meanDelta(*in.predicted, *in.control);
  for (int i = 0; i < kTopDeGenes; ++i) {
    const int g = d.topDeGenes[i];
    EXPECT_EQ(view.shownGenes()[i].toStdString(), in.genes[g]);
    EXPECT_DOUBLE_EQ(view.observedValues()[i], dObs[g]);
    EXPECT_DOUBLE_EQ(view.predictedValues()[i], dPred[g]);
  }
  auto* observedBars = qobject_cast<QCPBars*>(view.plot()->plottable(0));
  ASSERT_TRUE(observedBars);
  EXPECT_EQ(observedBars->name(), "observed");
  EXPECT_DOUBLE_EQ(observedBars->data()->at(3)->value, view.observedValues()[3]);
  EXPECT_TRUE(view.plot()->yAxis->label().contains("Δ mean expression"));

  view.setMeasure(DeRankChart::Measure::Log2FoldChange);
  const auto de = differentialExpression(*in.observed, *in.control);
  for (int i = 0; i < kTopDeGenes; ++i) {
    EXPECT_DOUBLE_EQ(view.observedValues()[i], de.log2FoldChange[d.topDeGenes[i]]);
    EXPECT_DOUBLE_EQ(view.predictedValues()[i], d.predictedDe.log2FoldChange[d.topDeGenes[i]]);
  }
  EXPECT_TRUE(view.plot()->yAxis->label().contains("log2 fold change"));
}

TEST(DeRankChart, UnseenPerturbationShowsPredictedBarsOnly) {
  const auto in = uitest::comparisonInput(false);
  const auto d = computeComparison(*in.control, RowMatrixF(), *in.predicted, in.genes);
  DeRankChart view;
  view.setData(in.perturbation, d);
  EXPECT_TRUE(view.observedValues().empty());
  EXPECT_EQ(view.predictedValues().size(), static_cast<std::size_t>(kTopDeGenes));
  EXPECT_EQ(view.plot()->plottableCount(), 1);
  EXPECT_TRUE(view.notice().contains("no observed cells"));
  EXPECT_TRUE(view.plot()->xAxis->label().contains("predicted vs control"));
}
