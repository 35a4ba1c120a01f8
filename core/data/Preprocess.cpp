#include "core/data/Preprocess.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/util/Error.h"

namespace scdfm {

namespace {

// Calls f(row, value&) for every stored value of the matrix.
template <class F>
void forEachStored(ExpressionMatrix& m, F&& f) {
  if (m.sparse) {
    for (Eigen::Index r = 0; r < m.csr.outerSize(); ++r)
      for (SparseRowMatrixF::InnerIterator it(m.csr, r); it; ++it) f(r, it.valueRef());
  } else {
    for (Eigen::Index r = 0; r < m.dense.rows(); ++r)
      for (Eigen::Index c = 0; c < m.dense.cols(); ++c) f(r, m.dense(r, c));
  }
}

template <class F>
void forEachStoredConst(const ExpressionMatrix& m, F&& f) {
  if (m.sparse) {
    for (Eigen::Index r = 0; r < m.csr.outerSize(); ++r)
      for (SparseRowMatrixF::InnerIterator it(m.csr, r); it; ++it) f(r, it.col(), it.value());
  } else {
    for (Eigen::Index r = 0; r < m.dense.rows(); ++r)
      for (Eigen::Index c = 0; c < m.dense.cols(); ++c) f(r, c, m.dense(r, c));
  }
}

}  // namespace

// scanpy normalize_total: counts_i = sum_j x_ij (accumulated in double);
// counts_i == 0 is treated as 1 (the cell stays all-zero);
// x_ij <- x_ij / (counts_i / target). With target_sum=None the target is
// median({counts_i : counts_i > 0}) (np.median: mean of the two middle values).
double normalizeTotal(ExpressionMatrix& m, double targetSum) {
  const auto n = m.rows();
  std::vector<double> totals(static_cast<std::size_t>(n), 0.0);
  forEachStored(m, [&](Eigen::Index r, float& v) { totals[static_cast<std::size_t>(r)] += v; });
  double target = targetSum;
  if (target <= 0) {
    std::vector<double> nz;
    for (double t : totals)
      if (t > 0) nz.push_back(t);
    if (nz.empty()) return 0.0;
    std::sort(nz.begin(), nz.end());
    const std::size_t k = nz.size();
    target = k % 2 ? nz[k / 2] : 0.5 * (nz[k / 2 - 1] + nz[k / 2]);
  }
  std::vector<double> scale(totals.size());
  for (std::size_t i = 0; i < totals.size(); ++i) scale[i] = target / (totals[i] == 0 ? 1.0 : totals[i]);
  forEachStored(m, [&](Eigen::Index r, float& v) {
    v = static_cast<float>(v * scale[static_cast<std::size_t>(r)]);
  });
  return target;
}

// scanpy log1p: x <- log(1 + x) (natural log), applied to stored values only
// since log1p(0) = 0 keeps sparsity.
void log1pInPlace(ExpressionMatrix& m) {
  forEachStored(m, [](Eigen::Index, float& v) { v = std::log1p(v); });
}

std::vector<std::int64_t> HvgResult::selected() const {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < highlyVariable.size(); ++i)
    if (highlyVariable[i]) out.push_back(static_cast<std::int64_t>(i));
  return out;
}

