#pragma once
// Writer for the AnnData 0.8+ encoding (encoding-type / encoding-version
// attributes) that Python's anndata opens without warnings. Writes atomically.
#include <string>

#include "core/io/AnnData.h"

namespace scdfm {

struct H5adWriteOptions {
  bool compress = false;  // gzip level 4 on large arrays when true
};

void writeH5ad(const std::string& path, const AnnData& adata, const H5adWriteOptions& options = {});

}  // namespace scdfm
