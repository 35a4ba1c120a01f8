#include "core/eval/Distances.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/util/ParallelFor.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {
using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr long kBlock = 64;

void checkSets(const RowMatrixF& a, const RowMatrixF& b, const char* what) {
  if (a.rows() < 1 || b.rows() < 1)
    throw InputError("", what, fmt::format("a cell set is empty ({} and {} cells)", a.rows(), b.rows()),
                     "Give at least one cell in each set.");
  if (a.cols() != b.cols())
    throw InputError("", what, fmt::format("the cell sets have {} and {} features", a.cols(), b.cols()),
                     "Use matrices over the same genes (or the same embedding), in the same order.");
}

// Both sets shifted by one common centre: distances are unchanged, and the
// ‖a‖² + ‖b‖² − 2a·b expansion loses less precision.
struct Centred {
  MatD a, b;
  Eigen::VectorXd na, nb;
};
Centred centre(const RowMatrixF& a, const RowMatrixF& b) {
  Centred c;
  c.a = a.cast<double>();
  c.b = b.cast<double>();
  const Eigen::RowVectorXd mu = c.b.colwise().mean();
  c.a.rowwise() -= mu;
  c.b.rowwise() -= mu;
  c.na = c.a.rowwise().squaredNorm();
  c.nb = c.b.rowwise().squaredNorm();
  return c;
}

// Calls visit(r0, c0, D2) for blocks of rows r0.. of A: D2 = squared distances to the rows
// c0.. of B (clamped at 0). With `self` (A is B) only the upper part is visited: c0 = r0,
// the leading nr × nr square is the full diagonal block (exact 0 on its diagonal), and the
// columns after it stand for both (i, j) and (j, i). Blocks run in parallel.
template <class Visit>
void forEachDistanceBlock(const MatD& a, const Eigen::VectorXd& na, const MatD& b, const Eigen::VectorXd& nb,
                          bool self, Visit&& visit) {
  const long rows = a.rows();
  const long blocks = (rows + kBlock - 1) / kBlock;
  parallelGrains(blocks, 1, [&](long bb, long be) {
    MatD d2;
    for (long blk = bb; blk < be; ++blk) {
      const long r0 = blk * kBlock, nr = std::min(kBlock, rows - r0);
      const long c0 = self ? r0 : 0, nc = b.rows() - c0;
      d2.noalias() = -2.0 * a.middleRows(r0, nr) * b.middleRows(c0, nc).transpose();
      d2.colwise() += na.segment(r0, nr);
      d2.rowwise() += nb.segment(c0, nc).transpose();
      d2 = d2.cwiseMax(0.0);
      if (self)
        for (long i = 0; i < nr; ++i) d2(i, i) = 0.0;
      visit(r0, c0, d2);
    }
  });
}

// Sum of f(d²) over all ordered pairs, from the blocks above (self: mirror the off-block part).
template <class F>
double blockSum(const MatD& d2, bool self, F&& f) {
  if (!self) return d2.unaryExpr(f).sum();
  const long nr = d2.rows();
  double s = d2.leftCols(nr).unaryExpr(f).sum();
  if (d2.cols() > nr) s += 2.0 * d2.rightCols(d2.cols() - nr).unaryExpr(f).sum();
  return s;
}

// Per-block partial sums added in block order: the result does not depend on the thread count.
struct BlockSums {
  explicit BlockSums(long rows, std::size_t width = 1)
      : width(width), v(static_cast<std::size_t>((rows + kBlock - 1) / kBlock) * width, 0.0) {}
  double& at(long r0, std::size_t k = 0) { return v[static_cast<std::size_t>(r0 / kBlock) * width + k]; }
  double total(std::size_t k = 0) const {
    double s = 0;
    for (std::size_t i = k; i < v.size(); i += width) s += v[i];
    return s;
  }
  std::size_t width;
  std::vector<double> v;
};

double meanDistance(const RowMatrixF& a, const RowMatrixF& b, bool self) {
  const Centred c = centre(a, b);
  BlockSums sums(a.rows());
  forEachDistanceBlock(c.a, c.na, self ? c.a : c.b, self ? c.na : c.nb, self, [&](long r0, long, const MatD& d2) {
    sums.at(r0) = blockSum(d2, self, [](double v) { return std::sqrt(v); });
  });
  return sums.total() / (static_cast<double>(a.rows()) * static_cast<double>(self ? a.rows() : b.rows()));
}
}  // namespace

