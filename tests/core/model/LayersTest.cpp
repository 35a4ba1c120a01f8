// Building blocks of the network whose inference form differs from the
// autograd form: both must compute the same function.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/model/Layers.h"

using namespace scdfm;

TEST(Layers, GeluTanhWithoutAutogradEqualsLibTorchsGelu) {
  auto x = torch::cat({torch::linspace(-40, 40, 100001), torch::randn({10000}) * 3,
                       torch::tensor({0.0f, -0.0f, 1e-30f, -1e-30f, 3e4f, -3e4f})});
  auto reference = torch::gelu(x, "tanh");
  // The function in double precision, as the measure of both.
  auto xd = x.to(torch::kFloat64);
  auto exact = 0.5 * xd * (1 + torch::tanh(std::sqrt(2.0 / M_PI) * (xd + 0.044715 * xd.pow(3))));
  torch::Tensor fast;
  {
    torch::NoGradGuard noGrad;
    fast = geluTanh(x);
  }
  EXPECT_LE((fast - reference).abs().max().item<double>(), 1e-6);
  // Where the value is not tiny, at least as close to the exact value as LibTorch's kernel
  // (whose 1 + tanh z loses digits in the left tail).
  auto big = exact.abs() > 1e-3;
  auto rel = [&](const torch::Tensor& v) {
    return ((v.to(torch::kFloat64) - exact).abs() / exact.abs()).masked_select(big).max().item<double>();
  };
  EXPECT_LE(rel(fast), 5e-6);
  EXPECT_LE(rel(fast), rel(reference));
  // Not-a-number and infinities pass through as they do in LibTorch.
  torch::NoGradGuard noGrad;
  const float inf = std::numeric_limits<float>::infinity();
  auto special = geluTanh(torch::tensor({inf, std::numeric_limits<float>::quiet_NaN()}));
  EXPECT_EQ(special[0].item<float>(), inf);
  EXPECT_TRUE(std::isnan(special[1].item<float>()));
}

TEST(Layers, GeluTanhWithAutogradIsLibTorchsGelu) {
  auto x = torch::randn({1000}, torch::requires_grad());
  auto y = geluTanh(x);
  EXPECT_TRUE(torch::equal(y.detach(), torch::gelu(x.detach(), "tanh")));
  y.sum().backward();
  EXPECT_TRUE(x.grad().defined());
}
