#pragma once
// File ▸ Export predictions: the predictions made with one set of options
// (one provenance per file) written through core's PredictionExport — the same
// files `scdfm predict` writes — with each cell's place in the view's
// embedding as obsm['X_umap'] when every cell has one.
#include <QString>
#include <vector>

#include "core/io/PredictionExport.h"

namespace scdfm {
class Dataset;
class Predictor;
}  // namespace scdfm

namespace scdfm::ui {

struct PredictionRecord;

enum class PredictionFileKind { H5ad, CellsCsv, SummaryCsv };

// `records` share their settings (context, cells, solver, time points, seed).
// embedding: the dataset's cells × ≥2 coordinates, or null.
PredictionExport exportOfRecords(const Dataset& dataset, const Predictor& predictor,
                                 const std::vector<const PredictionRecord*>& records, const RowMatrixF* embedding);

// Writes one file (atomically; InputError naming the file when it cannot be written).
void writePredictionFile(const QString& path, PredictionFileKind kind, const PredictionExport& prediction);

}  // namespace scdfm::ui
