// Cancel of a UMAP fit at 100 seeded random progress reports (kNN index,
// kNN search, fuzzy graph, spectral layout, optimisation): it stops at the
// next cancellation point — Cancelled, and no progress reported after Cancel.
// bench_cancel measures the latency in milliseconds.
#include <gtest/gtest.h>

#include "CancelProbe.h"
#include "EmbedTestData.h"
#include "core/embed/Umap.h"

namespace scdfm {

TEST(UmapCancel, StopsAtTheNextCancellationPoint) {
  const RowMatrixF x = test::gaussianClusters(300, 4, 10, 8.0, 3);
  UmapOptions o;
  o.threads = 1;
  o.nEpochs = 60;
  o.knn.forceApproximate = true;  // the HNSW phases, as on large data
  test::cancelAtRandomReports([&](test::CancelProbe& probe) { UmapModel::fit(x, o, probe.progress(), probe.token); },
                              21);
}

}  // namespace scdfm
