#include "core/eval/GeneDistribution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/Error.h"

namespace scdfm {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double medianOf(std::vector<double> v) {
  if (v.empty()) return kNaN;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  const double upper = v[mid];
  if (v.size() % 2) return upper;
  return 0.5 * (upper + *std::max_element(v.begin(), v.begin() + mid));
}
}  // namespace

double scottBandwidth(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  if (n < 2) return 0;
  double mean = 0;
  for (double v : values) mean += v;
  mean /= n;
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / (n - 1)) * std::pow(n, -0.2);
}

DensityCurve gaussianKde(const std::vector<double>& values, double lo, double hi, int points) {
  DensityCurve c;
  c.bandwidth = scottBandwidth(values);
  if (!(c.bandwidth > 0) || points < 2) {
    c.bandwidth = 0;
    return c;
  }
  const double h = c.bandwidth, norm = 1.0 / (static_cast<double>(values.size()) * h * std::sqrt(2.0 * M_PI));
  c.x.resize(points);
  c.density.resize(points);
  for (int k = 0; k < points; ++k) {
    const double x = lo + (hi - lo) * k / (points - 1);
    double s = 0;
    for (double v : values) {
      const double z = (x - v) / h;
      s += std::exp(-0.5 * z * z);
    }
    c.x[k] = x;
    c.density[k] = s * norm;
  }
  return c;
}

HistogramCounts histogram(const std::vector<double>& values, double lo, double hi, int bins) {
  HistogramCounts h;
  if (bins < 1) return h;
  if (!(hi > lo)) {  // numpy widens an empty range by ±0.5
    lo -= 0.5;
    hi += 0.5;
  }
  h.edges.resize(bins + 1);
  for (int b = 0; b <= bins; ++b) h.edges[b] = lo + (hi - lo) * b / bins;
  h.counts.assign(bins, 0.0);
  for (double v : values) {
    if (!(v >= lo && v <= hi)) continue;
    int b = static_cast<int>((v - lo) / (hi - lo) * bins);
    b = std::min(b, bins - 1);  // v == hi falls into the last (closed) bin
    // Rounding can put a value just below an edge into the next bin; numpy compares with the edges.
    if (b > 0 && v < h.edges[b]) --b;
    if (b < bins - 1 && v >= h.edges[b + 1]) ++b;
    h.counts[b] += 1;
  }
  return h;
}

GeneDistribution geneDistribution(const std::vector<CellGroup>& groups, int gene, const std::string& geneName,
                                  int kdePoints, int bins) {
  GeneDistribution d;
  d.gene = geneName;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& g : groups) {
    GroupDistribution out;
    out.group = g.name;
    if (g.cells && g.cells->rows() > 0) {
      if (gene < 0 || gene >= g.cells->cols())
        throw InputError("", "distribution of " + geneName,
                         fmt::format("gene column {} is outside the {} group's {} genes", gene, g.name,
                                     g.cells->cols()),
                         "Use matrices over the same genes as the gene list.");
      out.values.resize(g.cells->rows());
      for (long i = 0; i < g.cells->rows(); ++i) out.values[i] = (*g.cells)(i, gene);
      for (double v : out.values) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    d.groups.push_back(std::move(out));
  }
  if (!(hi >= lo)) lo = hi = 0;  // no cells at all
  d.lo = lo;
  d.hi = hi;
  for (auto& g : d.groups) {
    double sum = 0;
    for (double v : g.values) sum += v;
    g.mean = g.values.empty() ? kNaN : sum / static_cast<double>(g.values.size());
    g.median = medianOf(g.values);
    if (g.values.empty()) continue;
    g.kde = gaussianKde(g.values, lo, hi, kdePoints);
    g.histogram = histogram(g.values, lo, hi, bins);
  }
  return d;
}

}  // namespace scdfm
