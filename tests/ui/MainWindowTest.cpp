// MainWindow end to end: open a small .h5ad (written by anndata), see its
// summary, catalog and embedding; a broken file shows an error dialog naming
// the file and keeps the open dataset.
#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QMimeData>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <cstdio>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>

#include "TestSupport.h"
#include "core/data/Dataset.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/panels/DatasetPanel.h"
#include "ui/views/UmapView.h"

using scdfm::ui::MainWindow;

namespace {
// 900 cells in three conditions with X_umap in three clusters; cell_type with
// stored scanpy colours.
std::string writeDataset(const std::string& dir, bool withUmap) {
  const std::string path = dir + (withUmap ? "/three.h5ad" : "/three_noumap.h5ad");
  auto r = scdfm::test::runPython(R"(
import numpy as np, anndata as ad, pandas as pd, scipy.sparse as sp
rng = np.random.default_rng(0)
conds = np.repeat(["ctrl", "KLF1+ctrl", "KLF1+MAP2K6"], 300)
types = np.tile(["K562", "RPE1", "K562"], 300)
centres = {"ctrl": (0, 0), "KLF1+ctrl": (10, 0), "KLF1+MAP2K6": (5, 8)}
umap = np.array([centres[c] for c in conds], dtype=np.float32) + rng.normal(0, 0.5, (900, 2)).astype(np.float32)
X = sp.random(900, 50, density=0.2, format="csr", random_state=1, dtype=np.float32)
a = ad.AnnData(X=X, obs=pd.DataFrame({"condition": pd.Categorical(conds), "cell_type": pd.Categorical(types)},
                                     index=[f"c{i}" for i in range(900)]),
               var=pd.DataFrame(index=["KLF1", "MAP2K6"] + [f"G{i}" for i in range(48)]))
if )" + std::string(withUmap ? "True" : "False") + R"(:
    a.obsm["X_umap"] = umap
a.uns["cell_type_colors"] = np.array(["#ff0000", "#0000ff"])
a.write_h5ad(")" + path + R"(")
)");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  return path;
}
}  // namespace

class MainWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!scdfm::test::pythonHas("anndata")) GTEST_SKIP() << "python anndata not available";
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       QString::fromStdString(scdfm::test::scratchDir("MainWindowSettings")));
    dir_ = scdfm::test::scratchDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  std::string dir_;
};

TEST_F(MainWindowTest, OpensDatasetShowsCatalogAndEmbedding) {
  const std::string path = writeDataset(dir_, true);
  MainWindow w;
  w.show();
  QSignalSpy shown(&w, &MainWindow::datasetShown);
  w.openDataset(QString::fromStdString(path));
  ASSERT_TRUE(shown.wait(60000));
  ASSERT_NE(w.current().dataset, nullptr);
  EXPECT_EQ(w.current().dataset->nCells(), 900);
  EXPECT_EQ(w.umapView()->data().size(), 900u);
  EXPECT_TRUE(w.windowTitle().contains("three.h5ad"));
  EXPECT_TRUE(MainWindow::recentFiles().first().endsWith("three.h5ad"));

  // Catalog: ctrl, KLF1+ctrl (key KLF1), KLF1+MAP2K6; search narrows it.
  QSortFilterProxyModel* proxy = w.datasetPanel()->catalogProxy();
  EXPECT_GE(proxy->rowCount(), 3);
  w.datasetPanel()->searchField()->setText("map2k6");
  ASSERT_GE(proxy->rowCount(), 1);
  for (int r = 0; r < proxy->rowCount(); ++r)
    EXPECT_TRUE(proxy->index(r, 0).data().toString().contains("MAP2K6", Qt::CaseInsensitive));
  w.datasetPanel()->searchField()->clear();

  // Colour by cell_type uses uns['cell_type_colors'].
  int idx = w.colorByBox()->findData("cell_type");
  ASSERT_GE(idx, 0);
  w.colorByBox()->setCurrentIndex(idx);
  const auto& data = w.umapView()->data();
  ASSERT_EQ(data.names.size(), 2);
  EXPECT_EQ(data.names[0], "K562");
  EXPECT_EQ(data.colors[0], QColor("#ff0000"));
  EXPECT_EQ(data.colors[1], QColor("#0000ff"));
  EXPECT_EQ(data.category[1], 1);  // cell 1 is RPE1
}

