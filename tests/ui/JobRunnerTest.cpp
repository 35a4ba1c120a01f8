// JobRunner: progress reaches the UI thread, cancel stops within one step,
// errors arrive as signals, a new request supersedes the running one, and the
// event loop keeps running while a job computes.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimer>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "core/embed/Umap.h"
#include "core/util/Error.h"
#include "ui/JobRunner.h"

using scdfm::CancelToken;
using scdfm::Progress;
using scdfm::ui::JobRunner;

namespace {
// A job of `steps` steps of `stepMs` each, counting the steps it completed.
auto countingJob(int steps, int stepMs, std::shared_ptr<std::atomic<int>> done) {
  return [=](const Progress& progress, const CancelToken& cancel) {
    for (int i = 0; i < steps; ++i) {
      cancel.throwIfCancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(stepMs));
      done->fetch_add(1);
      progress.report(double(i + 1) / steps, "step", i + 1, steps);
    }
    return steps * 10;
  };
}
}  // namespace

TEST(JobRunner, ProgressArrivesAndResultIsDelivered) {
  JobRunner runner;
  QSignalSpy progress(&runner, &JobRunner::progress);
  QSignalSpy finished(&runner, &JobRunner::finished);
  QSignalSpy busy(&runner, &JobRunner::busyChanged);
  auto done = std::make_shared<std::atomic<int>>(0);
  quint64 id = runner.run("count", countingJob(20, 15, done));
  ASSERT_TRUE(runner.isRunning());
  ASSERT_TRUE(finished.wait(10000));
  ASSERT_EQ(finished.count(), 1);
  EXPECT_EQ(finished.at(0).at(0).toULongLong(), id);
  EXPECT_EQ(std::any_cast<int>(finished.at(0).at(1).value<std::any>()), 200);
  EXPECT_GE(progress.count(), 3);  // 20 steps over ~300 ms, throttled to one per 40 ms
  double last = -1;
  for (const auto& args : progress) {
    double f = args.at(1).toDouble();
    EXPECT_GE(f, last);
    last = f;
  }
  EXPECT_FALSE(runner.isRunning());
  ASSERT_EQ(busy.count(), 2);
  EXPECT_TRUE(busy.at(0).at(0).toBool());
  EXPECT_FALSE(busy.at(1).at(0).toBool());
}

TEST(JobRunner, CancelStopsWithinOneStep) {
  JobRunner runner;
  QSignalSpy progress(&runner, &JobRunner::progress);
  QSignalSpy cancelled(&runner, &JobRunner::cancelled);
  QSignalSpy finished(&runner, &JobRunner::finished);
  auto done = std::make_shared<std::atomic<int>>(0);
  runner.run("long", countingJob(10000, 5, done));
  ASSERT_TRUE(progress.wait(10000));
  runner.cancel();
  const int atCancel = done->load();
  ASSERT_TRUE(cancelled.wait(10000));
  EXPECT_LE(done->load() - atCancel, 1) << "the worker went on after cancel";
  EXPECT_LT(done->load(), 10000);
  EXPECT_EQ(finished.count(), 0);
  EXPECT_FALSE(runner.isRunning());
}

TEST(JobRunner, ErrorsArriveAsSignals) {
  JobRunner runner;
  QSignalSpy failed(&runner, &JobRunner::failed);
  runner.run("bad input", [](const Progress&, const CancelToken&) -> int {
    throw scdfm::InputError("cells.h5ad", "obs/condition", "column is missing", "add a condition column");
  });
  ASSERT_TRUE(failed.wait(10000));
  QString message = failed.at(0).at(2).toString();
  EXPECT_TRUE(message.contains("cells.h5ad")) << message.toStdString();
  EXPECT_TRUE(message.contains("obs/condition")) << message.toStdString();
  EXPECT_TRUE(message.contains("column is missing")) << message.toStdString();
  EXPECT_EQ(failed.at(0).at(3).toString(), "add a condition column");

  runner.run("bug", [](const Progress&, const CancelToken&) -> int { throw std::runtime_error("boom"); });
  ASSERT_TRUE(failed.wait(10000));
  EXPECT_EQ(failed.at(1).at(1).toString(), "Internal error");
  EXPECT_EQ(failed.at(1).at(2).toString(), "boom");
}

TEST(JobRunner, NewRequestSupersedesRunningJob) {
  JobRunner runner;
  QSignalSpy cancelled(&runner, &JobRunner::cancelled);
  QSignalSpy finished(&runner, &JobRunner::finished);
  auto doneA = std::make_shared<std::atomic<int>>(0);
  auto doneB = std::make_shared<std::atomic<int>>(0);
  quint64 a = runner.run("A", countingJob(100000, 2, doneA));
  quint64 b = runner.run("B", countingJob(5, 2, doneB));
  ASSERT_EQ(cancelled.count(), 1);
  EXPECT_EQ(cancelled.at(0).at(0).toULongLong(), a);
  ASSERT_TRUE(finished.wait(10000));
  EXPECT_EQ(finished.at(0).at(0).toULongLong(), b);
  runner.waitForIdle();
  EXPECT_LT(doneA->load(), 100000);  // A stopped early
  EXPECT_EQ(finished.count(), 1);     // A's result was never delivered
}

// The UI thread must not stall while a job computes: a 5 ms timer records
// the largest gap between its ticks while core's UMAP fits 3000 cells.
TEST(JobRunner, EventLoopStaysResponsiveDuringUmap) {
  JobRunner runner;
  QSignalSpy finished(&runner, &JobRunner::finished);
  QSignalSpy progressSpy(&runner, &JobRunner::progress);
  runner.run("UMAP", [](const Progress& progress, const CancelToken& cancel) {
    // Three Gaussian blobs in 10 dimensions (deterministic).
    std::mt19937_64 rng(11);
    std::normal_distribution<float> noise(0.f, 1.f);
    scdfm::RowMatrixF data(3000, 10);
    for (int i = 0; i < data.rows(); ++i)
      for (int j = 0; j < data.cols(); ++j) data(i, j) = noise(rng) + ((i % 3) == j % 3 ? 8.f : 0.f);
    scdfm::UmapOptions options;
    options.nEpochs = 200;
    options.seed = 1;
    auto model = scdfm::UmapModel::fit(data, options, progress, cancel);
    return static_cast<int>(model.embedding().rows());
  });
  QElapsedTimer clock;
  clock.start();
  qint64 last = 0, longest = 0;
  int ticks = 0;
  QTimer timer;
  timer.setInterval(5);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    qint64 now = clock.elapsed();
    longest = std::max(longest, now - last);
    last = now;
    ++ticks;
  });
  timer.start();
  ASSERT_TRUE(finished.wait(300000));
  timer.stop();
  EXPECT_EQ(std::any_cast<int>(finished.at(0).at(1).value<std::any>()), 3000);
  RecordProperty("longest_gap_ms", static_cast<int>(longest));
  std::printf("[ measure  ] UMAP job %lld ms, %d timer ticks, %d progress reports, longest event-loop gap %lld ms\n",
              static_cast<long long>(clock.elapsed()), ticks, static_cast<int>(progressSpy.count()),
              static_cast<long long>(longest));
  EXPECT_GT(ticks, 5);
  EXPECT_GE(progressSpy.count(), 1);
  EXPECT_LT(longest, 100);
}
