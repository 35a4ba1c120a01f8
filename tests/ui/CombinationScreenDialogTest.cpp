// The combination screen dialog on the shipped demo model and demo.h5ad (the
// tiny model on tiny.h5ad while the demo checkpoint is not there): a 5-gene
// screen streams pair by pair into the heatmap, which ends holding exactly the
// core's scores with the observed pairs ringed; a click names the pair; the CSV
// export has one row per pair; Cancel stops at once and keeps what was shown;
// an unknown gene is refused with the closest names.
#include <cstdio>
#include <gtest/gtest.h>

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <qcustomplot.h>

#include "WorkflowFixture.h"
#include "core/data/Dataset.h"
#include "core/flow/CombinationScreen.h"
#include "ui/CombinationScreenDialog.h"
#include "ui/JobRunner.h"
#include "ui/analysis/CombinationHeatmap.h"

using namespace scdfm;
using ui::CombinationScreenDialog;

namespace {

struct Model {
  std::shared_ptr<const Dataset> dataset;
  std::shared_ptr<const Predictor> predictor;
};

const Model& model() {
  static const Model m = [] {
    namespace fs = std::filesystem;
    const std::string demoModel = std::string(SCDFM_TEST_SOURCE_DIR) + "/models/scdfm-demo/checkpoint.safetensors";
    const std::string demoData = test::dataDir() + "/demo.h5ad";
    std::string data, checkpoint;
    if (fs::exists(demoModel) && fs::exists(demoData)) {
      data = demoData;
      checkpoint = demoModel;
    } else if (fs::exists(test::tinyData())) {
      data = test::tinyData();
      checkpoint = test::fixture().checkpoint;  // the workflow tests' tiny model, trained once per process
    } else {
      return Model{};
    }
    return Model{std::make_shared<const Dataset>(data), std::make_shared<const Predictor>(checkpoint, "cpu")};
  }();
  return m;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Scored pairs the heatmap shows (each pair is drawn twice, above and below the diagonal).
int pairsShown(const ui::CombinationHeatmap& h) {
  const auto& m = h.matrix();
  int finite = 0;
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = i + 1; j < m.cols(); ++j) finite += std::isfinite(m(i, j));
  return finite;
}

// Turns the event loop until the dialog's job ends or `ms` pass; true when it ended.
bool waitUntilIdle(CombinationScreenDialog& d, int ms) {
  QElapsedTimer clock;
  clock.start();
  while (d.jobs()->isRunning() && clock.elapsed() < ms) QTest::qWait(5);  // sleeps between events: no busy loop
  return !d.jobs()->isRunning();
}

class CombinationScreenDialogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!model().dataset) GTEST_SKIP() << "neither the demo model + demo.h5ad nor tiny.h5ad (build 'datasets')";
    dialog_ = std::make_unique<CombinationScreenDialog>(model().dataset, model().predictor);
    dialog_->resize(900, 1000);
    dialog_->show();
    genes_ = dialog_->suggestedGenes(5);
    ASSERT_EQ(genes_.size(), 5) << genes_.join(",").toStdString();
  }
  std::unique_ptr<CombinationScreenDialog> dialog_;
  QStringList genes_;
};

}  // namespace

