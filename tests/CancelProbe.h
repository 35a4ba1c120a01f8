#pragma once
// Cancels a job from inside its n-th progress report and records what the job
// does afterwards. Tests assert behaviour, not wall-clock time: after Cancel
// the job must stop at its next cancellation point, so it reports no further
// progress and delivers no further result. bench_cancel measures the latency
// in milliseconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include "core/util/CancelToken.h"
#include "core/util/Error.h"
#include "core/util/Progress.h"

namespace scdfm::test {

class CancelProbe {
 public:
  // cancelAt: 1-based index of the report that cancels (0 = never: counts reports).
  explicit CancelProbe(std::int64_t cancelAt = 0) : cancelAt_(cancelAt) {}
  Progress progress() {
    return Progress([this](const ProgressInfo&) {
      if (token.cancelled()) ++afterCancel;
      if (++reports == cancelAt_) token.cancel();
    });
  }
  // For result callbacks (onResult, onPair, onStep): counts deliveries after Cancel.
  void delivered() {
    if (token.cancelled()) ++deliveredAfterCancel;
  }

  CancelToken token;
  std::atomic<std::int64_t> reports{0}, afterCancel{0}, deliveredAfterCancel{0};

 private:
  std::int64_t cancelAt_;
};

// Cancels per job: 100, or SCDFM_TEST_CANCEL_RUNS (fewer under valgrind).
inline int cancelRuns() {
  const char* env = std::getenv("SCDFM_TEST_CANCEL_RUNS");
  return env ? std::max(1, std::atoi(env)) : 100;
}

// Runs job(probe) once to count its reports, then cancelRuns() times cancelled
// at a seeded random report. Each cancelled run must throw Cancelled and report
// and deliver nothing after Cancel; only a cancel at the very last report (the
// work is done) may let the job finish.
template <class Job>
void cancelAtRandomReports(Job job, std::uint64_t seed) {
  CancelProbe counter;
  job(counter);
  const std::int64_t total = counter.reports.load();
  ASSERT_GE(total, 3) << "too few progress reports to test";
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> pick(1, total);
  for (int run = 0; run < cancelRuns(); ++run) {
    const std::int64_t at = pick(rng);
    SCOPED_TRACE("cancelled at report " + std::to_string(at) + " of " + std::to_string(total));
    CancelProbe probe(at);
    bool cancelled = false;
    try {
      job(probe);
    } catch (const Cancelled&) {
      cancelled = true;
    }
    EXPECT_TRUE(cancelled || at == total);
    EXPECT_EQ(probe.afterCancel.load(), 0) << "progress reported after Cancel";
    EXPECT_EQ(probe.deliveredAfterCancel.load(), 0) << "a result delivered after Cancel";
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace scdfm::test
