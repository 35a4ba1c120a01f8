#include <gtest/gtest.h>

#include <cstdlib>

#include "core/util/Threads.h"

namespace scdfm {

// Restores the thread settings a test changed.
struct ThreadsTest : ::testing::Test {
  void TearDown() override {
    setThreadCount(0);
    unsetenv("SCDFM_TORCH_THREADS");
    unsetenv("SCDFM_BLAS_THREADS");
  }
};

TEST_F(ThreadsTest, LibTorchGetsTheThreadsOpenBlasOne) {
  setThreadCount(3);
  EXPECT_EQ(threadCount(), 3);
  EXPECT_EQ(torchIntraOpThreads(), 3);
  EXPECT_EQ(blasThreads(), 1);  // two spinning pools on the same cores were slower than one thread
}

TEST_F(ThreadsTest, EnvironmentSplitsThePools) {
  setThreadCount(4);
  setenv("SCDFM_TORCH_THREADS", "1", 1);
  setenv("SCDFM_BLAS_THREADS", "4", 1);
  EXPECT_EQ(torchIntraOpThreads(), 1);
  EXPECT_EQ(blasThreads(), 4);
  setenv("SCDFM_BLAS_THREADS", "zero", 1);  // not a count: the default
  EXPECT_EQ(blasThreads(), 1);
}

}  // namespace scdfm
