#include "core/util/Threads.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <thread>

namespace scdfm {
namespace {
std::atomic<int> g_threads{0};
}

int hardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

namespace {
int envThreads(const char* name, int fallback) {
  if (const char* env = std::getenv(name)) {
    const int v = std::atoi(env);
    if (v > 0) return v;
  }
  return fallback;
}
}  // namespace

int threadCount() {
  const int n = g_threads.load();
  return n > 0 ? n : envThreads("SCDFM_THREADS", hardwareThreads());
}

void setThreadCount(int n) { g_threads.store(n > 0 ? n : 0); }

int torchIntraOpThreads() { return envThreads("SCDFM_TORCH_THREADS", threadCount()); }

// One: LibTorch's OpenMP pool and OpenBLAS's pthreads are separate pools that
// both spin while waiting; with N threads each they fought over the cores and
// every run got slower than with one thread (README, "GPU use").
int blasThreads() { return envThreads("SCDFM_BLAS_THREADS", 1); }

bool applyBlasThreads(int n) {
  // Looked up at run time: the build links the generic libblas, and which
  // implementation backs it is the system's choice.
  using SetThreads = void (*)(int);
  auto fn = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (!fn) return false;
  fn(n > 0 ? n : 1);
  return true;
}

}  // namespace scdfm
