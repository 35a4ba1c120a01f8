// The comparison workflow in the main window on the tiny data and model: a
// prediction of an observed condition is judged in the Compare dock (metrics
// over seeds equal to core's evaluateCondition, baselines beside the model),
// an unobserved pair is shown against control only, cells are coloured by a
// gene (values equal to core's reader), and the predictions export to .h5ad,
// cells CSV and per-gene summary CSV that Python reads back.
#include <gtest/gtest.h>

#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <filesystem>
#include <numeric>

#include "WorkflowFixture.h"
#include "core/data/ModelExpression.h"
#include "core/flow/PredictionEvaluation.h"
#include "ui/ComparisonDock.h"
#include "ui/ComparisonSession.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/PredictionSession.h"
#include "ui/analysis/ComparisonPanel.h"
#include "ui/analysis/MetricsTableModel.h"
#include "ui/analysis/MetricsView.h"
#include "ui/panels/PredictionPanel.h"
#include "ui/views/UmapView.h"

using namespace scdfm;
using scdfm::ui::MainWindow;

namespace {

class AnalysisWorkflowTest : public test::WorkflowTest {
 protected:
  // Predicts `key` with few cells and waits until its comparison is shown.
  void predictAndCompare(MainWindow& w, const QString& key) {
    auto* panel = w.predictionPanel();
    ui::PredictionSettings s = panel->settings();
    s.perturbations = {key};
    s.cells = 16;
    s.timePoints = 4;
    s.seed = 3;
    panel->setSettings(s);
    QSignalSpy ready(w.comparisons(), &ui::ComparisonSession::ready);
    panel->runButton()->click();
    ASSERT_TRUE(ready.wait(120000));
    QApplication::processEvents();
    ASSERT_EQ(w.comparisonDock()->shownKey(), key);
  }
};

}  // namespace

