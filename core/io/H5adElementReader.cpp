#include "core/io/H5adElementReader.h"

#include <algorithm>

#include "core/io/H5adDataFrameReader.h"
#include "core/io/H5adMatrixReader.h"
#include "core/io/Hdf5Read.h"
#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"

namespace scdfm::h5ad {
namespace {

using h5::Handle;
using h5::Ref;
using nlohmann::json;

// Row-major flat values -> nested JSON arrays following `shape`.
template <typename T>
json nest(const std::vector<T>& flat, const std::vector<hsize_t>& shape, std::size_t dim, std::size_t& pos) {
  json a = json::array();
  for (hsize_t i = 0; i < shape[dim]; ++i) {
    if (dim + 1 == shape.size())
      a.push_back(flat[pos++]);
    else
      a.push_back(nest(flat, shape, dim + 1, pos));
  }
  return a;
}

template <typename T>
json shaped(const std::vector<T>& flat, const std::vector<hsize_t>& shape) {
  if (shape.empty()) return flat.empty() ? json() : json(flat.front());
  // No values: a shape like (10^12, 0) must not become 10^12 empty lists.
  if (flat.empty()) return json::array();
  std::size_t pos = 0;
  return nest(flat, shape, 0, pos);
}

json datasetJson(const Ref& at, hid_t ds) {
  Handle t = h5::datasetType(at, ds);
  auto shape = h5::shapeOf(at, ds);
  switch (h5::elemKind(t)) {
    case h5::ElemKind::String:
      return shaped(h5::readStrings(at, ds), shape);
    case h5::ElemKind::Bool: {
      auto b = h5::readBools(at, ds);
      std::vector<bool> v(b.begin(), b.end());
      return shaped(v, shape);
    }
    case h5::ElemKind::Integer:
    case h5::ElemKind::Unsigned:
      return shaped(h5::readInt64(at, ds), shape);
    case h5::ElemKind::Float:
      return shaped(h5::readDoubles(at, ds), shape);
    case h5::ElemKind::Compound: {
      // rec-array: one object per record.
      auto fields = h5::compoundFields(at, ds);
      json cols = json::object();
      for (const auto& f : fields) {
        Handle ft = h5::datasetType(at, ds, f);
        auto k = h5::elemKind(ft);
        if (k == h5::ElemKind::String)
          cols[f] = h5::readStrings(at, ds, f);
        else if (k == h5::ElemKind::Integer || k == h5::ElemKind::Unsigned)
          cols[f] = h5::readInt64(at, ds, f);
        else if (k == h5::ElemKind::Float || k == h5::ElemKind::Bool)
          cols[f] = h5::readDoubles(at, ds, f);
      }
      json rows = json::array();
      const auto n = static_cast<std::size_t>(h5::lengthOf(at, ds));
      for (std::size_t i = 0; i < n; ++i) {
        json r = json::object();
        for (auto it = cols.begin(); it != cols.end(); ++it) r[it.key()] = it.value()[i];
        rows.push_back(std::move(r));
      }
      return rows;
    }
    default:
      return "<unsupported HDF5 type " + h5::dtypeName(t) + ">";
  }
}

json columnJson(const Column& c) {
  json a = json::array();
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.isMissing(i))
      a.push_back(nullptr);
    else if (c.kind == Column::Kind::String || c.kind == Column::Kind::Categorical)
      a.push_back(c.text(i));
    else if (c.kind == Column::Kind::Int)
      a.push_back(c.ints[i]);
    else if (c.kind == Column::Kind::Bool)
      a.push_back(c.bools[i] != 0);
    else
      a.push_back(c.floats[i]);
  }
  return a;
}

}  // namespace

json readJsonElement(const std::string& file, hid_t loc, const std::string& relName, const std::string& absPath,
                     int depth) {
  Ref at{file, absPath};
  if (depth > 64)
    h5::fail(file, absPath, "is nested more than 64 groups deep (a group that links back to its parent?)",
             "Re-export the file with anndata (adata.write_h5ad)");
  if (h5::isDataset(loc, relName)) {
    Handle ds = h5::openDataset(at, loc, relName);
    return datasetJson(at, ds);
  }
  Handle g = h5::openGroup(at, loc, relName);
  std::string enc = h5::encodingType(at, g);
  if (enc == "categorical") {
    Handle codesDs = h5::openDataset(at.child("codes"), g, "codes");
    Handle catsDs = h5::openDataset(at.child("categories"), g, "categories");
    auto codes = h5::readInt64(at.child("codes"), codesDs);
    auto cats = h5::readStrings(at.child("categories"), catsDs);
    json a = json::array();
    for (auto c : codes) {
      if (c >= 0 && c < static_cast<std::int64_t>(cats.size()))
        a.push_back(cats[static_cast<std::size_t>(c)]);
      else
        a.push_back(nullptr);
    }
    return a;
  }
  if (enc == "nullable-integer" || enc == "nullable-boolean") {
    json v = readJsonElement(file, g, "values", at.child("values").path, depth + 1);
    if (h5::isDataset(g, "mask")) {
      Handle m = h5::openDataset(at.child("mask"), g, "mask");
      auto mask = h5::readBools(at.child("mask"), m);
      for (std::size_t i = 0; i < mask.size() && i < v.size(); ++i)
        if (mask[i]) v[i] = nullptr;
    }
    return v;
  }
  if (enc == "dataframe") {
    // Needs the file id and absolute name; the dataframe reader works from the root.
    hid_t fileId = H5Iget_file_id(g);
    Handle fh = h5::fileHandle(fileId);
    DataFrame df = readDataFrame(file, fh, absPath.substr(1));
    json o = json::object();
    o[df.indexName] = df.index;
    for (const auto& c : df.columns) o[c.name] = columnJson(c);
    return o;
  }
  if (enc == "csr_matrix" || enc == "csc_matrix" || enc == "awkward-array") {
    auto shape = h5::intArrayAttr(at, g, "shape");
    std::string s = "<" + enc;
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : " ") + std::to_string(shape[i]);
    return s + ", not loaded into uns>";
  }
  json o = json::object();
  for (const auto& name : h5::childNames(at, g)) o[name] = readJsonElement(file, g, name, at.child(name).path, depth + 1);
  return o;
}

