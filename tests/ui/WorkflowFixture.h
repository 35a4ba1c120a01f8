#pragma once
// What the main-window workflow tests share: tiny.h5ad with an X_umap
// (scdfm embed) and a tiny model trained on it for a few steps, made once
// per test process.
#include <gtest/gtest.h>

#include <QSettings>
#include <QSignalSpy>
#include <filesystem>
#include <string>
#include <vector>

#include "TestSupport.h"
#include "TinyModel.h"
#include "core/data/Dataset.h"
#include "core/flow/Trainer.h"
#include "core/io/ModelCheckpoint.h"
#include "ui/MainWindow.h"

namespace scdfm::test {

inline std::string tinyData() { return dataDir() + "/tiny.h5ad"; }

// A tiny model trained for a few steps, and tiny.h5ad with an X_umap (scdfm embed).
struct Fixture {
  std::string data, checkpoint;
  std::vector<std::string> trainConditions, genes, drugs;
};

inline const Fixture& fixture() {
  static Fixture f = [] {
    Fixture out;
    const auto dir = scratchDir("prediction_workflow_fixture");
    out.data = dir + "/tiny_umap.h5ad";
    auto r = runCommand(binDir() + "/scdfm --threads 1 embed " + tinyData() + " --out " + out.data + " --quiet");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    TrainerOptions o = tinyModelOptions(dir + "/model", 3);
    o.genesPerStep = 40;
    Dataset ds(tinyData());
    auto result = trainModel(ds, o);
    out.checkpoint = result.checkpointPath;
    auto c = readModelCheckpoint(out.checkpoint);
    out.trainConditions = c.training.trainConditions;
    out.genes = c.genes;
    out.drugs = c.drugs;
    return out;
  }();
  return f;
}

// The base of the workflow test suites: scratch settings (no recent files of
// the user's own), the shared fixture, and open() to load it in a window.
class WorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(tinyData())) GTEST_SKIP() << "no " << tinyData() << " (build the 'datasets' target)";
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       QString::fromStdString(scratchDir(std::string(::testing::UnitTest::GetInstance()->current_test_suite()->name()) + "Settings")));
    f_ = &fixture();
    ASSERT_FALSE(f_->checkpoint.empty());
  }
  // Opens the data and the model in a fresh window.
  void open(ui::MainWindow& w) {
    w.show();
    QSignalSpy shown(&w, &ui::MainWindow::datasetShown);
    w.openDataset(QString::fromStdString(f_->data));
    ASSERT_TRUE(shown.wait(60000));
    QSignalSpy loaded(&w, &ui::MainWindow::checkpointLoaded);
    w.openCheckpoint(QString::fromStdString(f_->checkpoint), "cpu");
    ASSERT_TRUE(loaded.wait(60000));
  }
  const Fixture* f_ = nullptr;
};

}  // namespace scdfm::test
