#pragma once
// Gene names that a file repeats. Dataset::geneNames() makes them unique as
// anndata's var_names_make_unique does (the later copies become "KLF1-1",
// "KLF1-2"); `scdfm info` uses this to tell the user. Implemented in Dataset.cpp
// beside geneNamesFromVar, which does the renaming.
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

// Names that appear more than once among var's gene names (`column`, or the
// index when empty, read as geneNamesFromVar reads them), each once, sorted.
std::vector<std::string> duplicateGeneNames(const DataFrame& var, const std::string& column);

}  // namespace scdfm
