#pragma once
// Reads the "free-form" parts of an .h5ad: uns (groups, scalars, strings,
// arrays -> JSON) and obsm/varm embeddings (2-D arrays, sparse or dataframe
// entries, and the 0.6 compound-table form). Internal to core/io.
#include <hdf5.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm::h5ad {

// One element (group or dataset) as JSON. `depth` counts the groups above it:
// hard links can make a group its own descendant, so deep nesting is refused.
nlohmann::json readJsonElement(const std::string& file, hid_t loc, const std::string& relName,
                               const std::string& absPath, int depth = 0);

// Keys of obsm/varm ("obsm" or "varm"), empty when absent.
std::vector<std::string> embeddingKeys(const std::string& file, hid_t fileId, const std::string& group);
// One obsm/varm entry as float rows (expectedRows checked).
RowMatrixF readEmbedding(const std::string& file, hid_t fileId, const std::string& group, const std::string& key,
                         std::int64_t expectedRows);

}  // namespace scdfm::h5ad
