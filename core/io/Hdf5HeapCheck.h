#pragma once
// Checks variable-length string references before HDF5 follows them. A
// reference names a global heap collection (by file address) and an object
// in it; HDF5 1.10 dereferences the object without checking that it exists,
// so one damaged index crashed the reader (found by fuzzing). These functions
// read the stored references themselves, load the collections they name, and
// throw InputError (file, HDF5 path, element) for a reference to nothing.
// Internal to core/io.
#include <hdf5.h>

#include "core/io/Hdf5Read.h"

namespace scdfm::h5 {

// The `n` elements of a contiguous dataset of variable-length strings (other
// layouts are left to HDF5: their bytes may be compressed).
void checkDatasetHeapReferences(const Ref& at, hid_t ds, hsize_t n);
// Attribute `name` of `obj`, read from the object's header (version 1 headers,
// which h5py and anndata write; others are left to HDF5).
void checkAttributeHeapReferences(const Ref& at, hid_t obj, const char* name);

}  // namespace scdfm::h5
