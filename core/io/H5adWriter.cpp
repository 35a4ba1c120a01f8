// Writes the AnnData 0.8+ layout (anndata 0.1.0 container; dataframe 0.2.0,
// categorical 0.2.0, string-array 0.2.0, csr_matrix 0.1.0, array 0.2.0,
// dict 0.1.0, nullable-integer/boolean 0.1.0), matching what anndata 0.8
// itself writes so that read_h5ad opens it without warnings.
#include "core/io/H5adWriter.h"

#include <limits>

#include "core/io/Hdf5Read.h"
#include "core/io/Hdf5Write.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

using h5::Handle;
using h5::WriteCtx;

std::string join(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

void writeMatrix(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                 const ExpressionMatrix& m) {
  if (!m.sparse) {
    std::vector<hsize_t> dims{static_cast<hsize_t>(m.dense.rows()), static_cast<hsize_t>(m.dense.cols())};
    Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, dims, m.dense.data());
    h5::setEncoding(c, d, "array", "0.2.0", path);
    return;
  }
  SparseRowMatrixF compressedCopy;
  const SparseRowMatrixF* csr = &m.csr;
  if (!m.csr.isCompressed()) {
    compressedCopy = m.csr;
    compressedCopy.makeCompressed();
    csr = &compressedCopy;
  }
  const auto nnz = static_cast<hsize_t>(csr->nonZeros());
  const auto rows = static_cast<hsize_t>(csr->rows());
  Handle g = h5::createGroup(c, loc, name, path);
  h5::setEncoding(c, g, "csr_matrix", "0.1.0", path);
  h5::setIntArrayAttr(c, g, "shape", {csr->rows(), csr->cols()}, path);
  Handle d = h5::writeArray(c, g, "data", path + "/data", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {nnz}, csr->valuePtr());
  // scipy uses int32 indices whenever they fit; HDF5 narrows while writing.
  const bool small = csr->cols() < std::numeric_limits<std::int32_t>::max() &&
                     nnz < static_cast<hsize_t>(std::numeric_limits<std::int32_t>::max());
  hid_t idxType = small ? H5T_STD_I32LE : H5T_STD_I64LE;
  Handle i = h5::writeArray(c, g, "indices", path + "/indices", H5T_NATIVE_INT64, idxType, {nnz}, csr->innerIndexPtr());
  Handle p = h5::writeArray(c, g, "indptr", path + "/indptr", H5T_NATIVE_INT64, idxType, {rows + 1},
                            csr->outerIndexPtr());
}

void writeDenseMatrix(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                      const RowMatrixF& m) {
  std::vector<hsize_t> dims{static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())};
  Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, dims, m.data());
  h5::setEncoding(c, d, "array", "0.2.0", path);
}

void writeInt64Array(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                     const std::vector<std::int64_t>& v) {
  Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_INT64, H5T_STD_I64LE, {v.size()}, v.data());
  h5::setEncoding(c, d, "array", "0.2.0", path);
}

void writeColumn(const WriteCtx& c, hid_t df, const std::string& dfPath, const Column& col, std::size_t rows) {
  const std::string path = join(dfPath, col.name);
  if (col.size() != rows)
    throw InputError(c.file, path,
                     "column has " + std::to_string(col.size()) + " values but the dataframe has " +
                         std::to_string(rows) + " rows",
                     "Make every column as long as the index");
  const bool nullable = !col.mask.empty() || col.encoding.rfind("nullable", 0) == 0;
  switch (col.kind) {
    case Column::Kind::Float: {
      Handle d = h5::writeArray(c, df, col.name, path, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {col.floats.size()},
                                col.floats.data());
      h5::setEncoding(c, d, "array", "0.2.0", path);
      return;
    }
    case Column::Kind::Int:
    case Column::Kind::Bool: {
      const bool isInt = col.kind == Column::Kind::Int;
      if (!nullable) {
        if (isInt)
          writeInt64Array(c, df, col.name, path, col.ints);
        else
          h5::writeBoolArray(c, df, col.name, path, col.bools);
        return;
      }
      Handle g = h5::createGroup(c, df, col.name, path);
      h5::setEncoding(c, g, isInt ? "nullable-integer" : "nullable-boolean", "0.1.0", path);
      std::vector<std::uint8_t> mask = col.mask;
      mask.resize(rows, 0);
      h5::writeBoolArray(c, g, "mask", path + "/mask", mask);
      if (isInt)
        writeInt64Array(c, g, "values", path + "/values", col.ints);
      else
        h5::writeBoolArray(c, g, "values", path + "/values", col.bools);
      return;
    }
    case Column::Kind::String:
      h5::writeStringArray(c, df, col.name, path, col.strings);
      return;
    case Column::Kind::Categorical: {
      const auto nCat = static_cast<std::int64_t>(col.categories.size());
      for (std::size_t i = 0; i < col.codes.size(); ++i)
        if (col.codes[i] < -1 || col.codes[i] >= nCat)
          throw InputError(c.file, path,
                           "code " + std::to_string(col.codes[i]) + " at row " + std::to_string(i) +
                               " is outside the " + std::to_string(nCat) + " categories",
                           "Use -1 for missing values");
      Handle g = h5::createGroup(c, df, col.name, path);
      h5::setEncoding(c, g, "categorical", "0.2.0", path);
      h5::setBoolAttr(c, g, "ordered", col.ordered, path);
      // pandas picks the smallest signed code type; so do we.
      hid_t codeType = nCat < 128 ? H5T_STD_I8LE : nCat < 32768 ? H5T_STD_I16LE : H5T_STD_I32LE;
      Handle d = h5::writeArray(c, g, "codes", path + "/codes", H5T_NATIVE_INT32, codeType, {col.codes.size()},
                                col.codes.data());
      h5::setEncoding(c, d, "array", "0.2.0", path + "/codes");
      h5::writeStringArray(c, g, "categories", path + "/categories", col.categories);
      return;
    }
  }
}

