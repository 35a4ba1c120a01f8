#pragma once
// Training loss of scDFM in predict_y mode (spec §3): conditional-OT path
// x_t = t·x1 + (1−t)·x0 (x0 Gaussian noise, x1 perturbed cells), velocity target
// u = x1 − x0, L = mean((v̂ − u)²) + γ·MMD(x̂1, x1) with x̂1 = x_t + (1−t)·v̂.
#include <torch/torch.h>

#include <vector>

#include "core/util/CancelToken.h"

namespace scdfm {

struct ScDfmModelImpl;

struct FlowLossOptions {
  bool useMmd = true;
  double gamma = 0.5;
  std::vector<double> mmdScales{0.5, 1.0, 2.0, 4.0};
  // Checked between the network's blocks in the forward pass and in the backward
  // pass of `total` (Cancelled is thrown from either); null: not cancellable.
  const CancelToken* cancel = nullptr;
};

struct FlowLossTerms {
  torch::Tensor xt, velocityTarget, velocity, x1Hat;  // (B,T)
  torch::Tensor sigmas;                               // (S,), empty without MMD
  torch::Tensor lossFm, lossMmd, total;               // 0-d (lossMmd = 0 without MMD)
};

// geneIds (B,T), source = control cells (B,T), target = perturbed cells (B,T),
// perturbationIds (B,2), noise (B,T), t (B,). Differentiable w.r.t. the model.
FlowLossTerms flowMatchingLoss(ScDfmModelImpl& model, const torch::Tensor& geneIds, const torch::Tensor& source,
                               const torch::Tensor& target, const torch::Tensor& perturbationIds,
                               const torch::Tensor& noise, const torch::Tensor& t,
                               const FlowLossOptions& options = {});

}  // namespace scdfm
