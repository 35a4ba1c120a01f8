#pragma once
// The core's two parallel loops over [0, n), run on plain std::threads (the
// calling thread works too); exceptions from workers are rethrown in the caller.
//  - parallelChunks: one contiguous chunk per worker, body(begin, end, worker);
//    for uniform work and per-worker scratch buffers.
//  - parallelGrains: grains of `grain` items pulled dynamically, fn(begin, end);
//    for uneven work (e.g. triangular blocks of a pairwise-distance sum).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/util/Threads.h"

namespace scdfm {

inline void parallelChunks(std::int64_t n, int threads,
                           const std::function<void(std::int64_t begin, std::int64_t end, int worker)>& body) {
  if (n <= 0) return;
  const int t = static_cast<int>(std::clamp<std::int64_t>(threads, 1, n));
  if (t == 1) {
    body(0, n, 0);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(t);
  auto chunk = [&](int w) {
    const std::int64_t b = n * w / t, e = n * (w + 1) / t;
    try {
      body(b, e, w);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  pool.reserve(t - 1);
  for (int w = 1; w < t; ++w) pool.emplace_back(chunk, w);
  chunk(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

template <class Fn>
void parallelGrains(long n, long grain, Fn&& fn, int threads = threadCount()) {
  if (n <= 0) return;
  grain = std::max<long>(1, grain);
  const long grains = (n + grain - 1) / grain;
  const long t = std::min<long>(threads, grains);
  if (t <= 1) {
    fn(0L, n);
    return;
  }
  std::atomic<long> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex errorMutex;
  auto worker = [&] {
    for (long g = next++; g < grains && !failed.load(); g = next++) {
      try {
        fn(g * grain, std::min(n, (g + 1) * grain));
      } catch (...) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (long i = 1; i < t; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace scdfm
