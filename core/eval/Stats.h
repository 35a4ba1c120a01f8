#pragma once
// Scalar statistics used by the metrics: distributions (normal, Student t, the
// exact Mann–Whitney U null), ranks, correlations, multiple-testing correction
// and ranking AUCs. Each follows the named scipy / sklearn function so that
// numbers match the Python tools the field uses (tests compare against them).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace scdfm::stats {

// P(Z > z) for a standard normal (scipy.stats.norm.sf); accurate in the tails.
double normalSf(double z);

// Regularized incomplete beta I_x(a, b) (scipy.special.betainc).
double regularizedIncompleteBeta(double a, double b, double x);

// P(T > t) for Student's t with df degrees of freedom (scipy.stats.t.sf).
double studentTSf(double t, double df);

// 1-based ranks with ties given their average rank (scipy.stats.rankdata, method 'average').
std::vector<double> rankAverage(const std::vector<double>& values);

// Pearson r (scipy.stats.pearsonr); NaN when either input is constant or n < 2.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Mean over the finite entries (NaN when there are none): averages of metrics
// where some perturbations give NaN (e.g. no DE genes).
double meanFinite(const std::vector<double>& values);
// Spearman rho = Pearson r of average ranks (scipy.stats.spearmanr); NaN when undefined.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

// Benjamini–Hochberg adjusted p-values (scipy.stats.false_discovery_control(method='bh')):
// q_(i) = min_{j >= i} p_(j)·m/j over ascending p, clipped to [0, 1]. NaN inputs are treated as 1.
std::vector<double> benjaminiHochberg(const std::vector<double>& pValues);

// P(U >= u) for the Mann–Whitney U statistic of samples of sizes n1, n2 under H0
// without ties (scipy's exact method). Exact counts come from the Gaussian binomial
// coefficient [n1+n2 choose n1]_q, accumulated in long double.
double mannWhitneyExactSf(std::int64_t u, int n1, int n2);

// Average precision (sklearn.metrics.average_precision_score): sum over distinct score
// thresholds (descending) of (R_k - R_{k-1})·P_k. NaN if there are no positives.
double averagePrecision(const std::vector<int>& labels, const std::vector<double>& scores);
// Area under the ROC curve (sklearn roc_curve + auc), ties counted as 1/2. NaN if one class is absent.
double rocAuc(const std::vector<int>& labels, const std::vector<double>& scores);

}  // namespace scdfm::stats
