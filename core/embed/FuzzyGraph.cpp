#include "core/embed/FuzzyGraph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace scdfm {
namespace {
constexpr double kSmoothKTolerance = 1e-5;
constexpr double kMinKDistScale = 1e-3;
constexpr std::int64_t kRowsPerCancelCheck = 4096;
}  // namespace

SmoothKnn smoothKnnDist(const KnnGraph& knn, float k, int nIter, float localConnectivity, float bandwidth,
                        const CancelToken& cancel) {
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
    if (i % kRowsPerCancelCheck == 0) cancel.throwIfCancelled();
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

FuzzyGraph fuzzyUnion(const FuzzyGraph& a, float mix, const CancelToken& cancel) {
  // Entries of A and A^T as (col, value, fromTranspose), bucketed by row
  // (counting sort), then each row sorted by column: equal (row, col) adjacent.
  struct Entry {
    std::int32_t c;
    float v;
    bool t;
  };
  const std::int64_t rows = std::max(a.rows, a.cols);
  std::vector<std::size_t> start(static_cast<std::size_t>(rows) + 1, 0);
  for (std::size_t i = 0; i < a.edges(); ++i) {
    ++start[static_cast<std::size_t>(a.head[i]) + 1];
    ++start[static_cast<std::size_t>(a.tail[i]) + 1];
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<Entry> e(2 * a.edges());
  {
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < a.edges(); ++i) {
      e[fill[static_cast<std::size_t>(a.head[i])]++] = {a.tail[i], a.weight[i], false};
      e[fill[static_cast<std::size_t>(a.tail[i])]++] = {a.head[i], a.weight[i], true};
    }
  }
  cancel.throwIfCancelled();
  FuzzyGraph g;
  g.rows = a.rows;
  g.cols = a.cols;
  for (std::int64_t r = 0; r < rows; ++r) {
    if (r % kRowsPerCancelCheck == 0) cancel.throwIfCancelled();
    const auto begin = e.begin() + static_cast<std::ptrdiff_t>(start[static_cast<std::size_t>(r)]);
    const auto end = e.begin() + static_cast<std::ptrdiff_t>(start[static_cast<std::size_t>(r) + 1]);
    std::sort(begin, end, [](const Entry& x, const Entry& y) { return x.c < y.c; });
    for (auto it = begin; it != end;) {
      auto jt = it;
      float av = 0, at = 0;  // A(r,c) and A^T(r,c); duplicates in A are summed as scipy's coo does
      while (jt != end && jt->c == it->c) {
        (jt->t ? at : av) += jt->v;
        ++jt;
      }
      const float prod = av * at;
      const float v = mix * (av + at - prod) + (1.0f - mix) * prod;
      if (v != 0.0f) {
        g.head.push_back(static_cast<std::int32_t>(r));
        g.tail.push_back(it->c);
        g.weight.push_back(v);
      }
      it = jt;
    }
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
