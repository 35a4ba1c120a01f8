// `scdfm embed` end to end: counts written by Python's anndata in, X_pca and
// X_umap read back by anndata and checked against numpy.
#include <gtest/gtest.h>

#include "TestSupport.h"

using namespace scdfm;

namespace {

std::string scdfm() { return test::binDir() + "/scdfm"; }

// Three cell types (100 cells each) x 300 genes of Poisson counts; the first
// 30 genes mark the types.
std::string writeCounts(const std::string& dir) {
  std::string code = R"PY(
import numpy as np, pandas as pd, anndata as ad, scipy.sparse as sp
rng = np.random.default_rng(0)
n, g = 300, 300
labels = np.repeat([0, 1, 2], 100)
mu = rng.gamma(1.0, 1.0, size=g)
rates = np.tile(mu, (n, 1))
for t in range(3):
    rates[labels == t, t * 10:(t + 1) * 10] *= 12
X = rng.poisson(rates * rng.lognormal(0, 0.2, size=(n, 1))).astype(np.float32)
obs = pd.DataFrame({'cell_type': pd.Categorical(['A', 'B', 'C'])[labels]}, index=['c%d' % i for i in range(n)])
a = ad.AnnData(X=sp.csr_matrix(X), obs=obs, var=pd.DataFrame(index=['g%d' % j for j in range(g)]))
a.write_h5ad('DIR/counts.h5ad')
ad.AnnData(obs=obs).write_h5ad('DIR/nox.h5ad')
)PY";
  for (auto p = code.find("DIR"); p != std::string::npos; p = code.find("DIR")) code.replace(p, 3, dir);
  auto r = test::runPython(code);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  return dir + "/counts.h5ad";
}

TEST(EmbedCommand, StoresPcaAndUmapThatAnndataReads) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string dir = test::scratchDir("embed_cli");
  const std::string in = writeCounts(dir), out = dir + "/embedded.h5ad";
  auto run = test::runCommand(scdfm() + " embed " + in + " --out " + out +
                              " --n-pcs 10 --hvg 100 --n-neighbors 15 --min-dist 0.1 --seed 0 --threads 1 -q");
  ASSERT_EQ(run.exitCode, 0) << run.output;
  // anndata reads it; X_pca matches numpy's PCA of normalise_total + log1p on
  // the chosen genes (same sign convention: largest |loading| positive) on the
  // components that carry the signal; the
  // three types stay apart in X_umap.
  std::string code = R"PY(
import numpy as np, anndata as ad
a = ad.read_h5ad('OUT')
assert a.obsm['X_pca'].shape == (300, 10), a.obsm['X_pca'].shape
assert a.obsm['X_umap'].shape == (300, 2)
assert np.isfinite(a.obsm['X_umap']).all()
assert a.varm['PCs'].shape == (300, 10)
hv = np.asarray(a.var['highly_variable'], bool)
assert hv.sum() == 100, hv.sum()
assert hv[:30].sum() >= 25, ('marker genes must be selected', hv[:30].sum())
X = a.X.toarray().astype(np.float64)
X = np.log1p(X / X.sum(1, keepdims=True) * 1e4)[:, hv]
c = X - X.mean(0)
u, s, vt = np.linalg.svd(c, full_matrices=False)
v = vt[:10].T
v *= np.sign(v[np.abs(v).argmax(0), range(10)])
ref = c @ v
# the two components that separate the three types (later ones are noise with tiny eigen-gaps)
for k in range(2):
    err = np.abs(a.obsm['X_pca'][:, k] - ref[:, k]).max() / np.abs(ref[:, k]).max()
    assert err < 1e-2, (k, err)
assert np.abs(a.varm['PCs'][hv][:, :2] - v[:, :2]).max() < 1e-2
ev = s[:10]**2 / 299
assert np.abs(np.asarray(a.uns['pca']['variance']) / ev - 1).max() < 0.05
e = a.obsm['X_umap']
lab = a.obs['cell_type'].cat.codes.values
d = ((e[:, None, :] - e[None, :, :])**2).sum(-1)
np.fill_diagonal(d, np.inf)
agree = (lab[d.argmin(1)] == lab).mean()
assert agree > 0.97, agree
r = np.asarray(a.uns['pca']['variance_ratio'])
assert r.shape == (10,) and r[0] > r[1] > 0 and r.sum() < 1
print('ok', agree)
)PY";
  code.replace(code.find("OUT"), 3, out);
  auto check = test::runPython(code);
  EXPECT_EQ(check.exitCode, 0) << check.output;
  EXPECT_NE(check.output.find("ok"), std::string::npos) << check.output;
}

TEST(EmbedCommand, BadInputExitsWithTwo) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not installed";
  const std::string dir = test::scratchDir("embed_cli_bad");
  const std::string in = writeCounts(dir);
  auto noX = test::runCommand(scdfm() + " embed " + dir + "/nox.h5ad --out " + dir + "/o.h5ad");
  EXPECT_EQ(noX.exitCode, 2) << noX.output;
  EXPECT_NE(noX.output.find("X"), std::string::npos) << noX.output;
  auto missing = test::runCommand(scdfm() + " embed " + dir + "/missing.h5ad --out " + dir + "/o.h5ad");
  EXPECT_EQ(missing.exitCode, 2) << missing.output;
  auto badPcs = test::runCommand(scdfm() + " embed " + in + " --out " + dir + "/o.h5ad --n-pcs 1");
  EXPECT_EQ(badPcs.exitCode, 2) << badPcs.output;
  EXPECT_NE(badPcs.output.find("--n-pcs"), std::string::npos) << badPcs.output;
}

}  // namespace
