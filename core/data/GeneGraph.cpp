#include "core/data/GeneGraph.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

namespace {

// Calls f(row, col, value) for every stored value of rows [r0, r1).
template <class F>
void forEachInRows(const ExpressionMatrix& m, Eigen::Index r0, Eigen::Index r1, F&& f) {
  if (m.sparse) {
    for (Eigen::Index r = r0; r < r1; ++r)
      for (SparseRowMatrixF::InnerIterator it(m.csr, r); it; ++it) f(r, it.col(), it.value());
  } else {
    for (Eigen::Index r = r0; r < r1; ++r)
      for (Eigen::Index c = 0; c < m.dense.cols(); ++c) f(r, c, m.dense(r, c));
  }
}

inline double logValue(float v) { return std::log1p(std::max(0.0, static_cast<double>(v))); }

}  // namespace

std::int64_t GeneGraphMask::allowedGeneEdges() const {
  std::int64_t n = 0;
  for (std::int64_t i = padTokens; i < size; ++i)
    for (std::int64_t j = padTokens; j < size; ++j) n += isBlocked(i, j) ? 0 : 1;
  return n;
}

GeneGraphMask buildGeneGraph(const ExpressionMatrix& expression, const std::vector<std::string>& geneNames,
                             const GeneGraphOptions& options, const Progress& progress, const CancelToken& cancel) {
  const Eigen::Index n = expression.rows();
  const Eigen::Index g = expression.cols();
  if (static_cast<std::size_t>(g) != geneNames.size())
    throw InputError("", "gene graph",
                     "expression has " + std::to_string(g) + " genes but " + std::to_string(geneNames.size()) +
                         " gene names were given");
  if (n < 2) throw InputError("", "gene graph", "needs at least 2 cells to correlate genes, got " + std::to_string(n));
  if (options.topk < 1) throw InputError("", "gene graph", "topk must be at least 1");
  {
    std::set<std::string> seen;
    for (const auto& name : geneNames)
      if (!seen.insert(name).second)
        throw InputError("", "gene graph", "gene name '" + name + "' appears twice",
                         "Make the gene names unique (var_names_make_unique) before building the graph");
  }
  const auto G = static_cast<std::size_t>(g);
  const double nd = static_cast<double>(n);

  // 1. Per-gene mean and std (ddof 1) of Xp = log1p(max(X, 0)); two passes for accuracy.
  //    Zeros of a sparse matrix contribute log1p(0) = 0.
  progress.report(0.0, "gene graph: gene statistics");
  std::vector<double> mean(G, 0.0), ss(G, 0.0), mn(G, 0.0), mx(G, 0.0);
  std::vector<std::int64_t> stored(G, 0);
  forEachInRows(expression, 0, n, [&](Eigen::Index, Eigen::Index c, float v) {
    const double x = logValue(v);
    const auto j = static_cast<std::size_t>(c);
    mean[j] += x;
    ++stored[j];
    mn[j] = std::min(mn[j], x);
    mx[j] = std::max(mx[j], x);
  });
  for (std::size_t j = 0; j < G; ++j) {
    if (stored[j] == n && n > 0) {
      // Every value stored: min/max started from 0, recompute from the data below.
      mn[j] = std::numeric_limits<double>::infinity();
      mx[j] = -mn[j];
    }
    mean[j] /= nd;
  }
  forEachInRows(expression, 0, n, [&](Eigen::Index, Eigen::Index c, float v) {
    const double x = logValue(v);
    const auto j = static_cast<std::size_t>(c);
    ss[j] += (x - mean[j]) * (x - mean[j]);
    if (stored[j] == n) mn[j] = std::min(mn[j], x), mx[j] = std::max(mx[j], x);
  });
  std::vector<double> sd(G);
  for (std::size_t j = 0; j < G; ++j) {
    ss[j] += static_cast<double>(n - stored[j]) * mean[j] * mean[j];  // unstored zeros
    sd[j] = std::sqrt(ss[j] / (nd - 1.0));
    // A constant gene has std 0 (replaced by 1). Testing min == max keeps
    // rounding in the mean from turning a constant column into noise.
    if (sd[j] == 0 || mn[j] == mx[j]) sd[j] = 1.0, ss[j] = 0.0;
  }
  cancel.throwIfCancelled();

  // 2. Covariance of the z-scores, accumulated over chunks of cells:
  //    cov = (Z^T Z - n * zbar zbar^T) / (n - 1), as np.corrcoef centres again.
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(g, g);
  Eigen::VectorXd zsum = Eigen::VectorXd::Zero(g);
  const Eigen::Index chunk = std::max<std::int64_t>(1, options.chunkRows);
  Eigen::MatrixXd Z;
  const auto nChunks = (n + chunk - 1) / chunk;
  for (Eigen::Index r0 = 0, k = 0; r0 < n; r0 += chunk, ++k) {
    const Eigen::Index r1 = std::min(n, r0 + chunk);
    Z.resize(r1 - r0, g);
    for (Eigen::Index c = 0; c < g; ++c) {
      const auto j = static_cast<std::size_t>(c);
      Z.col(c).setConstant(ss[j] == 0 ? 0.0 : (0.0 - mean[j]) / sd[j]);
    }
    forEachInRows(expression, r0, r1, [&](Eigen::Index r, Eigen::Index c, float v) {
      const auto j = static_cast<std::size_t>(c);
      Z(r - r0, c) = ss[j] == 0 ? 0.0 : (logValue(v) - mean[j]) / sd[j];
    });
    S.selfadjointView<Eigen::Lower>().rankUpdate(Z.transpose());
    zsum += Z.colwise().sum().transpose();
    progress.report(0.05 + 0.85 * static_cast<double>(k + 1) / static_cast<double>(nChunks), "gene graph: correlation",
                    k + 1, nChunks);
    cancel.throwIfCancelled();
  }
  S.triangularView<Eigen::StrictlyUpper>() = S.transpose();
  const Eigen::VectorXd zbar = zsum / nd;
  Eigen::MatrixXd& C = S;
  C = (C - nd * zbar * zbar.transpose()) / (nd - 1.0);
  const Eigen::VectorXd d = C.diagonal();
  for (Eigen::Index i = 0; i < g; ++i)
    for (Eigen::Index j = 0; j < g; ++j) {
      double c = C(i, j) / std::sqrt(d(i)) / std::sqrt(d(j));  // NaN for a constant gene
      if (!std::isfinite(c)) c = 0.0;
      C(i, j) = std::clamp(c, -1.0, 1.0);
    }
  C.diagonal().setOnes();

  // 3-5. Top-k per gene by |W| (self excluded), then symmetrise by max.
  progress.report(0.9, "gene graph: top-k neighbours");
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(options.topk), G > 0 ? G - 1 : 0);
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(g, g);
  std::vector<Eigen::Index> cand;
  for (Eigen::Index i = 0; i < g; ++i) {
    cand.clear();
    for (Eigen::Index j = 0; j < g; ++j)
      if (j != i) cand.push_back(j);
    auto absW = [&](Eigen::Index j) { return std::abs(C(i, j)); };
    std::partial_sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(k), cand.end(),
                      [&](Eigen::Index a, Eigen::Index b) { return absW(a) != absW(b) ? absW(a) > absW(b) : a < b; });
    for (std::size_t t = 0; t < k; ++t) {
      const Eigen::Index j = cand[t];
      const double w = options.useNegativeEdge ? std::abs(C(i, j)) : C(i, j);
      if (w != 0) A(i, j) = w;
    }
  }
  cancel.throwIfCancelled();

  // 6. Reorder by sorted gene name and pad.
  std::vector<std::size_t> order(G);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return geneNames[a] < geneNames[b]; });
  GeneGraphMask m;
  m.padTokens = std::max(0, options.padTokens);
  const auto P = static_cast<std::size_t>(m.padTokens);
  const std::size_t T = P + G;
  m.size = static_cast<std::int64_t>(T);
  m.blocked.assign(T * T, 1);
  for (std::size_t a = 0; a < G; ++a) {
    const auto i = static_cast<Eigen::Index>(order[a]);
    m.geneOrder.push_back(geneNames[order[a]]);
    for (std::size_t b = 0; b < G; ++b) {
      const auto j = static_cast<Eigen::Index>(order[b]);
      const bool allowed = i == j || std::max(A(i, j), A(j, i)) != 0;
      m.blocked[(P + a) * T + (P + b)] = allowed ? 0 : 1;
    }
  }
  // The original's quirk: mask[i, i] = False for i < G on the padded matrix
  // (unblocks the specials' self entries; gene diagonals already are).
  for (std::size_t i = 0; i < G && i < T; ++i) m.blocked[i * T + i] = 0;
  progress.report(1.0, "gene graph: done");
  return m;
}

}  // namespace scdfm
