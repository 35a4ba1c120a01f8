#pragma once
// A group of cooperating scdfm processes ("ranks") on LibTorch's c10d:
//  - the rendezvous store: c10d::TCPStore (tcp://HOST:PORT, served by rank 0) or
//    c10d::FileStore (file:///PATH on a file system every rank sees);
//  - the collective backend: Gloo, or NCCL for CUDA devices when LibTorch has it;
//  - a heartbeat per rank in the store, so that when a collective fails the
//    survivors can name the rank that was lost;
//  - small byte messages through the store (preprocessing from rank 0,
//    inference results) and a cancel relay (one rank cancelled → all).
// World size 1 needs no rendezvous and runs no thread: every call is local.
// Torch-free (PIMPL); core/dist/GradientAllReduce.h runs the tensor collectives.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/util/CancelToken.h"
#include "core/util/DistributedError.h"

namespace scdfm {

struct GroupOptions {
  int worldSize = 1;
  int rank = 0;
  std::string rendezvous;  // tcp://HOST:PORT or file:///PATH (core/dist/Rendezvous.h)
  // Bounds the rendezvous, every collective and every wait for a peer's message.
  std::chrono::milliseconds timeout = std::chrono::minutes(30);
  std::string device = "cpu";  // "cuda[:N]" selects NCCL where this build has it
  // How often each rank proves it is alive (the lost-rank diagnosis waits 3 beats).
  std::chrono::milliseconds heartbeat = std::chrono::seconds(1);
};

class ProcessGroup {
 public:
  // Joins the group: blocks until every rank has joined (DistributedError after
  // the timeout, naming the ranks missing) and connects the backend.
  explicit ProcessGroup(const GroupOptions& options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const;
  int worldSize() const;
  bool distributed() const { return worldSize() > 1; }
  const GroupOptions& options() const;
  std::string backendName() const;  // "gloo", "nccl" or "none"

  // Byte messages through the store, keyed by name (unique per job).
  void publish(const std::string& key, const std::string& bytes);
  std::optional<std::string> tryFetch(const std::string& key);
  void remove(const std::string& key);  // frees a message every reader has read
  // Waits for the key; `during` names the wait in the error when a peer is lost
  // or the timeout passes (DistributedError). Throws Cancelled when `cancel` is.
  std::string fetch(const std::string& key, const std::string& during, const CancelToken& cancel = {});

  // From now on, cancelling `token` on any rank cancels it on every rank (within a heartbeat).
  void relayCancel(const CancelToken& token);

  // The error to throw after a collective or a wait failed: finds which ranks
  // stopped beating and names them, with the cause and what to do.
  DistributedError failure(const std::string& during, const std::string& cause, const std::string& whatToDo);

  // Marks this rank finished; rank 0 (which may host the store) waits for the
  // others before returning, so none of them loses the store mid-read.
  void finish();

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace scdfm
