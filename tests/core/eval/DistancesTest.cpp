#include <gtest/gtest.h>

#include "EvalTestSupport.h"
#include "core/eval/Distances.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

using namespace scdfm;
using evaltest::close;

TEST(EvalDistances, EnergyDistanceAndMmdMatchNumpy) {
  SCDFM_REQUIRE_PYTHON();
  // Sizes not multiples of the 64-row block; the second set shifted and wider.
  const auto x = evaltest::poissonLog1p(150, evaltest::rates(30, 1), 31);
  auto r = evaltest::rates(30, 1);
  for (auto& v : r) v *= 1.5;
  const auto y = evaltest::poissonLog1p(97, r, 32);
  const auto dir = test::scratchDir("Distances");
  evaltest::writeMatrix(dir + "/x.txt", x);
  evaltest::writeMatrix(dir + "/y.txt", y);
  const auto ref = evaltest::python(dir, R"PY(
from scipy.spatial.distance import cdist
x = load('x.txt'); y = load('y.txt')
dxy = cdist(x, y).mean(); dxx = cdist(x, x).mean(); dyy = cdist(y, y).mean()
e = 2 * dxy - dxx - dyy
# MMD as the training loss (spec 3.2), written out in numpy
def sq(a, b): return cdist(a, b, 'sqeuclidean')
Dyy = sq(y, y); n = len(y); m = len(x)
off = Dyy[~np.eye(n, dtype=bool)]
med = max(np.sort(off)[(off.size - 1) // 2], 1e-12)   # torch.median: lower middle
vals = []
for s in (0.5, 1.0, 2.0, 4.0):
    sig2 = s * med
    k = lambda D: np.exp(-D / (2 * sig2 + 1e-12))
    Kxx = k(sq(x, x)); Kyy = k(Dyy); Kxy = k(sq(x, y))
    vals.append((Kxx.sum() - np.trace(Kxx)) / (m * (m - 1) + 1e-12)
                + (Kyy.sum() - np.trace(Kyy)) / (n * (n - 1) + 1e-12) - 2 * Kxy.mean())
out(dxy, dxx, e, np.mean(vals), vals[0])
)PY");
  ASSERT_EQ(ref.size(), 5u);
  EXPECT_TRUE(close(meanPairwiseDistance(x, y), ref[0], 1e-10));
  EXPECT_TRUE(close(meanPairwiseDistanceWithin(x), ref[1], 1e-10));
  EXPECT_TRUE(close(energyDistance(x, y), ref[2], 1e-8));
  EXPECT_TRUE(close(energyDistance(x, y, meanPairwiseDistanceWithin(y)), ref[2], 1e-8));
  EXPECT_TRUE(close(mmd(x, y), ref[3], 1e-8, 1e-12));
  MmdOptions one;
  one.scales = {0.5};
  EXPECT_TRUE(close(mmd(x, y, one), ref[4], 1e-8, 1e-12));
  EXPECT_GT(ref[2], 0.1);  // the sets differ: a real signal is being compared
}

TEST(EvalDistances, IdenticalSetsAndErrors) {
  const auto x = evaltest::gaussian(40, std::vector<double>(8, 2.0), 4);
  EXPECT_NEAR(energyDistance(x, x), 0.0, 1e-9);
  RowMatrixF other(5, 9), empty(0, 8);
  EXPECT_THROW(energyDistance(x, other), InputError);
  EXPECT_THROW(mmd(x, empty), InputError);
}

TEST(EvalDistances, ResultsDoNotDependOnTheThreadCount) {
  const auto x = evaltest::poissonLog1p(200, evaltest::rates(20, 2), 41);
  const auto y = evaltest::poissonLog1p(130, evaltest::rates(20, 3), 42);
  setThreadCount(1);
  const double e1 = energyDistance(x, y), m1 = mmd(x, y);
  setThreadCount(5);
  const double e5 = energyDistance(x, y), m5 = mmd(x, y);
  setThreadCount(0);
  EXPECT_EQ(e1, e5);  // bitwise: partial sums are added in block order
  EXPECT_EQ(m1, m5);
}
