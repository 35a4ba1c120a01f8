#pragma once
// The expression values a model sees: rows of a dataset, preprocessed as the
// model's checkpoint says (normalize_total, log1p) and restricted to the
// model's genes in model order. One definition for the predictor, the
// baselines and the evaluation, so every comparison is made in the same space.
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/AnnData.h"
#include "core/util/CancelToken.h"

namespace scdfm {

class Dataset;

struct ExpressionSpace {
  std::vector<std::string> genes;     // model order
  std::vector<std::int64_t> columns;  // dataset gene index of each gene
  double normalizeTotal = 0;          // 0 = values as stored
  bool log1p = false;
};

// Resolves `genes` in the dataset (InputError naming a missing gene with the
// closest names).
ExpressionSpace expressionSpace(const Dataset& dataset, const std::vector<std::string>& genes,
                                double normalizeTotal = 0, bool log1p = false);

// Cells × genes of `rows` (in that order). normalize_total uses each cell's
// total over all dataset genes, as the model's training did.
// Reads in chunks of rows; `cancel` is checked between chunks (large files).
RowMatrixF readExpression(const Dataset& dataset, const std::vector<std::int64_t>& rows, const ExpressionSpace& space,
                          const CancelToken& cancel = {});

// Cells × every dataset gene of `rows` (in that order), values checked
// (checkExpressionValues) and preprocessed as above; sparse when the file is.
// Read in chunks of a few thousand rows with `cancel` checked between them, so
// that even a whole large file stops soon after Cancel.
ExpressionMatrix readAllGenes(const Dataset& dataset, const std::vector<std::int64_t>& rows, double normalizeTotal,
                              bool log1p, const CancelToken& cancel = {}, std::size_t chunkRows = 4096);

// Per-gene sums of `rows`, read in chunks of `chunkRows` (bounded memory for
// large files). Returns a vector over space.genes.
std::vector<double> sumExpression(const Dataset& dataset, const std::vector<std::int64_t>& rows,
                                  const ExpressionSpace& space, std::int64_t chunkRows = 8192);

}  // namespace scdfm
