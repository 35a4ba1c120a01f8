#include "core/eval/DifferentialExpression.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/util/ParallelFor.h"
#include "core/eval/Stats.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct RankSum {
  double r1 = 0;       // sum of the target's ranks among all n1 + n2 values
  double tieSum = 0;   // Σ (t³ − t) over groups of tied values
};

// Both inputs sorted ascending; walks the distinct values once.
template <class A, class B>
RankSum mergedRankSum(const A& a, const B& b) {
  RankSum rs;
  std::size_t i = 0, j = 0;
  double running = 0;  // values already ranked
  while (i < a.size() || j < b.size()) {
    double v;
    if (j >= b.size() || (i < a.size() && a[i] <= b[j]))
      v = a[i];
    else
      v = b[j];
    double ca = 0, cb = 0;
    while (i < a.size() && a[i] == v) ++i, ca += 1;
    while (j < b.size() && b[j] == v) ++j, cb += 1;
    const double c = ca + cb;
    rs.r1 += ca * (running + 0.5 * (c + 1));
    rs.tieSum += c * c * c - c;
    running += c;
  }
  return rs;
}

TwoSampleTest wilcoxonFromRankSum(const RankSum& rs, double n1, double n2, const DeOptions& o) {
  TwoSampleTest r;
  const double n = n1 + n2;
  const double u1 = rs.r1 - n1 * (n1 + 1) / 2;
  const double u2 = n1 * n2 - u1;
  const double mu = n1 * n2 / 2;
  r.statistic = u1;
  double var = n1 * n2 / 12.0 * (n + 1);
  if (o.tieCorrection && n > 1) var = n1 * n2 / 12.0 * ((n + 1) - rs.tieSum / (n * (n - 1)));
  const double sigma = var > 0 ? std::sqrt(var) : 0.0;
  r.score = sigma > 0 ? (u1 - mu) / sigma : 0.0;
  const double u = std::max(u1, u2);
  if (o.exactSmallSamples && !(n1 > 8 && n2 > 8) && rs.tieSum == 0) {
    r.pValue = std::min(1.0, 2.0 * stats::mannWhitneyExactSf(static_cast<std::int64_t>(std::llround(u)),
                                                             static_cast<int>(n1), static_cast<int>(n2)));
    return r;
  }
  if (!(sigma > 0)) {
    r.pValue = 1.0;  // every value tied: no evidence either way
    return r;
  }
  const double z = (u - mu - (o.continuity ? 0.5 : 0.0)) / sigma;
  r.pValue = std::clamp(2.0 * stats::normalSf(z), 0.0, 1.0);
  return r;
}

struct Moments {
  double mean = 0, var = kNaN;  // var with ddof = 1
};
template <class V>
Moments moments(const V& v) {
  Moments m;
  const double n = static_cast<double>(v.size());
  if (n == 0) return m;
  double s = 0;
  for (auto x : v) s += x;
  m.mean = s / n;
  if (n > 1) {
    double ss = 0;
    for (auto x : v) ss += (x - m.mean) * (x - m.mean);
    m.var = ss / (n - 1);
  }
  return m;
}

TwoSampleTest welchFromMoments(const Moments& a, double n1, const Moments& b, double n2) {
  TwoSampleTest r;
  const double va = a.var / n1, vb = b.var / n2;
  const double se2 = va + vb;
  if (!(se2 > 0) || std::isnan(se2)) {
    r.statistic = r.score = kNaN;
    r.pValue = 1.0;  // undefined (constant or single-cell groups): scipy gives NaN, pdex falls back to 1
    return r;
  }
  const double t = (a.mean - b.mean) / std::sqrt(se2);
  const double df = se2 * se2 / (va * va / (n1 - 1) + vb * vb / (n2 - 1));
  r.statistic = r.score = t;
  r.pValue = std::clamp(2.0 * stats::studentTSf(std::fabs(t), df), 0.0, 1.0);
  return r;
}

double foldChangeOf(double muT, double muR, double clip) {
  if (muR == 0) return clip;
  if (muT == 0) return 1.0 / clip;
  return muT / muR;
}

}  // namespace

DeReference::DeReference(const RowMatrixF& reference) : cells_(reference.rows()) {
  const long g = reference.cols();
  sorted_.resize(g);
  mean_.resize(g);
  var_.resize(g);
  parallelGrains(g, 16, [&](long b, long e) {
    for (long j = b; j < e; ++j) {
      auto& col = sorted_[j];
      col.resize(cells_);
      for (long i = 0; i < cells_; ++i) col[i] = reference(i, j);
      const auto m = moments(col);
      mean_[j] = m.mean;
      var_[j] = m.var;
      std::sort(col.begin(), col.end());
    }
  });
}

