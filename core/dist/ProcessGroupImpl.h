#pragma once
// ProcessGroup's state, for the core/dist sources that run collectives on it
// (c10d headers: never include this outside core/dist).
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "core/dist/ProcessGroup.h"
#include "core/dist/Rendezvous.h"

namespace scdfm {

struct ProcessGroup::Impl {
  GroupOptions options;
  Rendezvous rendezvous;
  c10::intrusive_ptr<c10d::Store> store;        // as given to the backend
  c10::intrusive_ptr<c10d::Store> messages;     // our keys, under the prefix "scdfm"
  c10::intrusive_ptr<c10d::ProcessGroup> backend;
  std::string backendName = "none";

  // FileStore is not thread-safe: the heartbeat thread and callers take turns.
  std::mutex storeMutex;
  std::thread heartbeat;
  std::mutex wakeMutex;
  std::condition_variable wake;
  bool stopping = false;
  std::atomic<bool> storeLost{false};
  std::vector<CancelToken> relayed;
  bool cancelPublished = false;
  // Heartbeat counters of the other ranks as last read, and when each last changed.
  std::map<int, std::pair<std::int64_t, std::chrono::steady_clock::time_point>> beats;

  void beatOnce();
  // Ranks whose heartbeat has not moved for `patience` and that did not say they
  // are leaving (an error) or done (finish(): a finished rank stops beating).
  std::vector<int> silentRanks(std::chrono::milliseconds patience);
  // Other ranks that stopped with an error (they set leaving/<rank> in failure()).
  std::vector<int> failedRanks();
};

}  // namespace scdfm
