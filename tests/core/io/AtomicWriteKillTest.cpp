// Every file writer of core (CSV — also the prediction and DE exports —,
// .h5ad, safetensors — also checkpoints) replaces its file atomically: a
// process killed with SIGKILL at a random moment of a write leaves either the
// previous file byte for byte or the complete new one, never a mix; the
// temporary it leaves is removed by the next write of that file. The GUI's
// session and figure writers go through the same writeFileAtomically.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include "ProcessSupport.h"
#include "TestSupport.h"

namespace fs = std::filesystem;
using namespace scdfm;

namespace {

std::string bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string writer(const std::string& kind, const std::string& path, int version, bool check = false) {
  return std::string(SCDFM_TEST_ATOMIC_WRITER) + " " + kind + " " + path + " " + std::to_string(version) +
         (check ? " --check" : "");
}

int temporaries(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find(".tmp-") != std::string::npos;
  return n;
}

void killMidWrite(const std::string& kind, std::uint64_t seed) {
  const auto dir = test::scratchDir("atomic_kill_" + kind);
  const std::string path = dir + "/out." + kind, log = dir + "/../atomic_kill_" + kind + ".log";
  ASSERT_EQ(test::runCommand(writer(kind, path, 1)).exitCode, 0);
  // How long one write of version 2 takes here, to spread the kills over it.
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(test::runCommand(writer(kind, dir + "/timing." + kind, 2)).exitCode, 0);
  const double writeMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  fs::remove(dir + "/timing." + kind);

  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> delay(0.0, writeMs);
  int intact = 0, replaced = 0;
  for (int round = 0; round < 10; ++round) {
    const std::string previous = bytes(path);
    {
      test::BackgroundProcess p(writer(kind, path, 2), log);
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(delay(rng)));
      p.kill(SIGKILL);
      p.wait();
    }
    if (bytes(path) == previous) {
      ++intact;
    } else {
      EXPECT_EQ(test::runCommand(writer(kind, path, 2, true)).exitCode, 0) << "neither the old file nor the new one";
      ++replaced;
      ASSERT_EQ(test::runCommand(writer(kind, path, 1)).exitCode, 0);  // back to the old version
    }
  }
  std::printf("[ %s: %d kills left the previous file, %d came after the rename (one write: %.0f ms) ]\n",
              kind.c_str(), intact, replaced, writeMs);
  EXPECT_GE(intact, 1) << "no kill landed inside a write";
  // A stale temporary is acceptable only until the next write of the file.
  ASSERT_EQ(test::runCommand(writer(kind, path, 3)).exitCode, 0);
  EXPECT_EQ(temporaries(dir), 0) << "temporaries of killed writes remain after the next write";
  EXPECT_EQ(test::runCommand(writer(kind, path, 3, true)).exitCode, 0);
}

}  // namespace

TEST(AtomicWriteKill, Csv) { killMidWrite("csv", 1); }
TEST(AtomicWriteKill, H5ad) { killMidWrite("h5ad", 2); }
TEST(AtomicWriteKill, Safetensors) { killMidWrite("safetensors", 3); }
