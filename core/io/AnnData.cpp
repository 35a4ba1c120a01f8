#include "core/io/AnnData.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/io/Hdf5Read.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

const char* toString(MatrixEncoding e) {
  switch (e) {
    case MatrixEncoding::Dense:
      return "dense";
    case MatrixEncoding::Csr:
      return "csr";
    case MatrixEncoding::Csc:
      return "csc";
  }
  return "?";
}

RowMatrixF ExpressionMatrix::toDense() const {
  if (!sparse) return dense;
  return RowMatrixF(csr);
}

Column categoricalColumn(const std::string& name, const std::vector<std::string>& values) {
  Column c;
  c.name = name;
  c.kind = Column::Kind::Categorical;
  c.encoding = "categorical";
  c.categories = values;
  std::sort(c.categories.begin(), c.categories.end());
  c.categories.erase(std::unique(c.categories.begin(), c.categories.end()), c.categories.end());
  c.codes.reserve(values.size());
  for (const auto& v : values)
    c.codes.push_back(static_cast<std::int32_t>(
        std::lower_bound(c.categories.begin(), c.categories.end(), v) - c.categories.begin()));
  return c;
}

std::size_t Column::size() const {
  switch (kind) {
    case Kind::Float:
      return floats.size();
    case Kind::Int:
      return ints.size();
    case Kind::Bool:
      return bools.size();
    case Kind::String:
      return strings.size();
    case Kind::Categorical:
      return codes.size();
  }
  return 0;
}

bool Column::isMissing(std::size_t i) const {
  if (i < mask.size() && mask[i]) return true;
  if (kind == Kind::Float) return std::isnan(floats[i]);
  if (kind == Kind::Categorical) return codes[i] < 0;
  return false;
}

std::string Column::text(std::size_t i) const {
  if (isMissing(i)) return {};
  switch (kind) {
    case Kind::Float:
      return h5::formatNumber(floats[i]);
    case Kind::Int:
      return std::to_string(ints[i]);
    case Kind::Bool:
      return bools[i] ? "True" : "False";
    case Kind::String:
      return strings[i];
    case Kind::Categorical:
      return categories[static_cast<std::size_t>(codes[i])];
  }
  return {};
}

double Column::number(std::size_t i) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (isMissing(i)) return nan;
  switch (kind) {
    case Kind::Float:
      return floats[i];
    case Kind::Int:
      return static_cast<double>(ints[i]);
    case Kind::Bool:
      return bools[i] ? 1.0 : 0.0;
    default:
      return nan;
  }
}

const char* Column::kindName() const {
  switch (kind) {
    case Kind::Float:
      return "float";
    case Kind::Int:
      return "int";
    case Kind::Bool:
      return "bool";
    case Kind::String:
      return "string";
    case Kind::Categorical:
      return "categorical";
  }
  return "?";
}

const Column* DataFrame::find(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

Column* DataFrame::find(const std::string& name) {
  for (auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

const Column& DataFrame::at(const std::string& name, const std::string& what) const {
  if (const Column* c = find(name)) return *c;
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.name);
  auto close = closestMatches(name, names, 5);
  throw InputError("", what, "has no column '" + name + "'",
                   names.empty() ? std::string("It has no columns")
                                 : "Closest columns: " + listForMessage(close.empty() ? names : close));
}

DataFrame DataFrame::selectRows(const std::vector<std::int64_t>& rows) const {
  DataFrame out;
  out.indexName = indexName;
  const auto n = static_cast<std::int64_t>(index.size());
  for (auto r : rows)
    if (r < 0 || r >= n)
      throw InputError("", "dataframe", "row " + std::to_string(r) + " is out of range (0.." + std::to_string(n - 1) + ")",
                       "Select rows that exist");
  out.index.reserve(rows.size());
  for (auto r : rows) out.index.push_back(index[static_cast<std::size_t>(r)]);
  auto pick = [&](const auto& src, auto& dst) {
    if (src.empty()) return;
    dst.reserve(rows.size());
    for (auto r : rows) dst.push_back(src[static_cast<std::size_t>(r)]);
  };
  for (const auto& c : columns) {
    Column d;
    d.name = c.name;
    d.kind = c.kind;
    d.categories = c.categories;
    d.ordered = c.ordered;
    d.encoding = c.encoding;
    pick(c.floats, d.floats);
    pick(c.ints, d.ints);
    pick(c.bools, d.bools);
    pick(c.strings, d.strings);
    pick(c.codes, d.codes);
    pick(c.mask, d.mask);
    out.columns.push_back(std::move(d));
  }
  return out;
}

}  // namespace scdfm
