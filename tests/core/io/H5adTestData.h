#pragma once
// A small AnnData with every kind of content the writer supports, shared by
// the .h5ad tests.
#include <cmath>
#include <limits>
#include <string>

#include "core/io/AnnData.h"

namespace scdfm::test {

inline Column makeColumn(const std::string& name, Column::Kind kind) {
  Column c;
  c.name = name;
  c.kind = kind;
  return c;
}

// 7 cells x 5 genes. X is CSR (row 3 empty); layers["counts"] dense.
inline AnnData sampleAnnData(bool sparseX = true) {
  AnnData a;
  const int n = 7, g = 5;
  RowMatrixF dense = RowMatrixF::Zero(n, g);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < g; ++c)
      if (r != 3 && (r * 3 + c) % 4 == 0) dense(r, c) = 0.5f * static_cast<float>(r + 1) + static_cast<float>(c);
  ExpressionMatrix x;
  if (sparseX) {
    x.sparse = true;
    x.encoding = MatrixEncoding::Csr;
    x.csr = dense.sparseView();
    x.csr.makeCompressed();
  } else {
    x.sparse = false;
    x.encoding = MatrixEncoding::Dense;
    x.dense = dense;
  }
  a.X = x;
  ExpressionMatrix counts;
  counts.sparse = false;
  counts.encoding = MatrixEncoding::Dense;
  counts.dense = dense * 2.0f;
  a.layers["counts"] = counts;

  for (int r = 0; r < n; ++r) a.obs.index.push_back("cell" + std::to_string(r));
  Column cond = makeColumn("condition", Column::Kind::Categorical);
  cond.categories = {"ctrl", "KLF1+ctrl", "KLF1+MAP2K6"};
  cond.codes = {1, 0, 2, 0, -1, 1, 0};
  a.obs.columns.push_back(cond);
  Column s = makeColumn("barcode_note", Column::Kind::String);
  s.strings = {"a", "b", "ü-é", "", "long text here", "x", "y"};
  a.obs.columns.push_back(s);
  Column f = makeColumn("n_counts", Column::Kind::Float);
  f.floats = {1.5, 2.5, std::numeric_limits<double>::quiet_NaN(), 4, 5, 6, 7.25};
  a.obs.columns.push_back(f);
  Column i = makeColumn("n_genes", Column::Kind::Int);
  i.ints = {1, 2, 3, 4, 5, 6, -7};
  a.obs.columns.push_back(i);
  Column b = makeColumn("is_ctrl", Column::Kind::Bool);
  b.bools = {0, 1, 0, 1, 0, 0, 1};
  a.obs.columns.push_back(b);
  Column ni = makeColumn("dose", Column::Kind::Int);
  ni.ints = {10, 0, 30, 40, 0, 60, 70};
  ni.mask = {0, 1, 0, 0, 1, 0, 0};
  a.obs.columns.push_back(ni);
  Column nb = makeColumn("qc_pass", Column::Kind::Bool);
  nb.bools = {1, 0, 0, 1, 1, 0, 1};
  nb.mask = {0, 0, 1, 0, 0, 0, 0};
  a.obs.columns.push_back(nb);

  for (int c = 0; c < g; ++c) a.var.index.push_back("GENE" + std::to_string(c));
  a.var.indexName = "gene_symbols";
  Column disp = makeColumn("dispersion", Column::Kind::Float);
  disp.floats = {0.1, 0.2, 0.3, 0.4, 0.5};
  a.var.columns.push_back(disp);

  RowMatrixF umap(n, 2);
  for (int r = 0; r < n; ++r) umap.row(r) << static_cast<float>(r), static_cast<float>(-r) * 0.5f;
  a.obsm["X_umap"] = umap;
  RowMatrixF pcs(g, 3);
  pcs.setConstant(0.25f);
  pcs(1, 2) = -1.0f;
  a.varm["PCs"] = pcs;

  a.uns["condition_colors"] = {"#1f77b4", "#ff7f0e", "#2ca02c"};
  a.uns["params"] = {{"n_top_genes", 2000}, {"flavor", "seurat_v3"}, {"scale", 1.5}, {"log", true}};
  a.uns["thresholds"] = {0.5, 1.0, 2.5};
  a.uns["matrix"] = {{1, 2}, {3, 4}, {5, 6}};
  return a;
}

}  // namespace scdfm::test
