#include "core/data/ExpressionCheck.h"

#include <cmath>
#include <fmt/format.h>

#include "core/data/Dataset.h"
#include "core/util/Error.h"

namespace scdfm {

void checkExpressionValues(const Dataset& dataset, const ExpressionMatrix& values, const std::vector<std::int64_t>& rows) {
  auto bad = [&](std::int64_t r, std::int64_t gene, float v) {
    const std::int64_t cell = rows[static_cast<std::size_t>(r)];
    const std::string what = std::isnan(v)   ? std::string("NaN")
                             : std::isinf(v) ? std::string("an infinite value")
                                             : fmt::format("the negative value {}", v);
    throw InputError(dataset.path(), "/X",
                     "cell '" + dataset.obs().index[static_cast<std::size_t>(cell)] + "' (row " +
                         std::to_string(cell) + ") has " + what + " for gene '" +
                         dataset.geneNames()[static_cast<std::size_t>(gene)] + "'",
                     "Expression must be counts or log-normalised values (finite, not negative); scaled data "
                     "(sc.pp.scale) cannot be used. Fix or drop those cells, or choose the raw counts");
  };
  auto ok = [](float v) { return std::isfinite(v) && v >= 0; };
  if (values.sparse) {
    for (std::int64_t r = 0; r < values.csr.outerSize(); ++r)
      for (SparseRowMatrixF::InnerIterator it(values.csr, r); it; ++it)
        if (!ok(it.value())) bad(r, it.col(), it.value());
  } else {
    for (std::int64_t r = 0; r < values.dense.rows(); ++r)
      for (std::int64_t j = 0; j < values.dense.cols(); ++j)
        if (!ok(values.dense(r, j))) bad(r, j, values.dense(r, j));
  }
}

}  // namespace scdfm
