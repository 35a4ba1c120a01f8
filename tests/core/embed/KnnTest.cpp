// kNN: exact search against numpy, HNSW recall against exact search.
#include <gtest/gtest.h>

#include "EmbedTestData.h"
#include "TestSupport.h"
#include "core/embed/Knn.h"

namespace scdfm {
namespace {

TEST(Knn, ExactMatchesNumpy) {
  RowMatrixF data = test::gaussianClusters(60, 5, 8, 4.0, 1);
  RowMatrixF queries = test::gaussianClusters(10, 5, 8, 4.0, 2);
  const int k = 7;
  KnnGraph g = exactKnn(data, queries, k, 2);
  ASSERT_EQ(g.rows(), queries.rows());
  std::string dir = test::scratchDir("knn_exact");
  test::writeF32(dir + "/d.f32", data);
  test::writeF32(dir + "/q.f32", queries);
  auto r = test::runPython("import numpy as np\nd='" + dir + "'\n"
                           "x = np.fromfile(d+'/d.f32', dtype=np.float32).reshape(-1, 8).astype(np.float64)\n"
                           "q = np.fromfile(d+'/q.f32', dtype=np.float32).reshape(-1, 8).astype(np.float64)\n"
                           "D = np.sqrt(((q[:, None, :] - x[None, :, :])**2).sum(-1))\n"
                           "i = np.argsort(D, 1)[:, :7]\n"
                           "np.take_along_axis(D, i, 1).astype(np.float32).tofile(d+'/dist.f32')\n"
                           "i.astype(np.float32).tofile(d+'/idx.f32')\n");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  RowMatrixF idx = test::readF32(dir + "/idx.f32", queries.rows(), k);
  RowMatrixF dist = test::readF32(dir + "/dist.f32", queries.rows(), k);
  for (std::int64_t i = 0; i < g.rows(); ++i)
    for (int j = 0; j < k; ++j) {
      EXPECT_EQ(g.index(i, j), int(idx(i, j))) << i << "," << j;
      EXPECT_NEAR(g.distance(i, j), dist(i, j), 1e-4f * (1 + dist(i, j)));
    }
}

TEST(Knn, HnswRecallAgainstExact) {
  RowMatrixF data = test::gaussianClusters(500, 10, 20, 6.0, 3);
  KnnOptions o;
  o.forceApproximate = true;
  o.threads = 2;
  KnnIndex index(data, o);
  EXPECT_TRUE(index.approximate());
  const int k = 15;
  KnnGraph approx = index.queryIndexed(k);
  KnnOptions e;
  e.forceExact = true;
  KnnIndex exactIndex(data, e);
  EXPECT_FALSE(exactIndex.approximate());
  KnnGraph exact = exactIndex.queryIndexed(k);
  double recall = knnRecall(approx, exact);
  EXPECT_GE(recall, 0.97);
  EXPECT_LE(recall, 1.0);
  // Each row is its own first neighbour at distance 0.
  for (std::int64_t i = 0; i < approx.rows(); ++i) {
    ASSERT_EQ(approx.index(i, 0), i);
    ASSERT_EQ(approx.distance(i, 0), 0.0f);
    ASSERT_LE(approx.distance(i, 1), approx.distance(i, 2));
  }
}

TEST(Knn, SmallDataUsesExactPathAndRejectsBadInput) {
  RowMatrixF data = test::gaussianClusters(20, 2, 3, 3.0, 4);
  KnnIndex index(data);
  EXPECT_FALSE(index.approximate());
  EXPECT_THROW(index.query(RowMatrixF::Zero(2, 4), 3), InputError);
  RowMatrixF bad = data;
  bad(3, 1) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(KnnIndex{bad}, InputError);
}

}  // namespace
}  // namespace scdfm
