#include "core/eval/Stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace scdfm::stats {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Continued fraction for the incomplete beta (modified Lentz), valid for x < (a+1)/(a+b+2).
double betaContinuedFraction(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-16;
  double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < eps) break;
  }
  return h;
}

std::vector<double> toRanks(const std::vector<double>& v) { return rankAverage(v); }
}  // namespace

double normalSf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double regularizedIncompleteBeta(double a, double b, double x) {
  if (std::isnan(x) || a <= 0 || b <= 0) return kNaN;
  if (x <= 0) return 0.0;
  if (x >= 1) return 1.0;
  const double lnFront =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(lnFront) * betaContinuedFraction(a, b, x) / a;
  return 1.0 - std::exp(lnFront) * betaContinuedFraction(b, a, 1.0 - x) / b;
}

double studentTSf(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2); computed this way it keeps relative accuracy in the tail.
  const double x = df / (df + t * t);
  const double tail = 0.5 * regularizedIncompleteBeta(0.5 * df, 0.5, x);
  return t > 0 ? tail : 1.0 - tail;
}

std::vector<double> rankAverage(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && values[order[j]] == values[order[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + 1 + j);  // mean of ranks i+1..j
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = avg;
    i = j;
  }
  return ranks;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = std::min(x.size(), y.size());
  if (n < 2 || x.size() != y.size()) return kNaN;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0) return kNaN;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  return pearson(toRanks(x), toRanks(y));
}

std::vector<double> benjaminiHochberg(const std::vector<double>& pValues) {
  const std::size_t m = pValues.size();
  std::vector<double> p(m);
  for (std::size_t i = 0; i < m; ++i) p[i] = std::isnan(pValues[i]) ? 1.0 : pValues[i];
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> q(m);
  double running = 1.0;
  for (std::size_t r = m; r-- > 0;) {
    const std::size_t i = order[r];
    running = std::min(running, p[i] * static_cast<double>(m) / static_cast<double>(r + 1));
    q[i] = std::clamp(running, 0.0, 1.0);
  }
  return q;
}

double mannWhitneyExactSf(std::int64_t u, int n1, int n2) {
  const std::int64_t m = std::min(n1, n2), n = std::max(n1, n2);
  const std::int64_t maxU = m * n;
  if (u <= 0) return 1.0;
  if (u > maxU) return 0.0;
  // Coefficients of the Gaussian binomial: prod_{i=1..m} (1 - q^{n+i}) / (1 - q^i).
  std::vector<long double> c(static_cast<std::size_t>(maxU) + 1, 0.0L);
  c[0] = 1.0L;
  std::int64_t degree = 0;
  for (std::int64_t i = 1; i <= m; ++i) {
    const std::int64_t up = n + i;
    const std::int64_t newDegree = degree + n;  // degree of [n+i choose i]_q = i·n
    for (std::int64_t k = newDegree; k >= up; --k) c[k] -= c[k - up];   // × (1 - q^{n+i})
    for (std::int64_t k = i; k <= newDegree; ++k) c[k] += c[k - i];      // ÷ (1 - q^i)
    degree = newDegree;
  }
  long double total = 0, tail = 0;
  for (std::int64_t k = 0; k <= maxU; ++k) {
    total += c[k];
    if (k >= u) tail += c[k];
  }
  return static_cast<double>(tail / total);
}

double averagePrecision(const std::vector<int>& labels, const std::vector<double>& scores) {
  const std::size_t n = labels.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  double positives = 0;
  for (int l : labels) positives += (l != 0);
  if (positives == 0) return kNaN;
  double tp = 0, fp = 0, ap = 0, prevRecall = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) {  // one threshold per distinct score
      (labels[order[j]] ? tp : fp) += 1;
      ++j;
    }
    const double recall = tp / positives, precision = tp / (tp + fp);
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
    i = j;
  }
  return ap;
}

double rocAuc(const std::vector<int>& labels, const std::vector<double>& scores) {
  // Equal to the trapezoidal area under sklearn's ROC curve: the Mann–Whitney
  // probability that a positive outscores a negative, ties counting 1/2.
  const auto ranks = rankAverage(scores);
  double nPos = 0, nNeg = 0, rankSumPos = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i]) {
      nPos += 1;
      rankSumPos += ranks[i];
    } else {
      nNeg += 1;
    }
  }
  if (nPos == 0 || nNeg == 0) return kNaN;
  return (rankSumPos - nPos * (nPos + 1) / 2) / (nPos * nNeg);
}

double meanFinite(const std::vector<double>& values) {
  double sum = 0;
  int n = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  return n ? sum / n : std::nan("");
}

}  // namespace scdfm::stats
