// ReferenceBaselines against numpy: per-context effects, the additive and the
// leave-one-out linear baseline on a small file written by anndata.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "TestSupport.h"
#include "core/data/Dataset.h"
#include "core/data/ModelExpression.h"
#include "core/eval/ReferenceBaselines.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {
// Counts in two cell types; conditions ctrl, A, B, C, A+B, A+C, B+C (C has no
// cells in RPE1). Expected values: normalize_total 1e4 + log1p, genes G3 G1 G0.
const char* kWrite = R"PY(
import numpy as np, anndata as ad, pandas as pd, json, sys
rng = np.random.default_rng(3)
conds, types = [], []
for c, n in [("ctrl", 60), ("A+ctrl", 30), ("B+ctrl", 30), ("C+ctrl", 20), ("A+B", 25), ("A+C", 20), ("B+C", 15)]:
    for i in range(n):
        conds.append(c)
        types.append("K562" if (i % 3 != 0 or c == "C+ctrl") else "RPE1")
n = len(conds)
X = rng.poisson(3.0, (n, 8)).astype(np.float32)
shift = {"A": 0, "B": 1, "C": 2}
for i, c in enumerate(conds):
    for g in c.split("+"):
        if g in shift: X[i, shift[g]] += 6 + rng.poisson(2)
a = ad.AnnData(X=X, obs=pd.DataFrame({"condition": pd.Categorical(conds), "cell_type": pd.Categorical(types)},
                                     index=[f"c{i}" for i in range(n)]),
               var=pd.DataFrame(index=["A", "B", "C", "G0", "G1", "G2", "G3", "G4"]))
a.write_h5ad(sys.argv[1])
L = np.log1p(X / X.sum(1, keepdims=True) * 1e4)
genes = [6, 4, 3]
L = L[:, genes].astype(np.float64)
conds = np.array(conds); types = np.array(types)
def mean(c, t=None):
    m = conds == c
    if t is not None: m &= types == t
    return L[m].mean(0) if m.any() else None
def effect(c, t):
    if mean(c, t) is not None: return mean(c, t) - mean("ctrl", t)
    s, w = 0, 0
    for tt in ["K562", "RPE1"]:
        if mean(c, tt) is not None:
            k = ((conds == c) & (types == tt)).sum(); s = s + k * (mean(c, tt) - mean("ctrl", tt)); w += k
    return s / w
ctrl = L[(conds == "ctrl") & (types == "RPE1")][:5]
add = np.maximum(ctrl + effect("A+ctrl", "RPE1") + effect("C+ctrl", "RPE1"), 0)
# Linear for A+C: ridge 1e-3 on every other condition (design by components).
keys = {"A+ctrl": ["A"], "B+ctrl": ["B"], "C+ctrl": ["C"], "A+B": ["A", "B"], "B+C": ["B", "C"]}
comps = ["A", "B", "C"]
Xd = np.array([[1.0 if c in v else 0.0 for c in comps] for v in keys.values()])
D = np.array([effect(k, "RPE1") for k in keys])
W = np.linalg.solve(Xd.T @ Xd + 1e-3 * np.eye(3), Xd.T @ D)
lin = np.maximum(ctrl + W[0] + W[2], 0)
json.dump({"ctrl": ctrl.tolist(), "additive": add.tolist(), "linear": lin.tolist(),
           "effectC_RPE1": effect("C+ctrl", "RPE1").tolist()}, open(sys.argv[2], "w"))
)PY";
}  // namespace

