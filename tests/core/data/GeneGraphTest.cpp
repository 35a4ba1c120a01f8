// Gene-interaction graph: exact parity with the authors' golden masks, and a
// numpy reference for the positive-edge variant and sparse input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "TestSupport.h"
#include "core/data/GeneGraph.h"
#include "core/io/Safetensors.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

ExpressionMatrix denseMatrix(const std::vector<float>& values, std::int64_t rows, std::int64_t cols) {
  ExpressionMatrix m;
  m.sparse = false;
  m.encoding = MatrixEncoding::Dense;
  m.dense = Eigen::Map<const RowMatrixF>(values.data(), rows, cols);
  return m;
}

}  // namespace

TEST(GeneGraph, MatchesGoldenMaskInEveryCase) {
  const auto cases = test::goldenCases();
  if (cases.empty()) GTEST_SKIP() << "no golden cases in " << test::goldenDir();
  int checked = 0;
  for (const auto& dir : cases) {
    if (!std::filesystem::exists(dir + "/graph.safetensors")) continue;
    SCOPED_TRACE(dir);
    nlohmann::json config;
    std::ifstream(dir + "/config.json") >> config;
    const auto& gc = config.at("graph");
    const auto names = gc.at("gene_names_in_column_order").get<std::vector<std::string>>();
    GeneGraphOptions opt;
    opt.topk = gc.at("topk").get<int>();
    opt.useNegativeEdge = gc.at("use_negative_edge").get<bool>();
    opt.padTokens = gc.at("pad_tokens").get<int>();
    opt.chunkRows = 37;  // several chunks, one partial

    const SafetensorsFile f = readSafetensors(dir + "/graph.safetensors");
    const RawTensor& expr = f.at("expression");
    const RawTensor& golden = f.at("graph_mask");
    ASSERT_EQ(expr.shape.size(), 2u);
    ASSERT_EQ(static_cast<std::size_t>(expr.shape[1]), names.size());
    const ExpressionMatrix m = denseMatrix(expr.toFloat(), expr.shape[0], expr.shape[1]);

    int reports = 0;
    Progress progress([&](const ProgressInfo&) { ++reports; });
    const GeneGraphMask mask = buildGeneGraph(m, names, opt, progress);
    EXPECT_GT(reports, 2);
    ASSERT_EQ(golden.shape, (std::vector<std::int64_t>{mask.size, mask.size}));
    ASSERT_EQ(golden.data.size(), mask.blocked.size());
    std::int64_t diff = 0;
    for (std::size_t i = 0; i < golden.data.size(); ++i) diff += (golden.data[i] != 0) != (mask.blocked[i] != 0);
    EXPECT_EQ(diff, 0) << "entries differing from the golden mask";
    // Gene order = sorted names; the specials attend only to themselves.
    EXPECT_TRUE(std::is_sorted(mask.geneOrder.begin(), mask.geneOrder.end()));
    for (int s = 0; s < opt.padTokens; ++s)
      for (std::int64_t j = 0; j < mask.size; ++j) EXPECT_EQ(mask.isBlocked(s, j), j != s);
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(GeneGraph, PositiveEdgesAndSparseInputMatchNumpy) {
  if (!test::pythonHas("numpy")) GTEST_SKIP() << "numpy not installed";
  const int cells = 150, genes = 45, k = 4;
  std::mt19937_64 rng(7);
  std::poisson_distribution<int> pois(0.8);
  std::normal_distribution<double> nrm(0.0, 1.0);
  std::vector<float> x(static_cast<std::size_t>(cells * genes));
  // Latent factors give positive and negative correlations.
  for (int i = 0; i < cells; ++i) {
    const double f1 = nrm(rng), f2 = nrm(rng);
    for (int j = 0; j < genes; ++j) {
      const double load = (j % 3 == 0 ? f1 : (j % 3 == 1 ? -f1 : f2)) * (0.3 + 0.02 * j);
      x[i * genes + j] = static_cast<float>(std::max(0, pois(rng) + static_cast<int>(std::lround(2 + load))));
    }
  }
  for (int i = 0; i < cells; ++i) x[i * genes + 5] = 0;  // constant gene: correlation NaN -> 0
  std::vector<std::string> names;
  for (int j = 0; j < genes; ++j) names.push_back("g" + std::to_string((j * 17) % genes) + "_" + std::to_string(j));

  const std::string dir = test::scratchDir("gene_graph_numpy");
  {
    std::ofstream out(dir + "/x.bin", std::ios::binary);
    out.write(reinterpret_cast<const char*>(x.data()), static_cast<std::streamsize>(x.size() * sizeof(float)));
    std::ofstream n(dir + "/names.txt");
    for (const auto& s : names) n << s << "\n";
  }
  // The authors' construction, for both edge modes.
  std::string code = R"PY(
import numpy as np
d = 'DIR'
X = np.fromfile(d + '/x.bin', dtype=np.float32).reshape(CELLS, GENES).astype(np.float64)
names = open(d + '/names.txt').read().split()
for neg in (0, 1):
    Xp = np.log1p(np.clip(X, 0, None))
    mu = Xp.mean(0); sd = Xp.std(0, ddof=1); sd[sd == 0] = 1
    Z = (Xp - mu) / sd
    with np.errstate(invalid='ignore', divide='ignore'):
        C = np.corrcoef(Z, rowvar=False)
    C = np.nan_to_num(C, nan=0.0, posinf=0.0, neginf=0.0); np.fill_diagonal(C, 1); C = np.clip(C, -1, 1)
    W = np.abs(C) if neg else C
    G = W.shape[0]; A = np.zeros_like(W)
    for i in range(G):
        r = np.abs(W[i]).copy(); r[i] = -np.inf
        idx = np.argpartition(-r, K)[:K]
        A[i, idx] = W[i, idx]
    A = np.maximum(A, A.T); np.fill_diagonal(A, 1)
    mask = ~(A != 0)
    o = np.argsort(names)
    mask = mask[o][:, o]
    M = np.ones((G + 4, G + 4), bool); M[4:, 4:] = mask
    for i in range(G): M[i, i] = False
    M.astype(np.uint8).tofile(d + '/mask%d.bin' % neg)
print('ok')
)PY";
  auto sub = [&](const std::string& key, const std::string& v) {
    for (auto p = code.find(key); p != std::string::npos; p = code.find(key)) code.replace(p, key.size(), v);
  };
  sub("DIR", dir);
  sub("CELLS", std::to_string(cells));
  sub("GENES", std::to_string(genes));
  sub("K)", std::to_string(k) + ")");
  sub("[:K]", "[:" + std::to_string(k) + "]");
  auto r = test::runPython(code);
  ASSERT_EQ(r.exitCode, 0) << r.output;

  ExpressionMatrix sparse;
  sparse.sparse = true;
  sparse.csr = Eigen::Map<const RowMatrixF>(x.data(), cells, genes).sparseView();
  for (int neg = 0; neg < 2; ++neg) {
    SCOPED_TRACE(neg ? "negative edges" : "positive edges");
    GeneGraphOptions opt;
    opt.topk = k;
    opt.useNegativeEdge = neg != 0;
    opt.chunkRows = 64;
    const GeneGraphMask mask = buildGeneGraph(sparse, names, opt);
    std::ifstream in(dir + "/mask" + std::to_string(neg) + ".bin", std::ios::binary);
    std::vector<char> ref((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(ref.size(), mask.blocked.size());
    std::int64_t diff = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) diff += (ref[i] != 0) != (mask.blocked[i] != 0);
    EXPECT_EQ(diff, 0);
    // Dense input gives the same mask as sparse input.
    const GeneGraphMask dense = buildGeneGraph(denseMatrix(x, cells, genes), names, opt);
    EXPECT_EQ(dense.blocked, mask.blocked);
  }
}

TEST(GeneGraph, RejectsBadInputAndHonoursCancel) {
  std::vector<float> x{1, 2, 3, 4, 5, 6};
  const ExpressionMatrix m = denseMatrix(x, 3, 2);
  EXPECT_THROW(buildGeneGraph(m, {"A"}, {}), InputError);
  EXPECT_THROW(buildGeneGraph(m, {"A", "A"}, {}), InputError);
  CancelToken cancel;
  cancel.cancel();
  EXPECT_THROW(buildGeneGraph(m, {"A", "B"}, {}, Progress::none(), cancel), Cancelled);
  const GeneGraphMask ok = buildGeneGraph(m, {"B", "A"}, {});
  EXPECT_EQ(ok.size, 6);
  EXPECT_EQ(ok.geneOrder, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(ok.allowedGeneEdges(), 4);  // perfectly correlated pair + self loops
}
