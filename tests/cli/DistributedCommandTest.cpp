// Multi-process `scdfm train` / `predict` / `screen` on the simulator's tiny
// dataset: ranks as processes of this machine, Gloo over loopback, FileStore
// rendezvous in scratch folders (no port clashes between parallel tests).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "CliSupport.h"
#include "core/io/ModelCheckpoint.h"

using namespace scdfm;

using test::scdfmBin;
using test::tiny;

namespace {

// The tiny model, without --quiet: rank 0 prints its steps.
std::string tinyModelVerbose() {
  std::string s = test::kTinyModel;
  return s.substr(0, s.find(" --quiet"));
}

std::string trainTiny(const std::string& out, const std::string& extra) {
  return scdfmBin() + " train " + tiny() + " --out " + out + " --seed 3 --global-batch 4" + test::kTinyModel + " " + extra;
}

struct WeightDistance {
  double largest = 0;    // max |a - b|
  double farShare = 0;   // share of weights with |a - b| > 1e-6
  double scale = 0;      // max |a|
};

WeightDistance weightDistance(const ModelCheckpoint& a, const ModelCheckpoint& b) {
  WeightDistance d;
  double far = 0, n = 0;
  for (const auto& [k, t] : a.weights) {
    const auto x = t.toFloat(), y = b.weights.at(k).toFloat();
    EXPECT_EQ(x.size(), y.size()) << k;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      const double diff = std::abs(static_cast<double>(x[i]) - y[i]);
      d.largest = std::max(d.largest, diff);
      d.scale = std::max(d.scale, static_cast<double>(std::abs(x[i])));
      far += diff > 1e-6;
      n += 1;
    }
  }
  d.farShare = n > 0 ? far / n : 0;
  return d;
}

// Same model up to float rounding. An Adam step moves a weight by up to lr
// (5e-5) whatever the gradient's size, so where a gradient is itself rounding
// noise (a bias before a normalisation) two runs may differ by up to 2 lr a
// step; everywhere else the weights agree to far below that. A differently
// drawn run differs on most weights by about lr.
void expectSameModel(const ModelCheckpoint& a, const ModelCheckpoint& b, std::int64_t steps, const std::string& what) {
  const auto d = weightDistance(a, b);
  std::cout << what << ": largest weight difference " << d.largest << ", share above 1e-6 " << d.farShare
            << " (largest weight " << d.scale << ")\n";
  EXPECT_GT(d.scale, 0.0) << what;
  EXPECT_LT(d.largest, 2 * 5e-5 * static_cast<double>(steps)) << what;
  EXPECT_LT(d.farShare, 1e-3) << what;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a bash script (written to dir/run.sh), output captured.
test::CommandResult runScript(const std::string& dir, const std::string& script) {
  std::ofstream(dir + "/run.sh") << script;
  return test::runCommand("bash " + dir + "/run.sh");
}

// In `dir`: runs `start` (starts a training job in the background and sets $W to
// the process to watch), waits (60 s at most) until `log` shows step 3, kills the
// process `victim` names with SIGKILL, waits (60 s at most) for $W to end, and
// prints "exit=<its code>" and the log.
test::CommandResult killDuringTraining(const std::string& dir, const std::string& start, const std::string& log,
                                       const std::string& victim) {
  return runScript(dir, "cd " + dir + "\n" + start + "\n" +
                            "for i in $(seq 600); do grep -q '^step 3/' " + log + " && break; sleep 0.1; done\n"
                            "kill -9 " + victim + "\n"
                            "for i in $(seq 600); do kill -0 $W 2>/dev/null || break; sleep 0.1; done\n"
                            "kill -9 $W 2>/dev/null && echo 'the job did not stop'\n"
                            "wait $W; echo \"exit=$?\"; cat " + log + "\n");
}

#define SKIP_WITHOUT_TINY() \
  if (!std::filesystem::exists(tiny())) GTEST_SKIP() << "no " << tiny() << " (build the 'datasets' target)"

}  // namespace

