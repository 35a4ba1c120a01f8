// scdfm: command-line front end. The work happens in scdfm_core; this file
// only dispatches subcommands and maps exceptions to exit codes.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "app/cli/Command.h"
#include "core/util/BuildInfo.h"
#include "core/util/DistributedError.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

namespace scdfm::cli {
std::vector<CommandSpec>& commandRegistry() {
  static std::vector<CommandSpec> registry;
  return registry;
}
std::vector<std::string>& commandLine() {
  static std::vector<std::string> args;
  return args;
}
}  // namespace scdfm::cli

int main(int argc, char** argv) {
  using namespace scdfm::cli;
  commandLine().assign(argv + 1, argv + argc);
  CLI::App app{"scdfm — single-cell perturbation prediction with scDFM (datasets, training, prediction, evaluation)"};
  app.require_subcommand(0, 1);
  bool version = false;
  int threads = 0;
  bool verbose = false;
  app.add_flag("--version", version, "Print the version and exit");
  app.add_option("--threads", threads, "CPU threads to use (default: all cores, or $SCDFM_THREADS)");
  app.add_flag("-v,--verbose", verbose, "Log more detail");

  auto& registry = commandRegistry();
  std::sort(registry.begin(), registry.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::function<int()> action;
  for (auto& spec : registry) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    auto run = spec.setup(*sub);
    sub->callback([&action, run] { action = run; });
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kOk : kBadInput;
  }
  if (version) {
    std::cout << "scdfm " << scdfm::build::kVersion << "\n";
    return kOk;
  }
  if (verbose) spdlog::set_level(spdlog::level::debug);
  if (threads > 0) scdfm::setThreadCount(threads);
  if (!action) {
    std::cout << app.help();
    return kOk;
  }
  try {
    return action();
  } catch (const scdfm::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  } catch (const scdfm::DistributedError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kDistributed;
  } catch (const scdfm::Cancelled&) {
    std::cerr << "cancelled\n";
    return kCancelled;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n"
              << "This is a bug in scdfm; please report it with the command you ran.\n";
    return kInternalError;
  }
}
