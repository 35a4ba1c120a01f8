#include "app/cli/DistributedOptions.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/cli/Command.h"
#include "core/dist/LocalLauncher.h"
#include "core/util/Error.h"

namespace scdfm::cli {

void addDistributedOptions(CLI::App& sub, DistributedArgs& a) {
  auto* g = sub.add_option_group("Multi-process", "Several processes working as one job (README: multi-process runs)");
  g->add_option("--processes", a.processes, "Start this many ranks of this command on this machine");
  g->add_option("--world-size", a.worldSize, "Ranks in the job (each started by hand with its own --rank)")
      ->capture_default_str();
  g->add_option("--rank", a.rank, "This process's rank, 0 to world size - 1 (rank 0 writes the results)")
      ->capture_default_str();
  g->add_option("--rendezvous", a.rendezvous,
                "Where the ranks meet: tcp://HOST:PORT (HOST runs rank 0) or file:///PATH (a fresh file every rank sees)");
  g->add_option("--timeout", a.timeoutSeconds,
                "Seconds to wait for the other ranks (joining, each collective, each result)")
      ->capture_default_str();
}

std::optional<int> launchLocalRanks(const DistributedArgs& a, const std::string& whatToDo) {
  if (a.processes <= 0) return std::nullopt;
  if (a.worldSize != 1 || !a.rendezvous.empty())
    throw InputError("", "--processes", "starts its own ranks; it does not combine with --world-size/--rendezvous",
                     "Give either --processes N, or --world-size/--rank/--rendezvous for each rank");
  char tmpl[] = "/tmp/scdfm-ranks-XXXXXX";
  if (!::mkdtemp(tmpl)) throw InternalError("cannot create a temporary folder for the rendezvous in /tmp");
  const std::string dir = tmpl;
  // Every argument but --processes, then this rank's place in the job.
  std::vector<std::string> base;
  const auto& all = commandLine();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i] == "--processes") {
      ++i;
      continue;
    }
    if (all[i].rfind("--processes=", 0) == 0) continue;
    base.push_back(all[i]);
  }
  LaunchOptions lo;
  lo.executable = std::filesystem::read_symlink("/proc/self/exe").string();
  for (int r = 0; r < a.processes; ++r) {
    auto args = base;
    for (const std::string& s : {std::string("--world-size"), std::to_string(a.processes), std::string("--rank"),
                                 std::to_string(r), std::string("--rendezvous"), "file://" + dir + "/store"})
      args.push_back(s);
    lo.ranks.push_back(std::move(args));
  }
  // Local ranks talk over the loopback interface unless told otherwise.
  if (!std::getenv("SCDFM_DIST_HOST") && !std::getenv("SCDFM_DIST_IFNAME")) lo.environment.emplace_back("SCDFM_DIST_HOST", "127.0.0.1");
  lo.whatToDo = whatToDo;
  // The rendezvous folder goes whether the ranks end well or the launch fails.
  struct RemoveOnExit {
    std::string dir;
    ~RemoveOnExit() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};
  return runLocalRanks(lo, std::cerr);
}

std::unique_ptr<ProcessGroup> joinGroup(const DistributedArgs& a, std::string& device) {
  GroupOptions o;
  o.worldSize = a.worldSize;
  o.rank = a.rank;
  o.rendezvous = a.rendezvous;
  if (a.timeoutSeconds <= 0) throw InputError("", "--timeout", "must be positive");
  o.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(a.timeoutSeconds * 1000));
  o.device = device;
  auto group = std::make_unique<ProcessGroup>(o);
  device = group->options().device;
  return group;
}

}  // namespace scdfm::cli