// Same seed and global batch: 1, 2 and 4 processes train the same model (float
// rounding apart: the gradient sums run in another order), and the same step
// losses and perturbations.
TEST(DistributedTrain, SameModelForOneTwoAndFourProcesses) {
  SKIP_WITHOUT_TINY();
  const std::string steps = " --steps 3";
  std::vector<ModelCheckpoint> models;
  for (int n : {1, 2, 4}) {
    auto dir = test::scratchDir("dist_same_" + std::to_string(n));
    auto r = test::runCommand(trainTiny(dir, steps + (n > 1 ? " --processes " + std::to_string(n) : "")) + " --timeout 60");
    ASSERT_EQ(r.exitCode, 0) << n << " processes:\n" << r.output;
    models.push_back(readModelCheckpoint(dir + "/checkpoint.safetensors"));
    EXPECT_EQ(models.back().training.steps, 3);
  }
  for (std::size_t i = 1; i < models.size(); ++i) {
    expectSameModel(models[0], models[i], 3, std::to_string(i == 1 ? 2 : 4) + " processes");
    EXPECT_EQ(models[0].training.trainConditions, models[i].training.trainConditions);
  }
  // The comparison tells models apart: another seed differs on most weights.
  auto other = test::scratchDir("dist_same_other_seed");
  auto r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + other + " --seed 4 --global-batch 4" + steps +
                            test::kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_GT(weightDistance(models[0], readModelCheckpoint(other + "/checkpoint.safetensors")).farShare, 0.1);
}

// The default (one micro-batch per step) on one process is today's trainer: a
// world of one gives bit-identical weights with or without the launcher.
TEST(DistributedTrain, OneProcessLaunchedIsTheSameRun) {
  SKIP_WITHOUT_TINY();
  auto a = test::scratchDir("dist_one_a"), b = test::scratchDir("dist_one_b");
  const std::string base = scdfmBin() + " train " + tiny() + " --steps 2 --seed 9" + test::kTinyModel;
  auto r = test::runCommand(base + " --out " + a);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(base + " --out " + b + " --processes 1");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto ca = readModelCheckpoint(a + "/checkpoint.safetensors"), cb = readModelCheckpoint(b + "/checkpoint.safetensors");
  for (const auto& [k, t] : ca.weights) EXPECT_TRUE(t.data == cb.weights.at(k).data) << k;
}

// Two processes for 2 steps, then one process resumes to 4: the model of four
// steps on one process (to float rounding); two processes resuming their own
// run equal their uninterrupted run exactly.
TEST(DistributedTrain, ResumeFromAMultiProcessCheckpoint) {
  SKIP_WITHOUT_TINY();
  auto whole = test::scratchDir("dist_resume_whole"), split = test::scratchDir("dist_resume_split");
  auto one = test::scratchDir("dist_resume_one");
  auto r = test::runCommand(trainTiny(whole, "--steps 4 --processes 2"));
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(trainTiny(split, "--steps 2 --processes 2"));
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(trainTiny(split, "--steps 4 --processes 2 --resume"));
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto cw = readModelCheckpoint(whole + "/checkpoint.safetensors"), cs = readModelCheckpoint(split + "/checkpoint.safetensors");
  EXPECT_EQ(cs.training.steps, 4);
  for (const auto& [k, t] : cw.weights) EXPECT_TRUE(t.data == cs.weights.at(k).data) << k;

  r = test::runCommand(trainTiny(one, "--steps 2 --processes 2"));
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(trainTiny(one, "--steps 4 --resume"));
  ASSERT_EQ(r.exitCode, 0) << r.output;
  expectSameModel(cw, readModelCheckpoint(one + "/checkpoint.safetensors"), 4, "resumed on one process");
}

