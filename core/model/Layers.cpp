#include "core/model/Layers.h"

#include <cmath>

namespace scdfm {
namespace F = torch::nn::functional;

std::shared_ptr<torch::nn::Module> makeContainer(const char* type) {
  return std::make_shared<torch::nn::Module>(type);
}

namespace {
torch::nn::Linear linear(std::int64_t in, std::int64_t out, bool bias = true) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}
torch::nn::LayerNorm layerNorm(std::int64_t d, double eps = 1e-5) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(eps));
}
torch::Tensor leaky(const torch::Tensor& x) { return torch::leaky_relu(x, 0.01); }
}  // namespace

// ---------------------------------------------------------------------------
ContinuousValueEncoderImpl::ContinuousValueEncoderImpl(std::int64_t d, double dropout_) : dropout(dropout_) {
  linear1 = register_module("linear1", linear(1, d));
  linear2 = register_module("linear2", linear(d, d));
  norm = register_module("norm", layerNorm(d));
}

torch::Tensor ContinuousValueEncoderImpl::forward(const torch::Tensor& x) {
  auto v = x.unsqueeze(-1).clamp_max(512.0);
  v = linear2(torch::relu(linear1(v)));
  return torch::dropout(norm(v), dropout, is_training());
}

// ---------------------------------------------------------------------------
TimestepEmbedderImpl::TimestepEmbedderImpl(std::int64_t d, std::int64_t frequencySize_)
    : frequencySize(frequencySize_) {
  mlp = register_module("mlp", makeContainer());
  fc0 = mlp->register_module("0", linear(frequencySize, d));
  fc2 = mlp->register_module("2", linear(d, d));
}

torch::Tensor TimestepEmbedderImpl::forward(const torch::Tensor& tIn) {
  auto t = tIn.dim() == 0 ? tIn.reshape({1}) : tIn;
  t = t.to(torch::kFloat32);
  const std::int64_t half = frequencySize / 2;
  auto freqs = torch::exp(-std::log(10000.0) *
                          torch::arange(0, half, torch::TensorOptions().dtype(torch::kFloat32).device(t.device())) /
                          static_cast<double>(half));
  auto args = t.unsqueeze(1) * freqs.unsqueeze(0);
  auto emb = torch::cat({torch::cos(args), torch::sin(args)}, -1);
  if (frequencySize % 2) emb = torch::cat({emb, torch::zeros_like(emb.narrow(1, 0, 1))}, -1);
  return fc2(torch::silu(fc0(emb)));
}

// ---------------------------------------------------------------------------
MultiheadAttentionImpl::MultiheadAttentionImpl(std::int64_t d, std::int64_t nhead_, double dropout_)
    : nhead(nhead_), dropout(dropout_) {
  in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * d, d}));
  in_proj_bias = register_parameter("in_proj_bias", torch::zeros({3 * d}));
  out_proj = register_module("out_proj", linear(d, d));
  torch::nn::init::xavier_uniform_(in_proj_weight);
}

torch::Tensor MultiheadAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& memory,
                                              const torch::Tensor& mask) {
  const auto d = query.size(-1);
  const auto h = d / nhead;
  const auto B = query.size(0), L = query.size(1);
  const auto Bm = memory.size(0), M = memory.size(1);
  auto w = in_proj_weight.chunk(3, 0);
  auto b = in_proj_bias.chunk(3, 0);
  auto q = torch::nn::functional::linear(query, w[0], b[0]);
  auto k = torch::nn::functional::linear(memory, w[1], b[1]);
  auto v = torch::nn::functional::linear(memory, w[2], b[2]);
  q = q.view({B, L, nhead, h}).transpose(1, 2) * (1.0 / std::sqrt(static_cast<double>(h)));
  k = k.view({Bm, M, nhead, h}).transpose(1, 2);
  v = v.view({Bm, M, nhead, h}).transpose(1, 2);
  auto scores = torch::matmul(q, k.transpose(-2, -1));  // (B,H,L,M)
  scores = scores.masked_fill(mask, -std::numeric_limits<float>::infinity());
  auto a = torch::softmax(scores, -1);
  a = torch::dropout(a, dropout, is_training());
  auto o = torch::matmul(a, v).transpose(1, 2).reshape({B, L, d});
  return out_proj(o);
}

// ---------------------------------------------------------------------------
CrossAttentionTransformerLayerImpl::CrossAttentionTransformerLayerImpl(std::int64_t d, std::int64_t nhead,
                                                                       std::int64_t hidden, double dropout_)
    : dropout(dropout_) {
  cross_attn = register_module("cross_attn", MultiheadAttention(d, nhead, dropout));
  norm1 = register_module("norm1", layerNorm(d));
  linear1 = register_module("linear1", linear(d, hidden));
  linear2 = register_module("linear2", linear(hidden, d));
  norm2 = register_module("norm2", layerNorm(d));
}

