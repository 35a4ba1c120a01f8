#include "core/embed/UmapLayout.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/util/ParallelFor.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

inline float clip4(float v) { return v > 4.0f ? 4.0f : (v < -4.0f ? -4.0f : v); }

// x^p for x > 0 as exp2(p log2 x) with short polynomials (relative error
// < 1e-4): the SGD's gradients are noisy estimates anyway, and std::pow was the
// layout's main cost.
inline float fastPow(float x, float p) {
  x = std::max(x, 1e-30f);
  std::uint32_t bits;
  std::memcpy(&bits, &x, 4);
  const float e = float(int((bits >> 23) & 0xffu) - 127);
  bits = (bits & 0x007fffffu) | 0x3f800000u;
  float m;
  std::memcpy(&m, &bits, 4);  // mantissa in [1, 2)
  const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  const float log2x = e + 2.8853900817779268f * t * (1.0f + t2 * (1.0f / 3 + t2 * (1.0f / 5 + t2 * (1.0f / 7))));
  float y = std::clamp(p * log2x, -126.0f, 126.0f);
  float fi = float(int(y));  // floor without a libm call (vectorisable)
  fi -= fi > y ? 1.0f : 0.0f;
  const float g = (y - fi - 0.5f) * 0.6931471805599453f;  // 2^(f - 1/2) = e^g, |g| <= 0.347
  const float eg = 1.0f + g * (1.0f + g * (0.5f + g * (1.0f / 6 + g * (1.0f / 24 + g * (1.0f / 120)))));
  std::uint32_t ob = std::uint32_t(int(fi) + 127) << 23;
  float scale;
  std::memcpy(&scale, &ob, 4);
  return scale * 1.4142135623730951f * eg;
}

// xorshift128+ — fast, seedable, one per worker.
struct Rng {
  std::uint64_t s0, s1;
  explicit Rng(std::uint64_t seed) {
    auto splitmix = [](std::uint64_t& x) {
      std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    s0 = splitmix(seed);
    s1 = splitmix(seed);
  }
  std::uint64_t next() {
    std::uint64_t x = s0, y = s1;
    s0 = y;
    x ^= x << 23;
    s1 = x ^ y ^ (x >> 17) ^ (y >> 26);
    return s1 + y;
  }
};

struct EdgeState {
  std::vector<float> nextSample, nextNegative, perNegative;
};

// One epoch over edges [begin, end). Dim > 0 fixes the dimension at compile time.
template <int Dim>
void epochRange(float* head, const float* tail, bool sameMatrix, int dim, std::int64_t nTail, const FuzzyGraph& g,
                const std::vector<float>& eps, EdgeState& st, const LayoutOptions& o, float alpha, int n, Rng& rng,
                std::int64_t begin, std::int64_t end) {
  const int D = Dim > 0 ? Dim : dim;
  const float a = o.a, b = o.b, gamma = o.gamma;
  for (std::int64_t i = begin; i < end; ++i) {
    if (eps[i] <= 0.0f || st.nextSample[i] > float(n)) continue;
    const std::int32_t j = g.head[i], k = g.tail[i];
    float* current = head + std::int64_t(j) * D;
    float* other = const_cast<float*>(tail + std::int64_t(k) * D);
    float d2 = 0;
    for (int d = 0; d < D; ++d) {
      float t = current[d] - other[d];
      d2 += t * t;
    }
    float gc = 0.0f;
    if (d2 > 0.0f) {
      float pb1 = fastPow(d2, b - 1.0f);
      gc = -2.0f * a * b * pb1 / (a * pb1 * d2 + 1.0f);
    }
    for (int d = 0; d < D; ++d) {
      float gd = clip4(gc * (current[d] - other[d]));
      current[d] += gd * alpha;
      if (o.moveOther && sameMatrix) other[d] -= gd * alpha;
    }
    st.nextSample[i] += eps[i];
    const int nNeg = static_cast<int>((float(n) - st.nextNegative[i]) / st.perNegative[i]);
    // Negative samples in batches: the repulsive gradients of a batch are
    // computed from the same position of `current` and then applied one by one
    // (each clipped at ±4, as umap-learn). Independent computations let the CPU
    // overlap them; umap-learn's strictly sequential order gives no better layout.
    constexpr int kBatch = 8;
    float diff[kBatch][Dim > 0 ? Dim : 8];
    float e2v[kBatch], pw[kBatch];
    std::int64_t kv[kBatch];
    for (int p0 = 0; p0 < nNeg; p0 += kBatch) {
      const int cnt = std::min(kBatch, nNeg - p0);
      for (int p = 0; p < cnt; ++p) kv[p] = static_cast<std::int64_t>(((rng.next() >> 32) * static_cast<std::uint64_t>(nTail)) >> 32);
      if (Dim > 0) {
        for (int p = 0; p < cnt; ++p) {
          const float* neg = tail + kv[p] * D;
          float e2 = 0;
          for (int d = 0; d < D; ++d) {
            diff[p][d] = current[d] - neg[d];
            e2 += diff[p][d] * diff[p][d];
          }
          e2v[p] = e2;
        }
        for (int p = 0; p < cnt; ++p) pw[p] = fastPow(e2v[p], b);
        for (int p = 0; p < cnt; ++p) {
          const float e2 = e2v[p];
          float rc;
          if (e2 > 0.0f) {
            rc = 2.0f * gamma * b / ((0.001f + e2) * (a * pw[p] + 1.0f));
          } else if (sameMatrix && j == kv[p]) {
            continue;
          } else {
            rc = 0.0f;
          }
          for (int d = 0; d < D; ++d) current[d] += (rc > 0.0f ? clip4(rc * diff[p][d]) : 4.0f) * alpha;
        }
      } else {
        for (int p = 0; p < cnt; ++p) {  // any dimension: sequential, as umap-learn
          const float* neg = tail + kv[p] * D;
          float e2 = 0;
          for (int d = 0; d < D; ++d) {
            float t = current[d] - neg[d];
            e2 += t * t;
          }
          float rc;
          if (e2 > 0.0f) {
            rc = 2.0f * gamma * b / ((0.001f + e2) * (a * fastPow(e2, b) + 1.0f));
          } else if (sameMatrix && j == kv[p]) {
            continue;
          } else {
            rc = 0.0f;
          }
          for (int d = 0; d < D; ++d) current[d] += (rc > 0.0f ? clip4(rc * (current[d] - neg[d])) : 4.0f) * alpha;
        }
      }
    }
    st.nextNegative[i] += float(nNeg) * st.perNegative[i];
  }
}

}  // namespace

