#include "core/util/MemoryBudget.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fmt/format.h>
#include <limits>

#include "core/util/Error.h"

namespace scdfm {
namespace {

std::atomic<std::uint64_t> g_budget{0};

std::uint64_t physicalMemory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::uint64_t(16) << 30;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

std::string bytesText(long double b) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    ++u;
  }
  const double v = static_cast<double>(b);
  return u == 0 ? fmt::format("{:.0f} bytes", v) : fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace

std::uint64_t memoryBudget() {
  if (std::uint64_t b = g_budget.load()) return b;
  if (const char* env = std::getenv("SCDFM_MAX_ALLOC_MB")) {
    char* end = nullptr;
    const unsigned long long mb = std::strtoull(env, &end, 10);
    if (end != env && mb > 0 && mb < (std::uint64_t(1) << 43)) return mb << 20;
  }
  static const std::uint64_t physical = physicalMemory();
  return physical;
}

void setMemoryBudget(std::uint64_t bytes) { g_budget.store(bytes); }

std::uint64_t checkAllocation(const std::string& file, const std::string& where, std::uint64_t rows,
                              std::uint64_t cols, std::uint64_t elemSize, const std::string& what) {
  const std::uint64_t budget = memoryBudget();
  const long double need = static_cast<long double>(rows) * static_cast<long double>(cols) * elemSize;
  if (need <= static_cast<long double>(budget)) return rows * cols * elemSize;
  const double count = static_cast<double>(static_cast<long double>(rows) * static_cast<long double>(cols));
  throw InputError(file, where,
                   what + " would need " + bytesText(need) + " of memory (" + fmt::format("{:.0f}", count) +
                       " elements), more than the " + bytesText(static_cast<long double>(budget)) + " allowed",
                   "The file's sizes are probably damaged; if they are right, use a machine with more memory or "
                   "raise SCDFM_MAX_ALLOC_MB");
}

std::uint64_t checkAllocation(const std::string& file, const std::string& where, std::uint64_t count,
                              std::uint64_t elemSize, const std::string& what) {
  return checkAllocation(file, where, count, 1, elemSize, what);
}

bool checkedProduct(const std::int64_t* dims, std::size_t n, std::int64_t* out) {
  std::int64_t p = 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (dims[i] < 0) return false;
    if (dims[i] != 0 && p > std::numeric_limits<std::int64_t>::max() / dims[i]) return false;
    p *= dims[i];
  }
  *out = p;
  return true;
}

}  // namespace scdfm
