// Available memory (MemAvailable / cgroup, or the override) and the refusal
// of work that would not fit, with a message that says what to do.
#include "core/util/AvailableMemory.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/util/Error.h"

using namespace scdfm;

TEST(AvailableMemory, MeasuresTheMachine) {
  setMemoryLimitOverride(std::nullopt);
  ::unsetenv("SCDFM_MEMORY_LIMIT");
  const auto a = availableMemoryBytes();
  ASSERT_TRUE(a.has_value());  // /proc/meminfo on Linux
  EXPECT_GT(*a, 0u);
  EXPECT_NO_THROW(requireMemory(1e6, "a small job", "ask for less"));
}

TEST(AvailableMemory, OverrideAndEnvironmentLimit) {
  setMemoryLimitOverride(64u << 20);
  EXPECT_EQ(availableMemoryBytes(), std::optional<std::uint64_t>(64u << 20));
  EXPECT_NO_THROW(requireMemory(32.0 * (1 << 20), "half", "-"));
  try {
    requireMemory(3.5 * (1 << 30), "Generating 100000 cells", "Integrate fewer cells together");
    ADD_FAILURE() << "expected a refusal";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Generating 100000 cells needs about 3.5 GiB"), std::string::npos) << m;
    EXPECT_NE(m.find("64.0 MiB is available"), std::string::npos) << m;
    EXPECT_NE(m.find("Integrate fewer cells together"), std::string::npos) << m;
  }
  setMemoryLimitOverride(std::nullopt);
  ::setenv("SCDFM_MEMORY_LIMIT", "2G", 1);
  EXPECT_EQ(availableMemoryBytes(), std::optional<std::uint64_t>(2ull << 30));
  ::unsetenv("SCDFM_MEMORY_LIMIT");
}

TEST(AvailableMemory, FormatsSizes) {
  EXPECT_EQ(formatBytes(512), "512 bytes");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(3.0 * (1 << 30)), "3.0 GiB");
}