TEST_F(AnalysisWorkflowTest, ComparesAnObservedPredictionWithTheDataAndTheBaselines) {
  MainWindow w;
  ASSERT_NO_FATAL_FAILURE(open(w));
  QString single;
  for (const auto& c : f_->trainConditions)
    if (c.find('+') == std::string::npos && c.find('@') == std::string::npos) single = QString::fromStdString(c);
  ASSERT_FALSE(single.isEmpty());
  w.comparisons()->setSeeds(2);
  ASSERT_NO_FATAL_FAILURE(predictAndCompare(w, single));

  const auto* c = w.comparisons()->last().get();
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->input.hasObserved());
  const auto& results = w.comparisonDock()->panel()->results();
  EXPECT_TRUE(results.comparison.hasObserved());
  // The metrics table holds core's evaluation: same request → same numbers.
  Dataset ds(f_->data);
  Predictor predictor(f_->checkpoint, "cpu");
  EvaluationRequest req;
  req.context = c->input.context;
  req.cells = 16;
  req.timePoints = 4;
  req.seeds = {3, 4};
  const auto baselines = baselinesFor(predictor, ds);
  const ConditionEvaluation ev = evaluateCondition(predictor, ds, baselines, single.toStdString(), req);
  const auto& table = w.comparisonDock()->panel()->metrics()->model()->comparison();
  ASSERT_GE(table.methods.size(), 2u);
  EXPECT_EQ(table.methods.front(), kModelMethod);
  const auto model = ev.runs.at(kModelMethod);
  ASSERT_EQ(model.size(), 2u);
  bool checked = false;
  for (const auto& row : table.rows) {
    if (row.metricId != "mse_top20_de") continue;
    const double expected = (model[0].at("mse_top20_de") + model[1].at("mse_top20_de")) / 2;
    EXPECT_NEAR(row.spread.at(0).mean, expected, 1e-9 * std::max(1.0, std::abs(expected)));
    EXPECT_EQ(row.spread.at(0).n, 2);
    checked = true;
  }
  EXPECT_TRUE(checked);
  EXPECT_NE(std::find(table.methods.begin(), table.methods.end(), "no change"), table.methods.end());
  EXPECT_TRUE(w.comparisonDock()->note().contains("2 sampling seeds")) << w.comparisonDock()->note().toStdString();

  // Colour by a gene: the dataset's cells get core's values, the predicted cells theirs.
  const std::string gene = f_->genes.at(2);
  w.colorByGene(QString::fromStdString(gene));
  w.viewJobs()->waitForIdle();
  QTRY_VERIFY_WITH_TIMEOUT(w.umapView()->showsValues(), 10000);
  const auto& prep = predictor.checkpoint().preprocessing;
  std::vector<std::int64_t> rows(static_cast<std::size_t>(ds.nCells()));
  std::iota(rows.begin(), rows.end(), std::int64_t{0});
  const RowMatrixF column = readExpression(ds, rows, expressionSpace(ds, {gene}, prep.normalizeTotal, prep.log1p));
  const auto& shown = w.umapView()->data();
  ASSERT_EQ(shown.size(), static_cast<std::size_t>(ds.nCells()) + 16);
  ASSERT_EQ(shown.values.size(), shown.size());
  for (std::int64_t i = 0; i < ds.nCells(); i += 97) EXPECT_FLOAT_EQ(shown.values[i], column(i, 0));
  const auto* record = w.predictions()->find(single);
  ASSERT_TRUE(record);
  const auto& g = record->result.genes;
  const auto col = std::find(g.begin(), g.end(), gene) - g.begin();
  EXPECT_FLOAT_EQ(shown.values[ds.nCells() + 5], record->result.cells(5, col));
  EXPECT_EQ(w.viewState().colorGene, QString::fromStdString(gene));
  w.geneBox()->clear();  // back to categories
  EXPECT_FALSE(w.umapView()->showsValues());

  // Exports: the files scanpy users open.
  const std::string dir = test::scratchDir("analysis_workflow_export");
  for (auto [name, format] : {std::pair{"pred.h5ad", "h5ad"}, {"cells.csv", "csv"}, {"summary.csv", "summary"}})
    EXPECT_EQ(w.exportPredictionsTo(QString::fromStdString(dir + "/" + name), format), QString()) << name;
  if (test::pythonHas("anndata")) {
    auto py = test::runPython("D = '" + dir + "'\nkey = '" + single.toStdString() + R"PY('
import anndata, numpy as np, pandas as pd
a = anndata.read_h5ad(D + '/pred.h5ad')
kinds = set(a.obs['kind'])
assert kinds == {'control', 'observed', 'predicted'}, kinds
assert 'X_umap' in a.obsm and a.obsm['X_umap'].shape == (a.n_obs, 2)
p = (a.obs['kind'] == 'predicted').to_numpy()
assert p.sum() == 16 and (a.obs['condition'][p] == key).all()
c = pd.read_csv(D + '/cells.csv')
assert len(c) == a.n_obs and list(c.columns[4:]) == list(a.var_names)
s = pd.read_csv(D + '/summary.csv')
assert len(s) == a.n_vars and (s['perturbation'] == key).all()
assert np.allclose(s['predicted_mean'], np.asarray(a.X)[p].mean(0), atol=1e-5)
print('ok')
)PY");
    EXPECT_EQ(py.exitCode, 0) << py.output;
  }
}

TEST_F(AnalysisWorkflowTest, ShowsAnUnobservedPairAgainstControlOnly) {
  MainWindow w;
  ASSERT_NO_FATAL_FAILURE(open(w));
  // Two model genes whose pair the data does not hold.
  const QString pair = QString::fromStdString(f_->genes.at(0) + "+" + f_->genes.at(1));
  Dataset ds(f_->data);
  ASSERT_EQ(ds.catalog().find(pair.toStdString()), nullptr);
  ASSERT_NO_FATAL_FAILURE(predictAndCompare(w, pair));
  const auto* c = w.comparisons()->last().get();
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->input.hasObserved());
  EXPECT_TRUE(c->input.metricRuns.empty());
  EXPECT_FALSE(w.comparisonDock()->panel()->results().comparison.hasObserved());
  EXPECT_TRUE(w.comparisonDock()->note().contains("no cells in this dataset")) << w.comparisonDock()->note().toStdString();
  // The attention maps of the first generated cell reach the panel.
  ASSERT_TRUE(c->input.attention);
  EXPECT_FALSE(c->input.attention->empty());
}
