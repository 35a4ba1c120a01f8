#include "core/model/DiffAttention.h"

#include "core/model/CancellationPoint.h"

#include <algorithm>
#include <cmath>

#include "core/model/Layers.h"
#include "core/model/ModelConfig.h"

namespace scdfm {

RMSNormImpl::RMSNormImpl(std::int64_t dim, double eps_) : eps(eps_) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  auto xf = x.to(torch::kFloat32);
  auto out = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + eps);
  return out.to(x.scalar_type()) * weight;
}

// ---------------------------------------------------------------------------
MultiheadDiffAttnImpl::MultiheadDiffAttnImpl(std::int64_t d, std::int64_t nhead_, std::int64_t depth, bool cross_)
    : nhead(nhead_), headDim(d / nhead_), lambda_init(ModelConfig::lambdaInit(depth)), cross(cross_) {
  auto lam = [&](const char* name) {
    return register_parameter(name, torch::randn({headDim}) * 0.1);
  };
  lambda_q1 = lam("lambda_q1");
  lambda_k1 = lam("lambda_k1");
  lambda_q2 = lam("lambda_q2");
  lambda_k2 = lam("lambda_k2");
  auto lin = [&](const char* name) {
    return register_module(name, torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
  };
  q_proj_1 = lin("q_proj_1");
  k_proj_1 = lin("k_proj_1");
  q_proj_2 = lin("q_proj_2");
  k_proj_2 = lin("k_proj_2");
  v_proj = lin("v_proj");
  out_proj = lin("out_proj");
  subln = register_module("subln", RMSNorm(headDim, 1e-5));
}

torch::Tensor MultiheadDiffAttnImpl::heads(const torch::Tensor& x) const {
  return x.view({x.size(0), x.size(1), nhead, headDim}).transpose(1, 2);
}

torch::Tensor MultiheadDiffAttnImpl::softmaxMap(const torch::Tensor& q, const torch::Tensor& k) const {
  const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
  return torch::softmax(torch::matmul(q * scale, k.transpose(-2, -1)), -1);
}

torch::Tensor MultiheadDiffAttnImpl::lambda() {
  return torch::exp(torch::sum(lambda_q1 * lambda_k1)) - torch::exp(torch::sum(lambda_q2 * lambda_k2)) +
         lambda_init;
}

torch::Tensor MultiheadDiffAttnImpl::controlMap(const torch::Tensor& x) {
  return softmaxMap(heads(q_proj_2(x)), heads(k_proj_2(x)));
}

namespace {
// Bytes of attention maps worked on at once by the inference path below (the
// maps of one to a few cells): small enough that a map stays in the core's
// caches from the product that makes it to the product that uses it.
constexpr std::int64_t kMapChunkBytes = std::int64_t(1) << 21;

// o = (A1 − λ·A2)·V without autograd, a few cells at a time: one product with V
// instead of two, and no (B,H,T,T) map in memory. A_j = softmax(q_j k_jᵀ·scale);
// A2 is map2 ((B|1),H,T,T) instead when q2 is undefined.
torch::Tensor combinedAttention(const torch::Tensor& q1, const torch::Tensor& k1, const torch::Tensor& q2,
                                const torch::Tensor& k2, const torch::Tensor& map2, const torch::Tensor& v,
                                double scale, double lambda, const CancelToken* cancel) {
  const auto B = v.size(0), H = v.size(1), T = v.size(2), h = v.size(3);
  const auto mapBytes = std::max<std::int64_t>(H * T * T * static_cast<std::int64_t>(sizeof(float)), 1);
  // A GPU gets the whole batch: its kernels want large products, not a loop.
  const auto chunk = v.is_cuda() ? B : std::clamp<std::int64_t>(kMapChunkBytes / mapBytes, 1, B);
  auto out = torch::empty({B, H, T, h}, v.options());
  for (std::int64_t b0 = 0; b0 < B; b0 += chunk) {
    if (cancel) cancel->throwIfCancelled();
    const auto n = std::min(chunk, B - b0);
    auto flat = [&](const torch::Tensor& t) { return t.narrow(0, b0, n).reshape({n * H, T, h}); };
    auto softmaxOf = [&](const torch::Tensor& q, const torch::Tensor& k) {
      return torch::softmax(torch::bmm(flat(q) * scale, flat(k).transpose(1, 2)), -1).view({n, H, T, T});
    };
    auto a = softmaxOf(q1, k1);
    a.sub_(q2.defined() ? softmaxOf(q2, k2) : map2.size(0) == 1 ? map2 : map2.narrow(0, b0, n), lambda);
    auto o = out.narrow(0, b0, n).view({n * H, T, h});
    torch::bmm_out(o, a.view({n * H, T, T}), flat(v));
  }
  return out;
}
}  // namespace

torch::Tensor MultiheadDiffAttnImpl::forward(const torch::Tensor& y, const torch::Tensor& x, const torch::Tensor& map2,
                                             const std::vector<std::int64_t>* recordCells, DiffAttnRecord* record,
                                             const CancelToken* cancel) {
  const auto B = y.size(0), T = y.size(1), D = y.size(2);
  // Which input each projection reads (see the header); the second map's
  // projections are not needed when the map is given.
  auto q1 = heads(q_proj_1(y)), k1 = heads(k_proj_1(cross ? x : y)), v = heads(v_proj(y));
  torch::Tensor q2, k2;
  if (cross || !map2.defined()) {
    q2 = heads(q_proj_2(cross ? y : x));
    k2 = heads(k_proj_2(x));
  }
  if (!torch::GradMode::is_enabled() && !(record && recordCells)) {
    // Inference: the same attention, computed without the maps in memory.
    auto o = combinedAttention(q1, k1, q2, k2, map2, v, 1.0 / std::sqrt(static_cast<double>(headDim)),
                               lambda().item<double>(), cancel);
    o = subln(o) * (1.0 - lambda_init);
    return out_proj(o.transpose(1, 2).reshape({B, T, D}));
  }
  auto a1 = softmaxMap(q1, k1);
  cancellationPoint(a1, cancel);
  auto a2 = q2.defined() ? softmaxMap(q2, k2) : map2;
  cancellationPoint(a2, cancel);
  auto lam = lambda();
  auto o = torch::matmul(a1, v) - lam * torch::matmul(a2, v);  // (A1 − λA2)·V
  cancellationPoint(o, cancel);
  o = subln(o) * (1.0 - lambda_init);
  o = o.transpose(1, 2).reshape({B, T, D});
  if (record && recordCells) {
    auto idx = torch::tensor(*recordCells, torch::TensorOptions().dtype(torch::kLong)).to(y.device());
    record->softmax1 = a1.index_select(0, idx).detach().to(torch::kCPU).clone();
    record->softmax2 = a2.index_select(0, a2.size(0) == 1 ? torch::zeros_like(idx) : idx).detach().to(torch::kCPU).clone();
    record->lambda = lam.item<double>();
  }
  return out_proj(o);
}

// ---------------------------------------------------------------------------
DifferentialTransformerBlockImpl::DifferentialTransformerBlockImpl(std::int64_t d, std::int64_t nhead,
                                                                   std::int64_t hidden, std::int64_t depth,
                                                                   bool cross) {
  attn = register_module("attn", MultiheadDiffAttn(d, nhead, depth, cross));
  mlp = register_module("mlp", makeContainer("Mlp"));
  fc1 = mlp->register_module("fc1", torch::nn::Linear(d, hidden));
  fc2 = mlp->register_module("fc2", torch::nn::Linear(hidden, d));
  adaLN_modulation = register_module("adaLN_modulation", makeContainer());
  ada = adaLN_modulation->register_module("1", torch::nn::Linear(d, 6 * d));
}

torch::Tensor DifferentialTransformerBlockImpl::forward(const torch::Tensor& yIn, const torch::Tensor& x,
                                                        const torch::Tensor& c, const torch::Tensor& map2,
                                                        const std::vector<std::int64_t>* recordCells,
                                                        DiffAttnRecord* record, const CancelToken* cancel) {
  auto m = ada(torch::silu(c)).unsqueeze(1).chunk(6, -1);  // shift_a, scale_a, gate_a, shift_m, scale_m, gate_m
  const auto D = yIn.size(-1);
  auto ln = [&](const torch::Tensor& t) { return torch::layer_norm(t, {D}, {}, {}, 1e-6); };
  auto y = yIn;
  auto ym = ln(y) * (1 + m[1]) + m[0];
  y = y + m[2] * attn->forward(ym, attn->cross ? yIn : x, map2, recordCells, record, cancel);
  cancellationPoint(y, cancel);
  auto h = ln(y) * (1 + m[4]) + m[3];
  h = fc2(geluTanh(fc1(h)));
  return y + m[5] * h;
}

DiffPerceiverBlockImpl::DiffPerceiverBlockImpl(std::int64_t d, std::int64_t nhead, std::int64_t hidden,
                                               std::int64_t depth) {
  diff_self_attn = register_module("diff_self_attn", DifferentialTransformerBlock(d, nhead, hidden, depth, true));
  diff_cross_attn = register_module("diff_cross_attn", DifferentialTransformerBlock(d, nhead, hidden, depth, false));
}

}  // namespace scdfm
