// Violin and histogram data: the values are the group's cells, the KDE equals
// scipy.stats.gaussian_kde (Scott's rule), the histogram numpy.histogram.
#include <gtest/gtest.h>

#include "EvalTestSupport.h"
#include "core/eval/GeneDistribution.h"
#include "core/util/Error.h"

using namespace scdfm;
using evaltest::close;

TEST(GeneDistribution, ValuesAreTheGroupsCells) {
  const RowMatrixF control = evaltest::poissonLog1p(50, {1.0, 2.0, 0.5}, 1);
  const RowMatrixF predicted = evaltest::poissonLog1p(30, {1.0, 4.0, 0.5}, 2);
  const RowMatrixF none;
  const auto d = geneDistribution({{"control", &control}, {"observed", &none}, {"predicted", &predicted}}, 1, "B");
  ASSERT_EQ(d.groups.size(), 3u);
  EXPECT_EQ(d.gene, "B");
  ASSERT_EQ(d.groups[0].values.size(), 50u);
  for (long i = 0; i < 50; ++i) EXPECT_EQ(d.groups[0].values[i], control(i, 1));
  EXPECT_TRUE(d.groups[1].values.empty());
  EXPECT_TRUE(std::isnan(d.groups[1].mean));
  ASSERT_EQ(d.groups[2].values.size(), 30u);
  for (long i = 0; i < 30; ++i) EXPECT_EQ(d.groups[2].values[i], predicted(i, 1));
  EXPECT_EQ(d.lo, std::min(control.col(1).minCoeff(), predicted.col(1).minCoeff()));
  EXPECT_EQ(d.hi, std::max(control.col(1).maxCoeff(), predicted.col(1).maxCoeff()));
  EXPECT_TRUE(close(d.groups[2].mean, predicted.col(1).cast<double>().mean(), 1e-12));
  // Every group shares the histogram edges, so bars line up.
  EXPECT_EQ(d.groups[0].histogram.edges, d.groups[2].histogram.edges);
  EXPECT_THROW(geneDistribution({{"control", &control}}, 3, "X"), InputError);
}

TEST(GeneDistribution, KdeAndHistogramMatchScipyAndNumpy) {
  SCDFM_REQUIRE_PYTHON();
  const RowMatrixF m = evaltest::poissonLog1p(200, {2.5}, 9);
  std::vector<double> v(m.data(), m.data() + m.size());
  const double lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
  const auto kde = gaussianKde(v, lo, hi, 50);
  const auto hist = histogram(v, lo, hi, 12);
  const std::string dir = test::scratchDir("gene_distribution");
  evaltest::writeMatrix(dir + "/v.txt", m);
  const auto ref = evaltest::python(dir,
                                    "v = load('v.txt').ravel()\n"
                                    "k = ss.gaussian_kde(v)\n"
                                    "x = np.linspace(v.min(), v.max(), 50)\n"
                                    "c, e = np.histogram(v, bins=12, range=(v.min(), v.max()))\n"
                                    "out(k(x), np.sqrt(k.covariance[0, 0]), c, e)\n");
  ASSERT_EQ(ref.size(), 50u + 1 + 12 + 13);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(close(kde.density[i], ref[i], 1e-9, 1e-12)) << i;
  EXPECT_TRUE(close(kde.bandwidth, ref[50], 1e-9));
  for (int b = 0; b < 12; ++b) EXPECT_EQ(hist.counts[b], ref[51 + b]) << b;
  for (int b = 0; b <= 12; ++b) EXPECT_TRUE(close(hist.edges[b], ref[63 + b], 1e-12, 1e-12)) << b;
}

TEST(GeneDistribution, ConstantGroupHasNoDensityButAHistogram) {
  const std::vector<double> zeros(20, 0.0);
  EXPECT_EQ(scottBandwidth(zeros), 0.0);
  const auto kde = gaussianKde(zeros, 0, 0);
  EXPECT_TRUE(kde.x.empty());
  const auto h = histogram(zeros, 0, 0, 4);  // numpy widens an empty range to ±0.5
  EXPECT_EQ(h.edges.front(), -0.5);
  EXPECT_EQ(h.edges.back(), 0.5);
  EXPECT_EQ(h.counts[2], 20);  // 0 falls in [0, 0.25)
}
