// Distribution view: the violins' data are the groups' cells of the shown genes
// (top DE genes first), typed genes resolve case-insensitively, unknown names get
// the closest ones, and an unseen perturbation shows control and predicted only.
#include <gtest/gtest.h>

#include <qcustomplot.h>

#include "AnalysisTestData.h"
#include "core/eval/ComparisonData.h"
#include "ui/analysis/DistributionPlot.h"

using namespace scdfm;
using namespace scdfm::ui;

namespace {
int countCurves(QCustomPlot* plot) {
  int n = 0;
  for (int i = 0; i < plot->plottableCount(); ++i) n += qobject_cast<QCPCurve*>(plot->plottable(i)) != nullptr;
  return n;
}

QStringList legendTexts(QCustomPlot* plot) {
  QStringList out;
  for (int i = 0; i < plot->legend->itemCount(); ++i)
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i))) out << item->plottable()->name();
  return out;
}
}  // namespace

TEST(DistributionPlot, ViolinsHoldTheGroupsCells) {
  const auto in = uitest::comparisonInput();
  const auto d = computeComparison(*in.control, *in.observed, *in.predicted, in.genes);
  DistributionPlot view;
  view.resize(1000, 600);
  view.setData(in.perturbation, in.genes, in.control, in.observed, in.predicted, d.topDeGenes, true);
  const auto shown = view.shownGenes();
  ASSERT_EQ(shown, std::vector<int>(d.topDeGenes.begin(), d.topDeGenes.begin() + 8));
  ASSERT_EQ(view.distributions().size(), 8u);
  const RowMatrixF* groups[] = {in.control.get(), in.observed.get(), in.predicted.get()};
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const auto& dist = view.distributions()[k];
    EXPECT_EQ(dist.gene, in.genes[shown[k]]);
    ASSERT_EQ(dist.groups.size(), 3u);
    for (int g = 0; g < 3; ++g) {
      ASSERT_EQ(dist.groups[g].values.size(), static_cast<std::size_t>(groups[g]->rows()));
      for (long i = 0; i < groups[g]->rows(); ++i) ASSERT_EQ(dist.groups[g].values[i], (*groups[g])(i, shown[k]));
    }
  }
  EXPECT_EQ(countCurves(view.plot()), 8 * 3);  // one shape per gene and group
  EXPECT_EQ(legendTexts(view.plot()),
            (QStringList{"control (n = 150 cells)", "observed (n = 90 cells)", "predicted (n = 128 cells)", "median"}));
  EXPECT_TRUE(view.title().contains("KLF1+MAP2K6"));
  EXPECT_EQ(view.plot()->yAxis->label(), "expression (log1p)");
  EXPECT_TRUE(view.notice().isEmpty());

  view.setMode(DistributionPlot::Mode::Histogram);
  EXPECT_EQ(countCurves(view.plot()), 8 * 3);
  EXPECT_TRUE(view.title().contains("histograms"));
}

TEST(DistributionPlot, TypedGenesAndUnknownNames) {
  const auto in = uitest::comparisonInput();
  const auto d = computeComparison(*in.control, *in.observed, *in.predicted, in.genes);
  DistributionPlot view;
  view.setData(in.perturbation, in.genes, in.control, in.observed, in.predicted, d.topDeGenes, true);
  view.setTopCount(2);
  EXPECT_TRUE(view.addGenes("gata1, TAL1"));
  auto shown = view.shownGenes();
  ASSERT_EQ(shown.size(), 4u);
  EXPECT_EQ(in.genes[shown[2]], "GATA1");
  EXPECT_EQ(in.genes[shown[3]], "TAL1");
  EXPECT_TRUE(view.geneMessage().isEmpty());

  EXPECT_FALSE(view.addGenes("KLFF1"));
  const QString msg = view.geneMessage();
  EXPECT_TRUE(msg.contains("KLFF1")) << msg.toStdString();
  EXPECT_TRUE(msg.contains("not among the 60 generated genes")) << msg.toStdString();
  EXPECT_TRUE(msg.contains("KLF1")) << msg.toStdString();
  EXPECT_EQ(view.shownGenes().size(), 4u);  // nothing added

  view.clearAddedGenes();
  EXPECT_EQ(view.shownGenes().size(), 2u);
  view.setTopCount(0);
  EXPECT_TRUE(view.distributions().empty());
}

TEST(DistributionPlot, UnseenPerturbationShowsControlAndPredicted) {
  const auto in = uitest::comparisonInput(/*withObserved=*/false);
  const RowMatrixF none;
  const auto d = computeComparison(*in.control, none, *in.predicted, in.genes);
  DistributionPlot view;
  view.setData(in.perturbation, in.genes, in.control, nullptr, in.predicted, d.topDeGenes, false);
  ASSERT_FALSE(view.distributions().empty());
  EXPECT_EQ(view.distributions()[0].groups.size(), 2u);
  EXPECT_EQ(view.distributions()[0].groups[1].group, "predicted");
  EXPECT_TRUE(view.notice().contains("no observed cells")) << view.notice().toStdString();
  EXPECT_TRUE(view.title().contains("no observed cells"));
  EXPECT_TRUE(view.plot()->xAxis->label().contains("predicted vs control"));
}
