#include <gtest/gtest.h>

#include "EvalTestSupport.h"
#include "core/eval/DifferentialExpression.h"
#include "core/util/Error.h"

using namespace scdfm;
using evaltest::close;

namespace {
// Control and a perturbed group over 40 genes: Poisson counts (ties, zeros), some genes
// shifted up or down, gene 0 all zero in both groups.
struct Groups {
  RowMatrixF control, target;
};
Groups tiedGroups() {
  auto r = evaltest::rates(40, 3);
  r[0] = 0.0;
  Groups g;
  g.control = evaltest::poissonLog1p(200, r, 101);
  for (int j = 1; j < 40; j += 4) r[j] *= 3.0;
  for (int j = 2; j < 40; j += 7) r[j] *= 0.2;
  g.target = evaltest::poissonLog1p(90, r, 202);
  return g;
}

// Python reference of every per-gene column: U1, p (mannwhitneyu default = cell-eval), scanpy
// z score, BH FDR, Welch t and p, pdex fold change on means.
const char* kDeReference = R"PY(
c = load('control.txt'); t = load('target.txt')
n1, n2 = len(t), len(c)
U, P, Z, TT, TP, FC = [], [], [], [], [], []
for j in range(c.shape[1]):
    r = ss.mannwhitneyu(t[:, j], c[:, j], alternative='two-sided')
    U.append(r.statistic); P.append(r.pvalue)
    ranks = ss.rankdata(np.concatenate([t[:, j], c[:, j]]))
    _, cnt = np.unique(ranks, return_counts=True)
    n = n1 + n2
    sd = np.sqrt(n1 * n2 / 12.0 * ((n + 1) - (cnt**3 - cnt).sum() / (n * (n - 1))))
    Z.append((ranks[:n1].sum() - n1 * (n1 + 1) / 2 - n1 * n2 / 2) / sd if sd > 0 else 0.0)
    w = ss.ttest_ind(t[:, j], c[:, j], equal_var=False)
    TT.append(w.statistic); TP.append(w.pvalue)
    mt, mr = t[:, j].mean(), c[:, j].mean()
    FC.append(20.0 if mr == 0 else (1 / 20.0 if mt == 0 else mt / mr))
P = np.array(P)
P[np.isnan(P)] = 1.0
m = len(P); o = np.argsort(P, kind='stable')
adj = np.minimum.accumulate((P[o] * m / np.arange(1, m + 1))[::-1])[::-1]
Q = np.empty(m); Q[o] = np.clip(adj, 0, 1)
out(U, P, Z, Q, TT, TP, FC)
)PY";
}  // namespace

TEST(DifferentialExpression, WilcoxonWithTiesMatchesScipyMannWhitney) {
  SCDFM_REQUIRE_PYTHON();
  const auto g = tiedGroups();
  const auto dir = test::scratchDir("DE_ties");
  evaltest::writeMatrix(dir + "/control.txt", g.control);
  evaltest::writeMatrix(dir + "/target.txt", g.target);
  const auto ref = evaltest::python(dir, kDeReference);
  const long G = 40;
  ASSERT_EQ(ref.size(), 7u * G);
  auto col = [&](int k, long j) { return ref[k * G + j]; };

  const auto de = differentialExpression(g.target, g.control);  // defaults = cell-eval convention
  ASSERT_EQ(de.genes(), G);
  int significant = 0;
  for (long j = 0; j < G; ++j) {
    EXPECT_TRUE(close(de.statistic[j], col(0, j), 0, 1e-9)) << "U, gene " << j;
    EXPECT_TRUE(close(de.pValue[j], col(1, j), 1e-9, 1e-300)) << "p, gene " << j;
    EXPECT_TRUE(close(de.score[j], col(2, j), 1e-10, 1e-12)) << "z, gene " << j;
    EXPECT_TRUE(close(de.fdr[j], col(3, j), 1e-9, 1e-300)) << "fdr, gene " << j;
    EXPECT_TRUE(close(de.foldChange[j], col(6, j), 1e-9)) << "fc, gene " << j;
    EXPECT_TRUE(close(de.log2FoldChange[j], std::log2(col(6, j)), 1e-9, 1e-12));
    significant += de.fdr[j] < 0.05;
  }
  EXPECT_GT(significant, 5);  // the data really hold DE genes
  EXPECT_EQ(de.pValue[0], 1.0);     // all-zero gene
  EXPECT_EQ(de.foldChange[0], 20.0);  // pdex clip when the reference mean is 0

  DeOptions welch;
  welch.test = DeTest::WelchT;
  const auto dt = differentialExpression(g.target, g.control, welch);
  for (long j = 1; j < G; ++j) {
    EXPECT_TRUE(close(dt.statistic[j], col(4, j), 1e-9, 1e-12)) << "t, gene " << j;
    EXPECT_TRUE(close(dt.pValue[j], col(5, j), 1e-8, 1e-300)) << "t p, gene " << j;
  }
  EXPECT_EQ(dt.pValue[0], 1.0);  // scipy: NaN (constant); we report "no evidence"
}

