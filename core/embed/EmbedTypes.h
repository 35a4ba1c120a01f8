#pragma once
// Matrix types exchanged by the embedding engine. They are the same types as
// core/io/AnnData.h declares (an alias may be redeclared with the same type),
// repeated here because core/embed depends on core/util only.
#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>

namespace scdfm {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using SparseRowMatrixF = Eigen::SparseMatrix<float, Eigen::RowMajor, std::int64_t>;

}  // namespace scdfm
