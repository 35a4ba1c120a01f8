#include "core/embed/Pca.h"

#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "core/util/ParallelFor.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

namespace scdfm {
namespace {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

int resolveThreads(int t) { return t > 0 ? t : threadCount(); }

// Y = A W for the raw (uncentred) matrix.
void mulRaw(const SparseRowMatrixF& a, const RowMatrixD& w, RowMatrixD& y, int threads) {
  y.setZero(a.rows(), w.cols());
  parallelChunks(a.rows(), threads, [&](std::int64_t b, std::int64_t e, int) {
    for (std::int64_t i = b; i < e; ++i)
      for (SparseRowMatrixF::InnerIterator it(a, i); it; ++it) y.row(i).noalias() += double(it.value()) * w.row(it.col());
  });
}
void mulRaw(const RowMatrixF& a, const RowMatrixD& w, RowMatrixD& y, int threads) {
  y.resize(a.rows(), w.cols());
  parallelChunks(a.rows(), threads, [&](std::int64_t b, std::int64_t e, int) {
    for (std::int64_t s = b; s < e; s += 512) {
      std::int64_t m = std::min<std::int64_t>(512, e - s);
      y.middleRows(s, m).noalias() = a.middleRows(s, m).cast<double>() * w;
    }
  });
}
// Z = A^T Q, summed over per-thread partial products.
template <class Kernel>
void mulTransposedChunks(std::int64_t rows, std::int64_t cols, std::int64_t l, int threads, RowMatrixD& z,
                         const Kernel& kernel) {
  int t = static_cast<int>(std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(rows, 1)));
  std::vector<RowMatrixD> partial(t, RowMatrixD::Zero(cols, l));
  parallelChunks(rows, t, [&](std::int64_t b, std::int64_t e, int worker) { kernel(b, e, partial[worker]); });
  z = partial[0];
  for (int i = 1; i < t; ++i) z += partial[i];
}
void mulTRaw(const SparseRowMatrixF& a, const RowMatrixD& q, RowMatrixD& z, int threads) {
  mulTransposedChunks(a.rows(), a.cols(), q.cols(), threads, z, [&](std::int64_t b, std::int64_t e, RowMatrixD& zt) {
    for (std::int64_t i = b; i < e; ++i)
      for (SparseRowMatrixF::InnerIterator it(a, i); it; ++it) zt.row(it.col()).noalias() += double(it.value()) * q.row(i);
  });
}
void mulTRaw(const RowMatrixF& a, const RowMatrixD& q, RowMatrixD& z, int threads) {
  mulTransposedChunks(a.rows(), a.cols(), q.cols(), threads, z, [&](std::int64_t b, std::int64_t e, RowMatrixD& zt) {
    for (std::int64_t s = b; s < e; s += 512) {
      std::int64_t m = std::min<std::int64_t>(512, e - s);
      zt.noalias() += a.middleRows(s, m).cast<double>().transpose() * q.middleRows(s, m);
    }
  });
}

// Column sums and sums of squares.
void columnMoments(const SparseRowMatrixF& a, Eigen::VectorXd& sum, Eigen::VectorXd& sumSq) {
  sum.setZero(a.cols());
  sumSq.setZero(a.cols());
  for (std::int64_t i = 0; i < a.rows(); ++i)
    for (SparseRowMatrixF::InnerIterator it(a, i); it; ++it) {
      double v = it.value();
      sum[it.col()] += v;
      sumSq[it.col()] += v * v;
    }
}
void columnMoments(const RowMatrixF& a, Eigen::VectorXd& sum, Eigen::VectorXd& sumSq) {
  sum.setZero(a.cols());
  sumSq.setZero(a.cols());
  for (std::int64_t i = 0; i < a.rows(); ++i) {
    Eigen::VectorXd r = a.row(i).transpose().cast<double>();
    sum += r;
    sumSq += r.cwiseProduct(r);
  }
}

// Orthonormal basis of the columns of m (thin Q of a Householder QR).
RowMatrixD orthonormalise(const RowMatrixD& m) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(m);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(m.rows(), m.cols());
  return q;
}

