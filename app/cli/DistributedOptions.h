#pragma once
// The multi-process options shared by `scdfm train`, `predict` and `screen`:
// --world-size/--rank/--rendezvous for one rank of a job started by hand (or by
// a cluster's scheduler), --processes N to start N local ranks of this same
// command, and --timeout.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "core/dist/ProcessGroup.h"

namespace scdfm::cli {

struct DistributedArgs {
  int worldSize = 1, rank = 0, processes = 0;
  std::string rendezvous;
  double timeoutSeconds = 1800;
};

void addDistributedOptions(CLI::App& sub, DistributedArgs& args);

// With --processes N: runs this command as ranks 0..N-1 on this machine (a
// FileStore rendezvous in a fresh temporary folder) and returns the job's exit
// code; `whatToDo` is said when a rank fails. Otherwise returns nothing.
std::optional<int> launchLocalRanks(const DistributedArgs& args, const std::string& whatToDo);

// Joins the job's group (a group of one without --world-size).
// Joins the group; `device` becomes this rank's device (auto resolved; a plain
// "cuda" becomes cuda:(rank mod GPUs) when several ranks share a machine's GPUs).
std::unique_ptr<ProcessGroup> joinGroup(const DistributedArgs& args, std::string& device);

}  // namespace scdfm::cli
