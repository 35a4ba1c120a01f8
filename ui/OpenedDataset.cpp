#include "ui/OpenedDataset.h"

#include <algorithm>

#include "core/data/Preprocess.h"
#include "core/embed/EmbeddingMemory.h"
#include "core/embed/Pca.h"
#include "core/embed/Umap.h"
#include "core/io/H5adReader.h"
#include "core/util/AvailableMemory.h"

namespace scdfm::ui {

OpenedDataset openDataset(const std::string& path, const Progress& progress, const CancelToken& cancel) {
  OpenedDataset out;
  progress.report(0.05, "Reading obs and var");
  auto dataset = std::make_shared<Dataset>(path);
  cancel.throwIfCancelled();
  progress.report(0.6, "Reading the embedding");
  const auto keys = dataset->embeddingKeys();
  if (std::find(keys.begin(), keys.end(), "X_umap") != keys.end()) {
    out.embedding = dataset->embedding("X_umap");
    out.embeddingKey = "X_umap";
  }
  cancel.throwIfCancelled();
  progress.report(0.8, "Reading uns colours");
  // scanpy stores category colours as uns['<column>_colors'] (string arrays).
  const nlohmann::json uns = dataset->reader().readUns();
  if (uns.is_object()) {
    for (auto it = uns.begin(); it != uns.end(); ++it) {
      const std::string& key = it.key();
      if (key.size() <= 7 || key.compare(key.size() - 7, 7, "_colors") != 0 || !it->is_array()) continue;
      std::vector<std::string> colors;
      for (const auto& c : *it)
        if (c.is_string()) colors.push_back(c.get<std::string>());
      out.storedColors[key.substr(0, key.size() - 7)] = std::move(colors);
    }
  }
  out.dataset = std::move(dataset);
  progress.report(1.0, "Opened");
  return out;
}

RowMatrixF computeUmap(const Dataset& dataset, const Progress& progress, const CancelToken& cancel) {
  const auto& s = dataset.summary();
  // The matrix twice (file buffers while reading), then PCA and UMAP.
  requireMemory(2.0 * expressionBytes(s.nObs, s.nVars, s.xEncoding == MatrixEncoding::Dense ? -1 : s.xNnz) +
                    embeddingPeakBytes(s.nObs, s.nVars),
                "A UMAP of all " + std::to_string(s.nObs) + " cells",
                "Open a file that stores obsm['X_umap'] (scdfm embed writes one; run it on a machine with more "
                "memory or on fewer cells)");
  std::vector<std::int64_t> rows(static_cast<std::size_t>(dataset.nCells()));
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int64_t>(i);
  progress.report(0.0, "Reading expression");
  ExpressionMatrix x = dataset.expression(rows);
  cancel.throwIfCancelled();
  progress.report(0.1, "Normalising (total 1e4, log1p)");
  normalizeTotal(x, 1e4);
  log1pInPlace(x);
  cancel.throwIfCancelled();
  PcaOptions pcaOptions;
  pcaOptions.nComponents = 50;
  PcaResult pca = x.sparse ? fitPca(x.csr, pcaOptions, progress.sub(0.15, 0.35), cancel)
                           : fitPca(x.dense, pcaOptions, progress.sub(0.15, 0.35), cancel);
  cancel.throwIfCancelled();
  UmapModel umap = UmapModel::fit(pca.scores, UmapOptions{}, progress.sub(0.35, 1.0), cancel);
  return umap.embedding();
}

}  // namespace scdfm::ui
