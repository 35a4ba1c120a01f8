#pragma once
// What the GUI holds for an open dataset: the core Dataset (obs, var,
// catalog), the embedding shown, and scanpy's stored category colours.
// Produced on a worker thread by openDataset(), then owned by the UI thread.
#include <QString>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/Dataset.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm::ui {

struct OpenedDataset {
  std::shared_ptr<const Dataset> dataset;
  std::string embeddingKey;                 // obsm key of `embedding` ("" = none)
  std::optional<RowMatrixF> embedding;      // cells x >= 2
  // uns['<column>_colors'] lists, by obs column.
  std::map<std::string, std::vector<std::string>> storedColors;
};

// Opens the file (metadata, catalog), reads X_umap (else none) and uns colours.
// Throws InputError for unusable files.
OpenedDataset openDataset(const std::string& path, const Progress& progress, const CancelToken& cancel);

// Computes a UMAP of all cells with core's pipeline (normalize_total 1e4,
// log1p, PCA 50 on all genes, UMAP with umap-learn defaults).
RowMatrixF computeUmap(const Dataset& dataset, const Progress& progress, const CancelToken& cancel);

}  // namespace scdfm::ui
