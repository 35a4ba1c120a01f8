#include "core/util/Threads.h"

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

int threadCount() {
  int n = g_threads.load();
  if (n > 0) return n;
  if (const char* env = std::getenv("SCDFM_THREADS")) {
    int v = std::atoi(env);
    if (v > 0) return v;
  }
  return hardwareThreads();
}

void setThreadCount(int n) { g_threads.store(n > 0 ? n : 0); }

}  // namespace scdfm
