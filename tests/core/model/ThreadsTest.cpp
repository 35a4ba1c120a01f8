// LibTorch's matrix products run in OpenBLAS, which keeps its own thread pool:
// applyTorchThreads() must size both, or a "1 thread" run still spins on every
// core. OpenBLAS gets one thread unless SCDFM_BLAS_THREADS says otherwise.
#include <dlfcn.h>
#include <cstdlib>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/model/ScDfmNetwork.h"
#include "core/util/Threads.h"

using namespace scdfm;

TEST(Threads, ApplyTorchThreadsAlsoSizesOpenBlas) {
  // Make sure BLAS is loaded and initialised.
  (void)torch::mm(torch::ones({64, 64}), torch::ones({64, 64}));
  using GetThreads = int (*)();
  auto get = reinterpret_cast<GetThreads>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (!get) GTEST_SKIP() << "the BLAS in use is not OpenBLAS (install libopenblas0-pthread)";
  const int before = threadCount();
  setThreadCount(1);
  applyTorchThreads();
  EXPECT_EQ(torch::get_num_threads(), 1);
  EXPECT_EQ(get(), 1);
  setThreadCount(2);
  applyTorchThreads();
  EXPECT_EQ(torch::get_num_threads(), 2);
  EXPECT_EQ(get(), 1);
  setenv("SCDFM_BLAS_THREADS", "2", 1);
  applyTorchThreads();
  EXPECT_EQ(get(), 2);
  unsetenv("SCDFM_BLAS_THREADS");
  setThreadCount(before);
  applyTorchThreads();
}
