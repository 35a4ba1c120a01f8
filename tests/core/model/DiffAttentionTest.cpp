// The inference path of the differential attention ((A1 − λA2)·V a few cells
// at a time, without autograd) against the path that keeps the maps.
#include <gtest/gtest.h>

#include "core/model/DiffAttention.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {
double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }
}  // namespace

TEST(DiffAttention, InferencePathEqualsTheMapsPathForEveryChunkingAndControlMap) {
  torch::manual_seed(3);
  // 180 genes × 4 heads: 4 cells per chunk, so 7 cells give a chunk of 4 and one of 3.
  const std::int64_t B = 7, T = 180, D = 64, H = 4;
  for (bool cross : {true, false}) {
    SCOPED_TRACE(cross ? "cross (diff_self_attn)" : "self (diff_cross_attn)");
    MultiheadDiffAttn attn(D, H, /*depth=*/1, cross);
    auto y = torch::randn({B, T, D}), x = torch::randn({B, T, D});
    auto withMaps = attn->forward(y, x, {}).detach();  // autograd on: keeps the maps
    torch::NoGradGuard noGrad;
    EXPECT_LE(maxDiff(attn->forward(y, x, {}), withMaps), 1e-5);
    if (cross) continue;
    // A precomputed control map, per cell and shared by every cell.
    EXPECT_LE(maxDiff(attn->forward(y, {}, attn->controlMap(x)), withMaps), 1e-5);
    auto one = x.narrow(0, 0, 1).expand({B, T, D}).contiguous();
    torch::Tensor sharedRef;
    {
      torch::AutoGradMode grad(true);
      sharedRef = attn->forward(y, one, {}).detach();
    }
    EXPECT_LE(maxDiff(attn->forward(y, {}, attn->controlMap(x.narrow(0, 0, 1))), sharedRef), 1e-5);
  }
}

TEST(DiffAttention, InferencePathStopsAtACancel) {
  MultiheadDiffAttn attn(32, 4, 0, true);
  auto y = torch::randn({3, 50, 32});
  CancelToken cancel;
  cancel.cancel();
  torch::NoGradGuard noGrad;
  EXPECT_THROW(attn->forward(y, y, {}, nullptr, nullptr, &cancel), Cancelled);
}
