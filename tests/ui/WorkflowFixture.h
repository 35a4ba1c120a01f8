#pragma once
// What the main-window workflow tests share: tiny.h5ad with an X_umap
// (scdfm embed) and a tiny model trained on it for a few steps, made once
// per test process.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "TestSupport.h"
#include "TinyModel.h"
#include "core/data/Dataset.h"
#include "core/flow/Trainer.h"
#include "core/io/ModelCheckpoint.h"

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

}  // namespace scdfm::test
