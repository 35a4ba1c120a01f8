#include <gtest/gtest.h>

#include <random>

#include "EvalTestSupport.h"
#include "core/eval/Stats.h"

using namespace scdfm;
using evaltest::close;

namespace {
std::string list(const std::vector<double>& v) {
  std::string s = "[";
  char buf[40];
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.17g", i ? "," : "", v[i]);
    s += buf;
  }
  return s + "]";
}
std::string list(const std::vector<int>& v) {
  std::vector<double> d(v.begin(), v.end());
  return list(d);
}
}  // namespace

TEST(EvalStats, DistributionsMatchScipy) {
  SCDFM_REQUIRE_PYTHON();
  const std::vector<double> zs{-3.0, -0.5, 0.0, 0.7, 2.5, 6.0, 12.0, 30.0};
  const std::vector<double> ts{-4.0, -1.0, 0.0, 0.3, 2.0, 5.0, 15.0};
  const std::vector<double> dfs{1.0, 2.5, 7.0, 30.0, 250.0, 5000.0};
  const auto ref = evaltest::python(test::scratchDir("EvalStats_dist"),
                                    "zs = np.array(" + list(zs) + ")\nts = np.array(" + list(ts) + ")\n" +
                                        "dfs = np.array(" + list(dfs) + ")\n" +
                                        "import scipy.special as sp\n"
                                        "out(ss.norm.sf(zs), [ss.t.sf(t, d) for d in dfs for t in ts],\n"
                                        "    [sp.betainc(a, b, x) for a in (0.5, 3.0, 40.0) for b in (0.5, 2.0) "
                                        "for x in (0.01, 0.3, 0.9)])\n");
  ASSERT_EQ(ref.size(), zs.size() + ts.size() * dfs.size() + 18);
  std::size_t k = 0;
  for (double z : zs) EXPECT_TRUE(close(stats::normalSf(z), ref[k++], 1e-12, 1e-300)) << "z=" << z;
  for (double d : dfs)
    for (double t : ts) EXPECT_TRUE(close(stats::studentTSf(t, d), ref[k++], 1e-10, 1e-300)) << t << " df " << d;
  for (double a : {0.5, 3.0, 40.0})
    for (double b : {0.5, 2.0})
      for (double x : {0.01, 0.3, 0.9})
        EXPECT_TRUE(close(stats::regularizedIncompleteBeta(a, b, x), ref[k++], 1e-11, 1e-300)) << a << b << x;
}

TEST(EvalStats, BenjaminiHochbergMatchesNumpyFormula) {
  SCDFM_REQUIRE_PYTHON();
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> p(200);
  for (auto& v : p) v = std::pow(u(rng), 3.0);
  p[5] = p[6] = p[7];  // ties
  p[10] = 1.0;
  p[11] = 0.0;
  const auto q = stats::benjaminiHochberg(p);
  // The textbook step-up formula, written independently of scipy (1.11 added false_discovery_control).
  const auto ref = evaltest::python(test::scratchDir("EvalStats_bh"),
                                    "p = np.array(" + list(p) + ")\n"
                                    "m = len(p); o = np.argsort(p, kind='stable')\n"
                                    "adj = p[o] * m / np.arange(1, m + 1)\n"
                                    "adj = np.minimum.accumulate(adj[::-1])[::-1]\n"
                                    "q = np.empty(m); q[o] = np.clip(adj, 0, 1)\n"
                                    "out(q)\n");
  ASSERT_EQ(ref.size(), p.size());
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_TRUE(close(q[i], ref[i], 1e-13)) << i;
  // Edge: NaN p-values count as 1; empty input.
  EXPECT_DOUBLE_EQ(stats::benjaminiHochberg({std::nan(""), 0.01})[1], 0.02);
  EXPECT_TRUE(stats::benjaminiHochberg({}).empty());
}

TEST(EvalStats, CorrelationsAndAucsMatchScipySklearn) {
  SCDFM_REQUIRE_PYTHON();
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n(0, 1);
  std::vector<double> x(80), y(80), scores(80);
  std::vector<int> labels(80);
  for (int i = 0; i < 80; ++i) {
    x[i] = std::round(n(rng) * 3) / 3;  // ties
    y[i] = 0.5 * x[i] + n(rng);
    labels[i] = n(rng) + 0.8 * x[i] > 0.3;
    scores[i] = std::round((x[i] + n(rng)) * 2) / 2;  // tied scores
  }
  const auto ref = evaltest::python(
      test::scratchDir("EvalStats_corr"),
      "from sklearn.metrics import average_precision_score, roc_curve, auc\n"
      "x = np.array(" + list(x) + "); y = np.array(" + list(y) + ")\n"
      "l = np.array(" + list(labels) + "); s = np.array(" + list(scores) + ")\n"
      "f, t, _ = roc_curve(l, s)\n"
      "out(ss.pearsonr(x, y)[0], ss.spearmanr(x, y)[0], average_precision_score(l, s), auc(f, t), ss.rankdata(x))\n");
  ASSERT_EQ(ref.size(), 4u + x.size());
  EXPECT_TRUE(close(stats::pearson(x, y), ref[0], 1e-12));
  EXPECT_TRUE(close(stats::spearman(x, y), ref[1], 1e-12));
  EXPECT_TRUE(close(stats::averagePrecision(labels, scores), ref[2], 1e-12));
  EXPECT_TRUE(close(stats::rocAuc(labels, scores), ref[3], 1e-12));
  const auto ranks = stats::rankAverage(x);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_DOUBLE_EQ(ranks[i], ref[4 + i]);
  // Undefined cases are NaN, not a number that looks valid.
  EXPECT_TRUE(std::isnan(stats::pearson({1, 1, 1}, {1, 2, 3})));
  EXPECT_TRUE(std::isnan(stats::rocAuc({1, 1}, {0.1, 0.2})));
  EXPECT_TRUE(std::isnan(stats::averagePrecision({0, 0}, {0.1, 0.2})));
}

TEST(EvalStats, ExactMannWhitneyMatchesScipy) {
  SCDFM_REQUIRE_PYTHON();
  // (u, n1, n2): P(U >= u) for sizes up to 8 x 40.
  const std::vector<std::array<int, 3>> cases{{0, 3, 4}, {7, 3, 4}, {12, 3, 4}, {20, 5, 6}, {30, 5, 6},
                                              {55, 8, 8}, {60, 8, 8}, {290, 8, 40}, {200, 8, 40}, {3, 1, 9}};
  std::string py = "from scipy.stats._mannwhitneyu import _mwu_state\nr = []\n";
  for (const auto& c : cases)
    py += "r.append(_mwu_state.sf(np.array(" + std::to_string(c[0]) + "), " + std::to_string(c[1]) + ", " +
          std::to_string(c[2]) + "))\n";
  py += "out(r)\n";
  const auto ref = evaltest::python(test::scratchDir("EvalStats_exact"), py);
  ASSERT_EQ(ref.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i)
    EXPECT_TRUE(close(stats::mannWhitneyExactSf(cases[i][0], cases[i][1], cases[i][2]), ref[i], 1e-11, 1e-300))
        << cases[i][0] << " " << cases[i][1] << " " << cases[i][2];
}
