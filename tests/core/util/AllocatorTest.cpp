#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <thread>

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

// Above glibc's largest mmap threshold (32 MiB: a 32-cell attention map of the
// golden small case is 40 MB), from a worker thread (the app's prediction
// worker): a heap block of the thread's arena, not a fresh mapping. (Beyond a
// thread arena's 64 MiB glibc maps the block anyway; a main-thread block of any
// size comes from the heap.)
TEST(Allocator, LargeBlocksFromWorkerThreadsAreHeapBlocks) {
  ASSERT_TRUE(keepFreedMemoryForReuse());
  const auto mappedBefore = mallinfo2().hblkhd;
  bool ok = false;
  std::size_t mappedDuring = 0;
  std::thread worker([&] {
    constexpr std::size_t kBytes = 48u << 20;
    auto* block = static_cast<unsigned char*>(std::malloc(kBytes));
    if (!block) return;
    std::memset(block, 7, kBytes);
    ok = block[kBytes - 1] == 7;
    mappedDuring = mallinfo2().hblkhd;
    std::free(block);
  });
  worker.join();
  EXPECT_TRUE(ok) << "a 48 MiB block could not be allocated from a worker thread";
  EXPECT_EQ(mappedDuring, mappedBefore) << "the 48 MiB block was given its own mapping";
}
#endif

}  // namespace scdfm
