// Fuzzy simplicial set and a/b parameters against umap-learn's own functions.
#include <gtest/gtest.h>

#include <cmath>

#include "EmbedTestData.h"
#include "TestSupport.h"
#include "core/embed/FuzzyGraph.h"
#include "core/embed/Umap.h"

namespace scdfm {
namespace {

TEST(FuzzyGraph, MatchesUmapLearn) {
  RowMatrixF data = test::gaussianClusters(50, 4, 6, 3.0, 7);
  const std::int64_t n = data.rows();
  const int k = 15;
  KnnOptions ko;
  ko.forceExact = true;
  KnnGraph knn = KnnIndex(data, ko).queryIndexed(k);
  SmoothKnn s = smoothKnnDist(knn, float(k));
  FuzzyGraph g = fuzzyUnion(membershipStrengths(knn, s, n, false));
  // The transform variant: bipartite, local connectivity 0.
  RowMatrixF queries = test::gaussianClusters(5, 4, 6, 3.0, 8);
  KnnGraph qk = KnnIndex(data, ko).query(queries, k);
  SmoothKnn qs = smoothKnnDist(qk, float(k), 64, 0.0f);

  std::string dir = test::scratchDir("fuzzy_umap");
  RowMatrixF idx(n, k), dist(n, k), qidx(qk.rows(), k), qdist(qk.rows(), k);
  for (std::int64_t i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) idx(i, j) = float(knn.index(i, j)), dist(i, j) = knn.distance(i, j);
  for (std::int64_t i = 0; i < qk.rows(); ++i)
    for (int j = 0; j < k; ++j) qidx(i, j) = float(qk.index(i, j)), qdist(i, j) = qk.distance(i, j);
  test::writeF32(dir + "/idx.f32", idx);
  test::writeF32(dir + "/dist.f32", dist);
  test::writeF32(dir + "/qdist.f32", qdist);
  auto r = test::runPython(
      "import numpy as np, sys, warnings\nwarnings.filterwarnings('ignore')\n"
      "try:\n    from umap.umap_ import smooth_knn_dist, fuzzy_simplicial_set, find_ab_params\n"
      "except ImportError:\n    sys.exit(77)\n"
      "d='" + dir + "'; n=" + std::to_string(n) + "; k=" + std::to_string(k) + "\n"
      "idx = np.fromfile(d+'/idx.f32', dtype=np.float32).reshape(n, k).astype(np.int64)\n"
      "dist = np.fromfile(d+'/dist.f32', dtype=np.float32).reshape(n, k)\n"
      "sig, rho = smooth_knn_dist(dist, float(k))\n"
      "np.stack([sig, rho]).astype(np.float32).tofile(d+'/sr.f32')\n"
      "qd = np.fromfile(d+'/qdist.f32', dtype=np.float32).reshape(-1, k)\n"
      "qs, qr = smooth_knn_dist(qd, float(k), local_connectivity=0.0)\n"
      "np.stack([qs, qr]).astype(np.float32).tofile(d+'/qsr.f32')\n"
      "G, _, _ = fuzzy_simplicial_set(np.zeros((n, 1)), k, None, 'euclidean', knn_indices=idx, knn_dists=dist)\n"
      "G.toarray().astype(np.float32).tofile(d+'/graph.f32')\n"
      "ab = [find_ab_params(1.0, 0.1), find_ab_params(1.0, 0.5), find_ab_params(2.0, 0.3), find_ab_params(1.0, 0.0)]\n"
      "np.array(ab, dtype=np.float32).tofile(d+'/ab.f32')\n");
  if (r.exitCode == 77) GTEST_SKIP() << "umap-learn is not installed";
  ASSERT_EQ(r.exitCode, 0) << r.output;

  RowMatrixF sr = test::readF32(dir + "/sr.f32", 2, n);
  for (std::int64_t i = 0; i < n; ++i) {
    EXPECT_NEAR(s.sigmas[i], sr(0, i), 1e-4f * sr(0, i)) << "sigma " << i;
    EXPECT_NEAR(s.rhos[i], sr(1, i), 1e-6f * (1 + sr(1, i))) << "rho " << i;
  }
  RowMatrixF qsr = test::readF32(dir + "/qsr.f32", 2, qk.rows());
  for (std::int64_t i = 0; i < qk.rows(); ++i) {
    EXPECT_NEAR(qs.sigmas[i], qsr(0, i), 1e-4f * qsr(0, i)) << "transform sigma " << i;
    EXPECT_EQ(qs.rhos[i], 0.0f);
  }
  RowMatrixF ref = test::readF32(dir + "/graph.f32", n, n);
  RowMatrixF ours = RowMatrixF::Zero(n, n);
  for (std::size_t e = 0; e < g.edges(); ++e) ours(g.head[e], g.tail[e]) = g.weight[e];
  EXPECT_LT((ours - ref).cwiseAbs().maxCoeff(), 1e-4f);
  EXPECT_EQ((ours.array() > 0).count(), (ref.array() > 0).count());
  EXPECT_LT((ours - ours.transpose()).cwiseAbs().maxCoeff(), 1e-7f);

  RowMatrixF ab = test::readF32(dir + "/ab.f32", 4, 2);
  const float cases[4][2] = {{1.0f, 0.1f}, {1.0f, 0.5f}, {2.0f, 0.3f}, {1.0f, 0.0f}};
  for (int c = 0; c < 4; ++c) {
    auto [a, b] = findAbParams(cases[c][0], cases[c][1]);
    EXPECT_NEAR(a, ab(c, 0), 1e-3f * ab(c, 0)) << "spread " << cases[c][0] << " min_dist " << cases[c][1];
    EXPECT_NEAR(b, ab(c, 1), 1e-3f * ab(c, 1)) << "spread " << cases[c][0] << " min_dist " << cases[c][1];
  }
}

TEST(FuzzyGraph, EpochsPerSample) {
  auto eps = epochsPerSample({1.0f, 0.5f, 0.25f, 0.0f}, 200);
  EXPECT_FLOAT_EQ(eps[0], 1.0f);
  EXPECT_FLOAT_EQ(eps[1], 2.0f);
  EXPECT_FLOAT_EQ(eps[2], 4.0f);
  EXPECT_FLOAT_EQ(eps[3], -1.0f);
}

}  // namespace
}  // namespace scdfm
