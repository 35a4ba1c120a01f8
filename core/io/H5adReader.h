#pragma once
// Reader for AnnData .h5ad files (all encodings found in the wild: anndata
// 0.5/0.6 packed tables and h5sparse X, 0.7 __categories, 0.8+ encoding-type
// attributes). Opens lazily: metadata is read on open, X only on request, and
// rows can be read by index without loading the whole matrix.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

struct H5adSummary {
  std::int64_t nObs = 0, nVars = 0;
  bool hasX = false;
  MatrixEncoding xEncoding = MatrixEncoding::Dense;
  std::string xDtype;
  std::int64_t xNnz = -1;  // -1 when dense
  std::string anndataGeneration;  // "0.8+", "0.7", "0.6"
  std::vector<std::string> layers, obsm, varm;
};

class H5adReader {
 public:
  // Throws InputError if the file is missing, not HDF5, or not AnnData.
  explicit H5adReader(const std::string& path);
  ~H5adReader();
  H5adReader(const H5adReader&) = delete;
  H5adReader& operator=(const H5adReader&) = delete;
  H5adReader(H5adReader&&) noexcept;
  H5adReader& operator=(H5adReader&&) noexcept;

  const std::string& path() const;
  const H5adSummary& summary() const;
  const DataFrame& obs() const;  // read on open
  const DataFrame& var() const;  // read on open

  // Whole X (CSR stays CSR, CSC is converted to CSR, dense stays dense).
  ExpressionMatrix readX() const;
  // Selected rows of X in the given order, reading only what is needed.
  // CSR: indptr, then coalesced runs of data/indices. Dense: one hyperslab per
  // run of consecutive rows. CSC has no row access: every column's entries are
  // streamed in chunks of ~16M and the selected rows kept (reads all of X but
  // holds one chunk at a time). Rows out of range -> InputError.
  ExpressionMatrix readXRows(const std::vector<std::int64_t>& rows) const;
  ExpressionMatrix readLayer(const std::string& name) const;
  ExpressionMatrix readLayerRows(const std::string& name, const std::vector<std::int64_t>& rows) const;
  RowMatrixF readObsm(const std::string& key) const;
  RowMatrixF readVarm(const std::string& key) const;
  nlohmann::json readUns() const;
  // Everything, as one AnnData.
  AnnData readAll() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Convenience: read a whole file.
AnnData readH5ad(const std::string& path);

}  // namespace scdfm