double meanPairwiseDistance(const RowMatrixF& a, const RowMatrixF& b) {
  checkSets(a, b, "mean pairwise distance");
  return meanDistance(a, b, false);
}

double meanPairwiseDistanceWithin(const RowMatrixF& a) {
  checkSets(a, a, "mean pairwise distance");
  return meanDistance(a, a, true);
}

double energyDistance(const RowMatrixF& x, const RowMatrixF& y, double withinY) {
  checkSets(x, y, "energy distance");
  const double dxy = meanDistance(x, y, false);
  const double dxx = meanDistance(x, x, true);
  const double dyy = withinY >= 0 ? withinY : meanDistance(y, y, true);
  return 2.0 * dxy - dxx - dyy;
}

double mmd(const RowMatrixF& x, const RowMatrixF& y, const MmdOptions& options) {
  checkSets(x, y, "MMD");
  if (options.scales.empty()) throw InputError("", "MMD", "no bandwidth scales given", "Use e.g. 0.5, 1, 2, 4.");
  const Centred c = centre(x, y);
  const long m = x.rows(), n = y.rows();
  const std::size_t nScales = options.scales.size();

  // 1. Off-diagonal squared distances within Y (upper triangle; the full off-diagonal
  //    list holds each value twice, so its lower median is the upper triangle's lower median).
  std::vector<double> upper(static_cast<std::size_t>(n) * (n - 1) / 2);
  auto rowOffset = [n](long i) { return static_cast<std::size_t>(i) * n - static_cast<std::size_t>(i) * (i + 1) / 2; };
  forEachDistanceBlock(c.b, c.nb, c.b, c.nb, true, [&](long r0, long c0, const MatD& d2) {
    for (long i = 0; i < d2.rows(); ++i) {
      const long gi = r0 + i;
      std::size_t off = rowOffset(gi);
      for (long j = gi + 1; j < n; ++j) upper[off++] = d2(i, j - c0);
    }
  });
  double med = 0;
  if (!upper.empty()) {
    std::vector<double> tmp = upper;
    const std::size_t k = (tmp.size() - 1) / 2;  // torch.median: the lower of the two middle values
    std::nth_element(tmp.begin(), tmp.begin() + static_cast<long>(k), tmp.end());
    med = tmp[k];
  }
  med = std::max(med, 1e-12);
  std::vector<double> inv(nScales);
  for (std::size_t s = 0; s < nScales; ++s) inv[s] = 1.0 / (2.0 * options.scales[s] * med + 1e-12);

  auto kernelSums = [&](const MatD& d2, bool self, BlockSums& acc, long r0) {
    for (std::size_t s = 0; s < nScales; ++s) {
      const double k = inv[s];
      acc.at(r0, s) = blockSum(d2, self, [k](double v) { return std::exp(-v * k); });
    }
  };
  BlockSums sxx(m, nScales), sxy(m, nScales);
  forEachDistanceBlock(c.a, c.na, c.a, c.na, true,
                       [&](long r0, long, const MatD& d2) { kernelSums(d2, true, sxx, r0); });
  forEachDistanceBlock(c.a, c.na, c.b, c.nb, false,
                       [&](long r0, long, const MatD& d2) { kernelSums(d2, false, sxy, r0); });
  std::vector<double> kxx(nScales), kxy(nScales), kyy(nScales, 0.0);
  for (std::size_t s = 0; s < nScales; ++s) {
    kxx[s] = sxx.total(s);
    kxy[s] = sxy.total(s);
  }
  for (double d2 : upper)
    for (std::size_t s = 0; s < nScales; ++s) kyy[s] += 2.0 * std::exp(-d2 * inv[s]);

  double total = 0;
  const double dm = static_cast<double>(m), dn = static_cast<double>(n);
  for (std::size_t s = 0; s < nScales; ++s) {
    const double xxOff = kxx[s] - dm;  // the diagonal contributes exp(0) = 1 per cell
    total += xxOff / (dm * (dm - 1) + 1e-12) + kyy[s] / (dn * (dn - 1) + 1e-12) - 2.0 * kxy[s] / (dm * dn);
  }
  return total / static_cast<double>(nScales);
}

}  // namespace scdfm
