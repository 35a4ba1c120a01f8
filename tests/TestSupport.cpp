#include "TestSupport.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace scdfm::test {

std::string goldenDir() {
  if (const char* env = std::getenv("SCDFM_GOLDEN_DIR")) return env;
  return SCDFM_TEST_GOLDEN_DIR;
}

std::vector<std::string> goldenCases() {
  std::vector<std::string> cases;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(goldenDir(), ec))
    if (e.is_directory() && fs::exists(e.path() / "config.json")) cases.push_back(e.path().string());
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string dataDir() {
  // The sanitizer build reads the datasets the normal build generated.
  if (const char* env = std::getenv("SCDFM_TEST_DATA_DIR")) return env;
  return SCDFM_TEST_DATA_DIR;
}
std::string binDir() { return SCDFM_TEST_BIN_DIR; }

std::string scratchDir(const std::string& name) {
  // ctest runs every test in its own process, several at once: the pid keeps
  // two tests (or two suites' fixtures) from sharing one folder.
  fs::path p = fs::path(SCDFM_TEST_WORK_DIR) / (name + "." + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string python() { return SCDFM_TEST_PYTHON; }

bool pythonHas(const std::string& module) {
  return runCommand(python() + " -c 'import " + module + "' >/dev/null 2>&1").exitCode == 0;
}

CommandResult runCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CommandResult runPython(const std::string& code) {
  static int counter = 0;
  fs::path script = fs::path(SCDFM_TEST_WORK_DIR) / ("snippet_" + std::to_string(::getpid()) + "_" +
                                                      std::to_string(counter++) + ".py");
  {
    std::ofstream out(script);
    out << code;
  }
  auto r = runCommand(python() + " " + script.string());
  fs::remove(script);
  return r;
}

}  // namespace scdfm::test
