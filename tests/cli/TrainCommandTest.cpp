// `scdfm train` / `scdfm predict` / `scdfm evaluate` on the simulator's tiny dataset.
#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "core/io/ModelCheckpoint.h"

using namespace scdfm;

namespace {
std::string scdfmBin() { return test::binDir() + "/scdfm --threads 1"; }
std::string tiny() { return test::dataDir() + "/tiny.h5ad"; }
const char* kTinyModel = " --d-model 32 --layers 2 --heads 4 --hvg 0 --topk 5 --batch 8 --genes-per-step 40 --device cpu --quiet";
}  // namespace

TEST(TrainCommand, ResumeEqualsUninterrupted) {
  if (!std::filesystem::exists(tiny())) GTEST_SKIP() << "no " << tiny() << " (build the 'datasets' target)";
  auto a = test::scratchDir("cli_train_a"), b = test::scratchDir("cli_train_b");
  auto r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + a + " --steps 6 --seed 5" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + b + " --steps 3 --seed 5" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + b + " --steps 6 --seed 5 --resume" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto ca = readModelCheckpoint(a + "/checkpoint.safetensors"), cb = readModelCheckpoint(b + "/checkpoint.safetensors");
  EXPECT_EQ(cb.training.steps, 6);
  for (const auto& [k, t] : ca.weights) EXPECT_TRUE(t.data == cb.weights.at(k).data) << k;
  // Training again into a used folder without --resume is refused (exit 2).
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + a + " --steps 2" + kTinyModel);
  EXPECT_EQ(r.exitCode, 2) << r.output;
}

TEST(PredictCommand, WritesRequestedCellsAndEvaluates) {
  if (!std::filesystem::exists(tiny())) GTEST_SKIP() << "no " << tiny() << " (build the 'datasets' target)";
  auto dir = test::scratchDir("cli_predict");
  auto r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + dir + " --steps 2 --seed 1" + kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto c = readModelCheckpoint(dir + "/checkpoint.safetensors");
  ASSERT_FALSE(c.training.trainConditions.empty());
  const std::string single = c.training.trainConditions.front();
  const std::string pair = c.genes.at(0) + "+" + c.genes.at(1);
  r = test::runCommand(scdfmBin() + " predict " + tiny() + " --checkpoint " + dir + "/checkpoint.safetensors -p '" +
                       single + "' -p '" + pair + "' --cells 12 --time-points 3 --device cpu --out " + dir +
                       "/pred.h5ad --csv " + dir + "/pred.csv");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  if (test::pythonHas("h5py")) {
    auto py = test::runPython("import h5py\nf = h5py.File('" + dir + R"PY(/pred.h5ad', 'r')
X = f['X'][()]
assert X.shape == (24, )PY" + std::to_string(c.genes.size()) + R"PY(), X.shape
assert (X >= 0).all()
kind = f['obs/kind']
cats = [c.decode() if isinstance(c, bytes) else c for c in kind['categories'][()]]
assert cats == ['predicted'], cats
print('ok')
)PY");
    EXPECT_EQ(py.exitCode, 0) << py.output;
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/pred.csv"));
  // Unknown gene: exit 2, closest names shown.
  r = test::runCommand(scdfmBin() + " predict " + tiny() + " --checkpoint " + dir + "/checkpoint.safetensors -p '" +
                       c.genes.at(0) + "ZZ' --cells 4 --out " + dir + "/bad.h5ad");
  EXPECT_EQ(r.exitCode, 2) << r.output;
  EXPECT_NE(r.output.find(c.genes.at(0)), std::string::npos) << r.output;
  // Evaluation table beside the baselines.
  if (!c.training.testConditions.empty()) {
    r = test::runCommand(scdfmBin() + " evaluate " + tiny() + " --checkpoint " + dir +
                         "/checkpoint.safetensors --cells 8 --time-points 3 --device cpu --json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("\"no change\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"scDFM\""), std::string::npos) << r.output;
  }
}
