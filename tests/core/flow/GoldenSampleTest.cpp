// A whole generation against the authors' odeint(rk4) trajectory on every
// golden case, plus the sampler's own guarantees (caching and chunking are
// exact, seeded noise is reproducible, cancel and progress work).
#include <gtest/gtest.h>

#include <atomic>

#include "../model/GoldenModelSupport.h"
#include "core/flow/FlowSampler.h"
#include "core/flow/OdeSolver.h"
#include "core/model/ScDfmNetwork.h"
#include "core/util/Error.h"

using namespace scdfm;
using namespace scdfm::test;

namespace {
struct SampleCase {
  std::string name;
  double tol;
  std::shared_ptr<ScDfmNetwork> net;
  SafetensorsFile file;
  SampleInput input;
  std::int64_t cells, genes;
};

SampleCase loadSampleCase(const std::string& dir) {
  SampleCase c;
  c.name = dir.substr(dir.find_last_of('/') + 1);
  auto golden = loadGoldenCase(dir, "sample");
  c.tol = golden.tolerance("sample_prediction");
  c.net = ScDfmNetwork::fromSafetensors(dir + "/weights.safetensors", dir + "/sample.safetensors", "cpu");
  c.file = golden.file("sample");
  const auto& control = c.file.at("control");
  c.cells = control.shape[0];
  c.genes = control.shape[1];
  auto ids = c.file.at("gene_id").toInt64();
  c.input.geneIds.assign(ids.begin(), ids.begin() + c.genes);
  auto pert = c.file.at("perturbation_id").toInt64();
  c.input.perturbationIds.assign(pert.begin(), pert.begin() + c.file.at("perturbation_id").shape[1]);
  c.input.control = control.toFloat();
  c.input.noise = c.file.at("noise").toFloat();
  return c;
}

double maxAbs(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::abs(double(a[i]) - double(b[i])));
  return m;
}
}  // namespace

TEST(GoldenSample, TrajectoryAndPredictionMatchEveryCase) {
  auto cases = goldenCases();
  ASSERT_FALSE(cases.empty());
  for (const auto& dir : cases) {
    SCOPED_TRACE(dir);
    auto c = loadSampleCase(dir);
    // The golden grid is ours: torch.linspace(0, 1, points).
    auto golden = toTorch(c.file.at("time_grid"));
    SamplerOptions opt;
    opt.timePoints = golden.size(0);
    opt.keepTrajectory = true;
    EXPECT_LE(maxAbsDiff(uniformTimeGrid(opt.timePoints), golden), 0.0);
    FlowSampler sampler(c.net, opt);
    auto res = sampler.sample(c.input);
    ASSERT_EQ(res.cells, c.cells);
    auto traj = c.file.at("trajectory").toFloat();
    const std::size_t per = static_cast<std::size_t>(c.cells * c.genes);
    double worst = 0;
    for (std::int64_t k = 0; k < opt.timePoints; ++k) {
      std::vector<float> a(res.trajectory.begin() + k * per, res.trajectory.begin() + (k + 1) * per);
      std::vector<float> b(traj.begin() + k * per, traj.begin() + (k + 1) * per);
      double e = maxAbs(a, b);
      worst = std::max(worst, e);
      EXPECT_LE(e, c.tol) << "state " << k;
    }
    double ep = maxAbs(res.prediction, c.file.at("prediction").toFloat());
    std::printf("[%s] trajectory max|err| %.3g, prediction max|err| %.3g (tol %.0e), %lld NFE, %.2f s\n",
                c.name.c_str(), worst, ep, c.tol, static_cast<long long>(res.evaluations), res.seconds);
    EXPECT_LE(ep, c.tol);
    for (float v : res.prediction) ASSERT_GE(v, 0.0f);
  }
}

TEST(GoldenSample, CachingAndChunkingAreExact) {
  auto cases = goldenCases();
  ASSERT_FALSE(cases.empty());
  auto c = loadSampleCase(cases.back() == cases.front() ? cases.front() : cases.back());  // smallest by name: tiny
  for (const auto& dir : cases)
    if (dir.find("tiny") != std::string::npos) c = loadSampleCase(dir);
  SamplerOptions base;
  base.timePoints = 6;
  auto ref = FlowSampler(c.net, base).sample(c.input);
  SamplerOptions noCache = base;
  noCache.cacheContext = false;
  EXPECT_LE(maxAbs(FlowSampler(c.net, noCache).sample(c.input).prediction, ref.prediction), 1e-5);
  SamplerOptions noMaps = base;
  noMaps.controlMapBudgetBytes = 0;
  EXPECT_LE(maxAbs(FlowSampler(c.net, noMaps).sample(c.input).prediction, ref.prediction), 1e-5);
  SamplerOptions chunked = base;
  chunked.chunkSize = 4;
  EXPECT_LE(maxAbs(FlowSampler(c.net, chunked).sample(c.input).prediction, ref.prediction), 1e-5);
}

TEST(GoldenSample, SeededNoiseProgressCancelAndAttention) {
  auto cases = goldenCases();
  ASSERT_FALSE(cases.empty());
  auto c = loadSampleCase(cases.front());
  for (const auto& dir : cases)
    if (dir.find("tiny") != std::string::npos) c = loadSampleCase(dir);
  c.input.noise.clear();
  SamplerOptions opt;
  opt.timePoints = 5;
  opt.seed = 7;
  opt.attentionCells = {1};
  opt.attentionTime = 0.5;
  std::vector<ProgressInfo> seen;
  Progress progress([&](const ProgressInfo& p) { seen.push_back(p); });
  auto a = FlowSampler(c.net, opt).sample(c.input, progress);
  auto b = FlowSampler(c.net, opt).sample(c.input);
  EXPECT_EQ(a.prediction, b.prediction);
  opt.seed = 8;
  EXPECT_NE(FlowSampler(c.net, opt).sample(c.input).prediction, a.prediction);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_DOUBLE_EQ(seen.back().fraction, 1.0);
  // Attention maps: two parts per block for the cell asked, at t = 0.5, rows sum to 1.
  const auto& cfg = c.net->config();
  ASSERT_EQ(a.attention.size(), static_cast<std::size_t>(2 * cfg.nlayers));
  for (const auto& m : a.attention) {
    EXPECT_EQ(m.cell, 1);
    EXPECT_DOUBLE_EQ(m.time, 0.5);
    EXPECT_EQ(m.heads, cfg.nhead);
    EXPECT_EQ(m.rows, c.genes);
    double row = 0;
    for (std::int64_t j = 0; j < m.cols; ++j) row += m.at1(0, 0, j);
    EXPECT_NEAR(row, 1.0, 1e-5);
  }
  // Cancel after the first step.
  CancelToken cancel;
  Progress stopper([&](const ProgressInfo&) { cancel.cancel(); });
  EXPECT_THROW(FlowSampler(c.net, opt).sample(c.input, stopper, cancel), Cancelled);
  // Bad input is an InputError, not a crash.
  auto bad = c.input;
  bad.control.pop_back();
  EXPECT_THROW(FlowSampler(c.net, opt).sample(bad), InputError);
}
