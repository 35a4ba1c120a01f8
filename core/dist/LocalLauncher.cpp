#include "core/dist/LocalLauncher.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/util/Error.h"

namespace scdfm {
namespace {

constexpr int kRankKilled = 4;      // the CLI's exit code for a failed group
constexpr int kCancelledRanks = 3;  // the CLI's exit code for a cancelled job
std::vector<pid_t> gChildren;   // for the signal handler (set before it is installed)

void forwardSignal(int sig) {
  for (pid_t p : gChildren)
    if (p > 0) ::kill(p, sig);
}

std::string describeEnd(int status) {
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

// The environment of every rank: ours with o.environment on top. Built before
// fork(): a forked child of a threaded process may only call async-signal-safe
// functions, which setenv() is not.
std::vector<std::string> rankEnvironment(const LaunchOptions& o) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& kv : o.environment) replaced = replaced || kv.first == name;
    if (!replaced) env.push_back(entry);
  }
  for (const auto& [k, v] : o.environment) env.push_back(k + "=" + v);
  return env;
}

}  // namespace

int runLocalRanks(const LaunchOptions& o, std::ostream& log) {
  const auto n = o.ranks.size();
  gChildren.assign(n, -1);
  std::vector<std::string> env = rankEnvironment(o);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (std::size_t r = 0; r < n; ++r) {
    std::vector<std::string> args = o.ranks[r];
    args.insert(args.begin(), o.executable);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
      const int err = errno;
      forwardSignal(SIGKILL);
      for (pid_t p : gChildren)
        if (p > 0) ::waitpid(p, nullptr, 0);
      gChildren.assign(n, -1);
      errno = err;
      throw InternalError(std::string("cannot start rank ") + std::to_string(r) + ": " + std::strerror(errno));
    }
    if (pid == 0) {
      ::execve(o.executable.c_str(), argv.data(), envp.data());
      std::_Exit(127);
    }
    gChildren[r] = pid;
  }
  struct sigaction sa {}, oldInt{}, oldTerm{};
  sa.sa_handler = forwardSignal;
  ::sigaction(SIGINT, &sa, &oldInt);
  ::sigaction(SIGTERM, &sa, &oldTerm);

  int result = 0;
  std::size_t running = n;
  std::chrono::steady_clock::time_point failedAt{};
  bool terminated = false;
  while (running > 0) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno != EINTR) break;
    if (pid > 0) {
      std::size_t r = 0;
      while (r < n && gChildren[r] != pid) ++r;
      if (r == n) continue;
      gChildren[r] = -1;
      --running;
      const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (!ok && result == 0) {
        result = WIFEXITED(status) ? WEXITSTATUS(status) : kRankKilled;
        failedAt = std::chrono::steady_clock::now();
        log << "scdfm: rank " << r << " (pid " << pid << ") " << describeEnd(status) << "; "
            << (running > 0 ? "waiting for the other ranks to stop" : "the job stopped") << "." << std::endl;
      }
      continue;
    }
    if (result != 0 && running > 0) {
      const auto waited = std::chrono::steady_clock::now() - failedAt;
      if (!terminated && waited > o.grace) {
        log << "scdfm: stopping the ranks still running after " << o.grace.count() / 1000 << " s" << std::endl;
        forwardSignal(SIGTERM);
        terminated = true;
      } else if (terminated && waited > o.grace + std::chrono::seconds(5)) {
        forwardSignal(SIGKILL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::sigaction(SIGINT, &oldInt, nullptr);
  ::sigaction(SIGTERM, &oldTerm, nullptr);
  gChildren.clear();
  // The hint (run again, resume) fits a job that was cancelled (exit 3) or lost
  // a rank (4, or killed), not a bad input every rank reported itself (2).
  if ((result == kCancelledRanks || result == kRankKilled) && !o.whatToDo.empty())
    log << "scdfm: " << o.whatToDo << std::endl;
  return result;
}

}  // namespace scdfm
