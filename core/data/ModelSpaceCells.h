#pragma once
// Cells of a dataset as a model sees them: the checkpoint's preprocessing
// (normalize_total, log1p) applied to the stored expression, then the model's
// genes picked in order. The Predictor feeds these values to the network, so
// control and observed cells compared with its predictions must come from here.
#include <cstdint>
#include <vector>

#include "core/io/AnnData.h"
#include "core/io/ModelCheckpoint.h"

namespace scdfm {

class Dataset;

// rows: dataset rows (in this order); geneColumns: var indices (in this order).
// Returns rows × geneColumns. Library sizes use every gene of the row, as
// normalize_total does.
RowMatrixF modelSpaceCells(const Dataset& dataset, const std::vector<std::int64_t>& rows,
                           const std::vector<std::int64_t>& geneColumns, const CheckpointPreprocessing& preprocessing);

}  // namespace scdfm
