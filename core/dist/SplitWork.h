#pragma once
// Items of a batch (perturbations to predict, screen entries) split across the
// ranks of a group: item i runs on rank i % worldSize, each rank in item order,
// and every result passes through the rendezvous store so that rank 0 (or every
// rank) receives all of them in item order, as they become available. With no
// group, or a group of one, every item runs here. Torch-free.
#include <cstddef>
#include <functional>
#include <string>

#include "core/util/CancelToken.h"

namespace scdfm {

class ProcessGroup;

struct SplitWorkOptions {
  std::string job;         // names the job's keys in the store (unique per group)
  bool everyRank = false;  // false: only rank 0 receives the results
};

// compute(i) runs item i here and returns its result as bytes; onResult(i, bytes)
// receives the results in item order. Cancelling on one rank cancels all (the
// group relays it); a lost rank throws the group's DistributedError.
void runSplitWork(ProcessGroup* group, std::size_t items, const SplitWorkOptions& options,
                  const std::function<std::string(std::size_t)>& compute,
                  const std::function<void(std::size_t, const std::string&)>& onResult,
                  const CancelToken& cancel = {});

inline int ownerOfItem(std::size_t item, int worldSize) { return static_cast<int>(item % static_cast<std::size_t>(worldSize)); }

}  // namespace scdfm