void optimizeLayout(RowMatrixF& head, const RowMatrixF& tail, const FuzzyGraph& g, const std::vector<float>& eps,
                    const LayoutOptions& o, const Progress& progress, const CancelToken& cancel) {
  const int dim = static_cast<int>(head.cols());
  if (tail.cols() != dim) throw InternalError("optimizeLayout: head and tail dimensions differ");
  if (eps.size() != g.edges()) throw InternalError("optimizeLayout: epochsPerSample size differs from the edges");
  const std::int64_t nTail = tail.rows();
  if (g.edges() == 0 || nTail == 0 || o.nEpochs <= 0) return;
  const bool same = &head == &tail;
  EdgeState st;
  st.nextSample = eps;
  st.perNegative.resize(eps.size());
  for (std::size_t i = 0; i < eps.size(); ++i) st.perNegative[i] = eps[i] / float(std::max(o.negativeSampleRate, 1));
  if (o.negativeSampleRate <= 0)
    for (auto& v : st.perNegative) v = std::numeric_limits<float>::infinity();
  st.nextNegative = st.perNegative;

  const int threads = std::max(1, std::min<int>(o.threads, static_cast<int>(std::max<std::size_t>(1, g.edges() / 2048))));
  std::vector<Rng> rngs;
  for (int t = 0; t < threads; ++t) rngs.emplace_back(o.seed * 0x100000001B3ull + std::uint64_t(t) + 1);
  float alpha = o.initialAlpha;
  float* hp = head.data();
  const float* tp = tail.data();
  const std::int64_t E = static_cast<std::int64_t>(g.edges());
  const int reportEvery = std::max(1, o.nEpochs / 100);
  for (int n = 0; n < o.nEpochs; ++n) {
    cancel.throwIfCancelled();
    if (n % reportEvery == 0) progress.report(double(n) / o.nEpochs, "UMAP: optimising the layout", n, o.nEpochs);
    auto run = [&](std::int64_t b, std::int64_t e, int w) {
      if (dim == 2)
        epochRange<2>(hp, tp, same, dim, nTail, g, eps, st, o, alpha, n, rngs[w], b, e);
      else
        epochRange<0>(hp, tp, same, dim, nTail, g, eps, st, o, alpha, n, rngs[w], b, e);
    };
    if (threads == 1)
      run(0, E, 0);
    else
      parallelChunks(E, threads, run);  // Hogwild: workers update shared coordinates without locks
    alpha = o.initialAlpha * (1.0f - float(n) / float(o.nEpochs));
  }
  progress.report(1.0, "UMAP layout done", o.nEpochs, o.nEpochs);
}

}  // namespace scdfm
