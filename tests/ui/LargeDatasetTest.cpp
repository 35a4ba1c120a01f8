// A 100,000-cell file (the CI size of bench/run --large's million cells):
// the window opens it on the worker with progress while the event loop keeps
// running, and a UMAP that would not fit in memory is refused with a message
// before anything is read.
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTimer>

#include "ProcessSupport.h"
#include "TestSupport.h"
#include "core/data/Dataset.h"
#include "core/util/AvailableMemory.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"

using scdfm::ui::MainWindow;

TEST(LargeDataset, OpensOnTheWorkerAndRefusesAUmapThatDoesNotFit) {
  const std::string file = scdfm::test::largeDataset();
  if (file.empty()) GTEST_SKIP() << "python3 with h5py not available";
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                     QString::fromStdString(scdfm::test::scratchDir("LargeDatasetSettings")));
  MainWindow w;
  w.show();
  // A 10 ms heartbeat: it only ticks while the UI thread serves its event loop.
  int ticks = 0;
  qint64 longestGap = 0;
  QElapsedTimer sinceTick;
  sinceTick.start();
  QTimer heartbeat;
  QObject::connect(&heartbeat, &QTimer::timeout, [&] {
    ++ticks;
    longestGap = std::max(longestGap, sinceTick.restart());
  });
  heartbeat.start(10);
  QSignalSpy shown(&w, &MainWindow::datasetShown);
  QSignalSpy progress(w.jobs(), &scdfm::ui::JobRunner::progress);
  w.openDataset(QString::fromStdString(file));
  ASSERT_TRUE(shown.wait(300000));
  heartbeat.stop();
  ASSERT_NE(w.current().dataset, nullptr);
  EXPECT_EQ(w.current().dataset->nCells(), 100000);
  EXPECT_GE(progress.count(), 1);
  EXPECT_GE(ticks, 2) << "the event loop stood still while the file was read";
  std::printf("[ opening 100k cells: %d heartbeats, longest UI-thread gap %lld ms ]\n", ticks,
              static_cast<long long>(longestGap));

  scdfm::setMemoryLimitOverride(std::uint64_t{256} << 20);
  QSignalSpy failed(w.jobs(), &scdfm::ui::JobRunner::failed);
  for (auto* b : w.findChildren<QPushButton*>())
    if (b->text() == "Compute UMAP") b->click();
  ASSERT_TRUE(failed.wait(60000));
  scdfm::setMemoryLimitOverride(std::nullopt);
  QMessageBox* box = nullptr;
  for (auto* b : w.findChildren<QMessageBox*>())
    if (b->text().contains("memory")) box = b;
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->text().contains("A UMAP of all 100000 cells needs about")) << box->text().toStdString();
  EXPECT_TRUE(box->informativeText().contains("X_umap")) << box->informativeText().toStdString();
}
