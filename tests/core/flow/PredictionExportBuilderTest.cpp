// The export built from a real prediction on the tiny dataset: blocks of the
// right cells, provenance, and control/observed values in the model's space
// (checked against numpy on the raw file).
#include "core/flow/PredictionExportBuilder.h"

#include <gtest/gtest.h>

#include "TestSupport.h"
#include "TinyCheckpoint.h"
#include "core/data/Dataset.h"
#include "core/util/Error.h"

using namespace scdfm;

TEST(PredictionExportBuilder, BlocksProvenanceAndModelSpace) {
  SCDFM_REQUIRE_TINY_DATA();
  Dataset ds(test::tinyData());
  Predictor predictor(test::tinyCheckpoint(), "cpu");
  const auto& cat = ds.catalog();
  // An observed single of the model in a cell type that has it.
  std::string key, context;
  for (const auto& e : cat.entries()) {
    if (e.isControl() || e.isCombination() || !e.observed || e.kind() != PerturbationKind::Gene) continue;
    try {
      predictor.check(e.key);
    } catch (const InputError&) {
      continue;
    }
    for (const auto& [ct, n] : e.cellsByCellType)
      if (n >= 2) key = e.key, context = ct;
    if (!key.empty()) break;
  }
  ASSERT_FALSE(key.empty());
  PredictRequest req;
  req.perturbations = {key};
  req.context = context;
  req.cells = 6;
  req.timePoints = 3;
  req.seed = 11;
  const auto results = predictor.predict(ds, req);
  const PredictionExport ex = buildPredictionExport(predictor, ds, req, results);

  ASSERT_EQ(ex.blocks.size(), 3u);
  const auto& control = ex.blocks[0];
  const auto& predicted = ex.blocks[1];
  const auto& observed = ex.blocks[2];
  EXPECT_EQ(control.kind, ExportedCellKind::Control);
  EXPECT_EQ(predicted.kind, ExportedCellKind::Predicted);
  EXPECT_EQ(observed.kind, ExportedCellKind::Observed);
  const auto controlRows = cat.controlCells(context), observedRows = cat.cellsOf(key, context);
  EXPECT_EQ(control.cells.rows(), static_cast<std::int64_t>(controlRows.size()));
  EXPECT_EQ(observed.cells.rows(), static_cast<std::int64_t>(observedRows.size()));
  EXPECT_EQ(control.cellNames.front(), ds.obs().index[static_cast<std::size_t>(controlRows.front())]);
  EXPECT_TRUE(predicted.cells == results.front().cells);
  EXPECT_EQ(predicted.seed, std::optional<std::uint64_t>(11));
  EXPECT_EQ(predicted.controlCells.front(), ds.obs().index[static_cast<std::size_t>(results.front().controlRows.front())]);
  for (const auto* b : {&control, &predicted, &observed}) {
    EXPECT_EQ(b->cellType, context);
    EXPECT_EQ(b->cells.cols(), static_cast<std::int64_t>(ex.genes.size()));
  }
  EXPECT_EQ(ex.provenance.checkpoint, "checkpoint.safetensors");
  EXPECT_EQ(ex.provenance.dataFile, "tiny.h5ad");
  EXPECT_EQ(ex.provenance.context, context);
  EXPECT_EQ(ex.provenance.solver, "rk4");
  EXPECT_EQ(ex.provenance.timePoints, 3);
  EXPECT_EQ(ex.provenance.seed, 11u);

  PredictionExportOptions none;
  none.controls = none.observed = false;
  EXPECT_EQ(buildPredictionExport(predictor, ds, req, results, none).blocks.size(), 1u);
  EXPECT_THROW(buildPredictionExport(predictor, ds, req, {}), InputError);

  // Control and observed cells as the model sees them, computed in numpy.
  const auto dir = test::scratchDir("export_builder");
  std::vector<std::int64_t> cols;
  for (const auto& g : ex.genes) cols.push_back(*ds.findGene(g));
  test::writeIndexFile(dir + "/genes.cols", cols);
  test::writeIndexFile(dir + "/ctrl.rows", controlRows);
  test::writeIndexFile(dir + "/obs.rows", observedRows);
  writePredictionSummaryCsv(dir + "/summary.csv", ex);
  const auto py = test::runPython(test::pythonModelSpace(dir) + R"PY(
import pandas as pd
t = pd.read_csv(D + '/summary.csv')
c, o = model_space('ctrl'), model_space('obs')
assert len(t) == c.shape[1], (len(t), c.shape)
assert np.allclose(t['control_mean'], c.mean(0), rtol=1e-5, atol=1e-6), np.abs(t['control_mean'] - c.mean(0)).max()
assert np.allclose(t['control_var'], c.var(0, ddof=1), rtol=1e-4, atol=1e-6)
assert np.allclose(t['observed_mean'], o.mean(0), rtol=1e-5, atol=1e-6)
assert np.allclose(t['delta_observed'], o.mean(0) - c.mean(0), rtol=1e-4, atol=1e-5)
print('ok')
)PY");
  EXPECT_EQ(py.exitCode, 0) << py.output;
}