template <class Mat>
PcaResult fitPcaImpl(const Mat& a, const PcaOptions& opt, const Progress& progress, const CancelToken& cancel) {
  const std::int64_t n = a.rows(), g = a.cols();
  if (n < 2 || g < 1)
    throw InputError("", "PCA input", "needs at least 2 cells and 1 gene, got " + std::to_string(n) + " x " + std::to_string(g),
                     "select more cells or genes");
  const int threads = resolveThreads(opt.threads);
  const std::int64_t maxK = std::max<std::int64_t>(1, std::min(n, g) - 1);
  const int k = static_cast<int>(std::clamp<std::int64_t>(opt.nComponents, 1, maxK));
  const std::int64_t l = std::min<std::int64_t>(k + std::max(opt.oversampling, 0), std::min(n, g));

  progress.report(0.0, "PCA: gene means");
  Eigen::VectorXd sum, sumSq;
  columnMoments(a, sum, sumSq);
  Eigen::VectorXd mu = sum / double(n);
  Eigen::VectorXd var = ((sumSq - double(n) * mu.cwiseProduct(mu)) / double(n - 1)).cwiseMax(0.0);
  Eigen::VectorXd inv = Eigen::VectorXd::Ones(g);  // 1 / scale
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(g);
  if (opt.scale)
    for (std::int64_t j = 0; j < g; ++j) {
      double sd = std::sqrt(var[j]);
      scale[j] = sd > 0 ? sd : 1.0;
      inv[j] = sd > 0 ? 1.0 / sd : 0.0;  // a constant gene contributes nothing
    }
  double totalVariance = 0;
  for (std::int64_t j = 0; j < g; ++j) totalVariance += var[j] * inv[j] * inv[j];

  // C = (A - 1 mu^T) diag(inv):  C W = A (inv.W) - 1 (mu^T inv.W);  C^T Q = inv.(A^T Q - mu (1^T Q)).
  auto mulC = [&](const RowMatrixD& w, RowMatrixD& y) {
    RowMatrixD ws = inv.asDiagonal() * w;
    mulRaw(a, ws, y, threads);
    Eigen::RowVectorXd shift = mu.transpose() * ws;
    y.rowwise() -= shift;
  };
  auto mulCT = [&](const RowMatrixD& q, RowMatrixD& z) {
    mulTRaw(a, q, z, threads);
    Eigen::RowVectorXd colSum = q.colwise().sum();
    z -= mu * colSum;
    z = inv.asDiagonal() * z;
  };

  std::mt19937_64 rng(opt.seed);
  std::normal_distribution<double> normal;
  RowMatrixD omega(g, l);
  for (std::int64_t i = 0; i < omega.size(); ++i) omega.data()[i] = normal(rng);

  const int steps = opt.powerIterations + 2;
  RowMatrixD y, z, q;
  mulC(omega, y);
  q = orthonormalise(y);
  for (int it = 0; it < opt.powerIterations; ++it) {
    cancel.throwIfCancelled();
    progress.report(double(it + 1) / steps, "PCA: power iteration", it + 1, opt.powerIterations);
    mulCT(q, z);
    RowMatrixD qz = orthonormalise(z);
    mulC(qz, y);
    q = orthonormalise(y);
  }
  cancel.throwIfCancelled();
  progress.report(double(steps - 1) / steps, "PCA: SVD of the sketch");
  mulCT(q, z);  // z = C^T Q = B^T  (g x l)
  Eigen::BDCSVD<Eigen::MatrixXd> svd(Eigen::MatrixXd(z), Eigen::ComputeThinU | Eigen::ComputeThinV);
  // B^T = Ub S Vb^T  =>  C ~ Q B = (Q Vb) S Ub^T: loadings Ub, scores Q Vb S.
  Eigen::MatrixXd loadings = svd.matrixU().leftCols(k);
  Eigen::MatrixXd vb = svd.matrixV().leftCols(k);
  Eigen::VectorXd s = svd.singularValues().head(k);
  for (int c = 0; c < k; ++c) {
    Eigen::Index arg;
    loadings.col(c).cwiseAbs().maxCoeff(&arg);
    if (loadings(arg, c) < 0) {
      loadings.col(c) *= -1.0;
      vb.col(c) *= -1.0;
    }
  }
  PcaResult r;
  r.scores = ((q * vb) * s.asDiagonal()).cast<float>();
  PcaModel& m = r.model;
  m.mean = mu.cast<float>();
  m.scale = scale.cast<float>();
  if (opt.scale)
    for (std::int64_t j = 0; j < g; ++j)
      if (inv[j] == 0.0) m.scale[j] = 0.0f;  // marks constant genes (projected with weight 0)
  m.loadings = loadings.cast<float>();
  m.singularValues = s.cast<float>();
  Eigen::VectorXd ev = s.cwiseProduct(s) / double(n - 1);
  m.explainedVariance = ev.cast<float>();
  m.totalVariance = totalVariance;
  m.explainedVarianceRatio = (totalVariance > 0 ? Eigen::VectorXd(ev / totalVariance) : Eigen::VectorXd::Zero(k)).cast<float>();
  progress.report(1.0, "PCA done");
  return r;
}

}  // namespace