// scanpy highly_variable_genes(flavor='seurat'), _highly_variable_genes_single_batch:
//  1. X <- expm1(X) (undo log1p; the data must be log1p-transformed).
//  2. Per gene j over n cells: mean_j = sum_i x_ij / n;
//     var_j = (sum_i x_ij^2 / n - mean_j^2) * n / (n - 1)   (unbiased, ddof 1).
//  3. mean_j == 0 -> mean_j = 1e-12.  dispersion_j = var_j / mean_j.
//  4. dispersion_j == 0 -> NaN; dispersion_j <- log(dispersion_j); mean_j <- log1p(mean_j).
//  5. Bins: pd.cut(means, n_bins): edges = linspace(min, max, n_bins + 1) with
//     edges[0] -= 0.001 * (max - min) (when max == min: min/max -= / += 0.001*|min|,
//     or 0.001 when min == 0); intervals are right-closed (e_k, e_{k+1}].
//  6. Per bin over non-NaN dispersions: avg = mean, dev = std (ddof 1; NaN with
//     fewer than 2 values). Bins whose dev is NaN get dev = avg, avg = 0 (so a
//     lone gene's normalised dispersion is 1).
//  7. dispersion_norm_j = (dispersion_j - avg_bin) / dev_bin.
//  8. n_top_genes: cut = n-th highest non-NaN dispersion_norm (n capped at the
//     number of non-NaN values); highly_variable = dispersion_norm >= cut with NaN
//     as -inf. Otherwise (cut-offs): NaN dispersion_norm -> 0 and
//     min_mean < mean < max_mean and min_disp < dispersion_norm < max_disp.
HvgResult highlyVariableGenesSeurat(const ExpressionMatrix& logExpr, const HvgOptions& options) {
  const auto n = logExpr.rows();
  const auto g = static_cast<std::size_t>(logExpr.cols());
  if (n < 2) throw InputError("", "highly variable genes", "needs at least 2 cells, got " + std::to_string(n));
  if (options.nBins < 1) throw InputError("", "highly variable genes", "the number of bins must be at least 1");
  std::vector<double> sum(g, 0.0), sumSq(g, 0.0);
  forEachStoredConst(logExpr, [&](Eigen::Index, Eigen::Index c, float v) {
    const double x = std::expm1(static_cast<double>(v));
    sum[static_cast<std::size_t>(c)] += x;
    sumSq[static_cast<std::size_t>(c)] += x * x;
  });
  HvgResult res;
  res.means.resize(g);
  res.dispersions.resize(g);
  const double nd = static_cast<double>(n);
  for (std::size_t j = 0; j < g; ++j) {
    double mean = sum[j] / nd;
    double var = (sumSq[j] / nd - mean * mean) * nd / (nd - 1.0);
    if (mean == 0) mean = 1e-12;
    double disp = var / mean;
    if (disp == 0) disp = std::nan("");
    res.dispersions[j] = std::log(disp);
    res.means[j] = std::log1p(mean);
  }

  // pd.cut bins.
  const int nb = options.nBins;
  double mn = std::numeric_limits<double>::infinity(), mx = -mn;
  for (double m : res.means)
    if (!std::isnan(m)) mn = std::min(mn, m), mx = std::max(mx, m);
  const bool flat = mn == mx;
  if (flat) {
    mn -= mn != 0 ? 0.001 * std::abs(mn) : 0.001;
    mx += mx != 0 ? 0.001 * std::abs(mx) : 0.001;
  }
  // np.linspace: start + i * step, the last point exactly stop.
  std::vector<double> edges(static_cast<std::size_t>(nb) + 1);
  const double step = (mx - mn) / nb;
  for (int i = 0; i <= nb; ++i) edges[static_cast<std::size_t>(i)] = i * step + mn;
  edges[static_cast<std::size_t>(nb)] = mx;
  if (!flat) edges[0] -= (mx - mn) * 0.001;  // so that the minimum falls inside (e_0, e_1]
  res.meanBin.assign(g, -1);
  for (std::size_t j = 0; j < g; ++j) {
    const double m = res.means[j];
    if (std::isnan(m)) continue;
    // searchsorted(edges, m, side='left') - 1: the k with e_k < m <= e_{k+1}.
    auto pos = std::lower_bound(edges.begin(), edges.end(), m) - edges.begin();
    int bin = static_cast<int>(pos) - 1;
    if (bin < 0 || bin >= nb) bin = -1;  // outside (cannot happen for finite values)
    res.meanBin[j] = bin;
  }

  // Per-bin mean and std (ddof 1) of the non-NaN dispersions.
  std::vector<double> bsum(static_cast<std::size_t>(nb), 0.0), bcount(static_cast<std::size_t>(nb), 0.0);
  for (std::size_t j = 0; j < g; ++j)
    if (res.meanBin[j] >= 0 && !std::isnan(res.dispersions[j])) {
      bsum[static_cast<std::size_t>(res.meanBin[j])] += res.dispersions[j];
      bcount[static_cast<std::size_t>(res.meanBin[j])] += 1;
    }
  std::vector<double> avg(static_cast<std::size_t>(nb)), dev(static_cast<std::size_t>(nb));
  std::vector<double> bss(static_cast<std::size_t>(nb), 0.0);
  for (int b = 0; b < nb; ++b) avg[b] = bcount[b] > 0 ? bsum[b] / bcount[b] : std::nan("");
  for (std::size_t j = 0; j < g; ++j)
    if (res.meanBin[j] >= 0 && !std::isnan(res.dispersions[j])) {
      const double d = res.dispersions[j] - avg[static_cast<std::size_t>(res.meanBin[j])];
      bss[static_cast<std::size_t>(res.meanBin[j])] += d * d;
    }
  for (int b = 0; b < nb; ++b) {
    dev[b] = bcount[b] > 1 ? std::sqrt(bss[b] / (bcount[b] - 1)) : std::nan("");
    if (std::isnan(dev[b])) {  // scanpy's _postprocess_dispersions_seurat
      dev[b] = avg[b];
      avg[b] = 0;
    }
  }
  res.dispersionsNorm.assign(g, std::nan(""));
  for (std::size_t j = 0; j < g; ++j)
    if (res.meanBin[j] >= 0) {
      const auto b = static_cast<std::size_t>(res.meanBin[j]);
      res.dispersionsNorm[j] = (res.dispersions[j] - avg[b]) / dev[b];
    }

  res.highlyVariable.assign(g, 0);
  if (options.nTopGenes > 0) {
    std::vector<double> valid;
    for (double d : res.dispersionsNorm)
      if (!std::isnan(d)) valid.push_back(d);
    if (!valid.empty()) {
      const auto k = std::min<std::size_t>(static_cast<std::size_t>(options.nTopGenes), valid.size());
      std::nth_element(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(k - 1), valid.end(),
                       std::greater<double>());
      const double cut = valid[k - 1];
      for (std::size_t j = 0; j < g; ++j)
        res.highlyVariable[j] = !std::isnan(res.dispersionsNorm[j]) && res.dispersionsNorm[j] >= cut;
    }
  } else {
    for (std::size_t j = 0; j < g; ++j) {
      const double d = std::isnan(res.dispersionsNorm[j]) ? 0.0 : res.dispersionsNorm[j];
      const double m = res.means[j];
      res.highlyVariable[j] =
          m > options.minMean && m < options.maxMean && d > options.minDisp && d < options.maxDisp;
    }
  }
  return res;
}

