#include "core/util/AvailableMemory.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/util/Error.h"

namespace scdfm {
namespace {

std::mutex overrideMutex;
std::optional<std::uint64_t> overrideBytes;

// "123", "512M", "2G" (binary units); nullopt when unreadable.
std::optional<std::uint64_t> parseSize(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  if (s.empty() || s == "max") return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || v < 0) return std::nullopt;
  double scale = 1;
  switch (std::toupper(static_cast<unsigned char>(*end))) {
    case 'K': scale = 1024.0; break;
    case 'M': scale = 1024.0 * 1024; break;
    case 'G': scale = 1024.0 * 1024 * 1024; break;
    case 'T': scale = 1024.0 * 1024 * 1024 * 1024; break;
    default: break;
  }
  return static_cast<std::uint64_t>(v * scale);
}

std::optional<std::uint64_t> readNumberFile(const char* path) {
  std::ifstream f(path);
  std::string s;
  if (!f || !std::getline(f, s)) return std::nullopt;
  return parseSize(s);
}

std::optional<std::uint64_t> memAvailable() {
  std::ifstream f("/proc/meminfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream in(line.substr(13));
      std::uint64_t kib = 0;
      if (in >> kib) return kib * 1024;
    }
  return std::nullopt;
}

// Room left under the cgroup's limit (v2, then v1); nullopt when unlimited.
std::optional<std::uint64_t> cgroupRoom() {
  struct Files {
    const char *limit, *usage;
  };
  for (const Files& f : {Files{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
                         Files{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"}}) {
    auto limit = readNumberFile(f.limit);
    if (!limit || *limit >= (std::uint64_t{1} << 60)) continue;  // v1 writes a huge number for "no limit"
    const auto usage = readNumberFile(f.usage).value_or(0);
    return *limit > usage ? *limit - usage : 0;
  }
  return std::nullopt;
}

}  // namespace

void setMemoryLimitOverride(std::optional<std::uint64_t> bytes) {
  std::lock_guard<std::mutex> lock(overrideMutex);
  overrideBytes = bytes;
}

std::optional<std::uint64_t> availableMemoryBytes() {
  {
    std::lock_guard<std::mutex> lock(overrideMutex);
    if (overrideBytes) return overrideBytes;
  }
  if (const char* env = std::getenv("SCDFM_MEMORY_LIMIT"))
    if (auto v = parseSize(env)) return v;
  auto avail = memAvailable();
  auto room = cgroupRoom();
  if (avail && room) return std::min(*avail, *room);
  return avail ? avail : room;
}

std::string formatBytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

void requireMemory(double bytes, const std::string& what, const std::string& hint) {
  const auto available = availableMemoryBytes();
  if (!available || bytes <= static_cast<double>(*available)) return;
  throw InputError("", "memory",
                   what + " needs about " + formatBytes(bytes) + " of memory but only " +
                       formatBytes(static_cast<double>(*available)) + " is available",
                   hint + "; or close other programs and try again");
}

}  // namespace scdfm
