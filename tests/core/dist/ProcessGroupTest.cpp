// ProcessGroup, GradientAllReduce and runSplitWork with ranks as threads of
// this process (Gloo over loopback, a FileStore in a scratch folder).
#include <gtest/gtest.h>
#include <ATen/ATen.h>

#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "TestSupport.h"
#include "core/dist/GradientAllReduce.h"
#include "core/dist/ProcessGroup.h"
#include "core/dist/Rendezvous.h"
#include "core/dist/SplitWork.h"
#include "core/util/DistributedError.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

GroupOptions rankOptions(const std::string& address, int world, int rank) {
  GroupOptions o;
  o.worldSize = world;
  o.rank = rank;
  o.rendezvous = address;
  o.timeout = std::chrono::seconds(30);
  o.heartbeat = std::chrono::milliseconds(100);
  return o;
}

// Runs body(group) on `world` ranks, one thread each; rethrows the first failure.
void onRanks(const std::string& address, int world, const std::function<void(ProcessGroup&)>& body) {
  std::vector<std::future<void>> ranks;
  for (int r = 0; r < world; ++r)
    ranks.push_back(std::async(std::launch::async, [&, r] {
      ProcessGroup g(rankOptions(address, world, r));
      body(g);
      g.finish();
    }));
  for (auto& f : ranks) f.get();
}

}  // namespace

TEST(ProcessGroup, OneRankNeedsNoRendezvous) {
  ProcessGroup g(GroupOptions{});
  EXPECT_FALSE(g.distributed());
  EXPECT_EQ(g.backendName(), "none");
  std::vector<int> seen;
  runSplitWork(&g, 3, {"one", true}, [](std::size_t i) { return std::to_string(i * 10); },
               [&](std::size_t i, const std::string& b) { seen.push_back(std::stoi(b)); });
  EXPECT_EQ(seen, (std::vector<int>{0, 10, 20}));
  // Nobody else could send or read a message: both refuse at once (no wait for --timeout).
  EXPECT_THROW(g.publish("k", "v"), InternalError);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(g.fetch("k", "waiting for k"), InternalError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ProcessGroup, RefusesBadRanksAndMissingRendezvous) {
  GroupOptions o;
  o.worldSize = 2;
  o.rank = 2;
  EXPECT_THROW(ProcessGroup{o}, InputError);
  o.rank = 0;
  EXPECT_THROW(ProcessGroup{o}, InputError);  // no --rendezvous
}

TEST(ProcessGroup, BucketedAllReduceSumsGradientsAndKeepsUnusedOnesUndefined) {
  const std::string address = "tcp://127.0.0.1:" + std::to_string(freeLocalPort());
  onRanks(address, 3, [](ProcessGroup& g) {
    EXPECT_EQ(g.backendName(), "gloo");
    const double r = g.rank();
    std::vector<at::Tensor> params{at::zeros({5}).requires_grad_(), at::zeros({2, 3}).requires_grad_(),
                                   at::zeros({4}).requires_grad_(), at::zeros({1}).requires_grad_()};
    // Small buckets: the 4 parameters spread over several.
    GradientAllReduce reduce(g, params, 6 * 4);
    EXPECT_GE(reduce.bucketCount(), 3u);
    params[0].mutable_grad() = at::full({5}, r + 1);
    params[1].mutable_grad() = at::arange(6, at::kFloat).reshape({2, 3}) * (r + 1);
    if (g.rank() == 1) params[2].mutable_grad() = at::ones({4});  // defined on one rank only
    // params[3]: no gradient anywhere
    std::vector<double> extras{r, 1.0};
    reduce.run(extras, "the test's all-reduce");
    EXPECT_EQ(extras, (std::vector<double>{3.0, 3.0}));
    EXPECT_TRUE(at::equal(params[0].grad(), at::full({5}, 6.0)));
    EXPECT_TRUE(at::equal(params[1].grad(), at::arange(6, at::kFloat).reshape({2, 3}) * 6));
    EXPECT_TRUE(at::equal(params[2].grad(), at::ones({4})));
    EXPECT_FALSE(params[3].grad().defined());
  });
}

TEST(ProcessGroup, SplitWorkGivesEveryRankEveryResultInOrder) {
  const std::string dir = test::scratchDir("dist_split");
  onRanks("file://" + dir + "/store", 2, [](ProcessGroup& g) {
    std::vector<std::string> got;
    std::vector<std::size_t> computedHere;
    runSplitWork(&g, 7, {"job", true},
                 [&](std::size_t i) {
                   computedHere.push_back(i);
                   return "item" + std::to_string(i);
                 },
                 [&](std::size_t i, const std::string& b) { got.push_back(b); });
    ASSERT_EQ(got.size(), 7u);
    for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(got[i], "item" + std::to_string(i));
    for (auto i : computedHere) EXPECT_EQ(static_cast<int>(i % 2), g.rank());
  });
}

TEST(ProcessGroup, CancelOnOneRankCancelsTheOthers) {
  const std::string dir = test::scratchDir("dist_cancel");
  onRanks("file://" + dir + "/store", 2, [](ProcessGroup& g) {
    CancelToken token;
    g.relayCancel(token);
    if (g.rank() == 1) token.cancel();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!token.cancelled() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(token.cancelled()) << "rank " << g.rank();
  });
}

TEST(ProcessGroup, AWaitForALostRankNamesIt) {
  const std::string dir = test::scratchDir("dist_lost");
  const std::string address = "file://" + dir + "/store";
  std::promise<void> joined;
  auto lost = std::async(std::launch::async, [&] {
    ProcessGroup g(rankOptions(address, 2, 1));
    joined.set_value();
  });  // rank 1 joins, then disappears (no heartbeat, no result)
  ProcessGroup g(rankOptions(address, 2, 0));
  joined.get_future().get();
  lost.get();
  try {
    g.fetch("never", "waiting for rank 1's result");
    FAIL() << "no error";
  } catch (const DistributedError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank 0: lost rank 1 during waiting for rank 1's result"), std::string::npos) << what;
  }
}

// A rank that finished (finish()) stops beating but is not lost: rank 0 waits,
// past the heartbeat patience, for a slower rank's item.
TEST(ProcessGroup, AFinishedRankIsNotReportedLost) {
  const std::string dir = test::scratchDir("dist_finished");
  onRanks("file://" + dir + "/store", 3, [](ProcessGroup& g) {
    if (g.rank() == 1) return;  // done at once (onRanks calls finish())
    if (g.rank() == 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // 15 heartbeats: past the 5-beat patience
      g.publish("slow item", "2");
      return;
    }
    EXPECT_EQ(g.fetch("slow item", "waiting for rank 2's item"), "2");
  });
}

// A rank that stopped with an error (failure()) will not send what another rank
// waits for: the wait ends at once with its rank, not at --timeout.
TEST(ProcessGroup, AWaitForARankThatFailedNamesIt) {
  const std::string dir = test::scratchDir("dist_failed");
  const std::string address = "file://" + dir + "/store";
  std::promise<void> failed;
  auto other = std::async(std::launch::async, [&] {
    ProcessGroup g(rankOptions(address, 2, 1));
    (void)g.failure("reading its cells", "a test error", "");
    failed.set_value();
    std::this_thread::sleep_for(std::chrono::seconds(3));  // still beating: failed, not lost
  });
  ProcessGroup g(rankOptions(address, 2, 0));
  failed.get_future().get();
  const auto start = std::chrono::steady_clock::now();
  try {
    g.fetch("never", "waiting for rank 1's result");
    FAIL() << "no error";
  } catch (const DistributedError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank 0: rank 1 stopped with an error during waiting for rank 1's result"), std::string::npos)
        << what;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));  // far below --timeout (30 s)
  other.get();
}

