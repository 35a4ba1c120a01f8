#include "core/util/AtomicFile.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/util/Error.h"

namespace scdfm {

namespace {

// Removes "<path>.tmp-<pid>" files of processes that no longer run (killed
// mid-write): they would confuse users and fill the disk. A live writer's
// temporary (another process saving the same file) is left alone.
void removeStaleTemporaries(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = target.filename().string() + ".tmp-";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pidText = name.substr(prefix.size());
    if (pidText.empty() || pidText.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::strtol(pidText.c_str(), nullptr, 10);
    if (pid <= 0 || pid == ::getpid()) continue;
    std::error_code removeError;  // best effort: a file we cannot remove is not the write's problem
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(it->path(), removeError);
  }
}

}  // namespace

void writeFileAtomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  removeStaleTemporaries(path);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    write(tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  // Flush the data to disk before the rename makes it visible.
  int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw InputError(path, "", "cannot replace the file: " + why,
                     "Check that the folder is writable and the disk is not full");
  }
  auto dir = std::filesystem::path(path).parent_path();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace scdfm
