#include "core/util/Allocator.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace scdfm {

bool keepFreedMemoryForReuse() {
  static std::once_flag once;
  static bool ok = true;
  std::call_once(once, [] {
#if defined(__GLIBC__)
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit; blocks
    // above it (rare here) keep their own mapping.
    ok = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
    ok = (mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1) && ok;
#endif
  });
  return ok;
}

}  // namespace scdfm
