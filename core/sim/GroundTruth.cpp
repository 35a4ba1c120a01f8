#include "core/sim/GroundTruth.h"

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/eval/GeneticInteraction.h"
#include "core/util/Threads.h"

namespace scdfm::sim {

namespace {

// Monte-Carlo cell ids live far from the dataset's ids, so they are new cells.
constexpr std::uint64_t kTruthCellBase = 1ULL << 40;
using FixedMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;
constexpr double kLogScale = 4294967296.0;  // 2^32
constexpr double kCountScale = 16777216.0;  // 2^24

InteractionScore scorePair(const GroundTruth& t, const SimulationDesign& d, int c, int ca, int cb) {
  InteractionScore s;
  s.condition = c;
  s.singleA = ca;
  s.singleB = cb;
  Eigen::VectorXd dA = t.shift(ca).transpose(), dB = t.shift(cb).transpose(), dAB = t.shift(c).transpose();
  for (int gi : d.conditions[c].guides) {  // the targets' own knockdown is trivially additive
    const int g = d.guides[gi].gene;
    dA[g] = dB[g] = dAB[g] = 0;
  }
  const double norm = (dA + dB).norm();
  if (norm > 1e-12) s.giScore = dAB.norm() / norm - 1.0;
  // Norman's linear model, from the one implementation in core/eval (undefined → 0 here).
  const GiScore gi = scoreGeneticInteraction(dA, dB, dAB);
  auto finiteOr0 = [](double v) { return std::isfinite(v) ? v : 0.0; };
  s.nonAdditivity = finiteOr0(gi.additiveDeparture);
  s.cA = finiteOr0(gi.c1);
  s.cB = finiteOr0(gi.c2);
  s.magnitude = finiteOr0(gi.magnitude);
  s.dominance = finiteOr0(gi.dominance);
  s.modelFit = finiteOr0(gi.fitPearson);
  return s;
}

}  // namespace

GroundTruth computeGroundTruth(const CellModel& model, const SimulationDesign& design, int cellsPerCondition,
                               double normalizeTarget, const Progress& progress, const CancelToken& cancel) {
  const int n = model.genes();
  const int nc = static_cast<int>(design.conditions.size());
  GroundTruth truth;
  truth.cellsPerCondition = cellsPerCondition;
  truth.normalizeTarget = normalizeTarget;
  truth.meanLog1p = Eigen::MatrixXd::Zero(nc, n);
  truth.expectedCounts = Eigen::MatrixXd::Zero(nc, n);

  const int threads = std::max(1, std::min(threadCount(), cellsPerCondition));
  // Fixed-point sums: integer addition is associative, so the result does not
  // depend on how cells were spread over threads.
  FixedMatrix logTotal = FixedMatrix::Zero(nc, n), expTotal = FixedMatrix::Zero(nc, n);
  std::atomic<int> next{0}, done{0};
  std::mutex mergeMutex;
  std::exception_ptr failure;
  auto worker = [&](int thread) {
    try {
      FixedMatrix sumLog = FixedMatrix::Zero(nc, n), sumExp = FixedMatrix::Zero(nc, n);
      CellWorkspace ws;
      std::vector<double> ctrlY(n), ctrlMu(n);
      std::vector<long long> ctrlCounts(n), counts(n);
      for (int m; (m = next.fetch_add(1)) < cellsPerCondition;) {
        if (cancel.cancelled()) return;
        const std::uint64_t id = kTruthCellBase + static_cast<std::uint64_t>(m);
        for (int c = 0; c < nc; ++c) {
          const Condition& cond = design.conditions[c];
          const CellLatent cell = model.latent(id, cond, ws);
          model.logRates(cell, cond, ws);
          double total = 0;
          for (int g = 0; g < n; ++g) {
            long long k;
            double mu;
            if (c > 0 && ws.y[g] == ctrlY[g]) {  // untouched gene: same draw as the control
              k = ctrlCounts[g];
              mu = ctrlMu[g];
            } else {
              mu = model.expectedCount(cell, ws.y[g]);
              k = model.sampleCount(id, g, mu);
            }
            counts[g] = k;
            total += static_cast<double>(k);
            sumExp(c, g) += std::llround(mu * kCountScale);
            if (c == 0) {
              ctrlY[g] = ws.y[g];
              ctrlMu[g] = mu;
            }
          }
          if (c == 0) ctrlCounts = counts;
          if (total > 0) {
            const double f = normalizeTarget / total;
            for (int g = 0; g < n; ++g)
              if (counts[g] > 0) sumLog(c, g) += std::llround(std::log1p(static_cast<double>(counts[g]) * f) * kLogScale);
          }
        }
        const int d = ++done;
        if (thread == 0 && d % 16 == 0) progress.report(static_cast<double>(d) / cellsPerCondition, "ground truth", d, cellsPerCondition);
      }
      std::lock_guard<std::mutex> lock(mergeMutex);
      logTotal += sumLog;
      expTotal += sumExp;
    } catch (...) {
      std::lock_guard<std::mutex> lock(mergeMutex);
      failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  cancel.throwIfCancelled();
  truth.meanLog1p = logTotal.cast<double>() / (kLogScale * cellsPerCondition);
  truth.expectedCounts = expTotal.cast<double>() / (kCountScale * cellsPerCondition);

  // Combinations of two genes: find their singles and score the interaction.
  for (int c = 0; c < nc; ++c) {
    const Condition& cond = design.conditions[c];
    if (!cond.isCombination()) continue;
    int ca = -1, cb = -1;
    for (int k = 0; k < nc; ++k) {
      const Condition& o = design.conditions[k];
      if (o.isCombination() || o.kind != cond.kind) continue;
      if (cond.kind == ConditionKind::Gene) {
        if (o.guides.size() == 1 && o.guides[0] == cond.guides[0]) ca = k;
        if (o.guides.size() == 1 && o.guides[0] == cond.guides[1]) cb = k;
      } else if (o.dose == cond.dose && o.drugs.size() == 1) {
        if (o.drugs[0] == cond.drugs[0]) ca = k;
        if (o.drugs[0] == cond.drugs[1]) cb = k;
      }
    }
    if (ca >= 0 && cb >= 0) truth.interactions.push_back(scorePair(truth, design, c, ca, cb));
  }
  progress.report(1.0, "ground truth");
  return truth;
}

}  // namespace scdfm::sim
