#pragma once
// Reads obs/var dataframes of every AnnData generation: 0.8+ groups with
// encoding-type attributes, 0.7 groups with a __categories subgroup, and
// 0.5/0.6 packed tables (one compound dataset, categories in
// uns/<column>_categories). Internal to core/io.
#include <hdf5.h>

#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm::h5ad {

// name: "obs" or "var". usedUnsKeys receives the uns entries consumed as
// category lists (0.5/0.6 files), so they can be left out of uns.
DataFrame readDataFrame(const std::string& file, hid_t fileId, const std::string& name,
                        std::vector<std::string>* usedUnsKeys = nullptr);

}  // namespace scdfm::h5ad
