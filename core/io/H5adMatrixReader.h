#pragma once
// Reads expression matrices (X, layers/*) from an open .h5ad: dense arrays,
// CSR/CSC groups of any generation (0.8+ encoding-type, pre-0.7
// h5sparse_format), whole or by rows. Internal to core/io.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm::h5ad {

// Layout of one matrix, read from metadata only.
struct MatrixInfo {
  std::string path;  // absolute HDF5 path, e.g. "/X"
  MatrixEncoding encoding = MatrixEncoding::Dense;
  std::string dtype;
  std::int64_t rows = 0, cols = 0;
  std::int64_t nnz = -1;  // stored entries (sparse only)
};

// Throws InputError for unsupported encodings, missing parts and
// inconsistent lengths.
MatrixInfo probeMatrix(const std::string& file, hid_t fileId, const std::string& path);

ExpressionMatrix readMatrix(const std::string& file, hid_t fileId, const MatrixInfo& info);

// Rows in the given order (duplicates allowed). CSR reads indptr, then only
// the needed runs of data/indices (nearby runs coalesced). Dense reads one
// hyperslab per run of consecutive rows. CSC has no row access: it streams
// the columns in chunks of about 16M entries and keeps the selected rows, so
// it reads all of indices/data but never holds more than one chunk.
ExpressionMatrix readMatrixRows(const std::string& file, hid_t fileId, const MatrixInfo& info,
                                const std::vector<std::int64_t>& rows);

}  // namespace scdfm::h5ad
