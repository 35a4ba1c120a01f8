#pragma once
// The scDFM network (authors' `origin` model, fusion differential_perceiver,
// crisper perturbations, predict_y): module tree and parameter names equal the
// authors' state_dict keys, so their weights load key by key.
//
// A forward pass is split in two: encodeContext() computes everything that
// depends only on the genes, the control cells and the perturbation (gene
// encoder with its graph attention, control encoding, perturbation
// embedding, per-layer gene modulation, the control-side attention map of each
// diff_cross_attn); evaluate() does the rest for a state x_t at time t. An ODE
// solve calls encodeContext once and evaluate at every step (exact). forward()
// = both, and is what training differentiates.
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "core/io/Safetensors.h"
#include "core/model/DiffAttention.h"
#include "core/model/Layers.h"
#include "core/model/ModelConfig.h"
#include "core/util/CancelToken.h"

namespace scdfm {

struct ScDfmContext {
  std::int64_t batch = 0, genes = 0;
  torch::Tensor geneEmb;          // (1|B,T,D)
  torch::Tensor controlEmb;       // v2 = value_encoder_2(control) + gene_emb, (B,T,D)
  torch::Tensor fusionControl;    // fusion_layer.0 applied to the v2 half (incl. bias), (B,T,D)
  torch::Tensor perturbationEmb;  // p, (1|B,D)
  struct Layer {
    GeneAdaLNImpl::Modulation gene;  // (1|B,T,D) each
    torch::Tensor adapterP;          // adapter_layer.{i}.0 on the p half (incl. bias), (1|B,1,D)
    torch::Tensor controlMap;        // diff_cross_attn's second softmax (B,H,T,T); undefined if not cached
  };
  std::vector<Layer> layers;
  torch::Tensor finalP;  // final_layer.fc.0 on the p half, (1|B,1,D)
  // Checked between and inside the blocks of evaluate(), and at the same points of
  // its backward pass when the output is differentiated (CancellationPoint.h);
  // null: not cancellable.
  const CancelToken* cancel = nullptr;
};

// What a forward pass records besides its output (nothing unless asked).
struct ForwardTrace {
  bool intermediates = true;                // gene_emb, perturbation_emb, t_emb, fusion_out, block{i}_out
  std::vector<std::int64_t> attentionCells;  // cells whose attention maps to record (empty: none)
  std::map<std::string, torch::Tensor> tensors;
  struct Attention {
    std::int64_t block = 0;
    std::string part;  // "diff_self_attn" | "diff_cross_attn"
    DiffAttnRecord maps;
  };
  std::vector<Attention> attention;
};

struct ScDfmModelImpl : torch::nn::Module {
  explicit ScDfmModelImpl(const ModelConfig& config);

  // Gene-interaction mask (M,M), True/nonzero = attention not allowed; rows and
  // columns are vocabulary tokens 0..M−1. Not part of the state_dict.
  void setGraphMask(torch::Tensor mask);
  const torch::Tensor& graphMask() const { return graphMask_; }

  // geneIds (B,T) int64 (rows equal), control (B,T), perturbationIds (B,2) int64 (rows equal).
  // cacheControlMaps: keep the diff_cross_attn control maps (B·H·T² floats per layer).
  ScDfmContext encodeContext(const torch::Tensor& geneIds, const torch::Tensor& control,
                             const torch::Tensor& perturbationIds, bool cacheControlMaps = true,
                             ForwardTrace* trace = nullptr);
  // xt (B,T), t (B,) or 0-d → velocity (B,T).
  torch::Tensor evaluate(const ScDfmContext& ctx, const torch::Tensor& xt, const torch::Tensor& t,
                         ForwardTrace* trace = nullptr);
  torch::Tensor forward(const torch::Tensor& geneIds, const torch::Tensor& xt, const torch::Tensor& t,
                        const torch::Tensor& control, const torch::Tensor& perturbationIds,
                        ForwardTrace* trace = nullptr, const CancelToken* cancel = nullptr);

  // p: the mean over the perturbation tokens of their embeddings (B|1,k) → (B|1,D):
  // gene tokens (< M) through the gene encoder, label tokens (M + k) through
  // perturbation_embedder ("crisper+label").
  torch::Tensor perturbationEmbedding(const torch::Tensor& pertIds);

  // Authors' initialize_weights: xavier_uniform Linear / in_proj weights, zero biases,
  // N(0,1) embeddings, LayerNorm/RMSNorm 1/0, λ ~ N(0, 0.1), p_mask_embed ~ N(0,1).
  void initializeWeights(std::uint64_t seed);

  const ModelConfig& config() const { return config_; }

  torch::Tensor p_mask_embed;
  TimestepEmbedder t_embedder{nullptr};
  PerturbationEmbedder perturbation_embedder{nullptr};
  std::shared_ptr<torch::nn::Module> fusion_layer;
  torch::nn::Linear fusion0{nullptr}, fusion2{nullptr};
  torch::nn::LayerNorm fusion3{nullptr};
  ContinuousValueEncoder value_encoder_1{nullptr}, value_encoder_2{nullptr};
  GeneEncoder encoder{nullptr};
  torch::nn::ModuleList blocks{nullptr}, gene_adaLN{nullptr}, adapter_layer{nullptr};
  std::vector<DiffPerceiverBlock> blockList;
  std::vector<GeneAdaLN> geneAdaLNList;
  std::vector<AdapterLayer> adapterList;
  std::shared_ptr<torch::nn::Module> p_head;
  ExprDecoder final_layer{nullptr};

 private:
  ModelConfig config_;
  torch::Tensor graphMask_;
};
TORCH_MODULE(ScDfmModel);

// --- state_dict --------------------------------------------------------------
torch::Tensor toTorch(const RawTensor& raw);
RawTensor fromTorch(const torch::Tensor& t);
// Copies every parameter and buffer by name. Throws InputError(source, ...)
// listing missing, unexpected and mis-shaped keys (all of them, not the first).
void loadStateDict(torch::nn::Module& module, const std::map<std::string, RawTensor>& state,
                   const std::string& source);
std::map<std::string, RawTensor> stateDict(const torch::nn::Module& module);
std::map<std::string, std::vector<std::int64_t>> shapesOf(const std::map<std::string, RawTensor>& state);

// torch device from a name ("auto", "cpu", "cuda", "cuda:1"); "auto" = CUDA when available.
torch::Device selectDevice(const std::string& name = "auto");

}  // namespace scdfm