// A rank killed mid-training: the survivor stops within seconds, naming the
// lost rank and saying to resume; rank 0 saved its last step, and the job
// resumes from it.
TEST(DistributedTrain, KilledRankStopsTheOthersWhoSayHowToResume) {
  SKIP_WITHOUT_TINY();
  auto dir = test::scratchDir("dist_killed");
  const std::string rank = scdfmBin() + " train " + tiny() + " --out " + dir + "/out --seed 3 --steps 100000" +
                           tinyModelVerbose() + " --log-every 1 --checkpoint-every 5 --world-size 2 --timeout 60" +
                           " --rendezvous file://" + dir + "/store --rank ";
  auto r = killDuringTraining(dir,
                              "export SCDFM_DIST_HOST=127.0.0.1\n" + rank + "0 > r0.log 2>&1 & W=$!\n" + rank +
                                  "1 > r1.log 2>&1 & V=$!",
                              "r0.log", "$V");
  EXPECT_EQ(r.output.find("did not stop"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exit=4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rank 0: lost rank 1 during the gradient all-reduce of step"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
  auto saved = readModelCheckpoint(dir + "/out/checkpoint.safetensors");
  EXPECT_GE(saved.training.steps, 3);
  // The job resumes from rank 0's checkpoint.
  const auto target = std::to_string(saved.training.steps + 2);
  r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + dir + "/out --seed 3 --steps " + target +
                       test::kTinyModel + " --resume --processes 2");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(readModelCheckpoint(dir + "/out/checkpoint.safetensors").training.steps, saved.training.steps + 2);
}

// `--processes 2` with one of its ranks killed: the launcher names that rank,
// the other stops by itself, and the job's exit code is non-zero.
TEST(DistributedTrain, LauncherReportsAKilledRank) {
  SKIP_WITHOUT_TINY();
  auto dir = test::scratchDir("dist_launch_kill");
  const std::string cmd = scdfmBin() + " train " + tiny() + " --out " + dir + "/out --seed 3 --steps 100000" +
                          tinyModelVerbose() + " --log-every 1 --processes 2 --timeout 60";
  auto r = killDuringTraining(dir, cmd + " > launcher.log 2>&1 & W=$!", "launcher.log",
                              "$(pgrep -P $W -f -- '--rank 1 ')");
  EXPECT_EQ(r.output.find("did not stop"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exit=4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("was killed by signal 9"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("scdfm: rank 1 (pid "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rank 0: lost rank 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("with --resume"), std::string::npos) << r.output;
}

// Predictions split over processes are the same cells, in the same order.
TEST(DistributedInference, PredictAndScreenAcrossProcessesEqualOneProcess) {
  SKIP_WITHOUT_TINY();
  auto dir = test::scratchDir("dist_predict");
  auto r = test::runCommand(scdfmBin() + " train " + tiny() + " --out " + dir + " --steps 2 --seed 1" + test::kTinyModel);
  ASSERT_EQ(r.exitCode, 0) << r.output;
  auto c = readModelCheckpoint(dir + "/checkpoint.safetensors");
  ASSERT_GE(c.genes.size(), 4u);
  std::string perts;
  for (int i = 0; i < 3; ++i) perts += " -p " + c.genes.at(i);
  perts += " -p " + c.genes.at(0) + "+" + c.genes.at(3);
  const std::string predict = scdfmBin() + " predict " + tiny() + " --checkpoint " + dir +
                              "/checkpoint.safetensors" + perts + " --cells 6 --time-points 3 --device cpu --quiet";
  r = test::runCommand(predict + " --out " + dir + "/one.h5ad --csv " + dir + "/one.csv");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(predict + " --out " + dir + "/two.h5ad --csv " + dir + "/two.csv --processes 2");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_FALSE(slurp(dir + "/one.csv").empty());
  EXPECT_EQ(slurp(dir + "/one.csv"), slurp(dir + "/two.csv"));

  const std::string genes = c.genes.at(0) + "," + c.genes.at(1) + "," + c.genes.at(2);
  const std::string screen = scdfmBin() + " screen " + tiny() + " --checkpoint " + dir +
                             "/checkpoint.safetensors --genes " + genes + " --cells 6 --time-points 3 --device cpu --quiet";
  r = test::runCommand(screen + " --out " + dir + "/screen1.csv");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  r = test::runCommand(screen + " --out " + dir + "/screen3.csv --processes 3");
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_FALSE(slurp(dir + "/screen1.csv").empty());
  EXPECT_EQ(slurp(dir + "/screen1.csv"), slurp(dir + "/screen3.csv"));
}
