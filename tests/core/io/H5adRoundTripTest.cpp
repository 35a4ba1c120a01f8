// Writer -> reader round trips, row-subset reads, and Python's anndata
// opening our files without warnings.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "H5adTestData.h"
#include "TestSupport.h"
#include "core/io/H5adReader.h"
#include "core/io/H5adWriter.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

void expectSameColumn(const Column& a, const Column& b) {
  SCOPED_TRACE(a.name);
  ASSERT_EQ(a.kind, b.kind);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.isMissing(i), b.isMissing(i)) << "row " << i;
    if (!a.isMissing(i)) {
      EXPECT_EQ(a.text(i), b.text(i)) << "row " << i;
    }
  }
  if (a.kind == Column::Kind::Categorical) {
    EXPECT_EQ(a.categories, b.categories);
    EXPECT_EQ(a.codes, b.codes);
  }
}

void expectSameMatrix(const RowMatrixF& a, const RowMatrixF& b) {
  ASSERT_EQ(a.rows(), b.rows());
  ASSERT_EQ(a.cols(), b.cols());
  EXPECT_EQ((a - b).cwiseAbs().maxCoeff(), 0.0f);
}

}  // namespace

TEST(H5adRoundTrip, EverythingSurvivesWriteAndRead) {
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress ? "gzip" : "plain");
    auto dir = test::scratchDir(compress ? "h5ad_roundtrip_gz" : "h5ad_roundtrip");
    AnnData a = test::sampleAnnData();
    const std::string file = dir + "/a.h5ad";
    writeH5ad(file, a, H5adWriteOptions{compress});
    H5adReader r(file);
    EXPECT_EQ(r.summary().anndataGeneration, "0.8+");
    EXPECT_EQ(r.summary().nObs, 7);
    EXPECT_EQ(r.summary().nVars, 5);
    EXPECT_EQ(r.summary().xEncoding, MatrixEncoding::Csr);
    EXPECT_EQ(r.summary().xNnz, a.X->csr.nonZeros());
    AnnData b = r.readAll();
    EXPECT_EQ(b.obs.index, a.obs.index);
    EXPECT_EQ(b.var.index, a.var.index);
    EXPECT_EQ(b.var.indexName, "gene_symbols");
    ASSERT_EQ(b.obs.columns.size(), a.obs.columns.size());
    for (std::size_t c = 0; c < a.obs.columns.size(); ++c) {
      EXPECT_EQ(b.obs.columns[c].name, a.obs.columns[c].name);
      expectSameColumn(a.obs.columns[c], b.obs.columns[c]);
    }
    expectSameColumn(a.var.columns[0], b.var.columns[0]);
    ASSERT_TRUE(b.X.has_value());
    EXPECT_TRUE(b.X->sparse);
    expectSameMatrix(a.X->toDense(), b.X->toDense());
    expectSameMatrix(a.layers.at("counts").dense, b.layers.at("counts").toDense());
    expectSameMatrix(a.obsm.at("X_umap"), b.obsm.at("X_umap"));
    expectSameMatrix(a.varm.at("PCs"), b.varm.at("PCs"));
    EXPECT_EQ(b.uns, a.uns) << b.uns.dump();
  }
}

TEST(H5adRoundTrip, DenseXAndNoX) {
  auto dir = test::scratchDir("h5ad_dense_nox");
  AnnData a = test::sampleAnnData(false);
  writeH5ad(dir + "/dense.h5ad", a);
  H5adReader r(dir + "/dense.h5ad");
  EXPECT_EQ(r.summary().xEncoding, MatrixEncoding::Dense);
  EXPECT_EQ(r.summary().xDtype, "float32");
  expectSameMatrix(a.X->dense, r.readX().dense);

  a.X.reset();
  writeH5ad(dir + "/nox.h5ad", a);
  H5adReader n(dir + "/nox.h5ad");
  EXPECT_FALSE(n.summary().hasX);
  EXPECT_THROW(n.readX(), InputError);
  EXPECT_EQ(n.obs().rows(), 7u);
}