torch::Tensor CrossAttentionTransformerLayerImpl::forward(const torch::Tensor& query, const torch::Tensor& memory,
                                                          const torch::Tensor& mask) {
  const bool train = is_training();
  auto x = query + torch::dropout(cross_attn(norm1(query), memory, mask), dropout, train);
  auto f = torch::dropout(torch::gelu(linear1(norm2(x))), dropout, train);
  return x + torch::dropout(linear2(f), dropout, train);
}

// ---------------------------------------------------------------------------
GeneEncoderImpl::GeneEncoderImpl(std::int64_t ntoken, std::int64_t d, std::int64_t nhead, std::int64_t hidden,
                                 double dropout, bool interaction) {
  embedding = register_module("embedding", torch::nn::Embedding(ntoken, d));
  enc_norm = register_module("enc_norm", layerNorm(d));
  if (interaction)
    perturbation_interaction =
        register_module("perturbation_interaction", CrossAttentionTransformerLayer(d, nhead, hidden, dropout));
}

torch::Tensor GeneEncoderImpl::forward(const torch::Tensor& ids, const torch::Tensor& graphMask) {
  const auto B = ids.size(0);
  const bool sameRows = B == 1 || torch::equal(ids, ids.narrow(0, 0, 1).expand_as(ids));
  auto rows = sameRows ? ids.narrow(0, 0, 1) : ids;
  auto x = enc_norm(embedding(rows));  // (B',L,D)
  if (!perturbation_interaction) return sameRows ? x.expand({B, -1, -1}) : x;
  const auto M = graphMask.size(0);
  auto memIds = torch::arange(M, torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
  auto memory = enc_norm(embedding(memIds)).unsqueeze(0);      // (1,M,D)
  auto mask = graphMask.index_select(0, ids[0]);                 // (L,M)
  auto out = perturbation_interaction(x, memory, mask);
  return sameRows ? out.expand({B, -1, -1}) : out;
}

PerturbationEmbedderImpl::PerturbationEmbedderImpl(std::int64_t ntoken, std::int64_t d) {
  embedding = register_module("embedding", torch::nn::Embedding(ntoken, d));
  enc_norm = register_module("enc_norm", layerNorm(d));
}

torch::Tensor PerturbationEmbedderImpl::forward(const torch::Tensor& ids) { return enc_norm(embedding(ids)); }

// ---------------------------------------------------------------------------
GeneAdaLNImpl::GeneAdaLNImpl(std::int64_t d) {
  adaLN_modulation = register_module("adaLN_modulation", makeContainer());
  lin = adaLN_modulation->register_module("1", linear(d, 3 * d));
  norm = register_module("norm", layerNorm(d));
}

GeneAdaLNImpl::Modulation GeneAdaLNImpl::modulation(const torch::Tensor& geneEmb) {
  auto c = lin(torch::silu(geneEmb)).chunk(3, -1);
  return {c[0], c[1], c[2]};
}

torch::Tensor GeneAdaLNImpl::apply(const torch::Tensor& h, const Modulation& m) {
  return h + m.gate * (norm(h) * m.scale + m.shift);
}

// ---------------------------------------------------------------------------
torch::Tensor linearSecondHalf(const torch::nn::Linear& lin, const torch::Tensor& p) {
  const auto d = p.size(-1);
  return torch::nn::functional::linear(p, lin->weight.narrow(1, lin->weight.size(1) - d, d), lin->bias);
}

torch::Tensor geluTanh(const torch::Tensor& x) {
  if (torch::GradMode::is_enabled() || !x.is_cpu()) return torch::gelu(x, "tanh");
  const double twoSqrt2OverPi = 2.0 * std::sqrt(2.0 / M_PI);
  auto z = x * x;
  z.mul_(0.044715).add_(1.0).mul_(x).mul_(twoSqrt2OverPi);
  return z.sigmoid_().mul_(x);
}

torch::Tensor linearFirstHalf(const torch::nn::Linear& lin, const torch::Tensor& h) {
  return torch::nn::functional::linear(h, lin->weight.narrow(1, 0, h.size(-1)));
}

AdapterLayerImpl::AdapterLayerImpl(std::int64_t d, double dropout_) : dropout(dropout_) {
  l0 = register_module("0", linear(2 * d, d));
  l3 = register_module("3", linear(d, d));
}

torch::Tensor AdapterLayerImpl::forward(const torch::Tensor& h, const torch::Tensor& pPart) {
  auto x = leaky(linearFirstHalf(l0, h) + pPart);
  x = torch::dropout(x, dropout, is_training());
  return leaky(l3(x));
}

ExprDecoderImpl::ExprDecoderImpl(std::int64_t d) {
  fc = register_module("fc", makeContainer());
  l0 = fc->register_module("0", linear(2 * d, d));
  l2 = fc->register_module("2", linear(d, d));
  l4 = fc->register_module("4", linear(d, 1));
}

torch::Tensor ExprDecoderImpl::forward(const torch::Tensor& h, const torch::Tensor& pPart) {
  auto x = leaky(linearFirstHalf(l0, h) + pPart);
  x = leaky(l2(x));
  return l4(x).squeeze(-1);
}

}  // namespace scdfm