PcaResult fitPca(const SparseRowMatrixF& x, const PcaOptions& options, const Progress& progress, const CancelToken& cancel) {
  return fitPcaImpl(x, options, progress, cancel);
}
PcaResult fitPca(const RowMatrixF& x, const PcaOptions& options, const Progress& progress, const CancelToken& cancel) {
  return fitPcaImpl(x, options, progress, cancel);
}

namespace {
// Weights W = diag(1/scale) loadings (0 for constant genes) and the offset mean^T W.
void projectionWeights(const PcaModel& m, std::int64_t cols, RowMatrixF& w, Eigen::RowVectorXf& offset) {
  if (cols != m.nFeatures())
    throw InputError("", "PCA projection",
                     "cells have " + std::to_string(cols) + " genes but the PCA was fitted on " + std::to_string(m.nFeatures()),
                     "project cells restricted to the same genes, in the same order, as the fitted data");
  Eigen::VectorXf inv = m.scale.unaryExpr([](float s) { return s != 0.0f ? 1.0f / s : 0.0f; });
  w = inv.asDiagonal() * m.loadings;
  offset = m.mean.transpose() * w;
}
}  // namespace

RowMatrixF PcaModel::project(const SparseRowMatrixF& x, int threads) const {
  RowMatrixF w;
  Eigen::RowVectorXf offset;
  projectionWeights(*this, x.cols(), w, offset);
  RowMatrixF y(x.rows(), w.cols());
  parallelChunks(x.rows(), resolveThreads(threads), [&](std::int64_t b, std::int64_t e, int) {
    for (std::int64_t i = b; i < e; ++i) {
      Eigen::RowVectorXf r = -offset;
      for (SparseRowMatrixF::InnerIterator it(x, i); it; ++it) r.noalias() += it.value() * w.row(it.col());
      y.row(i) = r;
    }
  });
  return y;
}

RowMatrixF PcaModel::project(const RowMatrixF& x, int threads) const {
  RowMatrixF w;
  Eigen::RowVectorXf offset;
  projectionWeights(*this, x.cols(), w, offset);
  RowMatrixF y(x.rows(), w.cols());
  parallelChunks(x.rows(), resolveThreads(threads), [&](std::int64_t b, std::int64_t e, int) {
    y.middleRows(b, e - b).noalias() = x.middleRows(b, e - b) * w;
    y.middleRows(b, e - b).rowwise() -= offset;
  });
  return y;
}

}  // namespace scdfm
