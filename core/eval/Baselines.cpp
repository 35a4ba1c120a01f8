#include "core/eval/Baselines.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>

#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

RowMatrixF noChangeBaseline(const RowMatrixF& controlCells) { return controlCells; }

Eigen::VectorXd meanDelta(const RowMatrixF& perturbed, const RowMatrixF& control) {
  if (perturbed.cols() != control.cols())
    throw InputError("", "mean effect",
                     fmt::format("perturbed cells have {} genes, control cells {}", perturbed.cols(), control.cols()),
                     "Use matrices over the same genes in the same order.");
  if (perturbed.rows() < 1 || control.rows() < 1)
    throw InputError("", "mean effect", "a cell set is empty", "Give at least one perturbed and one control cell.");
  return (perturbed.cast<double>().colwise().mean() - control.cast<double>().colwise().mean()).transpose();
}

RowMatrixF shiftCells(const RowMatrixF& controlCells, const Eigen::VectorXd& delta, bool clipNegative) {
  if (delta.size() != controlCells.cols())
    throw InputError("", "baseline",
                     fmt::format("the effect has {} genes, the control cells {}", delta.size(), controlCells.cols()),
                     "Use effects computed over the same genes as the control cells.");
  RowMatrixF out = controlCells;
  const Eigen::RowVectorXf d = delta.cast<float>().transpose();
  out.rowwise() += d;
  if (clipNegative) out = out.cwiseMax(0.0f);
  return out;
}

RowMatrixF additiveBaseline(const RowMatrixF& controlCells, const std::vector<Eigen::VectorXd>& singleDeltas,
                            bool clipNegative) {
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(controlCells.cols());
  for (const auto& d : singleDeltas) {
    if (d.size() != controlCells.cols())
      throw InputError("", "additive baseline",
                       fmt::format("a single-perturbation effect has {} genes, the control cells {}", d.size(),
                                   controlCells.cols()),
                       "Compute every effect over the same genes as the control cells.");
    sum += d;
  }
  return shiftCells(controlCells, sum, clipNegative);
}

LinearDeltaModel LinearDeltaModel::fit(const std::vector<std::vector<std::string>>& conditions,
                                       const Eigen::MatrixXd& deltas, const LinearBaselineOptions& options) {
  if (conditions.empty() || static_cast<long>(conditions.size()) != deltas.rows())
    throw InputError("", "linear baseline",
                     fmt::format("{} training conditions but {} effect rows", conditions.size(), deltas.rows()),
                     "Give one mean effect per training condition (at least one).");
  if (options.ridge < 0)
    throw InputError("", "linear baseline", "negative ridge penalty", "Use a penalty λ ≥ 0.");
  LinearDeltaModel m;
  for (const auto& c : conditions) m.components_.insert(m.components_.end(), c.begin(), c.end());
  std::sort(m.components_.begin(), m.components_.end());
  m.components_.erase(std::unique(m.components_.begin(), m.components_.end()), m.components_.end());
  if (m.components_.empty())
    throw InputError("", "linear baseline", "the training conditions name no components",
                     "Give the genes or drugs of each training condition.");
  const long n = deltas.rows(), c = static_cast<long>(m.components_.size()), g = deltas.cols();
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, c);
  for (long i = 0; i < n; ++i)
    for (const auto& comp : conditions[i]) {
      const auto it = std::lower_bound(m.components_.begin(), m.components_.end(), comp);
      x(i, it - m.components_.begin()) = 1.0;
    }
  Eigen::MatrixXd y = deltas;
  Eigen::RowVectorXd xMean = Eigen::RowVectorXd::Zero(c), yMean = Eigen::RowVectorXd::Zero(g);
  if (options.fitIntercept) {  // centring leaves the intercept unpenalised
    xMean = x.colwise().mean();
    yMean = y.colwise().mean();
    x.rowwise() -= xMean;
    y.rowwise() -= yMean;
  }
  if (options.ridge > 0) {
    Eigen::MatrixXd a = x.transpose() * x;
    a.diagonal().array() += options.ridge;
    m.w_ = a.ldlt().solve(x.transpose() * y);
  } else {
    m.w_ = x.completeOrthogonalDecomposition().solve(y);  // minimum-norm least squares
  }
  m.b_ = (yMean - xMean * m.w_).transpose();
  return m;
}

bool LinearDeltaModel::knows(const std::string& component) const {
  return std::binary_search(components_.begin(), components_.end(), component);
}

Eigen::VectorXd LinearDeltaModel::predictDelta(const std::vector<std::string>& components) const {
  Eigen::VectorXd d = b_;
  for (const auto& comp : components) {
    const auto it = std::lower_bound(components_.begin(), components_.end(), comp);
    if (it == components_.end() || *it != comp) {
      const auto close = closestMatches(comp, components_, 3);
      throw InputError("", "linear baseline", "'" + comp + "' was not in any training condition",
                       close.empty() ? std::string("The linear baseline can only combine components it was fitted on.")
                                     : "Closest known: " + listForMessage(close) + ".");
    }
    d += w_.row(it - components_.begin()).transpose();
  }
  return d;
}

RowMatrixF LinearDeltaModel::predictCells(const RowMatrixF& controlCells, const std::vector<std::string>& components,
                                          bool clipNegative) const {
  return shiftCells(controlCells, predictDelta(components), clipNegative);
}

}  // namespace scdfm
