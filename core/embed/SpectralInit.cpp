#include "core/embed/SpectralInit.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace scdfm {

int connectedComponents(const FuzzyGraph& graph, std::vector<int>* labels) {
  const std::int64_t n = graph.rows;
  std::vector<std::int32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::int32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (std::size_t e = 0; e < graph.edges(); ++e) {
    std::int32_t a = find(graph.head[e]), b = find(graph.tail[e]);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
  int count = 0;
  std::vector<int> id(n, -1);
  for (std::int64_t i = 0; i < n; ++i) {
    std::int32_t r = find(static_cast<std::int32_t>(i));
    if (id[r] < 0) id[r] = count++;
    id[i] = id[r];
  }
  if (labels) *labels = std::move(id);
  return count;
}

std::optional<Eigen::MatrixXd> spectralLayout(const FuzzyGraph& graph, int dim, std::uint64_t seed,
                                              const CancelToken& cancel) {
  const std::int64_t n = graph.rows;
  if (n < dim + 2 || graph.edges() == 0) return std::nullopt;
  if (connectedComponents(graph) > 1) return std::nullopt;

  // Normalised adjacency N = D^-1/2 W D^-1/2 in CSR (graph edges are sorted by head).
  Eigen::VectorXd degree = Eigen::VectorXd::Zero(n);
  for (std::size_t e = 0; e < graph.edges(); ++e) degree[graph.head[e]] += graph.weight[e];
  if ((degree.array() <= 0).any()) return std::nullopt;
  Eigen::VectorXd invSqrt = degree.cwiseSqrt().cwiseInverse();
  std::vector<std::int64_t> rowPtr(n + 1, 0);
  for (std::size_t e = 0; e < graph.edges(); ++e) ++rowPtr[graph.head[e] + 1];
  std::partial_sum(rowPtr.begin(), rowPtr.end(), rowPtr.begin());
  std::vector<double> nw(graph.edges());
  for (std::size_t e = 0; e < graph.edges(); ++e) nw[e] = graph.weight[e] * invSqrt[graph.head[e]] * invSqrt[graph.tail[e]];
  Eigen::VectorXd v0 = degree.cwiseSqrt();  // eigenvector of N for eigenvalue 1
  v0.normalize();

  // M x = (x + N x) / 2 on the complement of v0: eigenvalues in [0, 1], the
  // wanted ones (smallest of L) largest.
  auto apply = [&](const Eigen::VectorXd& x, Eigen::VectorXd& y) {
    Eigen::VectorXd xd = x - v0 * v0.dot(x);
    y.resize(n);
    for (std::int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (std::int64_t e = rowPtr[i]; e < rowPtr[i + 1]; ++e) s += nw[e] * xd[graph.tail[e]];
      y[i] = 0.5 * (xd[i] + s);
    }
    y -= v0 * v0.dot(y);
  };

  const int m = static_cast<int>(std::min<std::int64_t>(n - 1, std::max<int>(2 * dim + 20, std::min<std::int64_t>(100, static_cast<std::int64_t>(std::sqrt(double(n))) + 20))));
  const int maxRestarts = 40;
  const double tol = 1e-4;  // umap-learn asks eigsh for 1e-4: an initial layout needs no more
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::VectorXd start(n);
  for (std::int64_t i = 0; i < n; ++i) start[i] = 1.0 + 0.01 * normal(rng);  // umap-learn starts from ones
  start -= v0 * v0.dot(start);

  Eigen::MatrixXd V(n, m);
  Eigen::MatrixXd ritz;
  for (int restart = 0; restart < maxRestarts; ++restart) {
    double nrm = start.norm();
    if (!(nrm > 0) || !std::isfinite(nrm)) return std::nullopt;
    V.col(0) = start / nrm;
    Eigen::VectorXd alpha(m), beta(m);
    int steps = m;
    Eigen::VectorXd w;
    for (int j = 0; j < m; ++j) {
      cancel.throwIfCancelled();
      apply(V.col(j), w);
      alpha[j] = V.col(j).dot(w);
      // Full re-orthogonalisation (twice is enough) keeps the basis orthonormal.
      for (int pass = 0; pass < 2; ++pass) w -= V.leftCols(j + 1) * (V.leftCols(j + 1).transpose() * w);
      beta[j] = w.norm();
      if (j + 1 == m) break;
      if (beta[j] < 1e-12) {  // invariant subspace found
        steps = j + 1;
        break;
      }
      V.col(j + 1) = w / beta[j];
    }
    Eigen::MatrixXd T = Eigen::MatrixXd::Zero(steps, steps);
    for (int j = 0; j < steps; ++j) {
      T(j, j) = alpha[j];
      if (j + 1 < steps) T(j, j + 1) = T(j + 1, j) = beta[j];
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(T);
    if (es.info() != Eigen::Success) return std::nullopt;
    // Largest `dim` Ritz values are the last columns (ascending order).
    double worst = 0;
    for (int c = 0; c < dim; ++c) worst = std::max(worst, std::abs(beta[steps - 1] * es.eigenvectors()(steps - 1, steps - 1 - c)));
    ritz.resize(n, dim);
    for (int c = 0; c < dim; ++c) ritz.col(c) = V.leftCols(steps) * es.eigenvectors().col(steps - 1 - c);
    if (worst < tol || steps < m) break;
    // Explicit restart from a combination of the wanted Ritz vectors.
    start = ritz.rowwise().sum();
    start -= v0 * v0.dot(start);
  }
  if (!ritz.allFinite()) return std::nullopt;
  return ritz;
}

}  // namespace scdfm
