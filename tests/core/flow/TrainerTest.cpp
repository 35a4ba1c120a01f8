// Training on the simulator's tiny dataset with a tiny model (d_model 32, 2 layers).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "TestSupport.h"
#include "TinyModel.h"
#include "core/data/Dataset.h"
#include "core/flow/Trainer.h"
#include "core/io/ModelCheckpoint.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

using namespace scdfm;

namespace {

std::string tinyData() { return test::dataDir() + "/tiny.h5ad"; }

TrainerOptions tinyOptions(const std::string& out, std::int64_t steps) {
  TrainerOptions o = test::tinyModelOptions(out, steps);
  o.batchSize = 16;
  o.genesPerStep = 40;
  o.lr = 2e-3;
  o.seed = 7;
  o.validationConditions = 2;
  o.validationCells = 16;
  o.validationTimePoints = 5;
  return o;
}

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return std::accumulate(v.begin() + from, v.begin() + to, 0.0) / static_cast<double>(to - from);
}

}  // namespace

TEST(Trainer, CosineScheduleMatchesTorchClosedForm) {
  EXPECT_DOUBLE_EQ(cosineLearningRate(0, 5e-5, 1e-6, 200000), 5e-5);
  EXPECT_NEAR(cosineLearningRate(100000, 5e-5, 1e-6, 200000), (5e-5 + 1e-6) / 2, 1e-18);
  EXPECT_NEAR(cosineLearningRate(200000, 5e-5, 1e-6, 200000), 1e-6, 1e-18);
  EXPECT_NEAR(cosineLearningRate(400000, 5e-5, 1e-6, 200000), 5e-5, 1e-18);  // periodic past T_max
}

TEST(Trainer, AdditiveSplitHoldsOutThirtyPercentOfCombinations) {
  std::vector<std::string> keys{"A", "B", "C", "A+B", "A+C", "B+C", "C+D", "A+D", "B+D", "D+E"};
  auto t = additiveTestSplit(keys, 1);
  EXPECT_EQ(t.size(), 2u);  // int(0.3 * 7)
  for (const auto& k : t) EXPECT_NE(k.find('+'), std::string::npos);
  EXPECT_EQ(t, additiveTestSplit(keys, 1));
}

TEST(Trainer, LossDecreasesOnTinyData) {
  if (!std::filesystem::exists(tinyData())) GTEST_SKIP() << "no " << tinyData() << " (build the 'datasets' target)";
  Dataset ds(tinyData());
  auto dir = test::scratchDir("trainer_loss");
  int calls = 0;
  auto r = trainModel(ds, tinyOptions(dir, 150), [&](const TrainStepInfo&) { ++calls; });
  ASSERT_EQ(r.losses.size(), 150u);
  EXPECT_EQ(calls, 150);
  const double first = mean(r.losses, 0, 25), last = mean(r.losses, 125, 150);
  EXPECT_LT(last, 0.8 * first) << "first " << first << " last " << last;
  for (double l : r.losses) ASSERT_TRUE(std::isfinite(l));
  // The checkpoint is complete and reloadable.
  auto c = readModelCheckpoint(dir + "/checkpoint.safetensors");
  EXPECT_EQ(c.training.steps, 150);
  EXPECT_EQ(c.training.trainConditions, r.trainConditions);
  EXPECT_EQ(c.training.testConditions, r.testConditions);
  EXPECT_EQ(c.training.seed, 7u);
  EXPECT_EQ(c.training.dataSha256.size(), 64u);
  ASSERT_TRUE(c.graphMask);
  EXPECT_EQ(c.graphMask->shape[0], static_cast<std::int64_t>(c.vocabulary.size()));
  EXPECT_EQ(c.modelConfig["d_model"], 32);
  if (!r.testConditions.empty()) EXPECT_FALSE(r.validation.empty());
}

TEST(Trainer, ResumeReproducesTheUninterruptedRun) {
  if (!std::filesystem::exists(tinyData())) GTEST_SKIP() << "no " << tinyData() << " (build the 'datasets' target)";
  Dataset ds(tinyData());
  auto a = test::scratchDir("trainer_uninterrupted"), b = test::scratchDir("trainer_resumed");
  auto full = trainModel(ds, tinyOptions(a, 8));
  auto half = tinyOptions(b, 4);
  trainModel(ds, half);
  auto rest = tinyOptions(b, 8);
  rest.resume = true;
  auto resumed = trainModel(ds, rest);
  EXPECT_EQ(resumed.startStep, 4);
  ASSERT_EQ(resumed.losses.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(resumed.losses[i], full.losses[4 + i]) << i;
  auto ca = readModelCheckpoint(a + "/checkpoint.safetensors"), cb = readModelCheckpoint(b + "/checkpoint.safetensors");
  ASSERT_EQ(ca.weights.size(), cb.weights.size());
  for (const auto& [k, t] : ca.weights) EXPECT_TRUE(t.data == cb.weights.at(k).data) << k;
  ASSERT_EQ(ca.trainerState.size(), cb.trainerState.size());
  for (const auto& [k, t] : ca.trainerState) EXPECT_TRUE(t.data == cb.trainerState.at(k).data) << k;
  // A second run into a folder with a checkpoint must be explicit.
  EXPECT_THROW(trainModel(ds, tinyOptions(a, 2)), InputError);
}
