// Dataset on .h5ad files written by Python's anndata (skipped without it).
#include <gtest/gtest.h>

#include <fstream>

#include "TestSupport.h"
#include "core/data/Dataset.h"
#include "core/data/ModelExpression.h"
#include "core/data/Preprocess.h"
#include "core/io/H5adReader.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

// Norman-like file: CSR X, 'condition' whose category code 0 is NOT ctrl,
// Ensembl var index + gene_symbols (one duplicate symbol), X_umap, a layer.
std::string writeNormanLike(const std::string& dir) {
  const std::string path = dir + "/norman_like.h5ad";
  const std::string code = R"PY(
import numpy as np, pandas as pd, anndata as ad, scipy.sparse as sp
rng = np.random.default_rng(3)
cond = ['KLF1+ctrl', 'ctrl', 'MAP2K6+KLF1', 'ctrl', 'KLF1+ctrl', 'ctrl+CEBPA', 'KLF1+MAP2K6', 'ctrl', 'CEBPA+ctrl', 'ctrl']
ct = ['K562'] * 6 + ['HepG2'] * 4
X = rng.poisson(1.0, size=(10, 6)).astype(np.float32)
X[:, 0] = np.arange(10)  # row i, gene 0 = i: lets the test check row order
obs = pd.DataFrame({'condition': pd.Categorical(cond, categories=['KLF1+ctrl', 'MAP2K6+KLF1', 'ctrl', 'ctrl+CEBPA', 'KLF1+MAP2K6', 'CEBPA+ctrl']),
                    'cell_type': pd.Categorical(ct), 'n_counts': X.sum(1)}, index=['c%d' % i for i in range(10)])
var = pd.DataFrame({'gene_symbols': ['KLF1', 'MAP2K6', 'CEBPA', 'GAPDH', 'ACTB', 'ACTB']},
                   index=['ENSG00000105610', 'ENSG00000108984', 'ENSG00000245848', 'ENSG00000111640', 'ENSG00000075624', 'ENSG00000999999'])
a = ad.AnnData(X=sp.csr_matrix(X), obs=obs, var=var)
a.obsm['X_umap'] = rng.normal(size=(10, 2)).astype(np.float32)
a.layers['counts'] = sp.csr_matrix(X * 2)
a.write_h5ad('PATH')
print('ok')
)PY";
  std::string c = code;
  c.replace(c.find("PATH"), 4, path);
  auto r = test::runPython(c);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  return path;
}

}  // namespace

TEST(Dataset, OpensNormanLikeFileLazily) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string path = writeNormanLike(test::scratchDir("dataset_norman"));
  Dataset ds(path);
  EXPECT_EQ(ds.nCells(), 10);
  EXPECT_EQ(ds.nGenes(), 6);
  EXPECT_EQ(ds.roles().roles.condition, "condition");
  EXPECT_EQ(ds.roles().roles.cellType, "cell_type");
  EXPECT_EQ(ds.roles().roles.geneNameColumn, "gene_symbols");
  EXPECT_EQ(ds.geneNameSource(), "var['gene_symbols']");
  EXPECT_EQ(ds.geneNames(), (std::vector<std::string>{"KLF1", "MAP2K6", "CEBPA", "GAPDH", "ACTB", "ACTB-1"}));
  EXPECT_EQ(ds.geneIds().front(), "ENSG00000105610");
  EXPECT_EQ(ds.geneIndex("gapdh"), 3);
  EXPECT_EQ(ds.geneIndex("ENSG00000245848"), 2);
  EXPECT_THROW(ds.geneIndex("KLF2"), InputError);

  const auto& cat = ds.catalog();
  auto s = cat.summary();
  EXPECT_EQ(s.nControlCells, 4);  // by label: 'ctrl' is category code 2
  EXPECT_EQ(s.nConditions, 3);
  EXPECT_EQ(s.nCombinations, 1);
  EXPECT_EQ(s.nCellTypes, 2);
  EXPECT_EQ(cat.controlCells("HepG2"), (std::vector<std::int64_t>{7, 9}));

  // Expression of selected rows, in the order asked.
  const std::vector<std::int64_t> rows{7, 1, 3};
  RowMatrixF x = ds.expression(rows).toDense();
  ASSERT_EQ(x.rows(), 3);
  EXPECT_FLOAT_EQ(x(0, 0), 7.0f);
  EXPECT_FLOAT_EQ(x(1, 0), 1.0f);
  EXPECT_FLOAT_EQ(x(2, 0), 3.0f);
  RowMatrixF counts = ds.expression(rows, "counts").toDense();
  EXPECT_FLOAT_EQ(counts(0, 0), 14.0f);
  EXPECT_THROW(ds.expression(rows, "spliced"), InputError);
  EXPECT_THROW(ds.expression({10}), InputError);

  EXPECT_EQ(ds.embeddingKeys(), (std::vector<std::string>{"X_umap"}));
  auto emb = ds.embedding();
  ASSERT_TRUE(emb.has_value());
  EXPECT_EQ(emb->rows(), 10);
  EXPECT_EQ(emb->cols(), 2);
  EXPECT_THROW(ds.embedding("X_pca"), InputError);
}