TEST(DifferentialExpression, WilcoxonWithoutTiesAndScanpyConvention) {
  SCDFM_REQUIRE_PYTHON();
  std::vector<double> mu(12, 1.0);
  for (int j = 0; j < 12; j += 3) mu[j] = 1.6;
  const auto control = evaltest::gaussian(150, std::vector<double>(12, 1.0), 7);
  const auto target = evaltest::gaussian(60, mu, 8);
  const auto dir = test::scratchDir("DE_noties");
  evaltest::writeMatrix(dir + "/control.txt", control);
  evaltest::writeMatrix(dir + "/target.txt", target);
  const auto ref = evaltest::python(dir, R"PY(
c = load('control.txt'); t = load('target.txt')
a, b = [], []
for j in range(c.shape[1]):
    a.append(ss.mannwhitneyu(t[:, j], c[:, j], alternative='two-sided', use_continuity=True).pvalue)
    # scanpy rank_genes_groups('wilcoxon'): z without continuity or tie correction
    n1, n2 = len(t), len(c)
    r = ss.rankdata(np.concatenate([t[:, j], c[:, j]]))[:n1].sum()
    z = (r - n1 * (n1 + 1) / 2 - n1 * n2 / 2) / np.sqrt(n1 * n2 * (n1 + n2 + 1) / 12.0)
    b.append(2 * ss.norm.sf(abs(z)))
out(a, b)
)PY");
  ASSERT_EQ(ref.size(), 24u);
  const auto de = differentialExpression(target, control);
  const auto sc = differentialExpression(target, control, DeOptions::scanpy());
  for (int j = 0; j < 12; ++j) {
    EXPECT_TRUE(close(de.pValue[j], ref[j], 1e-9, 1e-300)) << j;
    EXPECT_TRUE(close(sc.pValue[j], ref[12 + j], 1e-9, 1e-300)) << j;
  }
}

TEST(DifferentialExpression, SmallGroupsUseScipysExactTest) {
  SCDFM_REQUIRE_PYTHON();
  const auto control = evaltest::gaussian(7, std::vector<double>(5, 0.0), 21);
  const auto target = evaltest::gaussian(6, {0.0, 0.5, 1.0, 2.0, 4.0}, 22);
  const auto dir = test::scratchDir("DE_exact");
  evaltest::writeMatrix(dir + "/control.txt", control);
  evaltest::writeMatrix(dir + "/target.txt", target);
  const auto ref = evaltest::python(dir, R"PY(
c = load('control.txt'); t = load('target.txt')
out([ss.mannwhitneyu(t[:, j], c[:, j], alternative='two-sided').pvalue for j in range(c.shape[1])])
)PY");
  ASSERT_EQ(ref.size(), 5u);
  const auto de = differentialExpression(target, control);
  for (int j = 0; j < 5; ++j) EXPECT_TRUE(close(de.pValue[j], ref[j], 1e-11)) << j;
}

TEST(DifferentialExpression, RankingsAndErrors) {
  DeResult de;
  de.score = {1.0, -5.0, 3.0, 5.0, std::nan("")};
  de.log2FoldChange = {0.5, -2.0, 1.0, 2.0, 3.0};
  de.fdr = {0.01, 0.01, 0.2, 0.04, 0.001};
  de.pValue = de.fdr;
  EXPECT_EQ(rankByAbsScore(de), (std::vector<int>{1, 3, 2, 0, 4}));  // tie |−5| = |5|: lower index first
  EXPECT_EQ(significantByAbsLog2Fc(de), (std::vector<int>{4, 1, 3, 0}));

  RowMatrixF a = RowMatrixF::Ones(3, 4), b = RowMatrixF::Ones(3, 5), empty(0, 4);
  EXPECT_THROW(differentialExpression(a, b), InputError);
  EXPECT_THROW(differentialExpression(empty, a), InputError);
}