std::vector<std::int64_t> topGenesByDispersion(const HvgResult& hvg, std::int64_t n) {
  std::vector<std::int64_t> idx(hvg.dispersionsNorm.size());
  std::iota(idx.begin(), idx.end(), 0);
  auto key = [&](std::int64_t i) {
    const double d = hvg.dispersionsNorm[static_cast<std::size_t>(i)];
    return std::isnan(d) ? -std::numeric_limits<double>::infinity() : d;
  };
  std::stable_sort(idx.begin(), idx.end(), [&](std::int64_t a, std::int64_t b) { return key(a) > key(b); });
  if (n >= 0 && static_cast<std::size_t>(n) < idx.size()) idx.resize(static_cast<std::size_t>(n));
  return idx;
}

std::vector<std::int64_t> selectGenes(const HvgResult& hvg, const std::vector<std::int64_t>& forced) {
  std::vector<std::uint8_t> keep = hvg.highlyVariable;
  for (auto f : forced) {
    if (f < 0 || static_cast<std::size_t>(f) >= keep.size())
      throw InternalError("selectGenes: forced gene index " + std::to_string(f) + " out of range");
    keep[static_cast<std::size_t>(f)] = 1;
  }
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) out.push_back(static_cast<std::int64_t>(i));
  return out;
}

}  // namespace scdfm
