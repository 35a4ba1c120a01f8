#include "core/io/H5adMatrixReader.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "core/io/Hdf5ParallelRead.h"
#include "core/io/Hdf5Read.h"
#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"

namespace scdfm::h5ad {
namespace {

using h5::Handle;
using h5::Ref;

constexpr hsize_t kChunkElems = hsize_t(16) << 20;  // entries per read when streaming
constexpr hsize_t kMaxGap = 4096;                     // read through gaps this small between row runs
constexpr const char* kRewriteHint = "Re-export the file from Python (adata.write_h5ad) or repair the matrix";

std::string rel(const std::string& absPath) { return absPath.substr(1); }

// Stored entries of a sparse result (value + column index each) and its row offsets.
void checkSparseSize(const std::string& file, const MatrixInfo& info, std::int64_t rows, std::int64_t nnz) {
  checkAllocation(file, info.path, static_cast<std::uint64_t>(nnz) + static_cast<std::uint64_t>(rows) + 1,
                  sizeof(float) + sizeof(std::int64_t), "reading " + std::to_string(nnz) + " stored entries");
}

struct SparseParts {
  Handle data, indices;
  std::vector<std::int64_t> indptr;
  std::string dataPath, indicesPath, indptrPath;
};

// Opens data/indices, reads and validates indptr (length major+1, starts
// >= 0, never decreases, ends within data).
SparseParts openSparse(const std::string& file, hid_t fileId, const MatrixInfo& info, bool largeCache) {
  SparseParts p;
  p.dataPath = info.path + "/data";
  p.indicesPath = info.path + "/indices";
  p.indptrPath = info.path + "/indptr";
  Ref dr{file, p.dataPath}, ir{file, p.indicesPath}, pr{file, p.indptrPath};
  p.data = h5::openDataset(dr, fileId, rel(p.dataPath), largeCache);
  p.indices = h5::openDataset(ir, fileId, rel(p.indicesPath), largeCache);
  Handle ptr = h5::openDataset(pr, fileId, rel(p.indptrPath));
  p.indptr = h5::readInt64(pr, ptr);
  const std::int64_t major = info.encoding == MatrixEncoding::Csr ? info.rows : info.cols;
  if (static_cast<std::int64_t>(p.indptr.size()) != major + 1)
    h5::fail(file, p.indptrPath,
             "has " + std::to_string(p.indptr.size()) + " entries but the shape needs " + std::to_string(major + 1),
             kRewriteHint);
  if (p.indptr.front() < 0)
    h5::fail(file, p.indptrPath, "starts at " + std::to_string(p.indptr.front()) + " (negative)", kRewriteHint);
  for (std::size_t i = 1; i < p.indptr.size(); ++i)
    if (p.indptr[i] < p.indptr[i - 1])
      h5::fail(file, p.indptrPath,
               "decreases at position " + std::to_string(i) + " (" + std::to_string(p.indptr[i - 1]) + " then " +
                   std::to_string(p.indptr[i]) + "); it must never decrease",
               kRewriteHint);
  if (p.indptr.back() > info.nnz)
    h5::fail(file, p.indptrPath,
             "ends at " + std::to_string(p.indptr.back()) + " but data has only " + std::to_string(info.nnz) +
                 " entries",
             kRewriteHint);
  return p;
}

void checkIndices(const std::string& file, const std::string& path, const std::int64_t* idx, std::size_t n,
                  std::int64_t limit, std::int64_t offset) {
  for (std::size_t i = 0; i < n; ++i)
    if (idx[i] < 0 || idx[i] >= limit)
      h5::fail(file, path,
               "entry " + std::to_string(offset + static_cast<std::int64_t>(i)) + " is " + std::to_string(idx[i]) +
                   ", outside 0.." + std::to_string(limit - 1),
               kRewriteHint);
}

// One pass over each row: column indices must lie in 0..cols-1, and Eigen
// (and our consumers) expect them ascending within a row. Most files have
// them sorted, so only the rows that need it are sorted.
void validateRows(const std::string& file, const std::string& indicesPath, SparseRowMatrixF& m,
                  std::int64_t fileOffset) {
  auto* outer = m.outerIndexPtr();
  auto* inner = m.innerIndexPtr();
  auto* val = m.valuePtr();
  const std::int64_t cols = m.cols();
  std::vector<std::pair<std::int64_t, float>> tmp;
  for (std::int64_t r = 0; r < m.rows(); ++r) {
    const auto b = outer[r], e = outer[r + 1];
    bool sorted = true;
    std::int64_t prev = -1;
    for (auto k = b; k < e; ++k) {
      const auto c = inner[k];
      if (c < 0 || c >= cols)
        h5::fail(file, indicesPath,
                 "entry " + std::to_string(fileOffset + k) + " is " + std::to_string(c) + ", outside 0.." +
                     std::to_string(cols - 1),
                 kRewriteHint);
      sorted &= c > prev;
      prev = c;
    }
    if (sorted) continue;
    tmp.clear();
    for (auto k = b; k < e; ++k) tmp.emplace_back(inner[k], val[k]);
    std::sort(tmp.begin(), tmp.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (auto k = b; k < e; ++k) {
      inner[k] = tmp[static_cast<std::size_t>(k - b)].first;
      val[k] = tmp[static_cast<std::size_t>(k - b)].second;
    }
  }
}

void checkRows(const std::string& file, const MatrixInfo& info, const std::vector<std::int64_t>& rows) {
  for (auto r : rows)
    if (r < 0 || r >= info.rows)
      throw InputError(file, info.path,
                       "row " + std::to_string(r) + " was requested but the matrix has " + std::to_string(info.rows) +
                           " rows",
                       "Select rows between 0 and n_obs - 1");
}

ExpressionMatrix emptyResult(const MatrixInfo& info) {
  ExpressionMatrix m;
  m.encoding = info.encoding;
  m.fileDtype = info.dtype;
  m.sparse = info.encoding != MatrixEncoding::Dense;
  return m;
}

ExpressionMatrix readCsr(const std::string& file, hid_t fileId, const MatrixInfo& info) {
  SparseParts p = openSparse(file, fileId, info, false);
  const std::int64_t base = p.indptr.front();
  const std::int64_t nnz = p.indptr.back() - base;
  checkSparseSize(file, info, info.rows, nnz);
  ExpressionMatrix out = emptyResult(info);
  out.csr.resize(info.rows, info.cols);
  out.csr.resizeNonZeros(nnz);
  auto* outer = out.csr.outerIndexPtr();
  for (std::size_t i = 0; i < p.indptr.size(); ++i) outer[i] = p.indptr[i] - base;
  Ref dr{file, p.dataPath}, ir{file, p.indicesPath};
  h5::readRangeFast(dr, p.data, h5::Target::Float32, static_cast<hsize_t>(base), static_cast<hsize_t>(nnz),
                    out.csr.valuePtr());
  h5::readRangeFast(ir, p.indices, h5::Target::Int64, static_cast<hsize_t>(base), static_cast<hsize_t>(nnz),
                    out.csr.innerIndexPtr());
  validateRows(file, p.indicesPath, out.csr, base);
  return out;
}

ExpressionMatrix readCsrRows(const std::string& file, hid_t fileId, const MatrixInfo& info,
                             const std::vector<std::int64_t>& rows) {
  SparseParts p = openSparse(file, fileId, info, true);
  const std::size_t n = rows.size();
  ExpressionMatrix out = emptyResult(info);
  out.csr.resize(static_cast<std::int64_t>(n), info.cols);
  auto outerVec = std::vector<std::int64_t>(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    auto r = static_cast<std::size_t>(rows[i]);
    outerVec[i + 1] = outerVec[i] + (p.indptr[r + 1] - p.indptr[r]);
  }
  checkSparseSize(file, info, static_cast<std::int64_t>(n), outerVec[n]);
  out.csr.resizeNonZeros(outerVec[n]);
  std::copy(outerVec.begin(), outerVec.end(), out.csr.outerIndexPtr());
  // Visit the requests in file order and read coalesced runs.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rows[a] < rows[b]; });
  std::vector<float> vbuf;
  std::vector<std::int64_t> ibuf;
  Ref dr{file, p.dataPath}, ir{file, p.indicesPath};
  std::size_t k = 0;
  while (k < n) {
    const std::int64_t spanStart = p.indptr[static_cast<std::size_t>(rows[order[k]])];
    std::int64_t spanEnd = p.indptr[static_cast<std::size_t>(rows[order[k]]) + 1];
    std::size_t j = k + 1;
    while (j < n) {
      auto r = static_cast<std::size_t>(rows[order[j]]);
      if (p.indptr[r] - spanEnd > static_cast<std::int64_t>(kMaxGap)) break;
      if (p.indptr[r + 1] - spanStart > static_cast<std::int64_t>(kChunkElems)) break;
      spanEnd = std::max(spanEnd, p.indptr[r + 1]);
      ++j;
    }
    const auto cnt = static_cast<std::size_t>(spanEnd - spanStart);
    if (cnt > 0) {
      vbuf.resize(cnt);
      ibuf.resize(cnt);
      h5::readRange(dr, p.data, H5T_NATIVE_FLOAT, static_cast<hsize_t>(spanStart), cnt, vbuf.data());
      h5::readRange(ir, p.indices, H5T_NATIVE_INT64, static_cast<hsize_t>(spanStart), cnt, ibuf.data());
      for (std::size_t t = k; t < j; ++t) {
        const std::size_t req = order[t];
        auto r = static_cast<std::size_t>(rows[req]);
        const auto from = static_cast<std::size_t>(p.indptr[r] - spanStart);
        const auto len = static_cast<std::size_t>(p.indptr[r + 1] - p.indptr[r]);
        std::memcpy(out.csr.valuePtr() + outerVec[req], vbuf.data() + from, len * sizeof(float));
        std::memcpy(out.csr.innerIndexPtr() + outerVec[req], ibuf.data() + from, len * sizeof(std::int64_t));
      }
    }
    k = j;
  }
  validateRows(file, p.indicesPath, out.csr, 0);
  return out;
}

// CSC -> CSR, keeping only the requested rows (all rows when `rows` is null).
ExpressionMatrix readCscAsCsr(const std::string& file, hid_t fileId, const MatrixInfo& info,
                              const std::vector<std::int64_t>* rows) {
  SparseParts p = openSparse(file, fileId, info, false);
  // The shape's row count is not tied to indptr's length here (CSC): bound it.
  checkAllocation(file, info.path, static_cast<std::uint64_t>(info.rows) + (rows ? rows->size() : 0),
                  sizeof(std::int64_t) + sizeof(std::vector<int>), "converting this CSC matrix to rows");
  // outRows[r] = output positions of file row r (several when duplicated).
  std::vector<std::int64_t> firstPos(static_cast<std::size_t>(info.rows), -1), nextPos;
  std::int64_t nOut = info.rows;
  if (rows) {
    nOut = static_cast<std::int64_t>(rows->size());
    nextPos.assign(rows->size(), -1);
    for (std::size_t i = rows->size(); i-- > 0;) {
      auto r = static_cast<std::size_t>((*rows)[i]);
      nextPos[i] = firstPos[r];
      firstPos[r] = static_cast<std::int64_t>(i);
    }
  }
  // Two passes over the columns would re-read the file; instead collect
  // (row, col, value) per output row in one pass, columns ascending.
  std::vector<std::vector<std::pair<std::int64_t, float>>> perRow(static_cast<std::size_t>(nOut));
  Ref dr{file, p.dataPath}, ir{file, p.indicesPath};
  std::vector<float> vbuf;
  std::vector<std::int64_t> ibuf;
  std::int64_t col = 0;
  const std::int64_t begin = p.indptr.front(), end = p.indptr.back();
  for (std::int64_t off = begin; off < end; off += static_cast<std::int64_t>(kChunkElems)) {
    const auto cnt = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(kChunkElems), end - off));
    vbuf.resize(cnt);
    ibuf.resize(cnt);
    h5::readRangeFast(dr, p.data, h5::Target::Float32, static_cast<hsize_t>(off), cnt, vbuf.data());
    h5::readRangeFast(ir, p.indices, h5::Target::Int64, static_cast<hsize_t>(off), cnt, ibuf.data());
    checkIndices(file, p.indicesPath, ibuf.data(), cnt, info.rows, off);
    for (std::size_t t = 0; t < cnt; ++t) {
      const std::int64_t e = off + static_cast<std::int64_t>(t);
      while (p.indptr[static_cast<std::size_t>(col) + 1] <= e) ++col;
      const auto r = ibuf[t];
      if (!rows) {
        perRow[static_cast<std::size_t>(r)].emplace_back(col, vbuf[t]);
        continue;
      }
      for (auto pos = firstPos[static_cast<std::size_t>(r)]; pos >= 0; pos = nextPos[static_cast<std::size_t>(pos)])
        perRow[static_cast<std::size_t>(pos)].emplace_back(col, vbuf[t]);
    }
  }
  ExpressionMatrix out = emptyResult(info);
  out.csr.resize(nOut, info.cols);
  std::int64_t nnz = 0;
  for (const auto& r : perRow) nnz += static_cast<std::int64_t>(r.size());
  out.csr.resizeNonZeros(nnz);
  auto* outer = out.csr.outerIndexPtr();
  std::int64_t at = 0;
  for (std::size_t r = 0; r < perRow.size(); ++r) {
    outer[r] = at;
    for (const auto& [c, v] : perRow[r]) {
      out.csr.innerIndexPtr()[at] = c;
      out.csr.valuePtr()[at] = v;
      ++at;
    }
    std::vector<std::pair<std::int64_t, float>>().swap(perRow[r]);
  }
  outer[perRow.size()] = at;
  return out;
}

ExpressionMatrix readDense(const std::string& file, hid_t fileId, const MatrixInfo& info) {
  Ref at{file, info.path};
  Handle d = h5::openDataset(at, fileId, rel(info.path));
  checkAllocation(file, info.path, info.rows, info.cols, sizeof(float), "reading this matrix");
  ExpressionMatrix out = emptyResult(info);
  out.dense.resize(info.rows, info.cols);
  // Row blocks keep HDF5's conversion buffers small for float64/int files.
  const hsize_t rowsPerRead = std::max<hsize_t>(1, kChunkElems / static_cast<hsize_t>(std::max<std::int64_t>(info.cols, 1)));
  for (hsize_t r = 0; r < static_cast<hsize_t>(info.rows); r += rowsPerRead) {
    hsize_t cnt = std::min<hsize_t>(rowsPerRead, static_cast<hsize_t>(info.rows) - r);
    h5::readRows(at, d, H5T_NATIVE_FLOAT, r, cnt, static_cast<hsize_t>(info.cols), out.dense.data() + r * info.cols);
  }
  return out;
}

ExpressionMatrix readDenseRows(const std::string& file, hid_t fileId, const MatrixInfo& info,
                               const std::vector<std::int64_t>& rows) {
  Ref at{file, info.path};
  Handle d = h5::openDataset(at, fileId, rel(info.path), true);
  checkAllocation(file, info.path, rows.size(), info.cols, sizeof(float), "reading these rows");
  ExpressionMatrix out = emptyResult(info);
  out.dense.resize(static_cast<std::int64_t>(rows.size()), info.cols);
  std::size_t i = 0;
  while (i < rows.size()) {
    std::size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    h5::readRows(at, d, H5T_NATIVE_FLOAT, static_cast<hsize_t>(rows[i]), j - i, static_cast<hsize_t>(info.cols),
                 out.dense.data() + static_cast<std::int64_t>(i) * info.cols);
    i = j;
  }
  return out;
}

}  // namespace

