// Fixed-grid solvers against closed forms: for y' = y every order-p method's
// step is the degree-p Taylor polynomial of e^h; for y' = f(t) the time nodes
// matter (RK4 3/8 rule integrates cubics exactly).
#include <gtest/gtest.h>

#include <cmath>

#include "core/flow/OdeSolver.h"
#include "core/util/Error.h"

using namespace scdfm;

TEST(OdeSolver, LinearGrowthMatchesTaylorStepsPerMethod) {
  auto grid = uniformTimeGrid(20);
  const double h = 1.0 / 19.0;
  VelocityField f = [](const torch::Tensor&, const torch::Tensor& y) { return y; };
  auto y0 = torch::ones({3}, torch::kFloat64);
  struct Case {
    OdeMethod m;
    double step;
  } cases[] = {{OdeMethod::Euler, 1 + h},
               {OdeMethod::Midpoint, 1 + h + h * h / 2},
               {OdeMethod::Rk4, 1 + h + h * h / 2 + h * h * h / 6 + h * h * h * h / 24}};
  for (auto c : cases) {
    auto y = odeintFixedGrid(f, y0, grid.to(torch::kFloat64), c.m);
    EXPECT_NEAR(y[0].item<double>(), std::pow(c.step, 19), 1e-6) << toString(c.m);
  }
}

TEST(OdeSolver, Rk4IntegratesCubicsInTimeExactly) {
  auto grid = uniformTimeGrid(5).to(torch::kFloat64);
  VelocityField f = [](const torch::Tensor& t, const torch::Tensor& y) {
    return (3 * t * t * t - t + 0.5) * torch::ones_like(y);
  };
  auto y = odeintFixedGrid(f, torch::zeros({1}, torch::kFloat64), grid, OdeMethod::Rk4);
  EXPECT_NEAR(y.item<double>(), 0.75 - 0.5 + 0.5, 1e-12);
  // Midpoint is exact for linear-in-t fields only.
  VelocityField g = [](const torch::Tensor& t, const torch::Tensor& y) { return (2 * t + 1) * torch::ones_like(y); };
  auto z = odeintFixedGrid(g, torch::zeros({1}, torch::kFloat64), grid, OdeMethod::Midpoint);
  EXPECT_NEAR(z.item<double>(), 2.0, 1e-12);
}

TEST(OdeSolver, VisitsEveryGridPointAndStopsWhenTheCallbackThrows) {
  auto grid = uniformTimeGrid(6);
  int calls = 0;
  VelocityField f = [&](const torch::Tensor&, const torch::Tensor& y) {
    ++calls;
    return y;
  };
  std::vector<std::int64_t> seen;
  odeintFixedGrid(f, torch::ones({1}), grid, OdeMethod::Rk4, [&](std::int64_t k, const torch::Tensor&) {
    seen.push_back(k);
  });
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(calls, 5 * 4);
  calls = 0;
  EXPECT_THROW(odeintFixedGrid(f, torch::ones({1}), grid, OdeMethod::Euler,
                               [&](std::int64_t k, const torch::Tensor&) {
                                 if (k == 2) throw Cancelled();
                               }),
               Cancelled);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(parseOdeMethod("RK4"), OdeMethod::Rk4);
  EXPECT_THROW(parseOdeMethod("dopri5"), InputError);
}
