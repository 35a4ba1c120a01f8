#include "core/embed/Knn.h"

#include <hnswlib/hnswlib.h>
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/util/ParallelFor.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

namespace scdfm {
namespace {

int resolveThreads(int t) { return t > 0 ? t : threadCount(); }

float squaredDistance(const float* a, const float* b, int dim) {
  float s = 0;
  for (int d = 0; d < dim; ++d) {
    float t = a[d] - b[d];
    s += t * t;
  }
  return s;
}

// Sorts the candidate (index, squared distance) pairs, keeps k, writes Euclidean distances.
void writeRow(std::vector<std::pair<float, std::int32_t>>& cand, int k, std::int32_t* idx, float* dist) {
  std::sort(cand.begin(), cand.end());
  for (int j = 0; j < k; ++j) {
    if (j < static_cast<int>(cand.size())) {
      idx[j] = cand[j].second;
      dist[j] = std::sqrt(std::max(cand[j].first, 0.0f));
    } else {
      idx[j] = -1;
      dist[j] = std::numeric_limits<float>::infinity();
    }
  }
}

// Squared Euclidean distance for hnswlib. Debian's hnswlib picks its SIMD
// kernel at compile time (SSE for a portable build); this space picks AVX2+FMA
// at run time when the CPU has it, which speeds up the index build ~1.5-2x.
float l2Portable(const void* a, const void* b, const void* param) {
  const std::size_t dim = *static_cast<const std::size_t*>(param);
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  float s = 0;
  for (std::size_t d = 0; d < dim; ++d) {
    float t = x[d] - y[d];
    s += t * t;
  }
  return s;
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) float l2Avx2(const void* a, const void* b, const void* param) {
  const std::size_t dim = *static_cast<const std::size_t*>(param);
  const float* x = static_cast<const float*>(a);
  const float* y = static_cast<const float*>(b);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  std::size_t d = 0;
  for (; d + 16 <= dim; d += 16) {
    __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(x + d), _mm256_loadu_ps(y + d));
    __m256 t1 = _mm256_sub_ps(_mm256_loadu_ps(x + d + 8), _mm256_loadu_ps(y + d + 8));
    acc0 = _mm256_fmadd_ps(t0, t0, acc0);
    acc1 = _mm256_fmadd_ps(t1, t1, acc1);
  }
  for (; d + 8 <= dim; d += 8) {
    __m256 t0 = _mm256_sub_ps(_mm256_loadu_ps(x + d), _mm256_loadu_ps(y + d));
    acc0 = _mm256_fmadd_ps(t0, t0, acc0);
  }
  acc0 = _mm256_add_ps(acc0, acc1);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc0), _mm256_extractf128_ps(acc0, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
  float s = _mm_cvtss_f32(h);
  for (; d < dim; ++d) {
    float t = x[d] - y[d];
    s += t * t;
  }
  return s;
}
#endif

class L2DispatchSpace : public hnswlib::SpaceInterface<float> {
 public:
  explicit L2DispatchSpace(std::size_t dim) : dim_(dim) {
    fn_ = l2Portable;
#if defined(__x86_64__) || defined(__i386__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) fn_ = l2Avx2;
#endif
  }
  size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return fn_; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  std::size_t dim_;
  hnswlib::DISTFUNC<float> fn_;
};

}  // namespace

