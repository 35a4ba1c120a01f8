#pragma once
// The distribution of one gene's expression in several cell groups (control,
// observed, predicted), as violins (Gaussian kernel density) or histograms on a
// common value range, for the distribution view and its exports.
#include <string>
#include <vector>

#include "core/io/AnnData.h"

namespace scdfm {

// Gaussian kernel density estimate, as scipy.stats.gaussian_kde with Scott's rule:
// h = σ̂·n^(−1/5) (σ̂ = standard deviation, ddof 1), f(x) = 1/(n·h) Σ φ((x − v_i)/h).
struct DensityCurve {
  std::vector<double> x, density;  // evaluation points and f(x)
  double bandwidth = 0;            // 0 when the values are all equal (or n < 2): no curve
};
double scottBandwidth(const std::vector<double>& values);
// Evaluated at `points` evenly spaced values from lo to hi (inclusive).
DensityCurve gaussianKde(const std::vector<double>& values, double lo, double hi, int points = 128);

// numpy.histogram(values, bins, range=(lo, hi)): equal-width bins, the last one closed.
struct HistogramCounts {
  std::vector<double> edges;   // bins + 1
  std::vector<double> counts;  // values per bin
};
HistogramCounts histogram(const std::vector<double>& values, double lo, double hi, int bins);

struct GroupDistribution {
  std::string group;           // e.g. "control"
  std::vector<double> values;  // the gene's value in every cell of the group (matrix order)
  DensityCurve kde;
  HistogramCounts histogram;
  double mean = 0, median = 0;  // NaN without cells
};

struct GeneDistribution {
  std::string gene;
  double lo = 0, hi = 0;  // common value range of all groups (min and max over all cells)
  std::vector<GroupDistribution> groups;  // in the order given; a group without cells has no values
};

struct CellGroup {
  std::string name;
  const RowMatrixF* cells = nullptr;  // cells × genes; nullptr or 0 rows = no cells
};

// Column `gene` of every group. InputError when the index is outside a non-empty group.
GeneDistribution geneDistribution(const std::vector<CellGroup>& groups, int gene, const std::string& geneName,
                                  int kdePoints = 128, int bins = 30);

}  // namespace scdfm
