#include <gtest/gtest.h>

#include <cstdlib>

#include "core/util/Allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace scdfm {

#if defined(__GLIBC__)
TEST(Allocator, ActivationSizedBlocksComeFromTheHeapNotFreshMappings) {
  ASSERT_TRUE(keepFreedMemoryForReuse());
  EXPECT_TRUE(keepFreedMemoryForReuse());  // idempotent
  const auto mappedBefore = mallinfo2().hblkhd;
  // 8 MiB: above glibc's default mmap threshold, the size of a demo-model activation.
  void* block = std::malloc(8u << 20);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(mallinfo2().hblkhd, mappedBefore) << "an 8 MiB block was given its own mapping";
  std::free(block);
  // Freed memory stays for the next evaluation instead of being trimmed away.
  const auto keptFree = mallinfo2().fordblks;
  EXPECT_GE(keptFree, static_cast<decltype(keptFree)>(8u << 20));
}
#endif

}  // namespace scdfm