TEST(H5adRoundTrip, RowSubsetsEqualRowsOfTheFullRead) {
  auto dir = test::scratchDir("h5ad_rows");
  for (bool sparse : {true, false}) {
    AnnData a = test::sampleAnnData(sparse);
    const std::string file = dir + (sparse ? "/csr.h5ad" : "/dense.h5ad");
    writeH5ad(file, a, H5adWriteOptions{true});
    H5adReader r(file);
    RowMatrixF full = r.readX().toDense();
    const std::vector<std::int64_t> rows{6, 0, 3, 3, 2, 1, 5};
    auto sub = r.readXRows(rows);
    EXPECT_EQ(sub.sparse, sparse);
    RowMatrixF subDense = sub.toDense();
    ASSERT_EQ(subDense.rows(), 7);
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(subDense.row(i), full.row(rows[i])) << "row " << i;
    EXPECT_EQ(r.readXRows({}).rows(), 0);
    EXPECT_THROW(r.readXRows({7}), InputError);
    auto layerRows = r.readLayerRows("counts", {4, 1});
    EXPECT_EQ(layerRows.toDense().row(1), (full.row(1) * 2.0f).eval());
  }
}

// Large enough for the writer to chunk and gzip it, so the multi-threaded
// chunk decoder (not HDF5's own pipeline) reads it back.
TEST(H5adRoundTrip, LargeCompressedCsrReadsBackExactly) {
  auto dir = test::scratchDir("h5ad_large_gzip");
  const int n = 3000, g = 400;
  AnnData a;
  std::vector<Eigen::Triplet<float, std::int64_t>> trips;
  std::uint64_t s = 12345;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < g; ++c) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      if ((s >> 33) % 10 == 0) trips.emplace_back(r, c, static_cast<float>((s >> 40) % 1000) / 7.0f);
    }
  ExpressionMatrix x;
  x.csr.resize(n, g);
  x.csr.setFromTriplets(trips.begin(), trips.end());
  x.csr.makeCompressed();
  a.X = x;
  for (int r = 0; r < n; ++r) a.obs.index.push_back("c" + std::to_string(r));
  for (int c = 0; c < g; ++c) a.var.index.push_back("g" + std::to_string(c));
  writeH5ad(dir + "/big.h5ad", a, H5adWriteOptions{true});
  H5adReader r(dir + "/big.h5ad");
  ExpressionMatrix back = r.readX();
  ASSERT_EQ(back.csr.nonZeros(), x.csr.nonZeros());
  EXPECT_TRUE(std::equal(x.csr.valuePtr(), x.csr.valuePtr() + x.csr.nonZeros(), back.csr.valuePtr()));
  EXPECT_TRUE(std::equal(x.csr.innerIndexPtr(), x.csr.innerIndexPtr() + x.csr.nonZeros(), back.csr.innerIndexPtr()));
  EXPECT_TRUE(std::equal(x.csr.outerIndexPtr(), x.csr.outerIndexPtr() + n + 1, back.csr.outerIndexPtr()));
  auto sub = r.readXRows({2999, 5, 1500}).toDense();
  RowMatrixF full = back.toDense();
  EXPECT_EQ(sub.row(0), full.row(2999));
  EXPECT_EQ(sub.row(2), full.row(1500));
}

TEST(H5adRoundTrip, ObsSelectRowsAndLookups) {
  AnnData a = test::sampleAnnData();
  DataFrame sub = a.obs.selectRows({2, 0});
  EXPECT_EQ(sub.index, (std::vector<std::string>{"cell2", "cell0"}));
  EXPECT_EQ(sub.at("condition").text(0), "KLF1+MAP2K6");
  EXPECT_TRUE(a.obs.at("condition").isMissing(4));
  EXPECT_TRUE(a.obs.at("dose").isMissing(1));
  EXPECT_TRUE(std::isnan(a.obs.at("dose").number(1)));
  EXPECT_EQ(a.obs.at("n_genes").number(6), -7.0);
  try {
    a.obs.at("conditon", "obs");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("condition"), std::string::npos) << e.what();
  }
}