TEST_F(MainWindowTest, BrokenFileShowsErrorAndKeepsTheOpenDataset) {
  const std::string good = writeDataset(dir_, true);
  const std::string bad = dir_ + "/broken.h5ad";
  { std::FILE* f = std::fopen(bad.c_str(), "w"); std::fputs("not hdf5", f); std::fclose(f); }
  MainWindow w;
  w.show();
  QSignalSpy shown(&w, &MainWindow::datasetShown);
  QSignalSpy failed(&w, &MainWindow::datasetFailed);
  w.openDataset(QString::fromStdString(good));
  ASSERT_TRUE(shown.wait(60000));
  auto before = w.current().dataset;
  w.openDataset(QString::fromStdString(bad));
  ASSERT_TRUE(failed.wait(60000));
  EXPECT_EQ(w.current().dataset, before);  // state kept
  EXPECT_EQ(w.umapView()->data().size(), 900u);
  auto boxes = w.findChildren<QMessageBox*>();
  ASSERT_EQ(boxes.size(), 1);
  EXPECT_TRUE(boxes[0]->text().contains("broken.h5ad")) << boxes[0]->text().toStdString();
  EXPECT_TRUE(boxes[0]->informativeText().startsWith("What to do")) << boxes[0]->informativeText().toStdString();
  boxes[0]->close();
}

TEST_F(MainWindowTest, ComputesUmapWhenTheFileHasNone) {
  const std::string path = writeDataset(dir_, false);
  MainWindow w;
  w.show();
  QSignalSpy shown(&w, &MainWindow::datasetShown);
  w.openDataset(QString::fromStdString(path));
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_EQ(w.umapView()->data().size(), 0u);
  QSignalSpy finished(w.jobs(), &scdfm::ui::JobRunner::finished);
  QSignalSpy progress(w.jobs(), &scdfm::ui::JobRunner::progress);
  QList<QPushButton*> buttons = w.findChildren<QPushButton*>();
  for (auto* b : buttons)
    if (b->text() == "Compute UMAP") b->click();
  ASSERT_TRUE(finished.wait(300000));
  EXPECT_GE(progress.count(), 1);
  EXPECT_EQ(w.umapView()->data().size(), 900u);
  EXPECT_EQ(w.current().embeddingKey, "UMAP (computed)");
}

TEST_F(MainWindowTest, OpensADroppedH5adFile) {
  const std::string path = writeDataset(dir_, true);
  MainWindow w;
  w.show();
  QSignalSpy shown(&w, &MainWindow::datasetShown);
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(path))});
  QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&w, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&w, &drop);
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_EQ(w.umapView()->data().size(), 900u);

  // Other files are refused.
  QMimeData text;
  text.setUrls({QUrl::fromLocalFile("/tmp/notes.txt")});
  QDragEnterEvent refuse(QPoint(50, 50), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
  refuse.setAccepted(false);
  QApplication::sendEvent(&w, &refuse);
  EXPECT_FALSE(refuse.isAccepted());
}

TEST_F(MainWindowTest, BadCheckpointShowsErrorDialog) {
  const std::string bad = dir_ + "/not_a_model.pt";
  { std::FILE* f = std::fopen(bad.c_str(), "w"); std::fputs("not a checkpoint", f); std::fclose(f); }
  MainWindow w;
  w.show();
  QSignalSpy failed(w.jobs(), &scdfm::ui::JobRunner::failed);
  w.openCheckpoint(QString::fromStdString(bad));
  ASSERT_TRUE(failed.wait(60000));
  EXPECT_EQ(w.predictor(), nullptr);
  auto boxes = w.findChildren<QMessageBox*>();
  ASSERT_EQ(boxes.size(), 1);
  EXPECT_TRUE(boxes[0]->text().contains("not_a_model.pt")) << boxes[0]->text().toStdString();
  boxes[0]->close();
}
