#pragma once
// Differential attention (Ye et al. 2024) as the scDFM authors use it, and the
// DiT-style blocks around it. Names follow the authors' state_dict keys.
#include <torch/torch.h>

#include "core/util/CancelToken.h"

namespace scdfm {

// Attention maps of one MultiheadDiffAttn call, for the cells asked for.
struct DiffAttnRecord {
  torch::Tensor softmax1, softmax2;  // (cells,H,T,T)
  double lambda = 0;
};

struct RMSNormImpl : torch::nn::Module {
  RMSNormImpl(std::int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;
  double eps;
};
TORCH_MODULE(RMSNorm);

// H heads of size h = D/H; λ = exp(λq1·λk1) − exp(λq2·λk2) + λ_init(depth);
// o = RMSNorm_h((A1 − λ·A2)·V)·(1 − λ_init) → merge heads → out_proj.
// cross=true : q1,q2 from ỹ, k1,k2 from x.       (authors' `diff_self_attn`, x = raw y)
// cross=false: q1,k1 from ỹ, q2,k2 from x.       (authors' `diff_cross_attn`, x = control encoding)
// v from ỹ in both cases.
struct MultiheadDiffAttnImpl : torch::nn::Module {
  MultiheadDiffAttnImpl(std::int64_t d, std::int64_t nhead, std::int64_t depth, bool cross);
  // map2: for cross=false, the precomputed controlMap(x) (then x is not used); may be undefined.
  // cancel: checked between the maps and the product, forward and backward (null: not cancellable).
  torch::Tensor forward(const torch::Tensor& y, const torch::Tensor& x, const torch::Tensor& map2,
                        const std::vector<std::int64_t>* recordCells = nullptr, DiffAttnRecord* record = nullptr,
                        const CancelToken* cancel = nullptr);
  // softmax(q2 k2ᵀ/√h) of the second map when it depends on x only (cross=false): (B,H,T,T).
  torch::Tensor controlMap(const torch::Tensor& x);
  torch::Tensor lambda();  // 0-d
  double lambdaInit() const { return lambda_init; }

  torch::Tensor lambda_q1, lambda_k1, lambda_q2, lambda_k2;
  torch::nn::Linear q_proj_1{nullptr}, k_proj_1{nullptr}, q_proj_2{nullptr}, k_proj_2{nullptr}, v_proj{nullptr},
      out_proj{nullptr};
  RMSNorm subln{nullptr};
  std::int64_t nhead, headDim;
  double lambda_init;
  bool cross;

 private:
  torch::Tensor heads(const torch::Tensor& x) const;  // (B,T,D) → (B,H,T,h)
  torch::Tensor softmaxMap(const torch::Tensor& q, const torch::Tensor& k) const;
};
TORCH_MODULE(MultiheadDiffAttn);

// DiT block with adaLN modulation (shift, scale, gate ×2 from SiLU(c)); LN without
// affine, eps 1e-6; MLP = timm Mlp (fc1 → GELU tanh → fc2).
struct DifferentialTransformerBlockImpl : torch::nn::Module {
  DifferentialTransformerBlockImpl(std::int64_t d, std::int64_t nhead, std::int64_t hidden, std::int64_t depth,
                                   bool cross);
  // y (B,T,D), x (B,T,D) or undefined when map2 is given, c (B,D) or (1,D).
  torch::Tensor forward(const torch::Tensor& y, const torch::Tensor& x, const torch::Tensor& c,
                        const torch::Tensor& map2 = {}, const std::vector<std::int64_t>* recordCells = nullptr,
                        DiffAttnRecord* record = nullptr, const CancelToken* cancel = nullptr);
  MultiheadDiffAttn attn{nullptr};
  std::shared_ptr<torch::nn::Module> mlp, adaLN_modulation;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, ada{nullptr};
};
TORCH_MODULE(DifferentialTransformerBlock);

// blocks.{i}: y ← diff_self_attn(y, y, c); y ← diff_cross_attn(y, x, c).
struct DiffPerceiverBlockImpl : torch::nn::Module {
  DiffPerceiverBlockImpl(std::int64_t d, std::int64_t nhead, std::int64_t hidden, std::int64_t depth);
  DifferentialTransformerBlock diff_self_attn{nullptr}, diff_cross_attn{nullptr};
};
TORCH_MODULE(DiffPerceiverBlock);

}  // namespace scdfm