TEST(H5adRoundTrip, WriteIsAtomicAndRejectsMismatchedShapes) {
  auto dir = test::scratchDir("h5ad_atomic");
  AnnData a = test::sampleAnnData();
  writeH5ad(dir + "/a.h5ad", a);
  auto before = std::filesystem::file_size(dir + "/a.h5ad");
  a.obs.index.pop_back();  // 6 names, 7 rows in X
  EXPECT_THROW(writeH5ad(dir + "/a.h5ad", a), InputError);
  EXPECT_EQ(std::filesystem::file_size(dir + "/a.h5ad"), before);
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(H5adRoundTrip, PythonAnndataReadsOurFileWithoutWarnings) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python3 has no anndata module (apt install python3-anndata)";
  auto dir = test::scratchDir("h5ad_python_reads");
  AnnData a = test::sampleAnnData();
  writeH5ad(dir + "/ours.h5ad", a, H5adWriteOptions{true});
  const std::string script = R"PY(
import warnings, numpy as np, pandas as pd, anndata as ad
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    a = ad.read_h5ad(")PY" + dir + R"PY(/ours.h5ad")
    b = ad.read_h5ad(")PY" + dir + R"PY(/ours.h5ad", backed="r")
    sub = b[b.obs["condition"] == "ctrl"].to_memory()
msgs = [f"{x.category.__name__}: {x.message}" for x in w]
assert not msgs, msgs
assert a.shape == (7, 5), a.shape
X = a.X.toarray()
assert X[0, 0] == 0.5 and X[2, 3] == 0 and X[6, 2] == 5.5 and X[0, 4] == 4.5, X
assert X[3].sum() == 0
assert list(a.obs_names) == [f"cell{i}" for i in range(7)]
assert list(a.var_names) == [f"GENE{i}" for i in range(5)] and a.var.index.name == "gene_symbols"
c = a.obs["condition"]
assert str(c.dtype) == "category" and list(c.cat.categories) == ["ctrl", "KLF1+ctrl", "KLF1+MAP2K6"]
assert c.isna().tolist() == [False, False, False, False, True, False, False]
assert c.tolist()[:3] == ["KLF1+ctrl", "ctrl", "KLF1+MAP2K6"]
assert a.obs["barcode_note"].tolist()[2] == "ü-é"
assert np.isnan(a.obs["n_counts"][2]) and a.obs["n_counts"][6] == 7.25
assert a.obs["n_genes"].dtype == np.int64 and a.obs["n_genes"][6] == -7
assert a.obs["is_ctrl"].dtype == bool and a.obs["is_ctrl"].tolist() == [False, True, False, True, False, False, True]
assert str(a.obs["dose"].dtype) == "Int64" and a.obs["dose"].isna().tolist() == [False, True, False, False, True, False, False]
assert str(a.obs["qc_pass"].dtype) == "boolean" and bool(a.obs["qc_pass"].isna()[2])
assert np.allclose(a.layers["counts"], X * 2)
assert np.allclose(a.obsm["X_umap"][3], [3, -1.5])
assert a.varm["PCs"][1, 2] == -1
assert list(a.uns["condition_colors"]) == ["#1f77b4", "#ff7f0e", "#2ca02c"]
assert a.uns["params"]["n_top_genes"] == 2000 and a.uns["params"]["flavor"] == "seurat_v3"
assert a.uns["params"]["log"] == True and a.uns["params"]["scale"] == 1.5
assert np.array_equal(a.uns["matrix"], [[1, 2], [3, 4], [5, 6]])
assert sub.n_obs == 3 and np.allclose(sub.X.toarray(), X[[1, 3, 6]])
print("OK")
)PY";
  auto res = test::runPython(script);
  EXPECT_EQ(res.exitCode, 0) << res.output;
  EXPECT_NE(res.output.find("OK"), std::string::npos) << res.output;
}
