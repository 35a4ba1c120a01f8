#pragma once
// Process-wide tuning of the C allocator for tensor work.
namespace scdfm {
// glibc returns every freed block above its mmap threshold to the kernel and
// trims the heap top eagerly. A network evaluation frees and re-allocates the
// same few-MB activations hundreds of times, so each one became fresh pages:
// measured on the demo model, 80% of an ODE step went to page faults and
// zeroing (0.77 s per RK4 step for 16 cells; 0.14 s with this setting).
// Keeps freed memory in the process for reuse instead (up to 1 GiB free at the
// heap top is kept; large blocks are heap blocks too). Idempotent; no effect
// outside glibc. Returns false when the allocator refused the setting.
bool keepFreedMemoryForReuse();
}  // namespace scdfm