TEST_F(CombinationScreenDialogTest, FiveGeneScreenFillsTheHeatmapWithTheCoresScores) {
  auto& d = *dialog_;
  // The suggested genes are perturbed in the data and known to the model.
  for (const auto& g : genes_) {
    EXPECT_NE(model().dataset->catalog().find(g.toStdString()), nullptr) << g.toStdString();
    EXPECT_NO_THROW(model().predictor->check(g.toStdString()));
  }
  d.cellsBox()->setValue(16);
  d.timePointsBox()->setValue(5);
  d.seedBox()->setValue(3);

  // Pairs scored at every redraw: the heatmap fills one pair at a time.
  std::vector<int> seen;
  QObject guard;  // ends the connection with this test's locals
  QObject::connect(d.heatmap()->plot(), &QCustomPlot::afterReplot, &guard,
                   [&] { seen.push_back(pairsShown(*d.heatmap())); });
  ASSERT_TRUE(d.startScreen(genes_)) << d.lastError().toStdString();
  EXPECT_EQ(d.lastError(), "");
  EXPECT_FALSE(d.runButton()->isEnabled());
  EXPECT_TRUE(d.cancelButton()->isEnabled());
  ASSERT_TRUE(waitUntilIdle(d, 300000));
  ASSERT_TRUE(d.result().has_value()) << d.statusText().toStdString() << "\n" << d.lastError().toStdString();
  const auto& r = *d.result();
  ASSERT_EQ(r.pairs.size(), 10u);
  EXPECT_TRUE(d.statusText().startsWith("Done: 10 pairs")) << d.statusText().toStdString();
  EXPECT_TRUE(d.runButton()->isEnabled());
  for (int k = 1; k <= 10; ++k)
    EXPECT_NE(std::find(seen.begin(), seen.end(), k), seen.end()) << "no redraw with " << k << " pairs";
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  // The dialog passes its settings on: a pair's scores depend only on its own and
  // its singles' predictions (seeded by seed and key), so the core's 2-gene
  // screen of one pair with the same settings gives the same numbers.
  const ScreenPair* check = &r.pairs.front();
  for (const auto& p : r.pairs)
    if (p.observed) check = &p;
  CombinationScreenRequest request;
  request.genes = {check->geneA, check->geneB};
  request.context = d.contextBox()->currentData().toString().toStdString();
  request.cells = 16;
  request.timePoints = 5;
  request.seed = 3;
  const auto core = runCombinationScreen(*model().predictor, *model().dataset, request);
  ASSERT_EQ(core.pairs.size(), 1u);
  EXPECT_EQ(r.context, request.context);
  EXPECT_NEAR(core.pairs[0].predicted.score, check->predicted.score, 1e-9) << check->key;
  ASSERT_EQ(core.pairs[0].observed.has_value(), check->observed.has_value()) << check->key;
  if (check->observed) {
    EXPECT_EQ(core.pairs[0].observed->score, check->observed->score) << check->key;
  }

  // The heatmap holds exactly result().predictedScore, in the colour map too.
  const auto& h = *d.heatmap();
  ASSERT_EQ(h.matrix().rows(), 5);
  ASSERT_EQ(h.matrix().cols(), 5);
  ASSERT_EQ(h.rowNames().size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(h.rowNames()[i], q(r.genes[i]));
    for (int j = 0; j < 5; ++j) {
      EXPECT_TRUE(same(h.matrix()(i, j), r.predictedScore(i, j))) << i << "," << j;
      EXPECT_TRUE(same(h.drawnValue(i, j), r.predictedScore(i, j))) << i << "," << j;
    }
  }
  for (const auto& p : r.pairs)
    EXPECT_TRUE(same(h.matrix()(static_cast<int>(p.a), static_cast<int>(p.b)), p.predicted.score)) << p.key;

  // Ringed cells are the pairs with observed scores (both orientations).
  std::set<std::pair<int, int>> expected, ringed(h.observedPairs().begin(), h.observedPairs().end());
  for (const auto& p : r.pairs)
    if (p.observed) {
      expected.emplace(static_cast<int>(p.a), static_cast<int>(p.b));
      expected.emplace(static_cast<int>(p.b), static_cast<int>(p.a));
    }
  EXPECT_FALSE(expected.empty()) << "the suggested genes should include an observed pair";
  EXPECT_EQ(ringed, expected);

  // A click on a pair asks for it by its catalog key, either orientation.
  QSignalSpy requested(&d, &CombinationScreenDialog::pairRequested);
  const auto& p = r.pairs[3];
  emit d.heatmap()->pairClicked(q(p.geneB), q(p.geneA));
  ASSERT_EQ(requested.count(), 1);
  EXPECT_EQ(requested.at(0).at(0).toString(), q(p.key));
  d.heatmap()->plot()->replot();
  QTest::mouseClick(d.heatmap()->plot(), Qt::LeftButton, {},
                    d.heatmap()->cellCentre(static_cast<int>(p.a), static_cast<int>(p.b)));
  ASSERT_EQ(requested.count(), 2);
  EXPECT_EQ(requested.at(1).at(0).toString(), q(p.key));

  // CSV: the documented header and one row per pair.
  const QString path = QString::fromStdString(test::scratchDir("screen_dialog_csv")) + "/screen.csv";
  ASSERT_EQ(d.exportCsvTo(path), "");
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
  ASSERT_EQ(lines.size(), 11);
  QStringList header{"gene_a", "gene_b"};
  for (const QString group : {"predicted", "observed"})
    for (const QString field : {"c1", "c2", "magnitude", "score", "additive_departure", "r2", "fit_pearson",
                                "dominance", "type"})
      header << group + "_" + field;
  header << "observed" << "observed_cells";
  EXPECT_EQ(lines[0], header.join(','));
  for (int k = 0; k < 10; ++k) {
    const QStringList row = lines[k + 1].split(',');
    ASSERT_EQ(row.size(), header.size()) << k;
    EXPECT_EQ(row[0], q(r.pairs[k].geneA));
    EXPECT_EQ(row[1], q(r.pairs[k].geneB));
    EXPECT_EQ(row[header.indexOf("observed")], r.pairs[k].observed ? "yes" : "no");
  }
  // A file that cannot be written is reported, not thrown.
  EXPECT_FALSE(d.exportCsvTo("/nonexistent-dir/screen.csv").isEmpty());
}

