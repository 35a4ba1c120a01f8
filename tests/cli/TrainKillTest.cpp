// A training process killed with SIGKILL at random moments resumes from its
// last checkpoint (`scdfm train ... --resume`) and ends with the same weights
// and optimiser state as an uninterrupted run with the same seed. After every
// kill the checkpoint on disk is complete (written atomically), and the
// temporary file a kill leaves behind is gone after the next save.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "CliSupport.h"
#include "ProcessSupport.h"
#include "core/io/ModelCheckpoint.h"

using namespace scdfm;
namespace fs = std::filesystem;

namespace {

bool hasTempFiles(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(TrainCommand, KilledRunResumesToTheUninterruptedResult) {
  if (!fs::exists(test::tiny())) GTEST_SKIP() << "no " << test::tiny() << " (build the 'datasets' target)";
  const std::string args = " --steps 40 --checkpoint-every 3 --seed 5" + std::string(test::kTinyModel);
  const auto ref = test::scratchDir("cli_kill_ref"), dir = test::scratchDir("cli_kill_run");
  const auto start = std::chrono::steady_clock::now();
  auto r = test::runCommand(test::scdfmBin() + " train " + test::tiny() + " --out " + ref + args);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const double fullMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  const std::string ckpt = dir + "/checkpoint.safetensors";
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> delay(0.1 * fullMs, 0.9 * fullMs);
  int kills = 0, exitCode = -1;
  for (int round = 0; round < 8 && exitCode != 0; ++round) {
    const bool resume = fs::exists(ckpt);
    test::BackgroundProcess p(test::scdfmBin() + " train " + test::tiny() + " --out " + dir + args +
                                  (resume ? " --resume" : ""),
                              dir + "/../cli_kill_round" + std::to_string(round) + ".log");
    if (round < 4) {  // later rounds run to the end
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(delay(rng)));
      if (p.running()) {
        p.kill(SIGKILL);
        ++kills;
      }
    }
    exitCode = p.wait();
    if (exitCode == -SIGKILL && fs::exists(ckpt)) {
      const auto c = readModelCheckpoint(ckpt);  // complete: never a half-written file
      EXPECT_GT(c.training.steps, 0);
    }
  }
  ASSERT_EQ(exitCode, 0);
  EXPECT_GE(kills, 1) << "no run was killed: the delays missed the training";
  std::printf("[ killed %d times; the uninterrupted run took %.0f ms ]\n", kills, fullMs);
  const auto a = readModelCheckpoint(ref + "/checkpoint.safetensors"), b = readModelCheckpoint(ckpt);
  EXPECT_EQ(b.training.steps, 40);
  ASSERT_EQ(a.weights.size(), b.weights.size());
  for (const auto& [k, t] : a.weights) EXPECT_TRUE(t.data == b.weights.at(k).data) << k;
  ASSERT_EQ(a.trainerState.size(), b.trainerState.size());
  for (const auto& [k, t] : a.trainerState) EXPECT_TRUE(t.data == b.trainerState.at(k).data) << k;
  EXPECT_FALSE(hasTempFiles(dir)) << "a killed write's temporary file was left behind";
}