KnnGraph exactKnn(const RowMatrixF& data, const RowMatrixF& queries, int k, int threads, const CancelToken& cancel) {
  if (data.cols() != queries.cols())
    throw InputError("", "kNN", "queries have " + std::to_string(queries.cols()) + " dimensions, the data " + std::to_string(data.cols()),
                     "use the same PCA space for both");
  KnnGraph g;
  g.k = k;
  const std::int64_t nq = queries.rows(), n = data.rows();
  const int dim = static_cast<int>(data.cols());
  g.indices.assign(nq * k, -1);
  g.distances.assign(nq * k, std::numeric_limits<float>::infinity());
  if (n == 0 || k <= 0) return g;
  const Eigen::VectorXf dataNorm = data.rowwise().squaredNorm();
  const int keep = static_cast<int>(std::min<std::int64_t>(n, k + 8));  // a margin for round-off in the GEMM distances
  std::atomic<bool> stop{false};
  parallelChunks(nq, resolveThreads(threads), [&](std::int64_t b, std::int64_t e, int) {
    constexpr std::int64_t kBlock = 64;
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> dots;
    std::vector<std::pair<float, std::int32_t>> cand;
    std::vector<std::int32_t> order(n);
    for (std::int64_t s = b; s < e && !stop; s += kBlock) {
      if (cancel.cancelled()) {
        stop = true;
        break;
      }
      const std::int64_t m = std::min(kBlock, e - s);
      dots.noalias() = queries.middleRows(s, m) * data.transpose();
      for (std::int64_t r = 0; r < m; ++r) {
        const float* drow = dots.row(r).data();
        std::iota(order.begin(), order.end(), 0);
        auto approx = [&](std::int32_t j) { return dataNorm[j] - 2.0f * drow[j]; };  // + |q|^2, constant per row
        std::nth_element(order.begin(), order.begin() + (keep - 1), order.end(),
                         [&](std::int32_t x, std::int32_t y) { return approx(x) < approx(y); });
        cand.clear();
        const float* q = queries.row(s + r).data();
        for (int j = 0; j < keep; ++j) cand.emplace_back(squaredDistance(q, data.row(order[j]).data(), dim), order[j]);
        writeRow(cand, k, &g.indices[(s + r) * k], &g.distances[(s + r) * k]);
      }
    }
  });
  cancel.throwIfCancelled();
  return g;
}

double knnRecall(const KnnGraph& approx, const KnnGraph& exact) {
  const std::int64_t n = std::min(approx.rows(), exact.rows());
  if (n == 0 || exact.k == 0) return 0.0;
  double hits = 0;
  for (std::int64_t i = 0; i < n; ++i)
    for (int j = 0; j < exact.k; ++j) {
      std::int32_t t = exact.index(i, j);
      for (int a = 0; a < approx.k; ++a)
        if (approx.index(i, a) == t) {
          hits += 1;
          break;
        }
    }
  return hits / double(n * exact.k);
}

struct KnnIndex::Impl {
  RowMatrixF data;
  KnnOptions options;
  bool approximate = false;
  std::unique_ptr<L2DispatchSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
};

KnnIndex::KnnIndex(const RowMatrixF& data, const KnnOptions& options, const Progress& progress, const CancelToken& cancel)
    : impl_(std::make_unique<Impl>()) {
  impl_->data = data;
  impl_->options = options;
  const std::int64_t n = data.rows();
  if (n == 0 || data.cols() == 0)
    throw InputError("", "kNN index", "no cells (or no dimensions) to index", "give at least one cell with coordinates");
  if (!data.allFinite())
    throw InputError("", "kNN index", "the coordinates contain NaN or infinite values",
                     "check the PCA input (expression with NaN/Inf, or genes with zero variance when scaling)");
  impl_->approximate = options.forceApproximate || (!options.forceExact && n >= options.exactBelow);
  if (!impl_->approximate) return;

  const int dim = static_cast<int>(data.cols());
  impl_->space = std::make_unique<L2DispatchSpace>(static_cast<std::size_t>(dim));
  impl_->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(impl_->space.get(), static_cast<size_t>(n), options.m,
                                                                  options.efConstruction, options.seed);
  auto& h = *impl_->hnsw;
  const RowMatrixF& d = impl_->data;
  h.addPoint(d.row(0).data(), 0);
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> done{1};
  // Contiguous chunks per thread; hnswlib's addPoint is safe for distinct labels.
  parallelChunks(n - 1, resolveThreads(options.threads), [&](std::int64_t b, std::int64_t e, int worker) {
    for (std::int64_t i = b; i < e; ++i) {
      if (((i - b) & 127) == 0) {  // ~10 ms of inserts or queries between checks
        if (cancel.cancelled()) {
          stop = true;
        }
        if (stop) return;
        if (worker == 0) progress.report(double(done.load()) / n, "kNN: building the HNSW index", done.load(), n);
      }
      h.addPoint(d.row(i + 1).data(), static_cast<hnswlib::labeltype>(i + 1));
      done.fetch_add(1, std::memory_order_relaxed);
    }
  });
  cancel.throwIfCancelled();
  h.setEf(static_cast<size_t>(options.ef > 0 ? options.ef : 32));
  progress.report(1.0, "kNN index built");
}