void writeDataFrame(const WriteCtx& c, hid_t root, const std::string& name, const DataFrame& df) {
  const std::string path = "/" + name;
  Handle g = h5::createGroup(c, root, name, path);
  h5::setEncoding(c, g, "dataframe", "0.2.0", path);
  const std::string indexName = df.indexName.empty() ? "_index" : df.indexName;
  h5::setStringAttr(c, g, "_index", indexName, path);
  std::vector<std::string> order;
  for (const auto& col : df.columns) {
    if (col.name == indexName || col.name == "_index")
      throw InputError(c.file, join(path, col.name), "a column has the same name as the index",
                       "Rename the column");
    order.push_back(col.name);
  }
  h5::setStringArrayAttr(c, g, "column-order", order, path);
  h5::writeStringArray(c, g, indexName, join(path, indexName), df.index);
  for (const auto& col : df.columns) writeColumn(c, g, path, col, df.rows());
}

void writeJson(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
               const nlohmann::json& j);

void writeJsonObject(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                     const nlohmann::json& obj) {
  Handle g = h5::createGroup(c, loc, name, path);
  h5::setEncoding(c, g, "dict", "0.1.0", path);
  for (auto it = obj.begin(); it != obj.end(); ++it) writeJson(c, g, it.key(), join(path, it.key()), it.value());
}

// JSON arrays map to typed arrays when homogeneous: strings -> string-array,
// bools -> bool array, numbers -> int64/float64, equal-length rows of numbers
// -> 2-D arrays. Anything else becomes a dict keyed "0", "1", ...
void writeJsonArray(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
                    const nlohmann::json& arr) {
  bool allStr = true, allBool = true, allNum = true, allInt = true, allRows = true;
  std::size_t rowLen = arr.empty() || !arr.front().is_array() ? 0 : arr.front().size();
  for (const auto& v : arr) {
    allStr &= v.is_string();
    allBool &= v.is_boolean();
    allNum &= v.is_number();
    allInt &= v.is_number_integer();
    bool numRow = v.is_array() && v.size() == rowLen && rowLen > 0;
    if (numRow)
      for (const auto& x : v) numRow &= x.is_number();
    allRows &= numRow;
  }
  if (arr.empty()) {
    double dummy = 0;
    Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {0}, &dummy);
    h5::setEncoding(c, d, "array", "0.2.0", path);
  } else if (allStr) {
    h5::writeStringArray(c, loc, name, path, arr.get<std::vector<std::string>>());
  } else if (allBool) {
    std::vector<std::uint8_t> b;
    for (const auto& v : arr) b.push_back(v.get<bool>() ? 1 : 0);
    h5::writeBoolArray(c, loc, name, path, b);
  } else if (allNum && allInt) {
    writeInt64Array(c, loc, name, path, arr.get<std::vector<std::int64_t>>());
  } else if (allNum) {
    auto v = arr.get<std::vector<double>>();
    Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {v.size()}, v.data());
    h5::setEncoding(c, d, "array", "0.2.0", path);
  } else if (allRows) {
    std::vector<double> flat;
    for (const auto& row : arr)
      for (const auto& x : row) flat.push_back(x.get<double>());
    Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {arr.size(), rowLen},
                              flat.data());
    h5::setEncoding(c, d, "array", "0.2.0", path);
  } else {
    Handle g = h5::createGroup(c, loc, name, path);
    h5::setEncoding(c, g, "dict", "0.1.0", path);
    for (std::size_t i = 0; i < arr.size(); ++i)
      writeJson(c, g, std::to_string(i), join(path, std::to_string(i)), arr[i]);
  }
}

