#pragma once
// Small builders of in-memory obs/var tables for the data tests.
#include <algorithm>
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm::test {

// A categorical column with categories in the given order of first appearance
// shuffled (codes deliberately do not follow sorted order, so that code 0 is
// not the control label).
inline Column categorical(const std::string& name, const std::vector<std::string>& values) {
  Column c;
  c.name = name;
  c.kind = Column::Kind::Categorical;
  c.encoding = "categorical";
  for (const auto& v : values) {
    if (v.empty()) {
      c.codes.push_back(-1);
      continue;
    }
    auto it = std::find(c.categories.begin(), c.categories.end(), v);
    if (it == c.categories.end()) {
      c.categories.push_back(v);
      it = c.categories.end() - 1;
    }
    c.codes.push_back(static_cast<std::int32_t>(it - c.categories.begin()));
  }
  return c;
}

inline Column strings(const std::string& name, const std::vector<std::string>& values) {
  Column c;
  c.name = name;
  c.kind = Column::Kind::String;
  c.strings = values;
  return c;
}

inline Column floats(const std::string& name, const std::vector<double>& values) {
  Column c;
  c.name = name;
  c.kind = Column::Kind::Float;
  c.floats = values;
  return c;
}

inline DataFrame frame(std::size_t rows, std::vector<Column> columns, const std::string& prefix = "cell") {
  DataFrame df;
  for (std::size_t i = 0; i < rows; ++i) df.index.push_back(prefix + std::to_string(i));
  df.columns = std::move(columns);
  return df;
}

}  // namespace scdfm::test