TEST(ReferenceBaselines, MatchNumpy) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not available";
  const auto dir = test::scratchDir("reference_baselines");
  const std::string h5ad = dir + "/b.h5ad", expected = dir + "/expected.json";
  {
    std::ofstream(dir + "/write.py") << kWrite;
  }
  auto r = test::runCommand(test::python() + " " + dir + "/write.py " + h5ad + " " + expected);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  std::ifstream in(expected);
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str());

  Dataset ds(h5ad);
  const ExpressionSpace space = expressionSpace(ds, {"G3", "G1", "G0"}, 1e4, true);
  ReferenceBaselines b(ds, space);
  auto toMatrix = [](const nlohmann::json& rows) {
    RowMatrixF m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows[0].size()));
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t k = 0; k < rows[i].size(); ++k) m(i, k) = rows[i][k].get<float>();
    return m;
  };
  const RowMatrixF control = toMatrix(j["ctrl"]);
  // C was measured only in K562: its RPE1 effect is the K562 one.
  auto effC = b.effect("C", "RPE1");
  ASSERT_TRUE(effC);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR((*effC)(k), j["effectC_RPE1"][k].get<double>(), 1e-5);

  const BaselineCells cells = b.predict(parsePerturbationQuery("A+C"), "RPE1", control);
  ASSERT_TRUE(cells.cells.count(kNoChangeBaseline));
  EXPECT_EQ(cells.cells.at(kNoChangeBaseline), control);
  ASSERT_TRUE(cells.cells.count(kAdditiveBaseline)) << cells.unavailable.begin()->second;
  ASSERT_TRUE(cells.cells.count(kLinearBaseline));
  EXPECT_LT((cells.cells.at(kAdditiveBaseline) - toMatrix(j["additive"])).cwiseAbs().maxCoeff(), 1e-4f);
  EXPECT_LT((cells.cells.at(kLinearBaseline) - toMatrix(j["linear"])).cwiseAbs().maxCoeff(), 1e-4f);

  // A single has no additive baseline; an unknown component has no linear one.
  const BaselineCells single = b.predict(parsePerturbationQuery("A"), "RPE1", control);
  EXPECT_FALSE(single.cells.count(kAdditiveBaseline));
  EXPECT_NE(single.unavailable.at(kAdditiveBaseline).find("combination"), std::string::npos);
  EXPECT_TRUE(single.cells.count(kLinearBaseline));  // A is in A+B and A+C
  Perturbation unknown = parsePerturbationQuery("A+G4");
  const BaselineCells u = b.predict(unknown, "RPE1", control);
  EXPECT_FALSE(u.cells.count(kLinearBaseline));
  EXPECT_NE(u.unavailable.at(kLinearBaseline).find("G4"), std::string::npos);
  EXPECT_NE(u.unavailable.at(kAdditiveBaseline).find("G4"), std::string::npos);

  // Restricted learning set: without the singles there is no additive baseline.
  ReferenceBaselines pairsOnly(ds, space, {"A+B", "B+C"});
  EXPECT_FALSE(pairsOnly.predict(parsePerturbationQuery("A+C"), "RPE1", control).cells.count(kAdditiveBaseline));
  // Wrong gene count is refused.
  EXPECT_THROW(b.predict(parsePerturbationQuery("A+C"), "RPE1", RowMatrixF::Zero(2, 5)), InputError);
}

TEST(ModelExpression, ReadsPreprocessedColumnsInModelOrder) {
  if (!test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not available";
  const auto dir = test::scratchDir("model_expression");
  std::ofstream(dir + "/write.py") << kWrite;
  auto r = test::runCommand(test::python() + " " + dir + "/write.py " + dir + "/b.h5ad " + dir + "/e.json");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  Dataset ds(dir + "/b.h5ad");
  auto space = expressionSpace(ds, {"G3", "A"}, 1e4, true);
  RowMatrixF raw = ds.expression({0, 5}).toDense();
  RowMatrixF x = readExpression(ds, {5, 0}, space);
  ASSERT_EQ(x.rows(), 2);
  ASSERT_EQ(x.cols(), 2);
  const double total = raw.row(1).cast<double>().sum();
  EXPECT_NEAR(x(0, 0), std::log1p(raw(1, 6) / total * 1e4), 1e-4);
  EXPECT_NEAR(x(0, 1), std::log1p(raw(1, 0) / total * 1e4), 1e-4);
  auto sums = sumExpression(ds, {0, 5}, space, 1);
  EXPECT_NEAR(sums[0], x(0, 0) + x(1, 0), 1e-4);
  EXPECT_THROW(expressionSpace(ds, {"NOPE"}), InputError);
}
