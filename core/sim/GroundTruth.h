#pragma once
// The simulation's known answers, estimated without sampling noise in the
// comparison: every condition is simulated on the same Monte-Carlo cells
// (common random numbers), so a gene the perturbation does not reach keeps
// exactly its expected counts (its log1p shift is only the composition
// effect of normalising by total counts).
//
// Spaces:
//  - meanLog1p: E[log1p(counts / total_counts * normalizeTarget)] per gene,
//    i.e. scanpy normalize_total(target_sum=normalizeTarget) + log1p, the space
//    the model and most metrics use. Shift = row(condition) - row(control).
//  - expectedCounts: E[UMI count] per cell (count space, no sampling noise).
#include <Eigen/Core>
#include <vector>

#include "core/sim/CellModel.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm::sim {

// Scores of a combination A+B from the true log1p shifts (the two target
// genes excluded), following Norman et al. 2019:
//   delta_AB ≈ cA delta_A + cB delta_B (least squares)
struct InteractionScore {
  int condition = -1;        // index into SimulationDesign::conditions
  int singleA = -1, singleB = -1;  // conditions of the two singles
  double giScore = 0;        // |delta_AB| / |delta_A + delta_B| - 1 (>0 synergy, <0 buffering)
  double nonAdditivity = 0;  // |delta_AB - (delta_A + delta_B)| / |delta_A + delta_B|
  double cA = 0, cB = 0;
  double magnitude = 0;      // sqrt(cA^2 + cB^2)
  double dominance = 0;      // |log10(|cA| / |cB|)|
  double modelFit = 0;       // Pearson(cA delta_A + cB delta_B, delta_AB)
};

struct GroundTruth {
  int cellsPerCondition = 0;
  double normalizeTarget = 0;
  Eigen::MatrixXd meanLog1p;       // conditions x genes
  Eigen::MatrixXd expectedCounts;  // conditions x genes
  std::vector<InteractionScore> interactions;

  Eigen::RowVectorXd shift(int condition) const { return meanLog1p.row(condition) - meanLog1p.row(0); }
};

GroundTruth computeGroundTruth(const CellModel& model, const SimulationDesign& design, int cellsPerCondition,
                               double normalizeTarget, const Progress& progress, const CancelToken& cancel);

}  // namespace scdfm::sim
