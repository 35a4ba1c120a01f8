#pragma once
// Genetic-interaction (GI) scores of a pair A+B from mean expression changes,
// as Norman et al. 2019 (Science 365:786) define them and GEARS (Roohani et
// al. 2023) computes them (gears/inference.py, get_coeffs):
//
//   Δ_A, Δ_B, Δ_AB = mean of the perturbed cells − mean of the control cells,
//   per gene (vectors over the genes scored);
//   fit Δ_AB ≈ c1·Δ_A + c2·Δ_B over the genes (no intercept).
//
// Estimators:
//   * LeastSquares: argmin ‖Δ_AB − X c‖², X = [Δ_A Δ_B] (np.linalg.lstsq;
//     the minimum-norm solution when X has rank 1, e.g. Δ_B = 0).
//   * TheilSen: GEARS's robust fit, sklearn's TheilSenRegressor(fit_intercept
//     =False): the exact 2-gene solutions of every pair of genes (a random
//     sample of maxSubpopulation pairs when there are more; GEARS uses 1e5),
//     then their spatial (L1) median by the modified Weiszfeld iteration of
//     Vardi & Zhang (2000). A few genes with odd changes do not move it.
//
// Scores:
//   magnitude  m = sqrt(c1² + c2²), exactly as GEARS reports it ('mag'). GEARS
//              does not normalise it; under its model the additive expectation
//              Δ_AB = Δ_A + Δ_B has c1 = c2 = 1, i.e. m = √2, which is therefore
//              the neutral value here (the "m > 1" sometimes quoted is not the
//              additive point: a pair where one gene masks the other, c = (1, 0),
//              already has m = 1).
//   score      log2(m / √2): 0 for additive, > 0 synergy (the pair moves
//              expression further than the two singles combined), < 0 buffering.
//              The signed value for a heatmap; floored at −10 (m = 0 would be −∞).
//   additiveDeparture  ‖Δ_AB − (Δ_A + Δ_B)‖ / ‖Δ_A + Δ_B‖ (0 = exactly additive).
//   r2         1 − Σ(Δ_AB − X c)² / Σ(Δ_AB − mean Δ_AB)² (sklearn's r2_score of the fit).
//   fitPearson Pearson r of X c and Δ_AB (GEARS 'corr_fit', Norman's model fit).
//   dominance  |log10(|c1| / |c2|)| (GEARS 'dominance', which is NaN for opposite signs).
//
// Interaction type (first rule that applies; thresholds in GiThresholds):
//   undetermined  ‖Δ_A + Δ_B‖ is 0 (neither single changes anything) or an input is not finite
//   additive      additiveDeparture ≤ additiveTolerance (0.2: the pair is its singles' sum within 20 %)
//   neomorphic    r2 < minFitR2 (0.5: the singles do not explain the pair's change — a new phenotype)
//   dominant-A    |c1| ≥ dominanceRatio·|c2| (3): the pair looks like A alone (epistasis of A over B)
//   dominant-B    |c2| ≥ dominanceRatio·|c1|
//   synergy       score > scoreTolerance (0.2: m > 1.62)
//   buffering     score < −scoreTolerance (m < 1.23)
//   additive      otherwise (balanced coefficients of neutral magnitude)
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace scdfm {

enum class GiEstimator { LeastSquares, TheilSen };
const char* toString(GiEstimator e);  // "least-squares" / "theil-sen"
// "least-squares" / "lstsq" / "theil-sen"; InputError otherwise.
GiEstimator parseGiEstimator(const std::string& name);

enum class InteractionType { Additive, Synergy, Buffering, DominantA, DominantB, Neomorphic, Undetermined };
const char* toString(InteractionType t);  // "additive", "synergy", "buffering", "dominant-A", ...

struct GiThresholds {
  double additiveTolerance = 0.2;
  double minFitR2 = 0.5;
  double dominanceRatio = 3.0;
  double scoreTolerance = 0.2;
};

struct GiOptions {
  GiEstimator estimator = GiEstimator::LeastSquares;
  GiThresholds thresholds;
  // Genes left out of every vector (e.g. the pair's own targets: a knockdown of
  // A lowers A in both A and A+B, which says nothing about the interaction).
  std::vector<std::int64_t> excludedGenes;
  // Theil–Sen only.
  std::int64_t maxSubpopulation = 100000;  // gene pairs solved (all pairs when fewer)
  std::uint64_t seed = 1000;               // draws the pairs when sampling
  int maxIterations = 1000;                // Weiszfeld iterations
  double tolerance = 1e-12;                // stop when the median moves less (squared distance)
};

struct GiScore {
  double c1 = 0, c2 = 0;
  double magnitude = 0;
  double score = 0;  // log2(magnitude / √2)
  double additiveDeparture = 0;
  double r2 = 0;
  double fitPearson = 0;
  double dominance = 0;
  InteractionType type = InteractionType::Undetermined;
  std::int64_t genes = 0;  // genes scored (after exclusions)
};

// Δ vectors over the same genes. Undefined quantities are NaN (type
// Undetermined). InputError when the lengths differ.
GiScore scoreGeneticInteraction(const Eigen::VectorXd& deltaA, const Eigen::VectorXd& deltaB,
                                const Eigen::VectorXd& deltaAB, const GiOptions& options = {});

// The fits on their own: coefficients (c1, c2) of y ≈ X c, X = n × 2.
Eigen::Vector2d leastSquaresFit(const Eigen::MatrixX2d& X, const Eigen::VectorXd& y);
Eigen::Vector2d theilSenFit(const Eigen::MatrixX2d& X, const Eigen::VectorXd& y, const GiOptions& options = {});

}  // namespace scdfm
