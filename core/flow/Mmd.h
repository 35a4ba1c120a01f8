#pragma once
// The authors' MMD term (src/loss: median_sigmas, mmd2_unbiased_multi_sigma).
#include <torch/torch.h>

#include <vector>

namespace scdfm {

// σ_s = √(s·median of the off-diagonal squared distances within y), median =
// lower middle value (torch.median), clamped ≥ 1e-12. No gradient. (S,)
torch::Tensor medianSigmas(const torch::Tensor& y, const std::vector<double>& scales);

// mean over σ of the unbiased MMD² with k(a,b) = exp(−‖a−b‖²/(2σ²+1e-12)):
// Σ_{i≠j}Kxx/(m(m−1)+1e-12) + Σ_{i≠j}Kyy/(n(n−1)+1e-12) − 2·mean(Kxy). 0-d.
torch::Tensor mmd2UnbiasedMultiSigma(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& sigmas);

}  // namespace scdfm
