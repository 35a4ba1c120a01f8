#include "core/io/H5adDataFrameReader.h"

#include <algorithm>
#include <limits>

#include "core/io/Hdf5Read.h"
#include "core/util/Error.h"

namespace scdfm::h5ad {
namespace {

using h5::Handle;
using h5::Ref;

constexpr const char* kHint = "Re-export the file from Python (adata.write_h5ad) or fix the column";

void checkLength(const Ref& at, std::size_t got, std::size_t rows) {
  if (got != rows)
    h5::fail(at.file, at.path,
             "has " + std::to_string(got) + " values but the dataframe index has " + std::to_string(rows) + " rows",
             kHint);
}

void setCodes(const Ref& at, Column& c, const std::vector<std::int64_t>& codes) {
  const auto n = static_cast<std::int64_t>(c.categories.size());
  c.codes.resize(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] < -1 || codes[i] >= n)
      h5::fail(at.file, at.path,
               "category code " + std::to_string(codes[i]) + " at row " + std::to_string(i) + " is outside 0.." +
                   std::to_string(n - 1) + " (-1 = missing)",
               "The categories and codes do not match; re-export the file");
    c.codes[i] = static_cast<std::int32_t>(codes[i]);
  }
}

// A plain (non-categorical) column from a dataset or a compound field.
Column plainColumn(const Ref& at, hid_t ds, const std::string& name, const std::string& field) {
  Column c;
  c.name = name;
  Handle t = h5::datasetType(at, ds, field);
  switch (h5::elemKind(t)) {
    case h5::ElemKind::String:
      c.kind = Column::Kind::String;
      c.strings = h5::readStrings(at, ds, field);
      break;
    case h5::ElemKind::Bool:
      c.kind = Column::Kind::Bool;
      c.bools = h5::readBools(at, ds, field);
      break;
    case h5::ElemKind::Integer:
    case h5::ElemKind::Unsigned:
      c.kind = Column::Kind::Int;
      c.ints = h5::readInt64(at, ds, field);
      break;
    case h5::ElemKind::Float:
      c.kind = Column::Kind::Float;
      c.floats = h5::readDoubles(at, ds, field);
      break;
    default:
      h5::fail(at.file, at.path + (field.empty() ? "" : " (field '" + field + "')"),
               "has values of type " + h5::dtypeName(t) + ", which a dataframe column cannot hold here",
               "Convert the column to numbers, booleans or strings");
  }
  if (!field.empty()) return c;
  if (h5::shapeOf(at, ds).size() != 1)
    h5::fail(at.file, at.path, "is not one-dimensional; a dataframe column must be", kHint);
  return c;
}

Column categoricalGroup(const Ref& at, hid_t g, const std::string& name) {
  for (const char* part : {"codes", "categories"})
    if (!h5::isDataset(g, part))
      h5::fail(at.file, at.child(part).path, "is missing; a categorical needs codes and categories", kHint);
  Column c;
  c.name = name;
  c.kind = Column::Kind::Categorical;
  c.encoding = "categorical";
  Ref cr = at.child("categories"), kr = at.child("codes");
  Handle cats = h5::openDataset(cr, g, "categories");
  c.categories = h5::readStrings(cr, cats);
  c.ordered = h5::boolAttr(at, g, "ordered").value_or(false);
  Handle codes = h5::openDataset(kr, g, "codes");
  setCodes(kr, c, h5::readInt64(kr, codes));
  return c;
}

Column nullableGroup(const Ref& at, hid_t g, const std::string& name, const std::string& enc) {
  if (!h5::isDataset(g, "values")) h5::fail(at.file, at.child("values").path, "is missing", kHint);
  Ref vr = at.child("values");
  Handle v = h5::openDataset(vr, g, "values");
  Column c = plainColumn(vr, v, name, {});
  c.encoding = enc;
  const bool wantBool = enc == "nullable-boolean";
  if (wantBool && c.kind != Column::Kind::Bool) {
    // Stored as integers 0/1: normalise.
    Column b;
    b.name = name;
    b.kind = Column::Kind::Bool;
    b.encoding = enc;
    b.bools = h5::readBools(vr, v);
    c = std::move(b);
  }
  if (!wantBool && c.kind != Column::Kind::Int)
    h5::fail(vr.file, vr.path, "a nullable-integer column holds " + std::string(c.kindName()) + " values", kHint);
  if (h5::isDataset(g, "mask")) {
    Ref mr = at.child("mask");
    Handle m = h5::openDataset(mr, g, "mask");
    c.mask = h5::readBools(mr, m);
    checkLength(mr, c.mask.size(), c.size());
    if (std::none_of(c.mask.begin(), c.mask.end(), [](auto x) { return x != 0; })) c.mask.clear();
  }
  return c;
}