TwoSampleTest wilcoxonRankSum(std::vector<double> target, std::vector<double> reference, const DeOptions& options) {
  if (target.empty() || reference.empty())
    throw InputError("", "Wilcoxon test", "a group has no cells", "Give at least one cell in each group.");
  std::sort(target.begin(), target.end());
  std::sort(reference.begin(), reference.end());
  return wilcoxonFromRankSum(mergedRankSum(target, reference), static_cast<double>(target.size()),
                             static_cast<double>(reference.size()), options);
}

TwoSampleTest welchTTest(const std::vector<double>& target, const std::vector<double>& reference) {
  return welchFromMoments(moments(target), static_cast<double>(target.size()), moments(reference),
                          static_cast<double>(reference.size()));
}

DeResult differentialExpression(const RowMatrixF& target, const DeReference& reference, const DeOptions& options) {
  if (target.cols() != reference.genes())
    throw InputError("", "differential expression",
                     fmt::format("the target cells have {} genes but the control cells have {}", target.cols(),
                                 reference.genes()),
                     "Use expression matrices over the same genes, in the same order.");
  if (target.rows() < 1 || reference.cells() < 1)
    throw InputError("", "differential expression",
                     fmt::format("{} target and {} control cells given", target.rows(), reference.cells()),
                     "Each group needs at least one cell.");
  const long g = target.cols(), n1 = target.rows();
  DeResult r;
  for (auto* v : {&r.meanTarget, &r.meanReference, &r.statistic, &r.score, &r.pValue, &r.foldChange,
                  &r.log2FoldChange})
    v->assign(g, kNaN);
  parallelGrains(g, 8, [&](long b, long e) {
    std::vector<float> col(n1);
    for (long j = b; j < e; ++j) {
      for (long i = 0; i < n1; ++i) col[i] = target(i, j);
      const auto mt = moments(col);
      TwoSampleTest t;
      if (options.test == DeTest::Wilcoxon) {
        std::sort(col.begin(), col.end());
        t = wilcoxonFromRankSum(mergedRankSum(col, reference.sortedColumn(j)), static_cast<double>(n1),
                                static_cast<double>(reference.cells()), options);
      } else {
        Moments mr{reference.mean()[j], reference.variance()[j]};
        t = welchFromMoments(mt, static_cast<double>(n1), mr, static_cast<double>(reference.cells()));
      }
      r.statistic[j] = t.statistic;
      r.score[j] = t.score;
      r.pValue[j] = t.pValue;
      r.meanTarget[j] = mt.mean;
      r.meanReference[j] = reference.mean()[j];
      double muT = mt.mean, muR = reference.mean()[j];
      if (options.foldChange == FoldChangeMode::Expm1OfMean) {
        muT = std::expm1(muT);
        muR = std::expm1(muR);
      }
      r.foldChange[j] = foldChangeOf(muT, muR, options.foldChangeClip);
      r.log2FoldChange[j] = std::log2(r.foldChange[j]);
    }
  });
  r.fdr = stats::benjaminiHochberg(r.pValue);
  return r;
}

DeResult differentialExpression(const RowMatrixF& target, const RowMatrixF& reference, const DeOptions& options) {
  return differentialExpression(target, DeReference(reference), options);
}

std::vector<int> rankByAbsScore(const DeResult& de) {
  std::vector<int> idx(de.genes());
  std::iota(idx.begin(), idx.end(), 0);
  auto key = [&](int i) { return std::isnan(de.score[i]) ? -1.0 : std::fabs(de.score[i]); };
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return key(a) > key(b); });
  return idx;
}

std::vector<int> significantByAbsLog2Fc(const DeResult& de, double fdrThreshold) {
  std::vector<int> idx;
  for (int i = 0; i < de.genes(); ++i)
    if (de.fdr[i] < fdrThreshold) idx.push_back(i);
  // cell-eval ranks float32 copies of |log2 FC| (ordinal ranks: ties keep gene order).
  auto key = [&](int i) { return std::fabs(static_cast<float>(de.log2FoldChange[i])); };
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return key(a) > key(b); });
  return idx;
}

}  // namespace scdfm
