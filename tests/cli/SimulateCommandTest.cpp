// `scdfm simulate` end to end: the file it writes opens in Python's anndata
// with the conventions of real Perturb-seq files, and in `scdfm info`.
#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"

namespace fs = std::filesystem;
using namespace scdfm::test;

namespace {

std::string scdfmBinary() { return binDir() + "/scdfm"; }

// Simulates the tiny preset once into the scratch folder.
const std::string& tinyFile() {
  static const std::string path = [] {
    const std::string dir = scratchDir("cli_simulate");
    const std::string out = dir + "/tiny.h5ad";
    const auto r = runCommand(scdfmBinary() + " simulate --preset tiny --seed 7 --out " + out);
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return out;
  }();
  return path;
}

}  // namespace

TEST(SimulateCommand, WritesTheDatasetAndItsGroundTruth) {
  const std::string& out = tinyFile();
  ASSERT_TRUE(fs::exists(out));
  const fs::path truth = fs::path(out).parent_path() / "tiny.truth";
  for (const char* f : {"README.txt", "network_edges.csv", "gene_graph.safetensors", "mean_shift_log1p.csv",
                        "expected_counts.csv", "interactions.csv", "conditions.csv", "params.json"})
    EXPECT_TRUE(fs::exists(truth / f)) << f;
}

TEST(SimulateCommand, ReportsProgressAndSummary) {
  const std::string dir = scratchDir("cli_simulate_progress");
  const auto r = runCommand(scdfmBinary() + " simulate --preset tiny --genes 60 --no-truth --out " + dir + "/x.h5ad");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("simulating cells"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("x 60 genes"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir + "/x.truth/network_edges.csv"));
  EXPECT_FALSE(fs::exists(dir + "/x.truth/mean_shift_log1p.csv"));
}

TEST(SimulateCommand, BadOptionsExitWithCode2AndNameTheOption) {
  const std::string dir = scratchDir("cli_simulate_bad");
  auto r = runCommand(scdfmBinary() + " simulate --preset tiny --genes 10 --out " + dir + "/x.h5ad");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("--genes"), std::string::npos) << r.output;
  r = runCommand(scdfmBinary() + " simulate --preset large --out " + dir + "/x.h5ad");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("tiny"), std::string::npos) << r.output;  // lists the presets
  r = runCommand(scdfmBinary() + " simulate --preset tiny --doses 10,abc --out " + dir + "/x.h5ad");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_FALSE(fs::exists(dir + "/x.h5ad"));
}

TEST(SimulateCommand, OpensInPythonAnndataWithTheExpectedColumns) {
  if (!pythonHas("anndata")) GTEST_SKIP() << "Python anndata not installed";
  const std::string& out = tinyFile();
  const auto r = runPython(R"(
import sys, json
import numpy as np, pandas as pd, anndata as ad
a = ad.read_h5ad(sys.argv[1] if len(sys.argv) > 1 else ")" + out + R"(")
assert a.n_obs == 1500 and a.n_vars == 100, a.shape
for col in ["condition", "perturbation_type", "dose", "cell_type", "control", "n_counts", "n_genes"]:
    assert col in a.obs.columns, col
for col in ["condition", "perturbation_type", "cell_type"]:
    assert isinstance(a.obs[col].dtype, pd.CategoricalDtype), (col, a.obs[col].dtype)
assert a.obs["control"].dtype == bool
assert set(a.obs["perturbation_type"].cat.categories) == {"control", "gene", "drug"}
ctrl = a.obs["condition"] == "ctrl"
assert (ctrl == a.obs["control"]).all()
assert (a.obs.loc[a.obs.perturbation_type == "drug", "dose"] > 0).all()
assert (a.obs.loc[a.obs.perturbation_type != "drug", "dose"] == 0).all()
singles = [c for c in a.obs["condition"].cat.categories if c.endswith("+ctrl")]
assert len(singles) == 8, singles
assert a.var["highly_variable"].all() and a.var_names[0] == "G0001"
X = a.X.tocsr()
assert X.dtype == np.float32 and np.all(X.data == np.round(X.data)) and X.data.min() > 0
assert np.allclose(np.asarray(X.sum(axis=1)).ravel(), a.obs["n_counts"].values)
assert a.uns["dose_unit"] == "nM"
assert int(a.uns["simulation"]["seed"]) == 7
# The data agree with the written ground truth: each knocked-down target is lower than in controls.
truth = pd.read_csv(")" + out.substr(0, out.size() - 5) + R"(.truth/mean_shift_log1p.csv")
import scipy.sparse as sp
totals = np.maximum(np.asarray(X.sum(axis=1)).ravel(), 1)
norm = (sp.diags(float(a.uns["simulation"]["normalize_target_sum"]) / totals) @ X).tocsr()
norm.data = np.log1p(norm.data)
for s in singles:
    gene = s.split("+")[0]
    j = list(a.var_names).index(gene)
    cells = (a.obs["condition"] == s).values
    shift = norm[cells][:, j].mean() - norm[ctrl.values][:, j].mean()
    assert shift < 0, (s, shift)
    assert truth.loc[truth.condition == s, gene].values[0] < 0
print("OK")
)");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("OK"), std::string::npos) << r.output;
}

TEST(SimulateCommand, InfoReadsTheResult) {
  if (runCommand(scdfmBinary() + " info --help").exitCode != 0) GTEST_SKIP() << "scdfm info not available yet";
  const auto r = runCommand(scdfmBinary() + " info " + tinyFile());
  EXPECT_EQ(r.exitCode, 0) << r.output;
  const bool mentionsCells = r.output.find("1500") != std::string::npos || r.output.find("1,500") != std::string::npos;
  EXPECT_TRUE(mentionsCells) << r.output;
}
