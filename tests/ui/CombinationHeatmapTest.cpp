// Combination heatmap: cells hold the predicted scores (diagonal empty), observed
// pairs are ringed, a click on a cell emits pairClicked with its genes, and the
// matrix exports as CSV.
#include <gtest/gtest.h>

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <qcustomplot.h>

#include "TestSupport.h"
#include "ui/analysis/CombinationHeatmap.h"

using namespace scdfm::ui;

namespace {
const double kNaN = std::nan("");
}

TEST(CombinationHeatmap, CellsClicksAndCsv) {
  const std::vector<std::string> genes{"KLF1", "MAP2K6", "CEBPA", "SPI1"};
  Eigen::MatrixXd pred(4, 4), obs = Eigen::MatrixXd::Constant(4, 4, kNaN);
  pred << kNaN, 0.8, -0.3, 0.1,  //
      0.8, kNaN, 0.2, kNaN,       //
      -0.3, 0.2, kNaN, -1.2,     //
      0.1, kNaN, -1.2, kNaN;
  obs(0, 1) = obs(1, 0) = 0.6;
  CombinationHeatmap view;
  view.resize(700, 600);
  view.show();
  view.setData(genes, pred, obs);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      if (i == j || std::isnan(pred(i, j)))
        EXPECT_TRUE(std::isnan(view.drawnValue(i, j))) << i << "," << j;
      else
        EXPECT_DOUBLE_EQ(view.drawnValue(i, j), pred(i, j));
    }
  EXPECT_EQ(view.observedPairs(), (std::vector<std::pair<int, int>>{{0, 1}, {1, 0}}));
  EXPECT_TRUE(view.title().contains("5 pairs predicted, 1 observed")) << view.title().toStdString();
  // Diverging colours centred at 0: the scale runs from −1.2 to 1.2.
  EXPECT_DOUBLE_EQ(view.colorScale()->dataRange().lower, -1.2);
  EXPECT_DOUBLE_EQ(view.colorScale()->dataRange().upper, 1.2);
  EXPECT_TRUE(view.colorScale()->axis()->label().contains("synergy"));

  QSignalSpy spy(&view, &CombinationHeatmap::pairClicked);
  view.plot()->replot();
  QTest::mouseClick(view.plot(), Qt::LeftButton, {}, view.cellCentre(2, 3));
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(spy.at(0).at(0).toString(), "CEBPA");
  EXPECT_EQ(spy.at(0).at(1).toString(), "SPI1");
  QTest::mouseClick(view.plot(), Qt::LeftButton, {}, view.cellCentre(1, 1));  // a single gene: no pair
  EXPECT_EQ(spy.count(), 1);

  const QString dir = QString::fromStdString(scdfm::test::scratchDir("combination_csv"));
  ASSERT_EQ(view.exportCsv(dir + "/c.csv"), "");
  QFile f(dir + "/c.csv");
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  const QString text = QString::fromUtf8(f.readAll());
  EXPECT_TRUE(text.startsWith("gene A \\ gene B,KLF1,MAP2K6,CEBPA,SPI1\nKLF1,,0.8,-0.3,0.1\n")) << text.toStdString();
}

TEST(CombinationHeatmap, MismatchedSizesAreExplained) {
  CombinationHeatmap view;
  view.setData({"A", "B"}, Eigen::MatrixXd::Zero(3, 3));
  EXPECT_EQ(view.matrix().size(), 0);
  EXPECT_EQ(view.plot()->itemCount(), 1);
}
