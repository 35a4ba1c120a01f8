#include "core/embed/Umap.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "core/embed/FuzzyGraph.h"
#include "core/embed/SpectralInit.h"
#include "core/embed/UmapLayout.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

namespace scdfm {

std::pair<float, float> findAbParams(float spread, float minDist) {
  constexpr int kPoints = 300;
  Eigen::VectorXd x(kPoints), y(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    x[i] = 3.0 * spread * i / (kPoints - 1);  // np.linspace(0, 3 spread, 300)
    y[i] = x[i] < minDist ? 1.0 : std::exp(-(x[i] - minDist) / spread);
  }
  auto residuals = [&](double a, double b, Eigen::VectorXd& r, Eigen::MatrixXd* jac) {
    r.resize(kPoints);
    if (jac) jac->resize(kPoints, 2);
    for (int i = 0; i < kPoints; ++i) {
      double p = x[i] > 0 ? std::pow(x[i], 2 * b) : 0.0;
      double den = 1.0 + a * p;
      r[i] = 1.0 / den - y[i];
      if (jac) {
        (*jac)(i, 0) = -p / (den * den);
        (*jac)(i, 1) = x[i] > 0 ? -a * p * 2.0 * std::log(x[i]) / (den * den) : 0.0;
      }
    }
  };
  // Levenberg-Marquardt (as scipy's curve_fit), from a = b = 1.
  double a = 1.0, b = 1.0, lambda = 1e-3;
  Eigen::VectorXd r, rNew;
  Eigen::MatrixXd J;
  residuals(a, b, r, &J);
  double cost = r.squaredNorm();
  for (int it = 0; it < 500; ++it) {
    Eigen::Matrix2d A = J.transpose() * J;
    Eigen::Vector2d g = J.transpose() * r;
    Eigen::Matrix2d Ad = A;
    Ad.diagonal() *= (1.0 + lambda);
    Eigen::Vector2d step = Ad.ldlt().solve(-g);
    double an = a + step[0], bn = b + step[1];
    residuals(an, bn, rNew, nullptr);
    double costNew = rNew.squaredNorm();
    if (std::isfinite(costNew) && costNew < cost) {
      bool done = std::abs(cost - costNew) <= 1e-15 * std::max(cost, 1e-300) || step.norm() < 1e-12 * (std::abs(a) + std::abs(b));
      a = an;
      b = bn;
      cost = costNew;
      residuals(a, b, r, &J);
      lambda = std::max(lambda / 10.0, 1e-12);
      if (done) break;
    } else {
      lambda *= 10.0;
      if (lambda > 1e12) break;
    }
  }
  return {float(a), float(b)};
}

struct UmapModel::State {
  UmapOptions options;
  float a = 0, b = 0;
  RowMatrixF embedding;
  std::unique_ptr<KnnIndex> index;
  int epochs = 0;
  bool spectral = false;
};

UmapModel::UmapModel() = default;
UmapModel::~UmapModel() = default;
UmapModel::UmapModel(UmapModel&&) noexcept = default;
UmapModel& UmapModel::operator=(UmapModel&&) noexcept = default;

namespace {

int resolveThreads(int t) { return t > 0 ? t : threadCount(); }

void checkOptions(const UmapOptions& o) {
  if (o.nNeighbors < 2)
    throw InputError("", "UMAP n_neighbors", "must be at least 2, got " + std::to_string(o.nNeighbors), "use 15 (the default)");
  if (o.nComponents < 1) throw InputError("", "UMAP n_components", "must be at least 1", "use 2");
  if (!(o.minDist >= 0) || !(o.spread > 0) || o.minDist > o.spread)
    throw InputError("", "UMAP min_dist", "min_dist must lie in [0, spread]; got min_dist " + std::to_string(o.minDist) + ", spread " + std::to_string(o.spread),
                     "use min_dist 0.1 and spread 1 (the defaults)");
}

// Drops edges below max / nEpochs (never sampled in umap-learn).
void pruneWeakEdges(FuzzyGraph& g, int nEpochs) {
  if (g.edges() == 0) return;
  float cut = *std::max_element(g.weight.begin(), g.weight.end()) / float(nEpochs);
  std::size_t w = 0;
  for (std::size_t i = 0; i < g.edges(); ++i)
    if (!(g.weight[i] < cut)) {
      g.head[w] = g.head[i];
      g.tail[w] = g.tail[i];
      g.weight[w] = g.weight[i];
      ++w;
    }
  g.head.resize(w);
  g.tail.resize(w);
  g.weight.resize(w);
}

}  // namespace

UmapModel UmapModel::fit(const RowMatrixF& data, const UmapOptions& options, const Progress& progress,
                         const CancelToken& cancel) {
  checkOptions(options);
  const std::int64_t n = data.rows();
  if (n < 3)
    throw InputError("", "UMAP input", "needs at least 3 cells, got " + std::to_string(n), "select more cells");
  UmapModel m;
  m.s_ = std::make_unique<State>();
  State& s = *m.s_;
  s.options = options;
  const int threads = resolveThreads(options.threads);
  std::tie(s.a, s.b) = findAbParams(options.spread, options.minDist);

  KnnOptions ko = options.knn;
  ko.threads = threads;
  s.index = std::make_unique<KnnIndex>(data, ko, progress.sub(0.0, 0.15), cancel);
  const int k = static_cast<int>(std::min<std::int64_t>(options.nNeighbors, n));
  KnnGraph knn = s.index->queryIndexed(k, progress.sub(0.15, 0.3), cancel);
  cancel.throwIfCancelled();

  progress.report(0.3, "UMAP: fuzzy simplicial set");
  SmoothKnn smooth = smoothKnnDist(knn, float(k), 64, options.localConnectivity, 1.0f, cancel);
  FuzzyGraph graph = fuzzyUnion(membershipStrengths(knn, smooth, n, false), options.setOpMixRatio, cancel);
  const int defaultEpochs = n <= 10000 ? 500 : 200;
  s.epochs = options.nEpochs > 0 ? options.nEpochs : defaultEpochs;
  pruneWeakEdges(graph, s.epochs > 10 ? s.epochs : defaultEpochs);
  cancel.throwIfCancelled();

  progress.report(0.33, "UMAP: initial layout");
  const int dim = options.nComponents;
  std::mt19937_64 rng(options.seed);
  Eigen::MatrixXd init;
  std::optional<Eigen::MatrixXd> spectral;
  if (options.spectralInit) spectral = spectralLayout(graph, dim, options.seed, cancel);
  s.spectral = spectral.has_value();
  if (spectral) {
    // As umap-learn: scale to max |x| = 10 and add a little noise against local minima.
    double expansion = 10.0 / std::max(spectral->cwiseAbs().maxCoeff(), 1e-30);
    std::normal_distribution<double> noise(0.0, 1e-4);
    init = *spectral * expansion;
    for (Eigen::Index i = 0; i < init.size(); ++i) init.data()[i] += noise(rng);
  } else {
    std::uniform_real_distribution<double> uni(-10.0, 10.0);
    init.resize(n, dim);
    for (std::int64_t i = 0; i < n; ++i)
      for (int d = 0; d < dim; ++d) init(i, d) = uni(rng);
  }
  // Rescale each axis to [0, 10] (umap-learn's simplicial_set_embedding).
  s.embedding.resize(n, dim);
  for (int d = 0; d < dim; ++d) {
    double lo = init.col(d).minCoeff(), hi = init.col(d).maxCoeff();
    double span = hi > lo ? hi - lo : 1.0;
    for (std::int64_t i = 0; i < n; ++i) s.embedding(i, d) = float(10.0 * (init(i, d) - lo) / span);
  }
  cancel.throwIfCancelled();

  LayoutOptions lo;
  lo.a = s.a;
  lo.b = s.b;
  lo.gamma = options.repulsionStrength;
  lo.initialAlpha = options.learningRate;
  lo.negativeSampleRate = options.negativeSampleRate;
  lo.nEpochs = s.epochs;
  lo.moveOther = true;
  lo.threads = threads;
  lo.seed = options.seed;
  optimizeLayout(s.embedding, s.embedding, graph, epochsPerSample(graph.weight, s.epochs), lo, progress.sub(0.35, 1.0), cancel);
  cancel.throwIfCancelled();  // a cancelled fit returns nothing, however far it got
  progress.report(1.0, "UMAP done");
  return m;
}

UmapModel UmapModel::fromEmbedding(const RowMatrixF& data, const RowMatrixF& embedding, const UmapOptions& options,
                                   const Progress& progress, const CancelToken& cancel) {
  checkOptions(options);
  if (data.rows() != embedding.rows() || data.rows() < 2)
    throw InputError("", "UMAP embedding",
                     "the stored embedding has " + std::to_string(embedding.rows()) + " rows but the data " + std::to_string(data.rows()),
                     "store X_pca and X_umap of the same cells (run `scdfm embed` again)");
  if (!embedding.allFinite()) throw InputError("", "UMAP embedding", "the stored embedding contains NaN or infinite values", "recompute it");
  UmapModel m;
  m.s_ = std::make_unique<State>();
  State& s = *m.s_;
  s.options = options;
  s.options.nComponents = static_cast<int>(embedding.cols());
  std::tie(s.a, s.b) = findAbParams(options.spread, options.minDist);
  KnnOptions ko = options.knn;
  ko.threads = resolveThreads(options.threads);
  s.index = std::make_unique<KnnIndex>(data, ko, progress, cancel);
  s.embedding = embedding;
  s.epochs = 0;
  return m;
}

RowMatrixF UmapModel::transform(const RowMatrixF& newData, const Progress& progress, const CancelToken& cancel) const {
  if (!fitted()) throw InternalError("UmapModel::transform called before fit");
  const State& s = *s_;
  const std::int64_t m = newData.rows(), nTrain = s.embedding.rows();
  const int dim = static_cast<int>(s.embedding.cols());
  RowMatrixF out(m, dim);
  if (m == 0) return out;
  const int k = static_cast<int>(std::min<std::int64_t>(s.options.nNeighbors, nTrain));
  KnnGraph knn = s.index->query(newData, k, progress.sub(0.0, 0.4), cancel);
  // umap-learn's transform: local connectivity reduced by one, bipartite memberships.
  SmoothKnn smooth = smoothKnnDist(knn, float(k), 64, std::max(0.0f, s.options.localConnectivity - 1.0f), 1.0f, cancel);
  FuzzyGraph graph = membershipStrengths(knn, smooth, nTrain, true);

  // Start at the membership-weighted mean of the neighbours (or on a neighbour with weight 1).
  std::vector<double> rowSum(m, 0.0);
  for (std::size_t e = 0; e < graph.edges(); ++e) rowSum[graph.head[e]] += graph.weight[e];
  out.setZero();
  std::vector<char> pinned(m, 0);
  for (std::size_t e = 0; e < graph.edges(); ++e) {
    std::int32_t i = graph.head[e], j = graph.tail[e];
    if (pinned[i]) continue;
    if (graph.weight[e] == 1.0f) {
      out.row(i) = s.embedding.row(j);
      pinned[i] = 1;
      continue;
    }
    out.row(i) += float(graph.weight[e] / rowSum[i]) * s.embedding.row(j);
  }
  for (std::int64_t i = 0; i < m; ++i)
    if (rowSum[i] == 0.0) out.row(i) = s.embedding.row(knn.index(i, 0) >= 0 ? knn.index(i, 0) : 0);
  cancel.throwIfCancelled();

  int epochs = s.options.transformEpochs;
  if (epochs <= 0) epochs = s.options.nEpochs > 0 ? std::max(1, s.options.nEpochs / 3) : (m <= 10000 ? 100 : 30);
  pruneWeakEdges(graph, epochs);
  LayoutOptions lo;
  lo.a = s.a;
  lo.b = s.b;
  lo.gamma = s.options.repulsionStrength;
  lo.initialAlpha = s.options.learningRate / 4.0f;
  lo.negativeSampleRate = s.options.negativeSampleRate;
  lo.nEpochs = epochs;
  lo.moveOther = false;
  lo.threads = resolveThreads(s.options.threads);
  lo.seed = s.options.seed + 1;
  optimizeLayout(out, s.embedding, graph, epochsPerSample(graph.weight, epochs), lo, progress.sub(0.4, 1.0), cancel);
  progress.report(1.0, "UMAP transform done");
  return out;
}

bool UmapModel::fitted() const { return s_ && s_->index; }
const RowMatrixF& UmapModel::embedding() const {
  static const RowMatrixF empty;
  return s_ ? s_->embedding : empty;
}
const UmapOptions& UmapModel::options() const {
  static const UmapOptions defaults;
  return s_ ? s_->options : defaults;
}
float UmapModel::a() const { return s_ ? s_->a : 0.0f; }
float UmapModel::b() const { return s_ ? s_->b : 0.0f; }
int UmapModel::epochsUsed() const { return s_ ? s_->epochs : 0; }
bool UmapModel::usedSpectralInit() const { return s_ && s_->spectral; }
const KnnIndex& UmapModel::index() const {
  if (!fitted()) throw InternalError("UmapModel::index called before fit");
  return *s_->index;
}

}  // namespace scdfm
