#pragma once
// Multi-threaded reads of large 1-D numeric datasets (CSR data/indices).
// HDF5 decodes chunks one at a time under its global lock; here we ask HDF5
// only where each chunk lives, then read (pread) and decode (zlib inflate,
// unshuffle) the chunks on several threads straight into the caller's array.
// Handles contiguous unfiltered datasets and chunked ones whose filters are
// deflate/shuffle/fletcher32 only; anything else (LZF, big-endian, strings,
// unallocated chunks, user blocks) reports "not handled" and the caller uses
// the plain HDF5 read. Internal to core/io.
#include "core/io/Hdf5Read.h"

namespace scdfm::h5 {

enum class Target { Float32, Int64 };

// Elements [start, start+count) of the 1-D dataset, converted to `target`,
// into out. Returns false, having written nothing, when the dataset's layout
// is not one this reader handles. Throws InputError for damaged chunks.
bool readRangeParallel(const Ref& at, hid_t ds, Target target, hsize_t start, hsize_t count, void* out);

// readRangeParallel, falling back to HDF5's own read.
void readRangeFast(const Ref& at, hid_t ds, Target target, hsize_t start, hsize_t count, void* out);

// Hint the kernel to back a large, not yet touched buffer with huge pages
// (fewer page faults when filling hundreds of MB).
void adviseHugePages(void* p, std::size_t bytes);

}  // namespace scdfm::h5
