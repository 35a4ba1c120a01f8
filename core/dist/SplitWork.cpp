#include "core/dist/SplitWork.h"

#include "core/dist/ProcessGroup.h"

namespace scdfm {

void runSplitWork(ProcessGroup* group, std::size_t items, const SplitWorkOptions& o,
                  const std::function<std::string(std::size_t)>& compute,
                  const std::function<void(std::size_t, const std::string&)>& onResult, const CancelToken& cancel) {
  if (!group || !group->distributed()) {
    for (std::size_t i = 0; i < items; ++i) {
      cancel.throwIfCancelled();
      onResult(i, compute(i));
    }
    return;
  }
  group->relayCancel(cancel);
  const int rank = group->rank(), world = group->worldSize();
  const bool receives = o.everyRank || rank == 0;
  const auto key = [&](std::size_t i) { return o.job + "/" + std::to_string(i); };
  std::size_t next = 0;  // the next result to hand over, in item order
  // Hands over every result that is here already (ours, or published by a peer).
  auto drain = [&](bool wait) {
    while (receives && next < items) {
      std::string bytes;
      if (wait) {
        bytes = group->fetch(key(next), "waiting for item " + std::to_string(next) + " of " + o.job + " from rank " +
                                            std::to_string(ownerOfItem(next, world)),
                             cancel);
      } else if (auto b = group->tryFetch(key(next))) {
        bytes = std::move(*b);
      } else {
        return;
      }
      onResult(next, bytes);
      if (!o.everyRank) group->remove(key(next));  // the store keeps no copy of what rank 0 has
      ++next;
    }
  };
  for (std::size_t i = static_cast<std::size_t>(rank); i < items; i += static_cast<std::size_t>(world)) {
    cancel.throwIfCancelled();
    group->publish(key(i), compute(i));
    drain(false);
  }
  drain(true);
}

}  // namespace scdfm
