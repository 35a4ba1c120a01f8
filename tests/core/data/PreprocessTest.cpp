// Preprocessing against an independent numpy/pandas transcription of scanpy's
// normalize_total, log1p and highly_variable_genes(flavor='seurat') (scanpy is
// not installed here; the reference follows scanpy 1.11's code: pd.cut bins,
// groupby mean/std, the one-gene-bin rule, _nth_highest).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "TestSupport.h"
#include "core/data/Preprocess.h"

using namespace scdfm;

namespace {

constexpr int kCells = 240, kGenes = 400;

// Counts with gene means spread over four orders of magnitude, an all-zero
// gene, a gene expressed in one cell only, and an all-zero cell.
RowMatrixF makeCounts() {
  std::mt19937_64 rng(20241125);
  RowMatrixF x(kCells, kGenes);
  std::vector<double> geneMean(kGenes), geneDisp(kGenes);
  std::lognormal_distribution<double> lm(0.0, 1.6);
  std::uniform_real_distribution<double> ud(0.2, 3.0);
  for (int j = 0; j < kGenes; ++j) geneMean[j] = lm(rng), geneDisp[j] = ud(rng);
  for (int i = 0; i < kCells; ++i) {
    const double depth = std::uniform_real_distribution<double>(0.5, 2.0)(rng);
    for (int j = 0; j < kGenes; ++j) {
      std::gamma_distribution<double> g(1.0 / geneDisp[j], geneMean[j] * depth * geneDisp[j]);
      x(i, j) = static_cast<float>(std::poisson_distribution<int>(std::max(1e-9, g(rng)))(rng));
    }
  }
  x.col(7).setZero();
  x.col(11).setZero();
  x(5, 11) = 3;
  x.row(9).setZero();
  return x;
}

ExpressionMatrix asMatrix(const RowMatrixF& x, bool sparse) {
  ExpressionMatrix m;
  m.sparse = sparse;
  m.encoding = sparse ? MatrixEncoding::Csr : MatrixEncoding::Dense;
  if (sparse)
    m.csr = x.sparseView();
  else
    m.dense = x;
  return m;
}

void writeBinary(const std::string& path, const float* data, std::size_t n) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(float)));
}

