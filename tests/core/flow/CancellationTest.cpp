// Cancel of the long jobs (prediction, combination screen, training) at 100
// seeded random progress reports each: the job stops at its next cancellation
// point — a Cancelled exception, no progress reported and no result delivered
// after Cancel. Latency in milliseconds is measured by bench_cancel, not here
// (wall-clock bounds flake on a shared machine).
#include <gtest/gtest.h>

#include "CancelProbe.h"
#include "TestSupport.h"
#include "TinyCheckpoint.h"
#include "TinyModel.h"
#include "core/data/Dataset.h"
#include "core/flow/CombinationScreen.h"
#include "core/flow/Predictor.h"
#include "core/flow/Trainer.h"
#include "core/io/ModelCheckpoint.h"
#include "core/util/Error.h"

using namespace scdfm;

TEST(Cancellation, PredictionStopsAtTheNextStep) {
  SCDFM_REQUIRE_TINY_DATA();
  setThreadCount(1);
  Dataset ds(test::tinyData());
  Predictor predictor(test::tinyCheckpoint(), "cpu");
  const auto& genes = predictor.checkpoint().genes;
  PredictRequest req;
  req.perturbations = {genes.at(0), genes.at(0) + "+" + genes.at(1)};
  req.cells = 12;
  req.chunkSize = 5;  // several chunks per perturbation
  req.timePoints = 6;
  test::cancelAtRandomReports(
      [&](test::CancelProbe& probe) {
        predictor.predict(ds, req, [&](const PredictedPerturbation&) { probe.delivered(); }, probe.progress(),
                          probe.token);
      },
      11);
}

TEST(Cancellation, CombinationScreenStopsAtTheNextStep) {
  SCDFM_REQUIRE_TINY_DATA();
  setThreadCount(1);
  Dataset ds(test::tinyData());
  Predictor predictor(test::tinyCheckpoint(), "cpu");
  CombinationScreenRequest req;
  for (const auto& g : predictor.checkpoint().genes) {
    if (req.genes.size() == 3) break;
    req.genes.push_back(g);
  }
  req.cells = 6;
  req.timePoints = 4;
  req.chunkSize = 6;
  test::cancelAtRandomReports(
      [&](test::CancelProbe& probe) {
        runCombinationScreen(predictor, ds, req, [&](const ScreenPair&) { probe.delivered(); }, probe.progress(),
                             probe.token);
      },
      12);
}

TEST(Cancellation, TrainingStopsAtTheNextStep) {
  SCDFM_REQUIRE_TINY_DATA();
  Dataset ds(test::tinyData());
  TrainerOptions o = test::tinyModelOptions("", 6);  // no folder: nothing saved
  o.genesPerStep = 40;
  test::cancelAtRandomReports(
      [&](test::CancelProbe& probe) {
        trainModel(ds, o, [&](const TrainStepInfo&) { probe.delivered(); }, probe.progress(), probe.token);
      },
      13);
}

// Cancel saves the completed steps: resuming gives the uninterrupted weights.
TEST(Cancellation, CancelledTrainingResumesExactly) {
  SCDFM_REQUIRE_TINY_DATA();
  Dataset ds(test::tinyData());
  const auto full = test::scratchDir("cancel_train_full"), cut = test::scratchDir("cancel_train_cut");
  trainModel(ds, test::tinyModelOptions(full, 5));
  TrainerOptions o = test::tinyModelOptions(cut, 5);
  CancelToken cancel;
  EXPECT_THROW(trainModel(ds, o, [&](const TrainStepInfo& s) { if (s.step == 2) cancel.cancel(); }, Progress::none(),
                          cancel),
               Cancelled);
  o.resume = true;
  const auto r = trainModel(ds, o);
  EXPECT_EQ(r.startStep, 2);
  const auto a = readModelCheckpoint(full + "/checkpoint.safetensors"), b = readModelCheckpoint(cut + "/checkpoint.safetensors");
  for (const auto& [k, t] : a.weights) EXPECT_TRUE(t.data == b.weights.at(k).data) << k;
}
