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
    // No block gets its own mapping: glibc's threshold tops out at 32 MiB, and
    // attention maps of 32+ cells are larger (golden small case, 32 cells: 5.7 s
    // per network evaluation with a fresh mapping per map, 0.72 s without).
    // (A worker thread's arena still maps blocks over 64 MiB itself.)
    ok = mallopt(M_MMAP_MAX, 0) == 1;
    ok = (mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1) && ok;
#endif
  });
  return ok;
}

}  // namespace scdfm