std::vector<double> readDoubles(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<double> v(bytes / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

// Runs the reference: writes <dir>/ref_*.bin (float64).
void runReference(const std::string& dir, int nTop) {
  const std::string code = R"PY(
import numpy as np, pandas as pd, sys
d = sys.argv[1] if len(sys.argv) > 1 else DIR
counts = np.fromfile(d + '/counts.bin', dtype=np.float32).reshape(NCELLS, NGENES)
# normalize_total(target_sum=1e4): counts_i += counts_i == 0; X /= counts_i / target
tot = counts.sum(1, dtype=np.float64)
tot = tot + (tot == 0)
norm = (counts / (tot / 1e4)[:, None]).astype(np.float32)
log = np.log1p(norm)  # float32 like anndata's X
# highly_variable_genes(flavor='seurat'), scanpy 1.11 _highly_variable_genes_single_batch,
# on the C++ log matrix so that the comparison isolates the HVG computation.
logc = np.fromfile(d + '/log_cpp.bin', dtype=np.float32).reshape(NCELLS, NGENES)
X = np.expm1(logc.astype(np.float64))
mean = X.mean(0)
var = X.var(0, ddof=1)
mean[mean == 0] = 1e-12
disp = var / mean
disp[disp == 0] = np.nan
disp = np.log(disp)
mean = np.log1p(mean)
df = pd.DataFrame(dict(means=mean, dispersions=disp))
df['mean_bin'] = pd.cut(df['means'], bins=20)
g = df.groupby('mean_bin', observed=True)['dispersions']
st = g.agg(avg='mean', dev='std')
one = st['dev'].isnull()
st.loc[one, 'dev'] = st.loc[one, 'avg']
st.loc[one, 'avg'] = 0
st = st.loc[df['mean_bin']].set_index(df.index)
dn = ((df['dispersions'] - st['avg']) / st['dev']).to_numpy()
NTOP = NTOPGENES
if NTOP > 0:
    x = dn[~np.isnan(dn)].copy()
    n = min(NTOP, x.size)
    x[::-1].sort()
    hv = np.nan_to_num(dn, nan=-np.inf) >= x[n - 1]
else:
    d0 = np.nan_to_num(dn)
    hv = (mean > 0.0125) & (mean < 3) & (d0 > 0.5) & (d0 < np.inf)
bins = df['mean_bin'].cat.codes.to_numpy()
for name, a in [('log', log), ('means', mean), ('disp', disp), ('dnorm', dn), ('hv', hv), ('bins', bins)]:
    np.asarray(a, dtype=np.float64).tofile(d + '/ref_' + name + '.bin')
print('ok', int(hv.sum()))
)PY";
  std::string c = code;
  auto sub = [&](const std::string& k, const std::string& v) {
    for (auto p = c.find(k); p != std::string::npos; p = c.find(k)) c.replace(p, k.size(), v);
  };
  sub("DIR", "'" + dir + "'");
  sub("NCELLS", std::to_string(kCells));
  sub("NGENES", std::to_string(kGenes));
  sub("NTOPGENES", std::to_string(nTop));
  auto r = test::runPython(c);
  ASSERT_EQ(r.exitCode, 0) << r.output;
}

bool sameOrBothNan(double a, double b, double tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

void checkAgainstNumpy(bool sparse, int nTop) {
  if (!test::pythonHas("pandas")) GTEST_SKIP() << "pandas not installed";
  const std::string dir = test::scratchDir(std::string("preprocess_") + (sparse ? "sparse" : "dense") + "_" +
                                           std::to_string(nTop));
  RowMatrixF counts = makeCounts();
  writeBinary(dir + "/counts.bin", counts.data(), counts.size());
  ExpressionMatrix m = asMatrix(counts, sparse);
  EXPECT_DOUBLE_EQ(normalizeTotal(m, 1e4), 1e4);
  log1pInPlace(m);
  const RowMatrixF log = m.toDense();
  writeBinary(dir + "/log_cpp.bin", log.data(), log.size());
  runReference(dir, nTop);
  if (::testing::Test::HasFatalFailure()) return;
  const auto refLog = readDoubles(dir + "/ref_log.bin");
  ASSERT_EQ(refLog.size(), static_cast<std::size_t>(kCells * kGenes));
  double maxErr = 0;
  for (int i = 0; i < kCells; ++i)
    for (int j = 0; j < kGenes; ++j) maxErr = std::max(maxErr, std::abs(log(i, j) - refLog[i * kGenes + j]) / std::max(1.0, refLog[i * kGenes + j]));
  EXPECT_LT(maxErr, 1e-6);  // float32 rounding
  EXPECT_EQ(log.row(9).sum(), 0.0f);  // the empty cell stays empty

  HvgOptions opt;
  opt.nTopGenes = nTop;
  HvgResult h = highlyVariableGenesSeurat(m, opt);
  const auto means = readDoubles(dir + "/ref_means.bin"), disp = readDoubles(dir + "/ref_disp.bin"),
             dn = readDoubles(dir + "/ref_dnorm.bin"), hv = readDoubles(dir + "/ref_hv.bin"),
             bins = readDoubles(dir + "/ref_bins.bin");
  int nHv = 0, nNan = 0;
  for (int j = 0; j < kGenes; ++j) {
    EXPECT_TRUE(sameOrBothNan(h.means[j], means[j], 1e-9)) << "gene " << j;
    EXPECT_TRUE(sameOrBothNan(h.dispersions[j], disp[j], 1e-9)) << "gene " << j;
    EXPECT_TRUE(sameOrBothNan(h.dispersionsNorm[j], dn[j], 1e-8)) << "gene " << j;
    EXPECT_EQ(h.meanBin[j], static_cast<int>(bins[j])) << "gene " << j;
    EXPECT_EQ(h.highlyVariable[j] != 0, hv[j] != 0) << "gene " << j << " dnorm " << h.dispersionsNorm[j];
    nHv += h.highlyVariable[j];
    nNan += std::isnan(h.dispersionsNorm[j]);
  }
  EXPECT_GE(nNan, 1);  // the all-zero gene
  if (nTop > 0) EXPECT_EQ(nHv, nTop);
  else EXPECT_GT(nHv, 0);
}

}  // namespace

TEST(Preprocess, SparseNormalizeLog1pHvgTopNMatchNumpy) { checkAgainstNumpy(true, 50); }
TEST(Preprocess, DenseNormalizeLog1pHvgTopNMatchNumpy) { checkAgainstNumpy(false, 120); }
TEST(Preprocess, HvgCutoffsMatchNumpy) { checkAgainstNumpy(true, 0); }

TEST(Preprocess, MedianTargetAndGeneSelection) {
  RowMatrixF x(4, 3);
  x << 1, 1, 0,  //
      2, 2, 0,   //
      0, 0, 0,   //
      4, 0, 4;
  ExpressionMatrix m = asMatrix(x, true);
  // Non-zero totals 2, 4, 8 -> median 4 (np.median).
  EXPECT_DOUBLE_EQ(normalizeTotal(m, 0), 4.0);
  RowMatrixF d = m.toDense();
  EXPECT_FLOAT_EQ(d(0, 0), 2.0f);
  EXPECT_FLOAT_EQ(d(3, 2), 2.0f);
  EXPECT_FLOAT_EQ(d.row(2).sum(), 0.0f);

  HvgResult h;
  h.dispersionsNorm = {0.5, std::nan(""), 2.0, 2.0, -1.0};
  h.highlyVariable = {0, 0, 1, 1, 0};
  EXPECT_EQ(topGenesByDispersion(h, 3), (std::vector<std::int64_t>{2, 3, 0}));
  EXPECT_EQ(topGenesByDispersion(h, 10).back(), 1);  // NaN last
  EXPECT_EQ(selectGenes(h, {4, 2}), (std::vector<std::int64_t>{2, 3, 4}));
}
