#pragma once
// Building blocks of the scDFM network (authors' src/models/origin), with
// module and parameter names identical to the authors' state_dict keys.
// Sequential containers of the original become plain modules whose children
// carry the Sequential indices ("0", "2", ...), so keys match one to one.
#include <torch/torch.h>

namespace scdfm {

// x (B,T) → unsqueeze → clamp(max 512) → Linear(1,D) → ReLU → Linear(D,D) → LayerNorm → Dropout.
struct ContinuousValueEncoderImpl : torch::nn::Module {
  ContinuousValueEncoderImpl(std::int64_t d, double dropout);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear linear1{nullptr}, linear2{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  double dropout;
};
TORCH_MODULE(ContinuousValueEncoder);

// DiT timestep embedder: [cos, sin] sinusoids of t (not ×1000) → Linear → SiLU → Linear.
struct TimestepEmbedderImpl : torch::nn::Module {
  TimestepEmbedderImpl(std::int64_t d, std::int64_t frequencySize);
  torch::Tensor forward(const torch::Tensor& t);  // (B,) or 0-d → (B,D) / (1,D)
  std::shared_ptr<torch::nn::Module> mlp;          // "0" Linear, "2" Linear
  torch::nn::Linear fc0{nullptr}, fc2{nullptr};
  std::int64_t frequencySize;
};
TORCH_MODULE(TimestepEmbedder);

// nn.MultiheadAttention (batch_first) with PyTorch's parameter names:
// in_proj_weight = [Wq; Wk; Wv], in_proj_bias, out_proj.
struct MultiheadAttentionImpl : torch::nn::Module {
  MultiheadAttentionImpl(std::int64_t d, std::int64_t nhead, double dropout);
  // query (B,L,D), memory (Bm,M,D) with Bm ∈ {1,B}, mask (L,M) bool True = blocked.
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& memory, const torch::Tensor& mask);
  torch::Tensor in_proj_weight, in_proj_bias;
  torch::nn::Linear out_proj{nullptr};
  std::int64_t nhead;
  double dropout;
};
TORCH_MODULE(MultiheadAttention);

// Pre-norm cross-attention layer: x = q + MHA(LN1(q), mem); x + FFN(LN2(x)) (GELU erf).
struct CrossAttentionTransformerLayerImpl : torch::nn::Module {
  CrossAttentionTransformerLayerImpl(std::int64_t d, std::int64_t nhead, std::int64_t hidden, double dropout);
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& memory, const torch::Tensor& mask);
  MultiheadAttention cross_attn{nullptr};
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Linear linear1{nullptr}, linear2{nullptr};
  double dropout;
};
TORCH_MODULE(CrossAttentionTransformerLayer);

// Gene-symbol embedding + LayerNorm, then graph-masked cross-attention from the
// input tokens to all M graph tokens (memory = LN(embedding(0..M−1))).
struct GeneEncoderImpl : torch::nn::Module {
  GeneEncoderImpl(std::int64_t ntoken, std::int64_t d, std::int64_t nhead, std::int64_t hidden, double dropout,
                  bool interaction);
  // ids (B,L) int64; graphMask (M,M) bool True = blocked. Mask rows come from
  // ids[0] (authors' convention); when all rows are equal only row 0 is
  // computed and the result is expanded (exact, B× cheaper).
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& graphMask);
  torch::nn::Embedding embedding{nullptr};
  torch::nn::LayerNorm enc_norm{nullptr};
  CrossAttentionTransformerLayer perturbation_interaction{nullptr};
};
TORCH_MODULE(GeneEncoder);

// Plain embedding + LayerNorm (non-crisper perturbations; unused with crisper).
struct PerturbationEmbedderImpl : torch::nn::Module {
  PerturbationEmbedderImpl(std::int64_t ntoken, std::int64_t d);
  torch::Tensor forward(const torch::Tensor& ids);
  torch::nn::Embedding embedding{nullptr};
  torch::nn::LayerNorm enc_norm{nullptr};
};
TORCH_MODULE(PerturbationEmbedder);

// Per-token modulation from the gene embedding: (shift, gate, scale) =
// chunk3(Linear(SiLU(gene_emb))); h ← h + gate ⊙ (LN(h)·scale + shift).
struct GeneAdaLNImpl : torch::nn::Module {
  explicit GeneAdaLNImpl(std::int64_t d);
  struct Modulation {
    torch::Tensor shift, gate, scale;
  };
  Modulation modulation(const torch::Tensor& geneEmb);  // depends on genes only: cacheable
  torch::Tensor apply(const torch::Tensor& h, const Modulation& m);
  std::shared_ptr<torch::nn::Module> adaLN_modulation;  // "1" Linear(D,3D)
  torch::nn::Linear lin{nullptr};
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(GeneAdaLN);

// A Linear(2D,·) applied to cat[h, p]: split as W_h·h + (W_p·p + b) so that the
// p-part (fixed during a generation) is computed once.
torch::Tensor linearSecondHalf(const torch::nn::Linear& lin, const torch::Tensor& p);  // W_p·p + b
torch::Tensor linearFirstHalf(const torch::nn::Linear& lin, const torch::Tensor& h);   // W_h·h

// adapter_layer.{i}: "0" Linear(2D,D) → LeakyReLU → Dropout → "3" Linear(D,D) → LeakyReLU.
struct AdapterLayerImpl : torch::nn::Module {
  AdapterLayerImpl(std::int64_t d, double dropout);
  // pPart = linearSecondHalf(l0, p) broadcastable to (B,T,D).
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& pPart);
  torch::nn::Linear l0{nullptr}, l3{nullptr};
  double dropout;
};
TORCH_MODULE(AdapterLayer);

// final_layer: fc."0" Linear(2D,D) → LeakyReLU → "2" Linear(D,D) → LeakyReLU → "4" Linear(D,1) → squeeze.
struct ExprDecoderImpl : torch::nn::Module {
  explicit ExprDecoderImpl(std::int64_t d);
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& pPart);
  std::shared_ptr<torch::nn::Module> fc;
  torch::nn::Linear l0{nullptr}, l2{nullptr}, l4{nullptr};
};
TORCH_MODULE(ExprDecoder);

// GELU with the tanh approximation (timm's Mlp: 0.5·x·(1 + tanh z), z = √(2/π)(x + 0.044715x³)).
// Without autograd on a CPU it is computed as x·σ(2z), the same function: LibTorch
// 1.13's tanh kernel takes twice as long; the results differ by < 1e-6 and are
// closer to the exact value in the left tail, where 1 + tanh z loses digits.
torch::Tensor geluTanh(const torch::Tensor& x);

// An empty container module standing for an nn.Sequential / ModuleList with index-named children.
std::shared_ptr<torch::nn::Module> makeContainer(const char* type = "Sequential");

}  // namespace scdfm
