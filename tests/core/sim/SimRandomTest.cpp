// The simulator's own distributions against their textbook moments.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/sim/SimRandom.h"

using scdfm::sim::SimRandom;

namespace {

struct Moments {
  double mean = 0, var = 0;
};

template <class Draw>
Moments moments(int n, Draw draw) {
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    s += x;
    s2 += x * x;
  }
  Moments m;
  m.mean = s / n;
  m.var = s2 / n - m.mean * m.mean;
  return m;
}

constexpr int kN = 200000;

}  // namespace

TEST(SimRandom, UniformAndNormalMoments) {
  SimRandom rng(1);
  const Moments u = moments(kN, [&] { return rng.uniform(); });
  EXPECT_NEAR(u.mean, 0.5, 0.005);
  EXPECT_NEAR(u.var, 1.0 / 12, 0.002);
  const Moments z = moments(kN, [&] { return rng.normal(); });
  EXPECT_NEAR(z.mean, 0.0, 0.01);
  EXPECT_NEAR(z.var, 1.0, 0.015);
}

TEST(SimRandom, GammaAndBetaMoments) {
  SimRandom rng(2);
  for (double shape : {0.5, 1.0, 4.0}) {
    const Moments g = moments(kN, [&] { return rng.gamma(shape); });
    EXPECT_NEAR(g.mean, shape, 0.02 * shape + 0.01) << "shape " << shape;
    EXPECT_NEAR(g.var, shape, 0.05 * shape + 0.01) << "shape " << shape;
  }
  const Moments b = moments(kN, [&] { return rng.beta(2.0, 8.0); });
  EXPECT_NEAR(b.mean, 0.2, 0.003);
  EXPECT_NEAR(b.var, 2.0 * 8.0 / (100.0 * 11.0), 0.001);
}

TEST(SimRandom, PoissonAndNegativeBinomialMoments) {
  SimRandom rng(3);
  for (double lambda : {0.05, 0.7, 6.0, 35.0, 400.0}) {
    const Moments p = moments(kN, [&] { return static_cast<double>(rng.poisson(lambda)); });
    EXPECT_NEAR(p.mean, lambda, 0.01 * lambda + 0.005) << "lambda " << lambda;
    EXPECT_NEAR(p.var, lambda, 0.03 * lambda + 0.005) << "lambda " << lambda;
  }
  for (double mu : {0.2, 3.0, 40.0}) {
    const double theta = 2.5;
    const Moments nb = moments(kN, [&] { return static_cast<double>(rng.negativeBinomial(mu, theta)); });
    EXPECT_NEAR(nb.mean, mu, 0.015 * mu + 0.005) << "mu " << mu;
    const double var = mu + mu * mu / theta;
    EXPECT_NEAR(nb.var, var, 0.05 * var) << "mu " << mu;
  }
}

TEST(SimRandom, SameSeedSameStreamDifferentSeedDifferentStream) {
  SimRandom a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
  EXPECT_NE(scdfm::sim::streamSeed(1, 2, 3), scdfm::sim::streamSeed(1, 3, 2));
}
