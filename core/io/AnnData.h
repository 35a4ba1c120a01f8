#pragma once
// In-memory AnnData: the plain data structures that H5adReader fills and
// H5adWriter stores. No HDF5 or torch types here, so every layer can use it.
#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace scdfm {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using SparseRowMatrixF = Eigen::SparseMatrix<float, Eigen::RowMajor, std::int64_t>;

// How a matrix was (or is to be) stored in the file.
enum class MatrixEncoding { Dense, Csr, Csc };
const char* toString(MatrixEncoding e);

// An expression matrix (cells x genes). Held as CSR when sparse (CSC input is
// converted on read) or dense row-major. `encoding` records the file layout.
struct ExpressionMatrix {
  MatrixEncoding encoding = MatrixEncoding::Csr;
  bool sparse = true;          // which of the two members below holds the data
  SparseRowMatrixF csr;        // used when sparse
  RowMatrixF dense;            // used when !sparse
  std::string fileDtype;       // e.g. "float32", "int64" (as stored)

  ExpressionMatrix() = default;
  ExpressionMatrix(const ExpressionMatrix&) = default;
  ExpressionMatrix& operator=(const ExpressionMatrix&) = default;
  // Eigen 3.4's SparseMatrix has no move constructor, so a defaulted move
  // would deep-copy the (possibly GB-sized) CSR arrays; swap them instead.
  ExpressionMatrix(ExpressionMatrix&& o) noexcept { *this = std::move(o); }
  ExpressionMatrix& operator=(ExpressionMatrix&& o) noexcept {
    encoding = o.encoding;
    sparse = o.sparse;
    csr.swap(o.csr);
    dense = std::move(o.dense);
    fileDtype = std::move(o.fileDtype);
    return *this;
  }

  std::int64_t rows() const { return sparse ? csr.rows() : dense.rows(); }
  std::int64_t cols() const { return sparse ? csr.cols() : dense.cols(); }
  // Densify (cells x genes); use only on subsets.
  RowMatrixF toDense() const;
};

// One dataframe column (obs or var).
struct Column {
  enum class Kind { Float, Int, Bool, String, Categorical };
  std::string name;
  Kind kind = Kind::Float;
  std::vector<double> floats;         // Float (NaN = missing)
  std::vector<std::int64_t> ints;     // Int
  std::vector<std::uint8_t> bools;    // Bool (0/1)
  std::vector<std::string> strings;   // String
  std::vector<std::int32_t> codes;    // Categorical: index into categories, -1 = missing
  std::vector<std::string> categories;
  bool ordered = false;               // Categorical
  std::vector<std::uint8_t> mask;     // nullable int/bool: 1 = missing (empty = none missing)
  std::string encoding;               // as found in the file, e.g. "categorical", "nullable-integer"

  std::size_t size() const;
  bool isMissing(std::size_t i) const;
  // Text of row i ("" when missing); numbers are formatted.
  std::string text(std::size_t i) const;
  // Numeric value of row i (NaN when missing or not numeric).
  double number(std::size_t i) const;
  const char* kindName() const;
};

// A categorical column from per-row labels, categories sorted as pandas builds
// them (pd.Categorical(values)); codes index the sorted categories.
Column categoricalColumn(const std::string& name, const std::vector<std::string>& values);

struct DataFrame {
  std::string indexName = "_index";
  std::vector<std::string> index;  // row names (cell barcodes / gene names)
  std::vector<Column> columns;

  std::size_t rows() const { return index.size(); }
  const Column* find(const std::string& name) const;
  Column* find(const std::string& name);
  // Throws InputError naming `what` (e.g. "obs") and the closest column names.
  const Column& at(const std::string& name, const std::string& what = "dataframe") const;
  // A subset of rows, in the given order.
  DataFrame selectRows(const std::vector<std::int64_t>& rows) const;
};

struct AnnData {
  std::optional<ExpressionMatrix> X;           // absent in some files
  DataFrame obs, var;
  std::map<std::string, RowMatrixF> obsm;      // e.g. X_umap, X_pca (float32 in memory)
  std::map<std::string, RowMatrixF> varm;
  std::map<std::string, ExpressionMatrix> layers;
  nlohmann::json uns = nlohmann::json::object();  // scalars, strings, arrays, nested groups

  std::int64_t nObs() const { return static_cast<std::int64_t>(obs.rows()); }
  std::int64_t nVars() const { return static_cast<std::int64_t>(var.rows()); }
};

}  // namespace scdfm
