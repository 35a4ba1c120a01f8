#pragma once
// Shared by the core/eval tests: deterministic synthetic expression matrices, and
// running a Python (numpy/scipy/sklearn) reference on them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "TestSupport.h"
#include "core/io/AnnData.h"

namespace scdfm::evaltest {

// log1p(Poisson(rate_j · scale)) counts: many zeros and ties, like real data.
inline RowMatrixF poissonLog1p(long cells, const std::vector<double>& rates, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  RowMatrixF m(cells, static_cast<long>(rates.size()));
  for (long j = 0; j < m.cols(); ++j) {
    std::poisson_distribution<int> pois(rates[j]);
    for (long i = 0; i < cells; ++i) m(i, j) = std::log1p(static_cast<float>(pois(rng)));
  }
  return m;
}

// Continuous values (no ties): N(mu_j, 1).
inline RowMatrixF gaussian(long cells, const std::vector<double>& mu, std::uint64_t seed, double sd = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0.0, sd);
  RowMatrixF m(cells, static_cast<long>(mu.size()));
  for (long i = 0; i < cells; ++i)
    for (long j = 0; j < m.cols(); ++j) m(i, j) = static_cast<float>(mu[j] + n(rng));
  return m;
}

inline std::vector<double> rates(long genes, std::uint64_t seed, double lo = 0.05, double hi = 4.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(std::log(lo), std::log(hi));
  std::vector<double> r(genes);
  for (auto& v : r) v = std::exp(u(rng));
  return r;
}

// Text matrix that numpy reads back exactly as float32 (9 significant digits).
inline void writeMatrix(const std::string& path, const RowMatrixF& m) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_TRUE(f) << path;
  for (long i = 0; i < m.rows(); ++i) {
    for (long j = 0; j < m.cols(); ++j) std::fprintf(f, j ? " %.9g" : "%.9g", m(i, j));
    std::fputc('\n', f);
  }
  std::fclose(f);
}

// Runs `body` after a prelude defining: D (the directory), load(name) -> float64 array of
// the float32 values, out(*values) -> prints them after a RESULT marker. Returns the numbers.
inline std::vector<double> python(const std::string& dir, const std::string& body) {
  const std::string prelude =
      "import warnings\nwarnings.filterwarnings('ignore')\n"
      "import numpy as np\nimport scipy.stats as ss\n"
      "D = '" + dir + "'\n"
      "def load(name):\n"
      "    return np.loadtxt(D + '/' + name, dtype=np.float32, ndmin=2).astype(np.float64)\n"
      "def out(*vals):\n"
      "    flat = np.concatenate([np.ravel(np.asarray(v, dtype=np.float64)) for v in vals])\n"
      "    print('RESULT ' + ' '.join(repr(float(x)) for x in flat))\n";
  const auto r = test::runPython(prelude + body);
  EXPECT_EQ(r.exitCode, 0) << r.output;
  std::vector<double> values;
  const auto pos = r.output.rfind("RESULT ");
  if (pos == std::string::npos) {
    ADD_FAILURE() << "no RESULT line from python:\n" << r.output;
    return values;
  }
  std::istringstream in(r.output.substr(pos + 7));
  std::string tok;
  while (in >> tok) values.push_back(std::strtod(tok.c_str(), nullptr));
  return values;
}

inline bool pythonReady() {
  static const bool ok = test::pythonHas("scipy") && test::pythonHas("sklearn");
  return ok;
}

// |a − b| ≤ rel·|b| + abs, NaN equal to NaN.
inline ::testing::AssertionResult close(double a, double b, double rel = 1e-9, double abs = 1e-12) {
  if (std::isnan(a) && std::isnan(b)) return ::testing::AssertionSuccess();
  if (std::fabs(a - b) <= rel * std::fabs(b) + abs) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " vs reference " << b << " (diff " << (a - b) << ")";
}

}  // namespace scdfm::evaltest

#define SCDFM_REQUIRE_PYTHON()                                                        \
  do {                                                                                \
    if (!scdfm::evaltest::pythonReady()) GTEST_SKIP() << "python3 with scipy/sklearn needed"; \
  } while (0)
