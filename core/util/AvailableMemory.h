#pragma once
// Refusing work that would not fit in memory, before allocating it: a job
// estimates its peak bytes and calls requireMemory(), which compares them with
// what the machine (or the container's cgroup) has available. Better a clear
// message than the kernel's OOM killer closing the app with unsaved work.
#include <cstdint>
#include <optional>
#include <string>

namespace scdfm {

// Bytes that can still be allocated: MemAvailable from /proc/meminfo, capped
// by the cgroup's limit minus its usage when a limit is set (v2 memory.max,
// v1 memory.limit_in_bytes). nullopt when none of them can be read.
// SCDFM_MEMORY_LIMIT (bytes; suffixes K, M, G) or setMemoryLimitOverride()
// replace the measurement (tests, or users who want to leave room).
std::optional<std::uint64_t> availableMemoryBytes();

// Test hook: a fixed "available" figure (nullopt = measure again).
void setMemoryLimitOverride(std::optional<std::uint64_t> bytes);

// Throws InputError when `bytes` exceed the available memory: "`what` needs
// about 12.3 GiB but 3.1 GiB are available", with `hint` (how to ask for less).
// Does nothing when availability is unknown.
void requireMemory(double bytes, const std::string& what, const std::string& hint);

// "1.5 GiB", "320 MiB": sizes as users read them.
std::string formatBytes(double bytes);

}  // namespace scdfm
