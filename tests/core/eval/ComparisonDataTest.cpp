// ComparisonData: the numbers the analysis views draw equal core's own
// computations (meanDelta, DE, rankByAbsScore, the Pearson Δ metrics) and numpy's
// moments; an unseen perturbation (no observed cells) ranks by the predicted DE.
#include <gtest/gtest.h>

#include "EvalTestSupport.h"
#include "core/eval/Baselines.h"
#include "core/eval/ComparisonData.h"
#include "core/eval/Stats.h"
#include "core/util/Error.h"

using namespace scdfm;
using evaltest::close;

namespace {
constexpr long kGenes = 40;

struct Cells {
  RowMatrixF control, observed, predicted;
  std::vector<std::string> genes;
};

Cells cells() {
  Cells c;
  auto base = evaltest::rates(kGenes, 5, 0.2, 4.0), obs = base, pred = base;
  for (long j = 0; j < kGenes; j += 4) {
    obs[j] *= j % 8 ? 3.0 : 0.3;
    pred[j] *= j % 8 ? 2.5 : 0.4;
  }
  c.control = evaltest::poissonLog1p(150, base, 11);
  c.observed = evaltest::poissonLog1p(90, obs, 12);
  c.predicted = evaltest::poissonLog1p(128, pred, 13);
  for (long j = 0; j < kGenes; ++j) c.genes.push_back("GENE" + std::to_string(j));
  return c;
}

std::vector<double> toStd(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }
}  // namespace

TEST(ComparisonData, MatchesCoreComputations) {
  const Cells c = cells();
  ComparisonOptions o;
  o.topK = 12;
  const ComparisonData d = computeComparison(c.control, c.observed, c.predicted, c.genes, o);
  ASSERT_TRUE(d.hasObserved());
  EXPECT_EQ(d.control.cells, 150);
  EXPECT_EQ(d.observed.cells, 90);
  EXPECT_EQ(d.predicted.cells, 128);
  const Eigen::VectorXd dObs = meanDelta(c.observed, c.control), dPred = meanDelta(c.predicted, c.control);
  for (long j = 0; j < kGenes; ++j) {
    EXPECT_TRUE(close(d.deltaObserved[j], dObs[j], 1e-12, 1e-12)) << j;
    EXPECT_TRUE(close(d.deltaPredicted[j], dPred[j], 1e-12, 1e-12)) << j;
  }
  const DeResult de = differentialExpression(c.observed, c.control);
  ASSERT_TRUE(d.observedDe);
  EXPECT_EQ(d.observedDe->score, de.score);
  const auto rank = rankByAbsScore(de);
  EXPECT_EQ(d.topDeGenes, std::vector<int>(rank.begin(), rank.begin() + 12));
  EXPECT_TRUE(d.rankedByObserved);
  EXPECT_TRUE(close(d.pearsonDeltaAll, stats::pearson(toStd(dPred), toStd(dObs)), 1e-9));
  std::vector<double> tp, to;
  for (long i = 0; i < kTopDeGenes; ++i) {
    tp.push_back(dPred[rank[i]]);
    to.push_back(dObs[rank[i]]);
  }
  EXPECT_TRUE(close(d.pearsonDeltaTopDe, stats::pearson(tp, to), 1e-9));
  EXPECT_TRUE(close(d.metrics.at("pearson_delta"), d.pearsonDeltaAll, 1e-12));
  EXPECT_EQ(d.geneIndex("GENE7"), 7);
  EXPECT_EQ(d.geneIndex("NOPE"), -1);
}

TEST(ComparisonData, MomentsMatchNumpy) {
  SCDFM_REQUIRE_PYTHON();
  const Cells c = cells();
  const std::string dir = test::scratchDir("comparison_moments");
  evaltest::writeMatrix(dir + "/o.txt", c.observed);
  const auto ref = evaltest::python(dir, "x = load('o.txt')\nout(x.mean(0), x.var(0, ddof=1))\n");
  ASSERT_EQ(ref.size(), static_cast<std::size_t>(2 * kGenes));
  const GroupStats s = groupStats(c.observed);
  for (long j = 0; j < kGenes; ++j) {
    EXPECT_TRUE(close(s.mean[j], ref[j], 1e-9, 1e-12)) << j;
    EXPECT_TRUE(close(s.variance[j], ref[kGenes + j], 1e-9, 1e-12)) << j;
  }
}

TEST(ComparisonData, WithoutObservedCellsRanksByPrediction) {
  const Cells c = cells();
  const RowMatrixF none;
  const ComparisonData d = computeComparison(c.control, none, c.predicted, c.genes);
  EXPECT_FALSE(d.hasObserved());
  EXPECT_FALSE(d.rankedByObserved);
  EXPECT_FALSE(d.observedDe.has_value());
  EXPECT_EQ(d.deltaObserved.size(), 0);
  EXPECT_TRUE(d.metrics.empty());
  EXPECT_TRUE(std::isnan(d.pearsonDeltaAll));
  EXPECT_TRUE(std::isnan(d.pearsonDeltaTopDe));
  const auto rank = rankByAbsScore(differentialExpression(c.predicted, c.control));
  EXPECT_EQ(d.topDeGenes, std::vector<int>(rank.begin(), rank.begin() + kTopDeGenes));
}

TEST(ComparisonData, InconsistentInputNamesTheProblem) {
  const Cells c = cells();
  auto genes = c.genes;
  genes.pop_back();
  try {
    computeComparison(c.control, c.observed, c.predicted, genes);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("39 gene names for 40 genes"), std::string::npos) << e.what();
  }
  const RowMatrixF narrow = c.observed.leftCols(10);
  EXPECT_THROW(computeComparison(c.control, narrow, c.predicted, c.genes), InputError);
  EXPECT_THROW(computeComparison(c.control, c.observed, RowMatrixF(), c.genes), InputError);
  EXPECT_THROW(computeComparison(RowMatrixF(), c.observed, c.predicted, c.genes), InputError);
}

TEST(ComparisonData, LargestAbsoluteOrdersByMagnitude) {
  Eigen::VectorXd v(5);
  v << 0.5, -2.0, std::nan(""), 2.0, -0.1;
  EXPECT_EQ(largestAbsolute(v, 3), (std::vector<int>{1, 3, 0}));
  EXPECT_EQ(largestAbsolute(v, 10), (std::vector<int>{1, 3, 0, 4, 2}));
}