// Armed for the last backward pass of a step, the buckets whose gradients are
// complete start during that pass; the sums equal those of a plain all-reduce,
// including the gradient of an earlier micro-batch and one defined on a single rank.
TEST(ProcessGroup, AllReduceOverlapsTheBackwardPass) {
  const std::string address = "tcp://127.0.0.1:" + std::to_string(freeLocalPort());
  onRanks(address, 2, [](ProcessGroup& g) {
    const double x = g.rank() + 1;
    auto unused = at::zeros({1}).requires_grad_(), a = at::zeros({5}).requires_grad_(),
         b = at::zeros({6}).requires_grad_(), c = at::zeros({4}).requires_grad_();
    // Reverse order, 24-byte buckets: {c}, {b}, {a, unused}.
    GradientAllReduce reduce(g, {unused, a, b, c}, 6 * 4);
    ASSERT_EQ(reduce.bucketCount(), 3u);
    if (g.rank() == 1) (c * 3.0).sum().backward();  // an earlier micro-batch, on rank 1 only
    auto loss = (a * x).sum() + (b * (2 * x)).sum() + (c * x).sum();
    reduce.armForBackward(loss);
    loss.backward();
    std::vector<double> extras{x};
    reduce.run(extras, "the test's all-reduce");
    // Every bucket started in the pass: `unused` is not in the loss's graph, so {a, unused} did not wait for it.
    EXPECT_EQ(reduce.bucketsStartedInBackward(), 3u);
    EXPECT_DOUBLE_EQ(extras[0], 3.0);
    EXPECT_TRUE(at::allclose(a.grad(), at::full({5}, 3.0)));   // 1 + 2
    EXPECT_TRUE(at::allclose(b.grad(), at::full({6}, 6.0)));   // 2 + 4
    EXPECT_TRUE(at::allclose(c.grad(), at::full({4}, 6.0)));   // (1 + 3) + 2
    EXPECT_FALSE(unused.grad().defined());
  });
}