DataFrame readGroupFrame(const std::string& file, hid_t fileId, const std::string& name) {
  Ref at{file, "/" + name};
  Handle g = h5::openGroup(at, fileId, name);
  DataFrame df;
  auto indexAttr = h5::stringAttr(at, g, "_index");
  std::string indexKey = indexAttr.value_or("_index");
  if (!indexAttr && !h5::isDataset(g, indexKey) && h5::isDataset(g, "index")) indexKey = "index";
  if (!h5::isDataset(g, indexKey))
    h5::fail(file, at.child(indexKey).path, "is missing: the dataframe has no index (cell or gene names)",
             "Re-export the file with anndata (adata.write_h5ad)");
  df.indexName = indexKey;
  {
    Ref ir = at.child(indexKey);
    Handle ids = h5::openDataset(ir, g, indexKey);
    df.index = h5::readStrings(ir, ids);
  }
  std::vector<std::string> order;
  if (h5::hasAttr(g, "column-order")) {
    order = h5::stringArrayAttr(at, g, "column-order");
  } else {
    for (auto& n : h5::childNames(at, g))
      if (n != indexKey && n != "__categories") order.push_back(n);
  }
  const bool has07Categories = h5::isGroup(g, "__categories");
  for (const auto& col : order) {
    Ref cr = at.child(col);
    if (!h5::exists(g, col))
      h5::fail(file, cr.path, "is listed in column-order but missing", "Re-export the file with anndata");
    Column c;
    if (h5::isGroup(g, col)) {
      Handle cg = h5::openGroup(cr, g, col);
      std::string enc = h5::encodingType(cr, cg);
      if (enc == "categorical")
        c = categoricalGroup(cr, cg, col);
      else if (enc == "nullable-integer" || enc == "nullable-boolean")
        c = nullableGroup(cr, cg, col, enc);
      else
        h5::fail(file, cr.path,
                 "has encoding-type '" + enc + "', which is not supported for dataframe columns",
                 "Convert the column to a categorical, string, numeric or boolean column");
    } else {
      Handle ds = h5::openDataset(cr, g, col);
      const std::string catPath = "__categories/" + col;
      if (has07Categories && h5::isDataset(g, catPath)) {
        // anndata 0.7: codes in the column, categories in __categories/<col>.
        c.name = col;
        c.kind = Column::Kind::Categorical;
        c.encoding = "categorical (0.7)";
        Ref catRef = at.child(catPath);
        Handle cats = h5::openDataset(catRef, g, catPath);
        c.categories = h5::readStrings(catRef, cats);
        c.ordered = h5::boolAttr(catRef, cats, "ordered").value_or(false);
        setCodes(cr, c, h5::readInt64(cr, ds));
      } else {
        c = plainColumn(cr, ds, col, {});
        c.encoding = h5::encodingType(cr, ds);
      }
    }
    checkLength(cr, c.size(), df.index.size());
    df.columns.push_back(std::move(c));
  }
  return df;
}

// anndata 0.5/0.6: a compound dataset, one field per column plus "index".
DataFrame readPackedTable(const std::string& file, hid_t fileId, const std::string& name,
                          std::vector<std::string>* usedUnsKeys) {
  Ref at{file, "/" + name};
  Handle ds = h5::openDataset(at, fileId, name);
  Handle t = h5::datasetType(at, ds);
  if (H5Tget_class(t) != H5T_COMPOUND)
    h5::fail(file, at.path, "is a dataset but not a table (compound type); expected a dataframe",
             "Re-export the file with anndata (adata.write_h5ad)");
  auto fields = h5::compoundFields(at, ds);
  DataFrame df;
  std::string indexField = std::find(fields.begin(), fields.end(), "index") != fields.end() ? "index" : "";
  if (indexField.empty())
    h5::fail(file, at.path, "the table has no 'index' field (cell or gene names)",
             "Re-export the file with anndata (adata.write_h5ad)");
  df.indexName = "_index";
  df.index = h5::readStrings(at, ds, indexField);
  for (const auto& f : fields) {
    if (f == indexField) continue;
    Ref fr{file, at.path + " (field '" + f + "')"};
    const std::string catKey = "uns/" + f + "_categories";
    Column c;
    if (h5::isDataset(fileId, catKey)) {
      Ref catRef{file, "/" + catKey};
      Handle cats = h5::openDataset(catRef, fileId, catKey);
      c.name = f;
      c.kind = Column::Kind::Categorical;
      c.encoding = "categorical (0.6)";
      c.categories = h5::readStrings(catRef, cats);
      setCodes(fr, c, h5::readInt64(at, ds, f));
      if (usedUnsKeys) usedUnsKeys->push_back(f + "_categories");
    } else {
      c = plainColumn(at, ds, f, f);
    }
    checkLength(fr, c.size(), df.index.size());
    df.columns.push_back(std::move(c));
  }
  return df;
}

}  // namespace

DataFrame readDataFrame(const std::string& file, hid_t fileId, const std::string& name,
                        std::vector<std::string>* usedUnsKeys) {
  if (h5::isGroup(fileId, name)) return readGroupFrame(file, fileId, name);
  if (h5::isDataset(fileId, name)) return readPackedTable(file, fileId, name, usedUnsKeys);
  h5::fail(file, "/" + name, "is missing", "An AnnData file needs obs and var; re-export it with anndata");
}

}  // namespace scdfm::h5ad