TEST_F(CombinationScreenDialogTest, CancelStopsAtOnceAndKeepsThePairsShown) {
  auto& d = *dialog_;
  d.cellsBox()->setValue(16);
  d.timePointsBox()->setValue(5);

  // Cancelled right away: nothing scored.
  ASSERT_TRUE(d.startScreen(genes_)) << d.lastError().toStdString();
  d.cancel();
  QElapsedTimer clock;
  clock.start();
  ASSERT_TRUE(waitUntilIdle(d, 10000));
  // Wall-clock latency depends on the machine's load; it is reported, and the
  // contract checked is that no further pair arrives after the cancel.
  std::printf("cancel before the first pair took %lld ms\n", static_cast<long long>(clock.elapsed()));
  EXPECT_EQ(d.statusText(), "Cancelled after 0 of 10 pairs.");
  EXPECT_FALSE(d.result().has_value());
  EXPECT_TRUE(d.runButton()->isEnabled());
  EXPECT_FALSE(d.cancelButton()->isEnabled());

  // Cancelled as soon as the first pair is shown: that pair stays, the rest never comes.
  clock.restart();
  ASSERT_TRUE(d.startScreen(genes_));
  while (d.jobs()->isRunning() && pairsShown(*d.heatmap()) == 0 && clock.elapsed() < 300000) QTest::qWait(5);
  ASSERT_GT(pairsShown(*d.heatmap()), 0) << d.statusText().toStdString();
  const int shownAtCancel = pairsShown(*d.heatmap());
  d.cancel();
  clock.restart();
  ASSERT_TRUE(waitUntilIdle(d, 10000));
  std::printf("cancel after the first pair took %lld ms\n", static_cast<long long>(clock.elapsed()));
  const int shown = pairsShown(*d.heatmap());
  // A pair already posted when Cancel was pressed may still land; no pair scored after it.
  EXPECT_LE(shown, shownAtCancel + 1);
  EXPECT_GE(shown, 1);
  EXPECT_LT(shown, 10);
  EXPECT_EQ(d.statusText(), QString("Cancelled after %1 of 10 pairs.").arg(shown));
  EXPECT_FALSE(d.result().has_value());
  // The pairs done can still be exported.
  const QString path = QString::fromStdString(test::scratchDir("screen_dialog_cancel")) + "/partial.csv";
  EXPECT_EQ(d.exportCsvTo(path), "");
}

TEST_F(CombinationScreenDialogTest, RefusesUnknownGenesWithTheClosestNames) {
  auto& d = *dialog_;
  const QString typo = genes_[0] + "X";
  EXPECT_FALSE(d.startScreen({genes_[1], typo, genes_[2]}));
  EXPECT_FALSE(d.jobs()->isRunning());
  const QString error = d.lastError();
  EXPECT_TRUE(error.contains(typo)) << error.toStdString();
  const qsizetype closest = error.indexOf("closest to");
  ASSERT_GE(closest, 0) << error.toStdString();
  EXPECT_TRUE(error.mid(closest).contains(genes_[0] + ",") || error.mid(closest).contains(genes_[0] + "."))
      << error.toStdString();

  EXPECT_FALSE(d.startScreen({genes_[0]}));
  EXPECT_TRUE(d.lastError().contains("2 to 30 genes; 1 listed")) << d.lastError().toStdString();
  EXPECT_FALSE(d.startScreen({genes_[0], genes_[1], genes_[0]}));
  EXPECT_TRUE(d.lastError().contains("listed twice")) << d.lastError().toStdString();
  EXPECT_FALSE(d.jobs()->isRunning());
  EXPECT_FALSE(d.result().has_value());
  EXPECT_EQ(d.heatmap()->matrix().size(), 0);
}