void writeJson(const WriteCtx& c, hid_t loc, const std::string& name, const std::string& path,
               const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      writeJsonObject(c, loc, name, path, j);
      break;
    case nlohmann::json::value_t::array:
      writeJsonArray(c, loc, name, path, j);
      break;
    case nlohmann::json::value_t::string:
      h5::writeStringScalar(c, loc, name, path, j.get<std::string>());
      break;
    case nlohmann::json::value_t::boolean: {
      Handle t = h5::boolType();
      std::int8_t v = j.get<bool>() ? 1 : 0;
      Handle d = h5::writeArray(c, loc, name, path, t, t, {}, &v);
      h5::setEncoding(c, d, "numeric-scalar", "0.2.0", path);
      break;
    }
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: {
      std::int64_t v = j.get<std::int64_t>();
      Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_INT64, H5T_STD_I64LE, {}, &v);
      h5::setEncoding(c, d, "numeric-scalar", "0.2.0", path);
      break;
    }
    case nlohmann::json::value_t::number_float: {
      double v = j.get<double>();
      Handle d = h5::writeArray(c, loc, name, path, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {}, &v);
      h5::setEncoding(c, d, "numeric-scalar", "0.2.0", path);
      break;
    }
    default:  // null / binary: anndata has no encoding for None; leave the key out.
      break;
  }
}

void checkShapes(const std::string& file, const AnnData& a) {
  auto check = [&](const std::string& where, std::int64_t got, std::int64_t want, const char* what) {
    if (got != want)
      throw InputError(file, where,
                       std::string("has ") + std::to_string(got) + " " + what + " but the data has " +
                           std::to_string(want),
                       "Make the matrix match obs (cells) and var (genes)");
  };
  if (a.X) {
    check("/X", a.X->rows(), a.nObs(), "rows");
    check("/X", a.X->cols(), a.nVars(), "columns");
  }
  for (const auto& [k, m] : a.layers) {
    check("/layers/" + k, m.rows(), a.nObs(), "rows");
    check("/layers/" + k, m.cols(), a.nVars(), "columns");
  }
  for (const auto& [k, m] : a.obsm) check("/obsm/" + k, m.rows(), a.nObs(), "rows");
  for (const auto& [k, m] : a.varm) check("/varm/" + k, m.rows(), a.nVars(), "rows");
}

}  // namespace

void writeH5ad(const std::string& path, const AnnData& adata, const H5adWriteOptions& options) {
  h5::prepareLibrary();
  checkShapes(path, adata);
  if (!adata.uns.is_object())
    throw InputError(path, "/uns", "uns must be a JSON object", "Wrap the values in an object");
  writeFileAtomically(path, [&](const std::string& tmp) {
    WriteCtx c{path, options.compress};
    Handle f = h5::fileHandle(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!f.valid())
      throw InputError(path, "", "cannot create the file: " + h5::errorStackText(),
                       "Check that the folder exists and is writable");
    h5::setEncoding(c, f, "anndata", "0.1.0", "/");
    if (adata.X) writeMatrix(c, f, "X", "/X", *adata.X);
    writeDataFrame(c, f, "obs", adata.obs);
    writeDataFrame(c, f, "var", adata.var);
    {
      Handle g = h5::createGroup(c, f, "layers", "/layers");
      h5::setEncoding(c, g, "dict", "0.1.0", "/layers");
      for (const auto& [k, m] : adata.layers) writeMatrix(c, g, k, "/layers/" + k, m);
    }
    for (const char* name : {"obsm", "varm"}) {
      const auto& maps = std::string(name) == "obsm" ? adata.obsm : adata.varm;
      const std::string gp = std::string("/") + name;
      Handle g = h5::createGroup(c, f, name, gp);
      h5::setEncoding(c, g, "dict", "0.1.0", gp);
      for (const auto& [k, m] : maps) writeDenseMatrix(c, g, k, gp + "/" + k, m);
    }
    for (const char* name : {"obsp", "varp"}) {
      Handle g = h5::createGroup(c, f, name, std::string("/") + name);
      h5::setEncoding(c, g, "dict", "0.1.0", std::string("/") + name);
    }
    writeJsonObject(c, f, "uns", "/uns", adata.uns);
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || H5Fclose(f.release()) < 0)
      throw InputError(path, "", "cannot finish writing: " + h5::errorStackText(),
                       "Check that the disk is not full");
  });
}

}  // namespace scdfm
