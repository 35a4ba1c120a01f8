#pragma once
// A ceiling on allocations whose size comes from a file's own fields (a
// dataset's shape, a sparse matrix's nnz, a tensor's size, a pickle's memo
// index). A damaged or hostile file can claim 10^12 elements in a few bytes;
// the readers ask here first, so the user gets an InputError naming the field
// instead of std::bad_alloc or the kernel's OOM killer.
#include <cstdint>
#include <string>

namespace scdfm {

// Bytes one such allocation may take: the machine's physical memory, or
// SCDFM_MAX_ALLOC_MB when set, or what setMemoryBudget() chose.
std::uint64_t memoryBudget();
// 0 restores the default. Tests and fuzz harnesses set a small budget.
void setMemoryBudget(std::uint64_t bytes);

// count × elemSize in bytes, after checking that it neither overflows nor
// exceeds memoryBudget(); else InputError(file, where, "<what> would need ...").
std::uint64_t checkAllocation(const std::string& file, const std::string& where, std::uint64_t count,
                              std::uint64_t elemSize, const std::string& what);

// The same for a rows × cols array (whose element count may itself overflow).
std::uint64_t checkAllocation(const std::string& file, const std::string& where, std::uint64_t rows,
                              std::uint64_t cols, std::uint64_t elemSize, const std::string& what);

// Product of the dimensions into *out; false when one is negative or it overflows int64.
bool checkedProduct(const std::int64_t* dims, std::size_t n, std::int64_t* out);

}  // namespace scdfm
