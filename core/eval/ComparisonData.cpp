#include "core/eval/ComparisonData.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/eval/Baselines.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void checkShapes(const RowMatrixF& control, const RowMatrixF& observed, const RowMatrixF& predicted,
                 const std::vector<std::string>& genes) {
  const char* where = "comparison of predicted and observed cells";
  if (control.rows() < 1)
    throw InputError("", where, "there are no control cells", "Select a context (cell type) that has control cells.");
  if (predicted.rows() < 1)
    throw InputError("", where, "there are no predicted cells", "Run the prediction before comparing.");
  if (predicted.cols() != control.cols())
    throw InputError("", where,
                     fmt::format("predicted cells have {} genes, control cells {}", predicted.cols(), control.cols()),
                     "Restrict both to the model's genes, in the model's order.");
  if (observed.rows() > 0 && observed.cols() != control.cols())
    throw InputError("", where,
                     fmt::format("observed cells have {} genes, control cells {}", observed.cols(), control.cols()),
                     "Restrict both to the model's genes, in the model's order.");
  if (static_cast<long>(genes.size()) != control.cols())
    throw InputError("", where, fmt::format("{} gene names for {} genes", genes.size(), control.cols()),
                     "Pass one gene name per matrix column.");
}

double metricOrNaN(const MetricSet& m, const char* id) {
  auto it = m.find(id);
  return it == m.end() ? kNaN : it->second;
}
}  // namespace

GroupStats groupStats(const RowMatrixF& cells) {
  GroupStats s;
  s.cells = cells.rows();
  if (s.cells == 0) return s;
  const Eigen::MatrixXd x = cells.cast<double>();
  s.mean = x.colwise().mean().transpose();
  if (s.cells > 1)
    s.variance = (x.rowwise() - s.mean.transpose()).colwise().squaredNorm().transpose() / double(s.cells - 1);
  else
    s.variance = Eigen::VectorXd::Constant(x.cols(), kNaN);
  return s;
}

int ComparisonData::geneIndex(const std::string& gene) const {
  auto it = std::find(genes.begin(), genes.end(), gene);
  return it == genes.end() ? -1 : static_cast<int>(it - genes.begin());
}

std::vector<int> largestAbsolute(const Eigen::VectorXd& values, int n) {
  std::vector<int> idx(values.size());
  std::iota(idx.begin(), idx.end(), 0);
  auto key = [&](int i) { return std::isnan(values[i]) ? -1.0 : std::fabs(values[i]); };
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return key(a) > key(b); });
  idx.resize(std::min<std::size_t>(idx.size(), static_cast<std::size_t>(std::max(n, 0))));
  return idx;
}

ComparisonData computeComparison(const RowMatrixF& control, const RowMatrixF& observed, const RowMatrixF& predicted,
                                 const std::vector<std::string>& genes, const ComparisonOptions& options) {
  checkShapes(control, observed, predicted, genes);
  ComparisonData d;
  d.genes = genes;
  d.control = groupStats(control);
  d.predicted = groupStats(predicted);
  d.observed = groupStats(observed);
  d.deltaPredicted = meanDelta(predicted, control);
  if (d.hasObserved()) {
    d.deltaObserved = meanDelta(observed, control);
    PerturbationEvaluation ev = evaluatePerturbationDetailed(control, observed, predicted, genes, options.eval);
    d.metrics = std::move(ev.metrics);
    d.observedDe = std::move(ev.observedDe);
    d.predictedDe = std::move(ev.predictedDe);
    d.rankedByObserved = true;
  } else {
    d.predictedDe = differentialExpression(predicted, control, options.eval.de);
  }
  d.pearsonDeltaAll = metricOrNaN(d.metrics, "pearson_delta");
  d.pearsonDeltaTopDe = metricOrNaN(d.metrics, "pearson_delta_top20_de");
  auto ranking = rankByAbsScore(d.observedDe ? *d.observedDe : d.predictedDe);
  ranking.resize(std::min<std::size_t>(ranking.size(), static_cast<std::size_t>(std::max(options.topK, 0))));
  d.topDeGenes = std::move(ranking);
  return d;
}

}  // namespace scdfm
