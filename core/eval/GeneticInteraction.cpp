#include "core/eval/GeneticInteraction.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/eval/Stats.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMinScore = -10.0;

// Minimum-norm least-squares solution (what lstsq returns for any rank).
Eigen::Vector2d minNormSolve(const Eigen::MatrixX2d& X, const Eigen::VectorXd& y) {
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixX2d> cod(X);
  return cod.solve(y);
}

// One step of the modified Weiszfeld iteration (Vardi & Zhang 2000) towards the
// point minimising the sum of Euclidean distances to the rows of P. A current
// estimate that coincides with a row is handled by blending the plain Weiszfeld
// update with staying put, so the iteration cannot stall on a data point.
Eigen::Vector2d weiszfeldStep(const Eigen::MatrixX2d& P, const Eigen::Vector2d& x) {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  Eigen::Vector2d weighted = Eigen::Vector2d::Zero(), pull = Eigen::Vector2d::Zero();
  double inverseSum = 0;
  bool atPoint = false;
  for (Eigen::Index i = 0; i < P.rows(); ++i) {
    const Eigen::Vector2d d = P.row(i).transpose() - x;
    const double n = d.norm();
    if (n < eps) {
      atPoint = true;
      continue;
    }
    weighted += P.row(i).transpose() / n;
    pull += d / n;
    inverseSum += 1.0 / n;
  }
  const double pullNorm = pull.norm();
  if (pullNorm <= eps || inverseSum == 0) return x;  // x is already the median
  const Eigen::Vector2d plain = weighted / inverseSum;
  const double r = atPoint ? 1.0 / pullNorm : 0.0;
  return std::max(0.0, 1.0 - r) * plain + std::min(1.0, r) * x;
}

InteractionType classify(const GiScore& s, const GiThresholds& t) {
  if (!std::isfinite(s.additiveDeparture)) return InteractionType::Undetermined;
  if (s.additiveDeparture <= t.additiveTolerance) return InteractionType::Additive;
  if (!std::isfinite(s.c1) || !std::isfinite(s.c2)) return InteractionType::Undetermined;
  if (!(s.r2 >= t.minFitR2)) return InteractionType::Neomorphic;  // NaN r2 (constant Δ_AB) too
  const double a = std::abs(s.c1), b = std::abs(s.c2);
  if (a >= t.dominanceRatio * b) return InteractionType::DominantA;
  if (b >= t.dominanceRatio * a) return InteractionType::DominantB;
  if (s.score > t.scoreTolerance) return InteractionType::Synergy;
  if (s.score < -t.scoreTolerance) return InteractionType::Buffering;
  return InteractionType::Additive;
}

}  // namespace

const char* toString(GiEstimator e) {
  return e == GiEstimator::TheilSen ? "theil-sen" : "least-squares";
}

GiEstimator parseGiEstimator(const std::string& name) {
  const std::string n = toLower(name);
  if (n == "least-squares" || n == "lstsq" || n == "ls") return GiEstimator::LeastSquares;
  if (n == "theil-sen" || n == "theilsen" || n == "ts") return GiEstimator::TheilSen;
  throw InputError("", "GI fit '" + name + "'", "unknown estimator", "Use least-squares or theil-sen");
}

const char* toString(InteractionType t) {
  switch (t) {
    case InteractionType::Additive:
      return "additive";
    case InteractionType::Synergy:
      return "synergy";
    case InteractionType::Buffering:
      return "buffering";
    case InteractionType::DominantA:
      return "dominant-A";
    case InteractionType::DominantB:
      return "dominant-B";
    case InteractionType::Neomorphic:
      return "neomorphic";
    case InteractionType::Undetermined:
      return "undetermined";
  }
  return "?";
}

Eigen::Vector2d leastSquaresFit(const Eigen::MatrixX2d& X, const Eigen::VectorXd& y) {
  if (X.rows() < 1) return Eigen::Vector2d::Constant(kNaN);
  return minNormSolve(X, y);
}

