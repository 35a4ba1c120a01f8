// `scdfm train` / `scdfm predict` / `scdfm evaluate` on the simulator's tiny dataset.
#include <gtest/gtest.h>

#include <filesystem>

#include "CliSupport.h"
#include "core/io/ModelCheckpoint.h"

using namespace scdfm;

using test::kTinyModel;
using test::scdfmBin;
using test::tiny;

TEST(TrainCommand, ResumeEqualsUninterrupted) {
  if (!std::filesystem::exists(tiny())) GTEST_SKIP() << "no " << tiny() << " (build the 'datasets' target)";
  auto a = test::scratchDir("cli_train_a"), b = test::scratchDir("cli_train_b");
  auto r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + a + " --steps 6 --seed 5" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + b + " --steps 3 --seed 5" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + b + " --steps 6 --seed 5 --resume" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto ca = readModelCheckpoint(a + "/checkpoint.safetensors"), cb = readModelCheckpoint(b + "/checkpoint.safetensors");
  EXPECT_EQ(cb.training.steps, 6);
  for (const auto& [k, t] : ca.weights) EXPECT_TRUE(t.data == cb.weights.at(k).data) << k;
  // Training again into a used folder without --resume is refused (exit 2).
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + a + " --steps 2" + kTinyModel);
  EXPECT_EQ(r.exitCode, 2) << r.output;
  // Resuming with no steps left is refused, naming the checkpoint's step and what to give.
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + a + " --steps 4 --seed 5 --resume" + kTinyModel);
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find("the checkpoint has already trained 6 steps. To train further, give --steps above 6"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(readModelCheckpoint(a + "/checkpoint.safetensors").training.steps, 6);  // left as it was
}

TEST(PredictCommand, WritesRequestedCellsAndEvaluates) {
  if (!std::filesystem::exists(tiny())) GTEST_SKIP() << "no " << tiny() << " (build the 'datasets' target)";
  auto dir = test::scratchDir("cli_predict");
  auto r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + dir + " --steps 2 --seed 1" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto c = readModelCheckpoint(dir + "/checkpoint.safetensors");
  ASSERT_FALSE(c.training.trainConditions.empty());
  const std::string single = c.training.trainConditions.front();
  const std::string pair = c.genes.at(0) + "+" + c.genes.at(1);
  r = test::runCommand(scdfmBin() + " predict " + tiny() + " --checkpoint " + dir + "/checkpoint.safetensors -p '" +
                       single + "' -p '" + pair + "' --cells 12 --time-points 3 --device cpu --out " + dir +
                       "/pred.h5ad --csv " + dir + "/pred.csv");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  if (test::pythonHas("h5py")) {
    auto py = test::runPython("import h5py\nf = h5py.File('" + dir + R"PY(/pred.h5ad', 'r')
X = f['X'][()]
assert X.shape == (24, )PY" + std::to_string(c.genes.size()) + R"PY(), X.shape
assert (X >= 0).all()
kind = f['obs/kind']
cats = [c.decode() if isinstance(c, bytes) else c for c in kind['categories'][()]]
assert cats == ['predicted'], cats
print('ok')
)PY");
    EXPECT_EQ(py.exitCode, 0) << py.output;
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/pred.csv"));
  // With the context's control and observed cells, and the per-gene summary.
  r = test::runCommand(scdfmBin() + " predict " + tiny() + " --checkpoint " + dir + "/checkpoint.safetensors -p '" +
                       single + "' -p '" + pair + "' --cells 12 --time-points 3 --seed 4 --device cpu --out " + dir +
                       "/full.h5ad --csv " + dir + "/full.csv --summary-csv " + dir +
                       "/summary.csv --with-controls --with-observed --quiet");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_TRUE(r.output.empty()) << r.output;
  if (test::pythonHas("anndata")) {
    auto py = test::runPython("D = '" + dir + R"PY('
import anndata, numpy as np, pandas as pd
a = anndata.read_h5ad(D + '/full.h5ad')
assert list(a.obs.columns) == ['condition', 'cell_type', 'kind', 'control_cell', 'seed'], list(a.obs.columns)
assert set(a.obs['kind']) == {'control', 'predicted', 'observed'}, set(a.obs['kind'])
pred = a.obs['kind'] == 'predicted'
assert pred.sum() == 24 and (a.obs['seed'][pred] == 4).all() and a.obs['seed'][~pred].isna().all()
u = a.uns['scdfm_prediction']
assert u['checkpoint'] == 'checkpoint.safetensors' and u['data'] == 'tiny.h5ad' and u['seed'] == 4, u
assert u['time_points'] == 3 and u['cells'] == 12 and u['solver'] == 'rk4', u
c = pd.read_csv(D + '/full.csv')
assert len(c) == a.n_obs and list(c.columns[4:]) == list(a.var_names)
assert (c.iloc[:, 4:].to_numpy(np.float32) == np.asarray(a.X)).all()  # shortest float text reads back exactly
s = pd.read_csv(D + '/summary.csv')
assert len(s) == 2 * a.n_vars, len(s)
X = np.asarray(a.X, dtype=np.float64)
ctrl = X[(a.obs['kind'] == 'control').to_numpy()]
for key in s['perturbation'].unique():
    t = s[s['perturbation'] == key]
    p = X[(pred & (a.obs['condition'] == key)).to_numpy()]
    assert np.allclose(t['predicted_mean'], p.mean(0), rtol=1e-9, atol=1e-12)
    assert np.allclose(t['control_mean'], ctrl.mean(0), rtol=1e-9, atol=1e-12)
    assert np.allclose(t['delta_predicted'], p.mean(0) - ctrl.mean(0), rtol=1e-9, atol=1e-9)
    o = X[((a.obs['kind'] == 'observed') & (a.obs['condition'] == key)).to_numpy()]
    if len(o):
        assert np.allclose(t['observed_var'], o.var(0, ddof=1), rtol=1e-9, atol=1e-12)
    else:
        assert t['delta_observed'].isna().all()
assert s['delta_observed'].notna().any()  # the single is observed in the data
print('ok')
)PY");
    EXPECT_EQ(py.exitCode, 0) << py.output;
  }
  // Unknown gene: exit 2, closest names shown.
  r = test::runCommand(scdfmBin() + " predict " + tiny() + " --checkpoint " + dir + "/checkpoint.safetensors -p '" +
                       c.genes.at(0) + "ZZ' --cells 4 --out " + dir + "/bad.h5ad");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find(c.genes.at(0)), std::string::npos) << r.output;
  // Evaluation table beside the baselines.
  if (!c.training.testConditions.empty()) {
    r = test::runCommand(scdfmBin() + " evaluate " + tiny() + " --checkpoint " + dir +
                         "/checkpoint.safetensors --cells 8 --time-points 3 --device cpu --json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("\"no change\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"scDFM\""), std::string::npos) << r.output;
  }
}