MatrixInfo probeMatrix(const std::string& file, hid_t fileId, const std::string& path) {
  MatrixInfo info;
  info.path = path;
  Ref at{file, path};
  const std::string r = rel(path);
  if (h5::isDataset(fileId, r)) {
    Handle d = h5::openDataset(at, fileId, r);
    auto shape = h5::shapeOf(at, d);
    Handle t = h5::datasetType(at, d);
    auto k = h5::elemKind(t);
    if (k != h5::ElemKind::Float && k != h5::ElemKind::Integer && k != h5::ElemKind::Unsigned)
      h5::fail(file, path, "is a dataset of " + h5::dtypeName(t) + ", not a numeric matrix",
               "Store the matrix as float or integer values");
    if (shape.size() != 2)
      h5::fail(file, path, "has " + std::to_string(shape.size()) + " dimensions; a matrix needs 2",
               "Store the matrix as cells x genes");
    info.encoding = MatrixEncoding::Dense;
    info.dtype = h5::dtypeName(t);
    info.rows = static_cast<std::int64_t>(shape[0]);
    info.cols = static_cast<std::int64_t>(shape[1]);
    return info;
  }
  if (!h5::isGroup(fileId, r)) h5::fail(file, path, "does not exist or is not a matrix");
  Handle g = h5::openGroup(at, fileId, r);
  std::string enc = h5::encodingType(at, g);
  std::vector<std::int64_t> shape;
  if (enc == "csr_matrix" || enc == "csc_matrix") {
    info.encoding = enc == "csr_matrix" ? MatrixEncoding::Csr : MatrixEncoding::Csc;
    shape = h5::intArrayAttr(at, g, "shape");
  } else if (enc.empty() && h5::hasAttr(g, "h5sparse_format")) {
    // anndata < 0.7 (h5sparse): format "csr"/"csc", shape in h5sparse_shape.
    std::string fmt = h5::stringAttr(at, g, "h5sparse_format").value_or("");
    if (fmt != "csr" && fmt != "csc")
      h5::fail(file, path, "has h5sparse_format '" + fmt + "'; only csr and csc are supported",
               "Convert the matrix to CSR with scipy and re-save");
    info.encoding = fmt == "csr" ? MatrixEncoding::Csr : MatrixEncoding::Csc;
    shape = h5::intArrayAttr(at, g, "h5sparse_shape");
  } else {
    h5::fail(file, path,
             enc.empty() ? std::string("is a group without an encoding-type; it is not a matrix this reader knows")
                         : "has encoding-type '" + enc + "'; supported are dense arrays, csr_matrix and csc_matrix",
             "Convert it to a dense array or a scipy CSR matrix and re-save with anndata");
  }
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0)
    h5::fail(file, path, "has no valid 'shape' attribute (two non-negative integers)", kRewriteHint);
  info.rows = shape[0];
  info.cols = shape[1];
  for (const char* part : {"data", "indices", "indptr"})
    if (!h5::isDataset(g, part))
      h5::fail(file, path + "/" + part, "is missing; a sparse matrix needs data, indices and indptr", kRewriteHint);
  Ref dr{file, path + "/data"}, ir{file, path + "/indices"}, pr{file, path + "/indptr"};
  Handle data = h5::openDataset(dr, g, "data");
  Handle indices = h5::openDataset(ir, g, "indices");
  Handle indptr = h5::openDataset(pr, g, "indptr");
  auto ds = h5::shapeOf(dr, data), is = h5::shapeOf(ir, indices), ps = h5::shapeOf(pr, indptr);
  if (ds.size() != 1 || is.size() != 1 || ps.size() != 1)
    h5::fail(file, path, "data, indices and indptr must be 1-D arrays", kRewriteHint);
  if (ds[0] != is[0])
    h5::fail(file, path + "/indices",
             "has " + std::to_string(is[0]) + " entries but data has " + std::to_string(ds[0]), kRewriteHint);
  const std::int64_t major = info.encoding == MatrixEncoding::Csr ? info.rows : info.cols;
  if (static_cast<std::int64_t>(ps[0]) != major + 1)
    h5::fail(file, path + "/indptr",
             "has " + std::to_string(ps[0]) + " entries but the shape (" + std::to_string(info.rows) + " x " +
                 std::to_string(info.cols) + ") needs " + std::to_string(major + 1),
             kRewriteHint);
  Handle dt = h5::datasetType(dr, data);
  Handle it = h5::datasetType(ir, indices);
  auto ik = h5::elemKind(it);
  if (ik != h5::ElemKind::Integer && ik != h5::ElemKind::Unsigned)
    h5::fail(file, path + "/indices", "holds " + h5::dtypeName(it) + "; indices must be integers", kRewriteHint);
  auto dk = h5::elemKind(dt);
  if (dk != h5::ElemKind::Float && dk != h5::ElemKind::Integer && dk != h5::ElemKind::Unsigned)
    h5::fail(file, path + "/data", "holds " + h5::dtypeName(dt) + "; expression values must be numbers", kRewriteHint);
  info.dtype = h5::dtypeName(dt);
  info.nnz = static_cast<std::int64_t>(ds[0]);
  return info;
}

ExpressionMatrix readMatrix(const std::string& file, hid_t fileId, const MatrixInfo& info) {
  switch (info.encoding) {
    case MatrixEncoding::Dense:
      return readDense(file, fileId, info);
    case MatrixEncoding::Csr:
      return readCsr(file, fileId, info);
    case MatrixEncoding::Csc:
      return readCscAsCsr(file, fileId, info, nullptr);
  }
  throw InternalError("unknown matrix encoding");
}

ExpressionMatrix readMatrixRows(const std::string& file, hid_t fileId, const MatrixInfo& info,
                                const std::vector<std::int64_t>& rows) {
  checkRows(file, info, rows);
  switch (info.encoding) {
    case MatrixEncoding::Dense:
      return readDenseRows(file, fileId, info, rows);
    case MatrixEncoding::Csr:
      return readCsrRows(file, fileId, info, rows);
    case MatrixEncoding::Csc:
      return readCscAsCsr(file, fileId, info, &rows);
  }
  throw InternalError("unknown matrix encoding");
}

}  // namespace scdfm::h5ad