TEST(Dataset, OverridesAndBadFiles) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string dir = test::scratchDir("dataset_overrides");
  const std::string path = writeNormanLike(dir);
  DatasetOptions opt;
  opt.roles.cellType = "";
  opt.roles.geneNameColumn = "";
  Dataset ds(path, opt);
  EXPECT_EQ(ds.catalog().summary().nCellTypes, 0);
  EXPECT_EQ(ds.geneNames().front(), "ENSG00000105610");

  opt.roles.condition = "no_such_column";
  EXPECT_THROW(Dataset(path, opt), InputError);
  EXPECT_THROW(Dataset(dir + "/missing.h5ad"), InputError);
  std::ofstream(dir + "/text.h5ad") << "not an HDF5 file\n";
  EXPECT_THROW(Dataset(dir + "/text.h5ad"), InputError);
}

TEST(Dataset, GeneNamesMadeUnique) {
  DataFrame var;
  var.index = {"A", "B", "A", "A-1", "A"};
  EXPECT_EQ(geneNamesFromVar(var, ""), (std::vector<std::string>{"A", "B", "A-2", "A-1", "A-3"}));
}

// The trainer's whole-file read, in chunks (cancellable), equals one read of the
// same rows preprocessed at once, for a CSR and a dense X.
TEST(Dataset, ReadAllGenesInChunksEqualsOneRead) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string dir = test::scratchDir("dataset_chunks");
  const std::string sparsePath = writeNormanLike(dir);
  const std::string densePath = dir + "/dense.h5ad";
  auto r = test::runPython("import anndata as ad\na = ad.read_h5ad('" + sparsePath + "')\na.X = a.X.toarray()\n"
                           "a.write_h5ad('" + densePath + "')\n");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const std::vector<std::int64_t> rows{9, 0, 3, 5, 1, 2, 7};
  for (const auto& path : {sparsePath, densePath}) {
    SCOPED_TRACE(path);
    Dataset ds(path);
    ExpressionMatrix once = ds.expression(rows);
    normalizeTotal(once, 1e4);
    log1pInPlace(once);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{100}}) {
      const ExpressionMatrix chunked = readAllGenes(ds, rows, 1e4, true, {}, chunk);
      EXPECT_EQ(chunked.sparse, path == sparsePath);
      ASSERT_EQ(chunked.rows(), 7);
      EXPECT_TRUE(chunked.toDense() == once.toDense()) << "chunk " << chunk;
    }
    CancelToken cancel;
    cancel.cancel();
    EXPECT_THROW(readAllGenes(ds, rows, 1e4, true, cancel, 3), Cancelled);
  }
}