std::vector<std::string> embeddingKeys(const std::string& file, hid_t fileId, const std::string& group) {
  Ref at{file, "/" + group};
  if (h5::isGroup(fileId, group)) {
    Handle g = h5::openGroup(at, fileId, group);
    return h5::childNames(at, g);
  }
  if (h5::isDataset(fileId, group)) {
    Handle ds = h5::openDataset(at, fileId, group);
    return h5::compoundFields(at, ds);
  }
  return {};
}

RowMatrixF readEmbedding(const std::string& file, hid_t fileId, const std::string& group, const std::string& key,
                         std::int64_t expectedRows) {
  const std::string rel = group + "/" + key;
  Ref at{file, "/" + rel};
  RowMatrixF out;
  auto checkRows = [&](std::int64_t rows) {
    if (rows != expectedRows)
      h5::fail(file, at.path,
               "has " + std::to_string(rows) + " rows but there are " + std::to_string(expectedRows) +
                   (group == "obsm" ? " cells (obs)" : " genes (var)"),
               "Re-export the file with anndata");
  };
  if (h5::isDataset(fileId, group)) {
    // anndata 0.6: obsm is one compound dataset, one (array) field per key.
    Ref gr{file, "/" + group};
    Handle ds = h5::openDataset(gr, fileId, group);
    auto fields = h5::compoundFields(gr, ds);
    if (std::find(fields.begin(), fields.end(), key) == fields.end())
      h5::fail(file, gr.path, "has no entry '" + key + "'", "Available: " + [&] {
        std::string s;
        for (const auto& f : fields) s += (s.empty() ? "" : ", ") + f;
        return s;
      }());
    auto flat = h5::readFloats(gr, ds, key);
    const std::int64_t rows = h5::lengthOf(gr, ds);
    checkRows(rows);
    const std::int64_t cols = rows ? static_cast<std::int64_t>(flat.size()) / rows : 0;
    out.resize(rows, cols);
    std::copy(flat.begin(), flat.end(), out.data());
    return out;
  }
  if (!h5::exists(fileId, rel)) h5::fail(file, at.path, "does not exist", "Check the key (e.g. X_umap, X_pca)");
  if (h5::isDataset(fileId, rel)) {
    Handle ds = h5::openDataset(at, fileId, rel);
    auto shape = h5::shapeOf(at, ds);
    if (shape.empty() || shape.size() > 2)
      h5::fail(file, at.path, "has " + std::to_string(shape.size()) + " dimensions; expected a 1-D or 2-D array",
               "Store embeddings as rows x components");
    checkRows(static_cast<std::int64_t>(shape[0]));
    // Rows match the cells, so only a damaged column count can be huge here.
    checkAllocation(file, at.path, shape[0], shape.size() == 2 ? shape[1] : 1, sizeof(float), "reading this embedding");
    out.resize(static_cast<std::int64_t>(shape[0]), shape.size() == 2 ? static_cast<std::int64_t>(shape[1]) : 1);
    if (out.size() > 0) h5::readAllInto(at, ds, H5T_NATIVE_FLOAT, out.data());
    return out;
  }
  Handle g = h5::openGroup(at, fileId, rel);
  std::string enc = h5::encodingType(at, g);
  if (enc == "dataframe") {
    DataFrame df = readDataFrame(file, fileId, rel);
    checkRows(static_cast<std::int64_t>(df.rows()));
    out.resize(static_cast<std::int64_t>(df.rows()), static_cast<std::int64_t>(df.columns.size()));
    for (std::size_t c = 0; c < df.columns.size(); ++c)
      for (std::size_t r = 0; r < df.rows(); ++r)
        out(static_cast<std::int64_t>(r), static_cast<std::int64_t>(c)) =
            static_cast<float>(df.columns[c].number(r));
    return out;
  }
  MatrixInfo info = probeMatrix(file, fileId, "/" + rel);
  checkRows(info.rows);
  checkAllocation(file, at.path, info.rows, info.cols, sizeof(float), "reading this embedding");
  return readMatrix(file, fileId, info).toDense();
}

}  // namespace scdfm::h5ad