KnnIndex::~KnnIndex() = default;
bool KnnIndex::approximate() const { return impl_->approximate; }
std::int64_t KnnIndex::size() const { return impl_->data.rows(); }
int KnnIndex::dim() const { return static_cast<int>(impl_->data.cols()); }
const RowMatrixF& KnnIndex::data() const { return impl_->data; }
const KnnOptions& KnnIndex::options() const { return impl_->options; }

KnnGraph KnnIndex::query(const RowMatrixF& queries, int k, const Progress& progress, const CancelToken& cancel) const {
  if (queries.cols() != dim())
    throw InputError("", "kNN query", "cells have " + std::to_string(queries.cols()) + " coordinates but the index has " + std::to_string(dim()),
                     "project the cells into the same PCA space as the indexed cells");
  if (!queries.allFinite())
    throw InputError("", "kNN query", "the query coordinates contain NaN or infinite values", "check the projected cells");
  const int threads = resolveThreads(impl_->options.threads);
  if (!impl_->approximate) {
    progress.report(0.0, "kNN: exact search");
    KnnGraph g = exactKnn(impl_->data, queries, k, threads, cancel);
    progress.report(1.0, "kNN done");
    return g;
  }
  const auto& h = *impl_->hnsw;  // searches with max(ef, k), ef fixed at build: concurrent queries are safe
  KnnGraph g;
  g.k = k;
  const std::int64_t nq = queries.rows();
  g.indices.assign(nq * k, -1);
  g.distances.assign(nq * k, std::numeric_limits<float>::infinity());
  std::atomic<bool> stop{false};
  parallelChunks(nq, threads, [&](std::int64_t b, std::int64_t e, int worker) {
    std::vector<std::pair<float, std::int32_t>> cand;
    for (std::int64_t i = b; i < e; ++i) {
      if (((i - b) & 127) == 0) {  // ~10 ms of inserts or queries between checks
        if (cancel.cancelled()) stop = true;
        if (stop) return;
        if (worker == 0) progress.report(double(i - b) / double(e - b), "kNN: HNSW search", i - b, e - b);
      }
      auto pq = h.searchKnn(queries.row(i).data(), static_cast<size_t>(k));
      cand.clear();
      while (!pq.empty()) {
        cand.emplace_back(pq.top().first, static_cast<std::int32_t>(pq.top().second));
        pq.pop();
      }
      writeRow(cand, k, &g.indices[i * k], &g.distances[i * k]);
    }
  });
  cancel.throwIfCancelled();
  progress.report(1.0, "kNN done");
  return g;
}

KnnGraph KnnIndex::queryIndexed(int k, const Progress& progress, const CancelToken& cancel) const {
  KnnGraph g = query(impl_->data, k, progress, cancel);
  // Put each row itself first at distance 0 (a search may miss it, or list a duplicate first).
  std::vector<std::int32_t> idx(k);
  std::vector<float> dist(k);
  for (std::int64_t i = 0; i < g.rows(); ++i) {
    idx[0] = static_cast<std::int32_t>(i);
    dist[0] = 0.0f;
    int w = 1;
    for (int j = 0; j < k && w < k; ++j) {
      if (g.index(i, j) == i) continue;
      idx[w] = g.index(i, j);
      dist[w] = g.distance(i, j);
      ++w;
    }
    for (; w < k; ++w) {
      idx[w] = -1;
      dist[w] = std::numeric_limits<float>::infinity();
    }
    std::copy(idx.begin(), idx.end(), g.indices.begin() + i * k);
    std::copy(dist.begin(), dist.end(), g.distances.begin() + i * k);
  }
  return g;
}

}  // namespace scdfm
