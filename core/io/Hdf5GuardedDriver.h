#pragma once
// A read-only HDF5 file driver (POSIX pread, like HDF5's default "sec2") that
// inspects each global heap collection before HDF5 parses it. HDF5 1.10's
// parser loops forever on a collection whose free-space entry has size 0, so
// one damaged byte in a file's string storage froze the reader (found by
// fuzzing). Such a read fails instead, with a message on HDF5's error stack
// that names the byte offset. Internal to core/io.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace scdfm::h5 {

// A file-access property list that selects the driver (owned by the caller).
hid_t guardedFileAccess();
// The driver's id, for code that needs to know how file addresses map to bytes
// (the same as with sec2: an address is a byte offset).
hid_t guardedDriverId();

// Walks the entries of a global heap collection (`p`: its `n` bytes from the
// "GCOL" signature on) as HDF5 1.10 does. false (and *badAt, the entry's
// offset) when an entry would make HDF5 loop or jump outside; else
// `objectSizes` (when given) holds each object's size in bytes by index, -1
// where the index has no object.
bool globalHeapObjects(const unsigned char* p, std::size_t n, std::vector<std::int64_t>* objectSizes, std::size_t* badAt);

}  // namespace scdfm::h5
