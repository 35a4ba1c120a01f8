#pragma once
// Expression a model reads (to predict, train, evaluate or embed) must be
// finite and non-negative: counts or log-normalised values. NaN, infinities
// and negative values (scaled data, z-scores) would silently poison every
// prediction, so they are an InputError naming the file, the first bad cell
// and the gene.
#include <cstdint>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

class Dataset;

// `values` holds the dataset's cells `rows` (in that order), all genes.
void checkExpressionValues(const Dataset& dataset, const ExpressionMatrix& values, const std::vector<std::int64_t>& rows);

}  // namespace scdfm
