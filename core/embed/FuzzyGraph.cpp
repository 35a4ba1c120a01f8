#include "core/embed/FuzzyGraph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace scdfm {
namespace {
constexpr double kSmoothKTolerance = 1e-5;
constexpr double kMinKDistScale = 1e-3;
}  // namespace

SmoothKnn smoothKnnDist(const KnnGraph& knn, float k, int nIter, float localConnectivity, float bandwidth) {
  const std::int64_t n = knn.rows();
  const int kk = knn.k;
  SmoothKnn r;
  r.sigmas.assign(n, 0.0f);
  r.rhos.assign(n, 0.0f);
  const double target = std::log2(double(k)) * bandwidth;
  // Missing neighbours (index -1, distance inf) are treated as absent.
  auto valid = [&](std::int64_t i, int j) { return knn.index(i, j) >= 0 && std::isfinite(knn.distance(i, j)); };
  double total = 0;
  std::int64_t count = 0;
  for (std::int64_t i = 0; i < n; ++i)
    for (int j = 0; j < kk; ++j)
      if (valid(i, j)) {
        total += knn.distance(i, j);
        ++count;
      }
  const double meanDistances = count ? total / double(count) : 0.0;
  std::vector<float> nonZero;
  for (std::int64_t i = 0; i < n; ++i) {
    nonZero.clear();
    double rowSum = 0;
    int rowCount = 0;
    for (int j = 0; j < kk; ++j) {
      if (!valid(i, j)) continue;
      float d = knn.distance(i, j);
      rowSum += d;
      ++rowCount;
      if (d > 0.0f) nonZero.push_back(d);
    }
    float rho = 0.0f;
    if (static_cast<double>(nonZero.size()) >= localConnectivity) {
      int index = static_cast<int>(std::floor(localConnectivity));
      double interpolation = localConnectivity - index;
      if (index > 0) {
        rho = nonZero[index - 1];
        if (interpolation > kSmoothKTolerance) rho += float(interpolation * (nonZero[index] - nonZero[index - 1]));
      } else {
        rho = float(interpolation * nonZero[0]);
      }
    } else if (!nonZero.empty()) {
      rho = *std::max_element(nonZero.begin(), nonZero.end());
    }
    double lo = 0.0, hi = std::numeric_limits<double>::infinity(), mid = 1.0;
    for (int it = 0; it < nIter; ++it) {
      double psum = 0.0;
      for (int j = 1; j < kk; ++j) {
        if (!valid(i, j)) continue;
        double d = double(knn.distance(i, j)) - rho;
        psum += d > 0 ? std::exp(-(d / mid)) : 1.0;
      }
      if (std::fabs(psum - target) < kSmoothKTolerance) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2.0;
      } else {
        lo = mid;
        mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2.0;
      }
    }
    double sigma = mid;
    double meanIth = rowCount ? rowSum / rowCount : 0.0;
    if (rho > 0.0f) {
      sigma = std::max(sigma, kMinKDistScale * meanIth);
    } else {
      sigma = std::max(sigma, kMinKDistScale * meanDistances);
    }
    r.sigmas[i] = float(sigma);
    r.rhos[i] = rho;
  }
  return r;
}

FuzzyGraph membershipStrengths(const KnnGraph& knn, const SmoothKnn& s, std::int64_t cols, bool bipartite) {
  FuzzyGraph g;
  g.rows = knn.rows();
  g.cols = cols;
  g.head.reserve(knn.indices.size());
  g.tail.reserve(knn.indices.size());
  g.weight.reserve(knn.indices.size());
  for (std::int64_t i = 0; i < g.rows; ++i)
    for (int j = 0; j < knn.k; ++j) {
      std::int32_t t = knn.index(i, j);
      if (t < 0) continue;
      float d = knn.distance(i, j);
      float v;
      if (!bipartite && t == i)
        v = 0.0f;
      else if (d - s.rhos[i] <= 0.0f || s.sigmas[i] == 0.0f)
        v = 1.0f;
      else
        v = float(std::exp(-(double(d) - s.rhos[i]) / s.sigmas[i]));
      if (v == 0.0f) continue;
      g.head.push_back(static_cast<std::int32_t>(i));
      g.tail.push_back(t);
      g.weight.push_back(v);
    }
  return g;
}

FuzzyGraph fuzzyUnion(const FuzzyGraph& a, float mix) {
  // Entries of A and A^T as (row, col, value, fromTranspose); sorting groups each (row, col).
  struct Entry {
    std::int32_t r, c;
    float v;
    bool t;
  };
  std::vector<Entry> e;
  e.reserve(2 * a.edges());
  for (std::size_t i = 0; i < a.edges(); ++i) {
    e.push_back({a.head[i], a.tail[i], a.weight[i], false});
    e.push_back({a.tail[i], a.head[i], a.weight[i], true});
  }
  std::sort(e.begin(), e.end(), [](const Entry& x, const Entry& y) { return x.r != y.r ? x.r < y.r : x.c < y.c; });
  FuzzyGraph g;
  g.rows = a.rows;
  g.cols = a.cols;
  for (std::size_t i = 0; i < e.size();) {
    std::size_t j = i;
    float av = 0, at = 0;  // A(r,c) and A^T(r,c); duplicates in A are summed as scipy's coo does
    while (j < e.size() && e[j].r == e[i].r && e[j].c == e[i].c) {
      (e[j].t ? at : av) += e[j].v;
      ++j;
    }
    float prod = av * at;
    float v = mix * (av + at - prod) + (1.0f - mix) * prod;
    if (v != 0.0f) {
      g.head.push_back(e[i].r);
      g.tail.push_back(e[i].c);
      g.weight.push_back(v);
    }
    i = j;
  }
  return g;
}

std::vector<float> epochsPerSample(const std::vector<float>& weights, int nEpochs) {
  std::vector<float> r(weights.size(), -1.0f);
  if (weights.empty()) return r;
  const double wmax = *std::max_element(weights.begin(), weights.end());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    double nSamples = double(nEpochs) * (weights[i] / wmax);
    if (nSamples > 0) r[i] = float(double(nEpochs) / nSamples);
  }
  return r;
}

}  // namespace scdfm
