#pragma once
// Starts the ranks of a job as processes on this machine and watches them:
// when one dies or fails, the others get `grace` to notice and stop by
// themselves (they name the lost rank), then SIGTERM, then SIGKILL. SIGINT and
// SIGTERM sent to the launcher are passed on to the ranks. Torch-free, POSIX.
#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace scdfm {

struct LaunchOptions {
  std::string executable;                       // e.g. /proc/self/exe
  std::vector<std::vector<std::string>> ranks;  // argv (without argv[0]) of rank 0, 1, ...
  std::vector<std::pair<std::string, std::string>> environment;  // set in every rank
  std::chrono::milliseconds grace = std::chrono::seconds(30);
  std::string whatToDo;  // appended to the failure message (e.g. "restart with --resume")
};

// Returns 0 when every rank exits 0; otherwise the first failing rank's exit
// code (4 when it was killed by a signal), after writing a line to `log` that
// names the rank, its pid and how it ended.
int runLocalRanks(const LaunchOptions& options, std::ostream& log);

}  // namespace scdfm
