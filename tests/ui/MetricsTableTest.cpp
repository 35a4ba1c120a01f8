// Metrics table: cells are summariseSeeds' mean ± sd and n, the best method is
// bold, rows where a baseline beats scDFM are red with a tooltip naming the
// baseline and the margin; the view's verdict and CSV export say the same.
#include <gtest/gtest.h>

#include <QFile>
#include <QFont>
#include <QTableView>

#include "AnalysisTestData.h"
#include "TestSupport.h"
#include "core/eval/SeedSpread.h"
#include "ui/analysis/MetricsTableModel.h"
#include "ui/analysis/MetricsView.h"

using namespace scdfm;
using namespace scdfm::ui;

namespace {
int rowOf(const MetricsTableModel& m, const QString& id) {
  for (int r = 0; r < m.rowCount(); ++r)
    if (m.index(r, 0).data(MetricsTableModel::MetricIdRole).toString() == id) return r;
  return -1;
}
}  // namespace

TEST(MetricsTableModel, CellsAreSeedSpreads) {
  const auto runs = uitest::comparisonInput().metricRuns;
  MetricsTableModel m;
  m.setRuns(runs);
  ASSERT_EQ(m.columnCount(), 5);
  EXPECT_EQ(m.headerData(1, Qt::Horizontal, Qt::DisplayRole).toString(), "scDFM");
  EXPECT_EQ(m.headerData(2, Qt::Horizontal, Qt::DisplayRole).toString(), "no change (control mean)");
  EXPECT_EQ(m.headerData(3, Qt::Horizontal, Qt::DisplayRole).toString(), "additive");
  EXPECT_EQ(m.headerData(4, Qt::Horizontal, Qt::DisplayRole).toString(), "linear");
  const auto spread = summariseSeeds(runs[0].second);
  const int r = rowOf(m, "mse_top20_de");
  ASSERT_GE(r, 0);
  const auto& s = spread.at("mse_top20_de");
  EXPECT_EQ(m.index(r, 1).data().toString(),
            QString("%1 ± %2 (n = 3)").arg(QString::number(s.mean, 'g', 4), QString::number(s.sd, 'g', 2)));
  EXPECT_EQ(m.index(r, 1).data().toString(), "0.021 ± 0.0026 (n = 3)");
  EXPECT_EQ(m.index(r, 0).data().toString(), "MSE, top-20 DE genes  ↓");
  EXPECT_TRUE(m.index(r, 0).data(Qt::ToolTipRole).toString().contains("Lower is better"));
  EXPECT_TRUE(m.index(r, 0).data(Qt::ToolTipRole).toString().contains("(μ_pred − μ_obs)²"));
  // Pearson Δ of "no change" is NaN: shown as a dash.
  EXPECT_EQ(m.index(rowOf(m, "pearson_delta"), 2).data().toString(), "—");
}

TEST(MetricsTableModel, BaselineWinsAreHighlighted) {
  MetricsTableModel m;
  m.setRuns(uitest::comparisonInput().metricRuns);
  // mse_top20_de: additive 0.015 < scDFM 0.021 → beaten; additive is best (bold).
  const int top = rowOf(m, "mse_top20_de");
  EXPECT_TRUE(m.index(top, 1).data(MetricsTableModel::BeatenRole).toBool());
  EXPECT_EQ(m.index(top, 1).data(Qt::BackgroundRole).value<QColor>(), MetricsTableModel::kBeatenBackground);
  EXPECT_TRUE(m.index(top, 3).data(MetricsTableModel::BestRole).toBool());
  EXPECT_TRUE(m.index(top, 3).data(Qt::FontRole).value<QFont>().bold());
  EXPECT_FALSE(m.index(top, 1).data(Qt::FontRole).isValid());
  const QString tip = m.index(top, 1).data(Qt::ToolTipRole).toString();
  EXPECT_TRUE(tip.contains("additive beats scDFM by 0.006")) << tip.toStdString();
  // pearson_delta: additive 0.95 > scDFM 0.92 → beaten by 0.03.
  const QString tip2 = m.index(rowOf(m, "pearson_delta"), 0).data(Qt::ToolTipRole).toString();
  EXPECT_TRUE(tip2.contains("additive beats scDFM by 0.03")) << tip2.toStdString();
  // mse: scDFM 0.0045 is best → not highlighted, scDFM bold.
  const int mse = rowOf(m, "mse");
  EXPECT_FALSE(m.index(mse, 1).data(MetricsTableModel::BeatenRole).toBool());
  EXPECT_FALSE(m.index(mse, 1).data(Qt::BackgroundRole).isValid());
  EXPECT_TRUE(m.index(mse, 1).data(Qt::FontRole).value<QFont>().bold());
  EXPECT_EQ(m.rowsBeaten(), 2);
}

TEST(MetricsView, VerdictAndCsv) {
  MetricsView view;
  view.setRuns("KLF1+MAP2K6", uitest::comparisonInput().metricRuns);
  EXPECT_TRUE(view.summary().contains("A baseline beats scDFM on 2 of 3 metrics")) << view.summary().toStdString();
  const QString dir = QString::fromStdString(test::scratchDir("metrics_view"));
  ASSERT_EQ(view.exportTo(dir + "/m.csv"), "");
  QFile f(dir + "/m.csv");
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
  ASSERT_EQ(lines.size(), 4);
  EXPECT_TRUE(lines[0].startsWith("metric,scDFM mean,scDFM sd,scDFM n,no change (control mean) mean"));
  EXPECT_TRUE(lines[1].startsWith("mse_top20_de,0.021,")) << lines[1].toStdString();

  view.showMessage("no observed cells");
  EXPECT_EQ(view.model()->rowCount(), 0);
  EXPECT_TRUE(view.table()->isHidden());
  EXPECT_EQ(view.summary(), "no observed cells");
}