Eigen::Vector2d theilSenFit(const Eigen::MatrixX2d& X, const Eigen::VectorXd& y, const GiOptions& o) {
  const Eigen::Index n = X.rows();
  if (n < 2) return Eigen::Vector2d::Constant(kNaN);
  // Solutions of y_i = X_i c, y_j = X_j c for pairs of genes (i, j).
  const double allPairs = 0.5 * static_cast<double>(n) * static_cast<double>(n - 1);
  const bool sample = allPairs > static_cast<double>(o.maxSubpopulation);
  const Eigen::Index m = sample ? static_cast<Eigen::Index>(o.maxSubpopulation) : static_cast<Eigen::Index>(allPairs);
  Eigen::MatrixX2d solutions(m, 2);
  auto solvePair = [&](Eigen::Index row, Eigen::Index i, Eigen::Index j) {
    Eigen::Matrix2d A;
    A.row(0) = X.row(i);
    A.row(1) = X.row(j);
    const Eigen::Vector2d b(y[i], y[j]);
    const double det = A.determinant();
    const double scale = A.cwiseAbs().maxCoeff();
    const Eigen::Vector2d c = std::abs(det) > 1e-12 * scale * scale ? Eigen::Vector2d(A.inverse() * b) : minNormSolve(A, b);
    solutions.row(row) = c.transpose();
  };
  if (sample) {
    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<Eigen::Index> first(0, n - 1), second(0, n - 2);
    for (Eigen::Index k = 0; k < m; ++k) {
      const Eigen::Index i = first(rng);
      Eigen::Index j = second(rng);
      if (j >= i) ++j;  // a distinct second gene
      solvePair(k, i, j);
    }
  } else {
    Eigen::Index k = 0;
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = i + 1; j < n; ++j) solvePair(k++, i, j);
  }
  // Spatial median, started from the mean of the solutions.
  Eigen::Vector2d median = solutions.colwise().mean().transpose();
  for (int it = 0; it < o.maxIterations; ++it) {
    const Eigen::Vector2d next = weiszfeldStep(solutions, median);
    const double moved = (next - median).squaredNorm();
    median = next;
    if (moved < o.tolerance) break;
  }
  return median;
}

GiScore scoreGeneticInteraction(const Eigen::VectorXd& deltaA, const Eigen::VectorXd& deltaB,
                                const Eigen::VectorXd& deltaAB, const GiOptions& o) {
  if (deltaA.size() != deltaB.size() || deltaA.size() != deltaAB.size())
    throw InputError("", "genetic interaction", "the mean changes cover different numbers of genes (" +
                                                    std::to_string(deltaA.size()) + ", " +
                                                    std::to_string(deltaB.size()) + ", " +
                                                    std::to_string(deltaAB.size()) + ")");
  // Genes scored: all but the excluded ones.
  std::vector<Eigen::Index> keep;
  std::vector<bool> excluded(static_cast<std::size_t>(deltaA.size()), false);
  for (auto g : o.excludedGenes)
    if (g >= 0 && g < deltaA.size()) excluded[static_cast<std::size_t>(g)] = true;
  for (Eigen::Index g = 0; g < deltaA.size(); ++g)
    if (!excluded[static_cast<std::size_t>(g)]) keep.push_back(g);
  const auto n = static_cast<Eigen::Index>(keep.size());
  Eigen::MatrixX2d X(n, 2);
  Eigen::VectorXd y(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    X(k, 0) = deltaA[keep[k]];
    X(k, 1) = deltaB[keep[k]];
    y[k] = deltaAB[keep[k]];
  }
  GiScore s;
  s.genes = n;
  if (!X.allFinite() || !y.allFinite() || n == 0) {
    s.c1 = s.c2 = s.magnitude = s.score = s.additiveDeparture = s.r2 = s.fitPearson = s.dominance = kNaN;
    return s;
  }
  const Eigen::VectorXd sum = X.col(0) + X.col(1);
  const double sumNorm = sum.norm();
  s.additiveDeparture = sumNorm > 0 ? (y - sum).norm() / sumNorm : kNaN;

  const Eigen::Vector2d c = o.estimator == GiEstimator::TheilSen ? theilSenFit(X, y, o) : leastSquaresFit(X, y);
  s.c1 = c[0];
  s.c2 = c[1];
  s.magnitude = c.norm();
  s.score = s.magnitude > 0 ? std::max(kMinScore, std::log2(s.magnitude / std::sqrt(2.0))) : kMinScore;
  if (!std::isfinite(s.magnitude)) s.score = kNaN;
  const Eigen::VectorXd fit = X * c;
  const double tss = (y.array() - y.mean()).square().sum();
  s.r2 = tss > 0 ? 1.0 - (y - fit).squaredNorm() / tss : kNaN;
  s.fitPearson = stats::pearson(std::vector<double>(fit.data(), fit.data() + n), std::vector<double>(y.data(), y.data() + n));
  s.dominance = (s.c1 == 0 && s.c2 == 0) ? kNaN : std::abs(std::log10(std::abs(s.c1) / std::abs(s.c2)));
  s.type = classify(s, o.thresholds);
  return s;
}

}  // namespace scdfm
