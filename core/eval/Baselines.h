#pragma once
// Honest baselines, shown beside every prediction. Each returns predicted cells
// (cells × genes, like the model's output for the same control cells) so the same
// metrics apply. All work on the values given (log1p expression), and clip negative
// values to 0 by default, as the model's sampler does.
//
// * No change:  ŷ_i = c_i (the control cells themselves; their mean is the control mean).
// * Additive:   ŷ_i = max(0, c_i + Σ_k Δ_k), Δ_k = μ(cells of single perturbation k) − μ(control);
//               for A+B: control cells shifted by Δ_A + Δ_B.
// * Linear:     ridge regression from a perturbation design to the mean effect. Each training
//               condition is a set of components (genes knocked, or drug@dose); its design row
//               x ∈ {0,1}^C marks them. Fit W (C × G), b (G):
//                 min_W,b Σ_conditions ‖Δ − xᵀW − b‖² + λ‖W‖²_F
//               (b = 0 unless fitIntercept; b is not penalised). Prediction for a new set of
//               known components: Δ̂ = xᵀW + b, cells ŷ_i = max(0, c_i + Δ̂). With λ → 0 and
//               the singles in training this reproduces the additive model on unseen pairs;
//               the intercept captures a response shared by all perturbations.
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

RowMatrixF noChangeBaseline(const RowMatrixF& controlCells);

// μ(perturbed) − μ(control) per gene (double precision). InputError if the gene counts differ.
Eigen::VectorXd meanDelta(const RowMatrixF& perturbed, const RowMatrixF& control);

// c_i + Δ for every control cell, negative values set to 0 when clipNegative.
RowMatrixF shiftCells(const RowMatrixF& controlCells, const Eigen::VectorXd& delta, bool clipNegative = true);

RowMatrixF additiveBaseline(const RowMatrixF& controlCells, const std::vector<Eigen::VectorXd>& singleDeltas,
                            bool clipNegative = true);

struct LinearBaselineOptions {
  double ridge = 1e-3;        // λ (≥ 0; 0 = minimum-norm least squares)
  bool fitIntercept = false;
};

class LinearDeltaModel {
 public:
  // conditions[i] = component names of training condition i; deltas row i = its mean Δ
  // (conditions × genes). InputError on empty or inconsistent input.
  static LinearDeltaModel fit(const std::vector<std::vector<std::string>>& conditions, const Eigen::MatrixXd& deltas,
                              const LinearBaselineOptions& options = {});

  // InputError naming the component when it was not in any training condition.
  Eigen::VectorXd predictDelta(const std::vector<std::string>& components) const;
  RowMatrixF predictCells(const RowMatrixF& controlCells, const std::vector<std::string>& components,
                          bool clipNegative = true) const;

  bool knows(const std::string& component) const;
  const std::vector<std::string>& components() const { return components_; }
  const Eigen::MatrixXd& coefficients() const { return w_; }  // components × genes
  const Eigen::VectorXd& intercept() const { return b_; }

 private:
  std::vector<std::string> components_;  // sorted
  Eigen::MatrixXd w_;
  Eigen::VectorXd b_;
};

}  // namespace scdfm
