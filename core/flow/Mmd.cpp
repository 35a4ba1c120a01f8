#include "core/flow/Mmd.h"

namespace scdfm {
namespace {
torch::Tensor squaredDistances(const torch::Tensor& a, const torch::Tensor& b) { return torch::cdist(a, b).pow(2); }
torch::Tensor offDiagonalSum(const torch::Tensor& k) {
  auto eye = torch::eye(k.size(0), k.options().dtype(torch::kBool));
  return k.masked_fill(eye, 0).sum();
}
}  // namespace

torch::Tensor medianSigmas(const torch::Tensor& y, const std::vector<double>& scales) {
  torch::NoGradGuard noGrad;
  auto d2 = squaredDistances(y, y);
  const auto n = d2.size(0);
  auto off = d2.masked_select(~torch::eye(n, d2.options().dtype(torch::kBool)));
  auto med = off.median().clamp_min(1e-12);
  auto s = torch::tensor(std::vector<float>(scales.begin(), scales.end()), y.options());
  return torch::sqrt(s * med);
}

torch::Tensor mmd2UnbiasedMultiSigma(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& sigmas) {
  const double m = static_cast<double>(x.size(0)), n = static_cast<double>(y.size(0));
  auto dxx = squaredDistances(x, x), dyy = squaredDistances(y, y), dxy = squaredDistances(x, y);
  std::vector<torch::Tensor> terms;
  for (std::int64_t s = 0; s < sigmas.size(0); ++s) {
    auto denom = 2 * sigmas[s].pow(2) + 1e-12;
    auto kxx = torch::exp(-dxx / denom), kyy = torch::exp(-dyy / denom), kxy = torch::exp(-dxy / denom);
    terms.push_back(offDiagonalSum(kxx) / (m * (m - 1) + 1e-12) + offDiagonalSum(kyy) / (n * (n - 1) + 1e-12) -
                    2 * kxy.mean());
  }
  return torch::stack(terms).mean();
}

}  // namespace scdfm
