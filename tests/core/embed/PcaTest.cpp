// PCA against numpy's exact SVD of the centred (scaled) dense matrix.
#include <gtest/gtest.h>

#include <random>

#include "EmbedTestData.h"
#include "TestSupport.h"
#include "core/embed/Pca.h"

namespace scdfm {
namespace {

// Sparse non-negative "expression": a rank-4 signal with decaying strength
// plus noise, about 40% zeros.
SparseRowMatrixF lowRankSparse(int n, int g, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uni;
  Eigen::MatrixXd u(n, 4), v(4, g);
  for (int i = 0; i < u.size(); ++i) u.data()[i] = normal(rng);
  for (int i = 0; i < v.size(); ++i) v.data()[i] = normal(rng);
  Eigen::Vector4d strength(4.0, 2.5, 1.5, 1.0);
  Eigen::MatrixXd x = u * strength.asDiagonal() * v;
  std::vector<Eigen::Triplet<float, std::int64_t>> t;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < g; ++j) {
      double val = x(i, j) + 0.3 * normal(rng);
      if (val > 0 && uni(rng) < 0.9) t.emplace_back(i, j, float(val));
    }
  SparseRowMatrixF s(n, g);
  s.setFromTriplets(t.begin(), t.end());
  return s;
}

// numpy reference: loadings (g x k) with the largest |loading| positive, scores, variances.
struct Reference {
  RowMatrixF loadings, scores, variance, ratio;
};
Reference numpyPca(const RowMatrixF& dense, int k, bool scale, const std::string& dir) {
  test::writeF32(dir + "/x.f32", dense);
  std::string code = "import numpy as np\n"
                     "n, g, k = " + std::to_string(dense.rows()) + ", " + std::to_string(dense.cols()) + ", " + std::to_string(k) + "\n"
                     "d = '" + dir + "'\n"
                     "x = np.fromfile(d + '/x.f32', dtype=np.float32).reshape(n, g).astype(np.float64)\n"
                     "c = x - x.mean(0)\n"
                     "var = c.var(0, ddof=1)\n"
                     + std::string(scale ? "sd = np.sqrt(var); sd[sd == 0] = 1; c = c / sd; var = c.var(0, ddof=1)\n" : "") +
                     "u, s, vt = np.linalg.svd(c, full_matrices=False)\n"
                     "v = vt[:k].T; u = u[:, :k]; s = s[:k]\n"
                     "sign = np.sign(v[np.abs(v).argmax(0), range(k)])\n"
                     "v = v * sign; u = u * sign\n"
                     "v.astype(np.float32).tofile(d + '/v.f32')\n"
                     "(u * s).astype(np.float32).tofile(d + '/scores.f32')\n"
                     "ev = s**2 / (n - 1)\n"
                     "ev.astype(np.float32).tofile(d + '/ev.f32')\n"
                     "(ev / var.sum()).astype(np.float32).tofile(d + '/ratio.f32')\n";
  auto r = test::runPython(code);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  Reference ref;
  ref.loadings = test::readF32(dir + "/v.f32", dense.cols(), k);
  ref.scores = test::readF32(dir + "/scores.f32", dense.rows(), k);
  ref.variance = test::readF32(dir + "/ev.f32", 1, k);
  ref.ratio = test::readF32(dir + "/ratio.f32", 1, k);
  return ref;
}

void expectMatches(const PcaResult& r, const Reference& ref, int k) {
  ASSERT_EQ(ref.loadings.rows(), r.model.loadings.rows());
  for (int c = 0; c < k; ++c) {
    // Same direction and sign (not only the same subspace).
    EXPECT_NEAR((r.model.loadings.col(c) - ref.loadings.col(c)).cwiseAbs().maxCoeff(), 0.0, 2e-3) << "component " << c;
    EXPECT_NEAR(r.model.explainedVariance[c], ref.variance(0, c), 1e-3 * ref.variance(0, c)) << "component " << c;
    EXPECT_NEAR(r.model.explainedVarianceRatio[c], ref.ratio(0, c), 1e-3 * ref.ratio(0, c) + 1e-6) << "component " << c;
    double scale = ref.scores.col(c).cwiseAbs().maxCoeff();
    EXPECT_LT((r.scores.col(c) - ref.scores.col(c)).cwiseAbs().maxCoeff(), 2e-3 * scale) << "component " << c;
  }
}

TEST(Pca, SparseMatchesNumpySvd) {
  const int k = 6;
  SparseRowMatrixF x = lowRankSparse(300, 80, 1);
  PcaOptions o;
  o.nComponents = k;
  o.seed = 3;
  PcaResult r = fitPca(x, o);
  ASSERT_EQ(r.scores.rows(), 300);
  ASSERT_EQ(r.scores.cols(), k);
  Reference ref = numpyPca(RowMatrixF(x.toDense()), k, false, test::scratchDir("pca_sparse"));
  expectMatches(r, ref, k);
  // Projecting the fitted cells again gives the fitted scores.
  RowMatrixF again = r.model.project(x);
  EXPECT_LT((again - r.scores).cwiseAbs().maxCoeff(), 1e-3 * r.scores.cwiseAbs().maxCoeff());
}

TEST(Pca, ScaledDenseMatchesNumpySvd) {
  const int k = 5;
  RowMatrixF x = RowMatrixF(lowRankSparse(200, 50, 2).toDense());
  x.col(7).setConstant(2.0f);  // a constant gene must not produce NaN
  PcaOptions o;
  o.nComponents = k;
  o.scale = true;
  PcaResult r = fitPca(x, o);
  ASSERT_TRUE(r.scores.allFinite());
  Reference ref = numpyPca(x, k, true, test::scratchDir("pca_scaled"));
  expectMatches(r, ref, k);
  RowMatrixF again = r.model.project(x);
  EXPECT_LT((again - r.scores).cwiseAbs().maxCoeff(), 1e-3 * r.scores.cwiseAbs().maxCoeff());
}

TEST(Pca, DenseAndSparseAgreeAndSeedIsDeterministic) {
  SparseRowMatrixF x = lowRankSparse(150, 40, 5);
  PcaOptions o;
  o.nComponents = 4;
  o.seed = 11;
  PcaResult a = fitPca(x, o), b = fitPca(x, o), c = fitPca(RowMatrixF(x.toDense()), o);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_LT((a.scores - c.scores).cwiseAbs().maxCoeff(), 1e-3 * a.scores.cwiseAbs().maxCoeff());
  // Another seed: same components (sign convention fixed), up to round-off.
  o.seed = 12;
  PcaResult d = fitPca(x, o);
  EXPECT_LT((a.model.loadings - d.model.loadings).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(Pca, RejectsWrongGeneCount) {
  SparseRowMatrixF x = lowRankSparse(50, 20, 6);
  PcaResult r = fitPca(x, PcaOptions{3});
  RowMatrixF other = RowMatrixF::Zero(4, 21);
  EXPECT_THROW(r.model.project(other), InputError);
}

TEST(Pca, Cancel) {
  SparseRowMatrixF x = lowRankSparse(50, 20, 6);
  CancelToken cancel;
  cancel.cancel();
  EXPECT_THROW(fitPca(x, PcaOptions{3}, Progress::none(), cancel), Cancelled);
}

}  // namespace
}  // namespace scdfm
