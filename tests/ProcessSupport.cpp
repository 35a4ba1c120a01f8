#include "ProcessSupport.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>

#include "TestSupport.h"

namespace fs = std::filesystem;

namespace scdfm::test {

std::string largeDataset() {
  const std::string file = std::string(SCDFM_TEST_WORK_DIR) + "/large_100k.h5ad";
  if (fs::exists(file)) return file;
  if (!pythonHas("h5py")) return {};
  const std::string part = file + ".part-" + std::to_string(::getpid());
  auto r = runCommand(python() + " " + SCDFM_TEST_SOURCE_DIR + "/bench/make_large_h5ad.py " + part +
                      " --cells 100000 --genes 2000");
  if (r.exitCode != 0) {
    fs::remove(part);
    return {};
  }
  fs::rename(part, file);
  return file;
}

BackgroundProcess::BackgroundProcess(const std::string& command, const std::string& log) {
  const std::string line = "exec " + command + " >" + log + " 2>&1";
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) done_ = true;
}

BackgroundProcess::~BackgroundProcess() {
  if (!done_) {
    kill(SIGKILL);
    wait();
  }
}

bool BackgroundProcess::running() {
  if (done_) return false;
  if (::waitpid(pid_, &status_, WNOHANG) == pid_) done_ = true;
  return !done_;
}

void BackgroundProcess::kill(int signal) {
  if (running()) ::kill(pid_, signal);
}

int BackgroundProcess::wait() {
  if (!done_) {
    while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    done_ = true;
  }
  if (pid_ < 0) return -1;
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : WIFSIGNALED(status_) ? -WTERMSIG(status_) : -1;
}

}  // namespace scdfm::test
