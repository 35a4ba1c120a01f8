#pragma once
// Registry of `scdfm` subcommands. Each app/cli/<Name>Command.cpp defines a
// static CommandRegistration that adds its subcommand to the CLI11 app.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace scdfm::cli {

// Exit codes shared by every subcommand.
enum ExitCode { kOk = 0, kInternalError = 1, kBadInput = 2, kCancelled = 3, kDistributed = 4 };

struct CommandSpec {
  std::string name;
  // Called once to declare options; returns the action to run when chosen.
  std::function<std::function<int()>(CLI::App& sub)> setup;
  std::string description;
};

std::vector<CommandSpec>& commandRegistry();

// The arguments `scdfm` was started with (argv[1..]), for the launcher of local ranks.
std::vector<std::string>& commandLine();

struct CommandRegistration {
  explicit CommandRegistration(CommandSpec spec) { commandRegistry().push_back(std::move(spec)); }
};

}  // namespace scdfm::cli
