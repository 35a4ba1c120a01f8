// UMAP fit and transform: cluster preservation (sklearn's trustworthiness on
// our output), placement of new cells, determinism, spectral initialisation
// against scipy's eigsh.
#include <gtest/gtest.h>

#include <random>

#include "EmbedTestData.h"
#include "TestSupport.h"
#include "core/embed/FuzzyGraph.h"
#include "core/embed/SpectralInit.h"
#include "core/embed/Umap.h"

namespace scdfm {
namespace {

struct Split {
  RowMatrixF fit, fresh;
  std::vector<int> fitLabels, freshLabels;
};
// 4 well-separated clusters in 10-D: 200 cells each to fit, 25 each held out.
Split clusters(std::uint64_t seed) {
  std::vector<int> labels;
  RowMatrixF all = test::gaussianClusters(225, 4, 10, 12.0, seed, &labels);
  Split s;
  s.fit.resize(800, 10);
  s.fresh.resize(100, 10);
  int f = 0, h = 0;
  for (std::int64_t i = 0; i < all.rows(); ++i) {
    if (i % 225 < 200) {
      s.fit.row(f++) = all.row(i);
      s.fitLabels.push_back(labels[i]);
    } else {
      s.fresh.row(h++) = all.row(i);
      s.freshLabels.push_back(labels[i]);
    }
  }
  return s;
}

// Fraction of points whose nearest other point in `emb` (among `ref`) has the same label.
double nearestLabelAgreement(const RowMatrixF& pts, const std::vector<int>& ptsLabels, const RowMatrixF& ref,
                             const std::vector<int>& refLabels, bool skipSelf) {
  int agree = 0;
  for (std::int64_t i = 0; i < pts.rows(); ++i) {
    double best = 1e300;
    int label = -1;
    for (std::int64_t j = 0; j < ref.rows(); ++j) {
      if (skipSelf && i == j) continue;
      double d = (pts.row(i) - ref.row(j)).squaredNorm();
      if (d < best) best = d, label = refLabels[j];
    }
    agree += label == ptsLabels[i];
  }
  return double(agree) / double(pts.rows());
}

double trustworthiness(const RowMatrixF& high, const RowMatrixF& low, const std::string& dir) {
  test::writeF32(dir + "/x.f32", high);
  test::writeF32(dir + "/e.f32", low);
  auto r = test::runPython("import numpy as np\nfrom sklearn.manifold import trustworthiness\nd='" + dir + "'\n"
                           "x = np.fromfile(d+'/x.f32', dtype=np.float32).reshape(-1, " + std::to_string(high.cols()) + ")\n"
                           "e = np.fromfile(d+'/e.f32', dtype=np.float32).reshape(-1, " + std::to_string(low.cols()) + ")\n"
                           "print('T=%.6f' % trustworthiness(x, e, n_neighbors=15))\n");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  auto p = r.output.find("T=");
  return p == std::string::npos ? 0.0 : std::stod(r.output.substr(p + 2));
}

TEST(Umap, SeparatesClustersAndTransformsNewCells) {
  Split s = clusters(21);
  UmapOptions o;
  o.threads = 1;
  o.seed = 42;
  UmapModel m = UmapModel::fit(s.fit, o);
  const RowMatrixF& emb = m.embedding();
  ASSERT_EQ(emb.rows(), 800);
  ASSERT_EQ(emb.cols(), 2);
  ASSERT_TRUE(emb.allFinite());
  EXPECT_EQ(m.epochsUsed(), 500);
  EXPECT_GE(nearestLabelAgreement(emb, s.fitLabels, emb, s.fitLabels, true), 0.99);
  double t = trustworthiness(s.fit, emb, test::scratchDir("umap_trust"));
  EXPECT_GE(t, 0.9);

  // New cells land in (near) their own cluster of the fixed picture.
  RowMatrixF placed = m.transform(s.fresh);
  ASSERT_EQ(placed.rows(), 100);
  ASSERT_TRUE(placed.allFinite());
  EXPECT_GE(nearestLabelAgreement(placed, s.freshLabels, emb, s.fitLabels, false), 0.98);
  // ... and the fitted picture did not move.
  EXPECT_EQ(m.embedding(), emb);
  // A model rebuilt from the stored embedding transforms the same way.
  UmapModel stored = UmapModel::fromEmbedding(s.fit, emb, o);
  EXPECT_EQ(stored.transform(s.fresh), placed);
}

TEST(Umap, DeterministicWithSeedInSingleThreadMode) {
  Split s = clusters(5);
  UmapOptions o;
  o.threads = 1;
  o.seed = 7;
  o.nEpochs = 100;
  RowMatrixF a = UmapModel::fit(s.fit, o).embedding();
  RowMatrixF b = UmapModel::fit(s.fit, o).embedding();
  EXPECT_EQ(a, b);
  o.seed = 8;
  RowMatrixF c = UmapModel::fit(s.fit, o).embedding();
  EXPECT_GT((a - c).cwiseAbs().maxCoeff(), 1e-3f);
}

TEST(Umap, MultiThreadedFitSeparatesClusters) {
  Split s = clusters(9);
  UmapOptions o;
  o.threads = 4;
  UmapModel m = UmapModel::fit(s.fit, o);
  ASSERT_TRUE(m.embedding().allFinite());
  EXPECT_GE(nearestLabelAgreement(m.embedding(), s.fitLabels, m.embedding(), s.fitLabels, true), 0.99);
}

// Points on a noisy 3 x 1 rectangle (embedded in 5-D): a connected graph with
// well separated Laplacian eigenvalues.
RowMatrixF rectangle(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uni;
  std::normal_distribution<float> normal(0.0f, 0.02f);
  RowMatrixF x(n, 5);
  for (int i = 0; i < n; ++i) {
    float u = 3.0f * uni(rng), v = uni(rng);
    x.row(i) << u, v, 0.5f * u - v, normal(rng), normal(rng);
  }
  return x;
}

TEST(Umap, SpectralLayoutMatchesScipyEigsh) {
  RowMatrixF x = rectangle(500, 3);
  const int k = 15;
  KnnOptions ko;
  ko.forceExact = true;
  KnnGraph knn = KnnIndex(x, ko).queryIndexed(k);
  FuzzyGraph g = fuzzyUnion(membershipStrengths(knn, smoothKnnDist(knn, float(k)), x.rows(), false));
  ASSERT_EQ(connectedComponents(g), 1);
  auto layout = spectralLayout(g, 2, 1);
  ASSERT_TRUE(layout.has_value());
  RowMatrixF dense = RowMatrixF::Zero(x.rows(), x.rows());
  for (std::size_t e = 0; e < g.edges(); ++e) dense(g.head[e], g.tail[e]) = g.weight[e];
  std::string dir = test::scratchDir("umap_spectral");
  test::writeF32(dir + "/g.f32", dense);
  auto r = test::runPython("import numpy as np, scipy.sparse as sp, scipy.sparse.linalg as sl\nd='" + dir + "'\n"
                           "W = np.fromfile(d+'/g.f32', dtype=np.float32).reshape(500, 500).astype(np.float64)\n"
                           "deg = W.sum(0); Dm = np.diag(1/np.sqrt(deg))\n"
                           "L = sp.csr_matrix(np.eye(500) - Dm @ W @ Dm)\n"
                           "w, v = sl.eigsh(L, 3, which='SM', tol=1e-8, v0=np.ones(500))\n"
                           "o = np.argsort(w)[1:3]\n"
                           "v[:, o].astype(np.float32).tofile(d+'/v.f32')\n");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  RowMatrixF ref = test::readF32(dir + "/v.f32", 500, 2);
  Eigen::MatrixXd a = *layout, b = ref.cast<double>();
  // Each eigenvector equal up to sign (distinct eigenvalues).
  for (int c = 0; c < 2; ++c) {
    double cosine = std::abs(a.col(c).normalized().dot(b.col(c).normalized()));
    EXPECT_GT(cosine, 0.999) << "eigenvector " << c + 1;
  }
}

TEST(Umap, DisconnectedGraphFallsBackToRandomInit) {
  Split s = clusters(13);  // clusters 12 sd apart: no kNN edges between them
  UmapOptions o;
  o.threads = 1;
  o.nEpochs = 20;
  UmapModel m = UmapModel::fit(s.fit, o);
  EXPECT_FALSE(m.usedSpectralInit());
  RowMatrixF x = rectangle(300, 4);
  EXPECT_TRUE(UmapModel::fit(x, o).usedSpectralInit());
}

TEST(Umap, CancelAndBadOptions) {
  Split s = clusters(1);
  CancelToken cancel;
  cancel.cancel();
  EXPECT_THROW(UmapModel::fit(s.fit, UmapOptions{}, Progress::none(), cancel), Cancelled);
  UmapOptions bad;
  bad.minDist = 2.0f;
  EXPECT_THROW(UmapModel::fit(s.fit, bad), InputError);
  UmapOptions o;
  o.nEpochs = 10;
  UmapModel m = UmapModel::fit(s.fit, o);
  EXPECT_THROW(m.transform(RowMatrixF::Zero(3, 4)), InputError);
}

}  // namespace
}  // namespace scdfm
