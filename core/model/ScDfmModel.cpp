#include "core/model/ScDfmModel.h"

#include "core/model/CancellationPoint.h"

#include <cstring>
#include <sstream>

#include "core/data/GeneVocab.h"
#include "core/util/Error.h"

namespace scdfm {

ScDfmModelImpl::ScDfmModelImpl(const ModelConfig& config) : config_(config) {
  config_.validate();
  const auto d = config.d_model, H = config.nhead, hidden = config.mlpHidden();
  // Registration order = the authors' state_dict order (own parameters first).
  p_mask_embed = register_parameter("p_mask_embed", torch::randn({d}));
  t_embedder = register_module("t_embedder", TimestepEmbedder(d, config.frequency_embedding_size));
  perturbation_embedder = register_module("perturbation_embedder", PerturbationEmbedder(config.ntoken, d));
  fusion_layer = register_module("fusion_layer", makeContainer());
  fusion0 = fusion_layer->register_module("0", torch::nn::Linear(2 * d, d));
  fusion2 = fusion_layer->register_module("2", torch::nn::Linear(d, d));
  fusion3 = fusion_layer->register_module("3", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  value_encoder_1 = register_module("value_encoder_1", ContinuousValueEncoder(d, config.dropout));
  value_encoder_2 = register_module("value_encoder_2", ContinuousValueEncoder(d, config.dropout));
  encoder = register_module("encoder", GeneEncoder(config.ntoken, d, config.encoder_nhead, config.encoderHidden(),
                                                   config.dropout,
                                                   config.use_perturbation_interaction));
  blocks = register_module("blocks", torch::nn::ModuleList());
  gene_adaLN = register_module("gene_adaLN", torch::nn::ModuleList());
  adapter_layer = register_module("adapter_layer", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < config.nlayers; ++i) {
    blockList.push_back(DiffPerceiverBlock(d, H, hidden, i));
    blocks->push_back(blockList.back());
    geneAdaLNList.push_back(GeneAdaLN(d));
    gene_adaLN->push_back(geneAdaLNList.back());
    adapterList.push_back(AdapterLayer(d, config.dropout));
    adapter_layer->push_back(adapterList.back());
  }
  p_head = register_module("p_head", makeContainer());
  p_head->register_module("0", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  p_head->register_module("1", torch::nn::Linear(d, d));
  final_layer = register_module("final_layer", ExprDecoder(d));
}

void ScDfmModelImpl::setGraphMask(torch::Tensor mask) {
  if (mask.dim() != 2 || mask.size(0) != mask.size(1))
    throw InputError("", "graph mask", "must be a square matrix, got " + std::to_string(mask.dim()) + " dims",
                     "use the gene-interaction mask the model was trained with");
  if (mask.size(0) > config_.ntoken)
    throw InputError("", "graph mask",
                     "has " + std::to_string(mask.size(0)) + " tokens but the model's embedding only " +
                         std::to_string(config_.ntoken),
                     "use the mask that belongs to this checkpoint");
  auto device = p_mask_embed.device();
  graphMask_ = mask.to(torch::kBool).to(device);
  config_.n_graph_tokens = mask.size(0);
}

namespace {
bool rowsEqual(const torch::Tensor& ids) {
  return ids.size(0) == 1 || torch::equal(ids, ids.narrow(0, 0, 1).expand_as(ids));
}
void checkIds(const torch::Tensor& ids, std::int64_t limit, const char* what) {
  if (ids.numel() == 0) return;
  auto mn = ids.min().item<std::int64_t>(), mx = ids.max().item<std::int64_t>();
  if (mn < 0 || mx >= limit)
    throw InputError("", what,
                     "token id out of range [0, " + std::to_string(limit) + "): " + std::to_string(mn < 0 ? mn : mx),
                     "genes must be in the model's vocabulary and in its gene-interaction graph");
}
}  // namespace

torch::Tensor ScDfmModelImpl::perturbationEmbedding(const torch::Tensor& pertIds) {
  if (!config_.usesLabels()) return encoder(pertIds, graphMask_).mean(1);
  const auto M = graphMask_.size(0);
  const auto isLabel = pertIds >= M;
  // Label slots go through the gene encoder as the control token (its row only
  // attends to itself) and are then replaced by their label embedding.
  const auto genes = encoder(torch::where(isLabel, torch::full_like(pertIds, GeneVocab::kControl), pertIds), graphMask_);
  const auto labels = perturbation_embedder(torch::where(isLabel, pertIds - M, torch::zeros_like(pertIds)));
  return torch::where(isLabel.unsqueeze(-1), labels, genes).mean(1);
}

ScDfmContext ScDfmModelImpl::encodeContext(const torch::Tensor& geneIdsIn, const torch::Tensor& control,
                                           const torch::Tensor& pertIdsIn, bool cacheControlMaps,
                                           ForwardTrace* trace) {
  if (!graphMask_.defined())
    throw InputError("", "graph mask", "no gene-interaction mask set", "load the mask that belongs to the model");
  if (geneIdsIn.dim() != 2 || control.dim() != 2 || pertIdsIn.dim() != 2 || control.sizes() != geneIdsIn.sizes() ||
      pertIdsIn.size(0) != control.size(0))
    throw InputError("", "model inputs", "expected gene ids (B,T), control (B,T), perturbation ids (B,k)");
  const auto M = graphMask_.size(0);
  checkIds(geneIdsIn, M, "gene ids");
  checkIds(pertIdsIn, M + (config_.usesLabels() ? config_.n_perturbation_labels : 0), "perturbation ids");
  ScDfmContext ctx;
  ctx.batch = control.size(0);
  ctx.genes = control.size(1);
  // Identical rows (always, in practice): encode once, broadcast.
  auto geneIds = rowsEqual(geneIdsIn) ? geneIdsIn.narrow(0, 0, 1) : geneIdsIn;
  auto pertIds = rowsEqual(pertIdsIn) ? pertIdsIn.narrow(0, 0, 1) : pertIdsIn;
  ctx.geneEmb = encoder(geneIds, graphMask_);
  ctx.perturbationEmb = perturbationEmbedding(pertIds);
  ctx.controlEmb = value_encoder_2(control) + ctx.geneEmb;
  ctx.fusionControl = linearSecondHalf(fusion0, ctx.controlEmb);
  for (std::int64_t i = 0; i < config_.nlayers; ++i) {
    ScDfmContext::Layer layer;
    layer.gene = geneAdaLNList[i]->modulation(ctx.geneEmb);
    layer.adapterP = linearSecondHalf(adapterList[i]->l0, ctx.perturbationEmb).unsqueeze(1);
    if (cacheControlMaps) layer.controlMap = blockList[i]->diff_cross_attn->attn->controlMap(ctx.controlEmb);
    ctx.layers.push_back(std::move(layer));
  }
  ctx.finalP = linearSecondHalf(final_layer->l0, ctx.perturbationEmb).unsqueeze(1);
  if (trace && trace->intermediates) {
    trace->tensors["gene_emb"] = ctx.geneEmb.expand({ctx.batch, -1, -1}).detach();
    trace->tensors["perturbation_emb"] = ctx.perturbationEmb.expand({ctx.batch, -1}).detach();
  }
  return ctx;
}

torch::Tensor ScDfmModelImpl::evaluate(const ScDfmContext& ctx, const torch::Tensor& xt, const torch::Tensor& t,
                                       ForwardTrace* trace) {
  if (xt.dim() != 2 || xt.size(0) != ctx.batch || xt.size(1) != ctx.genes)
    throw InputError("", "x_t", "shape does not match the context's (cells, genes)");
  const bool rec = trace && trace->intermediates;
  auto v1 = value_encoder_1(xt) + ctx.geneEmb;
  auto h = fusion3(fusion2(torch::gelu(linearFirstHalf(fusion0, v1) + ctx.fusionControl)));
  auto c = t_embedder(t);
  if (rec) {
    trace->tensors["t_emb"] = c.expand({ctx.batch, -1}).detach();
    trace->tensors["fusion_out"] = h.detach();
  }
  const std::vector<std::int64_t>* cells =
      trace && !trace->attentionCells.empty() ? &trace->attentionCells : nullptr;
  for (std::int64_t i = 0; i < config_.nlayers; ++i) {
    cancellationPoint(h, ctx.cancel);
    const auto& L = ctx.layers[i];
    h = geneAdaLNList[i]->apply(h, L.gene);
    h = adapterList[i]->forward(h, L.adapterP);
    DiffAttnRecord r1, r2;
    h = blockList[i]->diff_self_attn->forward(h, h, c, {}, cells, cells ? &r1 : nullptr, ctx.cancel);
    cancellationPoint(h, ctx.cancel);
    h = blockList[i]->diff_cross_attn->forward(h, ctx.controlEmb, c, L.controlMap, cells, cells ? &r2 : nullptr,
                                               ctx.cancel);
    if (cells) {
      trace->attention.push_back({i, "diff_self_attn", std::move(r1)});
      trace->attention.push_back({i, "diff_cross_attn", std::move(r2)});
    }
    if (rec) trace->tensors["block" + std::to_string(i) + "_out"] = h.detach();
  }
  cancellationPoint(h, ctx.cancel);
  return final_layer->forward(h, ctx.finalP);
}

torch::Tensor ScDfmModelImpl::forward(const torch::Tensor& geneIds, const torch::Tensor& xt, const torch::Tensor& t,
                                      const torch::Tensor& control, const torch::Tensor& perturbationIds,
                                      ForwardTrace* trace, const CancelToken* cancel) {
  // One pass: the control maps are used once, so there is nothing to cache.
  auto ctx = encodeContext(geneIds, control, perturbationIds, /*cacheControlMaps=*/false, trace);
  ctx.cancel = cancel;
  return evaluate(ctx, xt, t, trace);
}

void ScDfmModelImpl::initializeWeights(std::uint64_t seed) {
  torch::NoGradGuard guard;
  torch::manual_seed(seed);
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* lin = m->as<torch::nn::Linear>()) {
      torch::nn::init::xavier_uniform_(lin->weight);
      if (lin->bias.defined()) lin->bias.zero_();
    } else if (auto* emb = m->as<torch::nn::Embedding>()) {
      emb->weight.normal_(0.0, 1.0);
    } else if (auto* ln = m->as<torch::nn::LayerNorm>()) {
      ln->weight.fill_(1.0);
      ln->bias.zero_();
    } else if (auto* mha = m->as<MultiheadAttention>()) {
      torch::nn::init::xavier_uniform_(mha->in_proj_weight);
      mha->in_proj_bias.zero_();
    } else if (auto* rms = m->as<RMSNorm>()) {
      rms->weight.fill_(1.0);
    } else if (auto* da = m->as<MultiheadDiffAttn>()) {
      for (auto* p : {&da->lambda_q1, &da->lambda_k1, &da->lambda_q2, &da->lambda_k2}) p->normal_(0.0, 0.1);
    }
  }
  p_mask_embed.normal_(0.0, 1.0);
}

// --- state_dict --------------------------------------------------------------
namespace {
torch::ScalarType scalarType(DType d) {
  switch (d) {
    case DType::F32: return torch::kFloat32;
    case DType::F64: return torch::kFloat64;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::BOOL: return torch::kBool;
  }
  return torch::kFloat32;
}
DType dtypeOf(torch::ScalarType s) {
  switch (s) {
    case torch::kFloat32: return DType::F32;
    case torch::kFloat64: return DType::F64;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::BOOL;
    default: throw InternalError("fromTorch: unsupported tensor dtype");
  }
}
std::string shapeString(c10::IntArrayRef s) {
  std::ostringstream o;
  o << "(";
  for (std::size_t i = 0; i < s.size(); ++i) o << (i ? "," : "") << s[i];
  o << ")";
  return o.str();
}
}  // namespace

torch::Tensor toTorch(const RawTensor& raw) {
  auto t = torch::empty(raw.shape, torch::TensorOptions().dtype(scalarType(raw.dtype)));
  if (static_cast<std::size_t>(t.numel()) * t.element_size() != raw.data.size())
    throw InputError("", "tensor", "data size does not match its shape " + shapeString(raw.shape));
  if (!raw.data.empty()) std::memcpy(t.data_ptr(), raw.data.data(), raw.data.size());
  return t;
}

RawTensor fromTorch(const torch::Tensor& tIn) {
  auto t = tIn.detach().to(torch::kCPU).contiguous();
  RawTensor r;
  r.dtype = dtypeOf(t.scalar_type());
  r.shape.assign(t.sizes().begin(), t.sizes().end());
  r.data.resize(static_cast<std::size_t>(t.numel()) * t.element_size());
  if (!r.data.empty()) std::memcpy(r.data.data(), t.data_ptr(), r.data.size());
  return r;
}

void loadStateDict(torch::nn::Module& module, const std::map<std::string, RawTensor>& state,
                   const std::string& source) {
  std::vector<std::pair<std::string, torch::Tensor>> targets;
  for (auto& p : module.named_parameters(true)) targets.emplace_back(p.key(), p.value());
  for (auto& b : module.named_buffers(true)) targets.emplace_back(b.key(), b.value());
  std::vector<std::string> missing, unexpected, misshaped;
  std::set<std::string> known;
  for (auto& [name, t] : targets) {
    known.insert(name);
    auto it = state.find(name);
    if (it == state.end()) {
      missing.push_back(name);
      continue;
    }
    if (c10::IntArrayRef(it->second.shape) != t.sizes())
      misshaped.push_back(name + " " + shapeString(it->second.shape) + " vs model " + shapeString(t.sizes()));
  }
  for (auto& [name, raw] : state)
    if (!known.count(name)) unexpected.push_back(name);
  if (!missing.empty() || !unexpected.empty() || !misshaped.empty()) {
    std::ostringstream o;
    auto list = [&](const char* what, const std::vector<std::string>& v) {
      if (v.empty()) return;
      o << " " << v.size() << " " << what << ":";
      for (std::size_t i = 0; i < v.size() && i < 20; ++i) o << " " << v[i] << (i + 1 < v.size() ? "," : "");
      if (v.size() > 20) o << " …";
      o << ";";
    };
    o << "state_dict does not match the model:";
    list("missing", missing);
    list("unexpected", unexpected);
    list("mis-shaped", misshaped);
    throw InputError(source, "state_dict", o.str(),
                     "use weights of an scDFM origin/differential_perceiver model with the same configuration");
  }
  torch::NoGradGuard guard;
  for (auto& [name, t] : targets) {
    auto src = toTorch(state.at(name));
    t.copy_(src.to(t.scalar_type()));
  }
}

std::map<std::string, RawTensor> stateDict(const torch::nn::Module& module) {
  std::map<std::string, RawTensor> out;
  for (auto& p : module.named_parameters(true)) out[p.key()] = fromTorch(p.value());
  for (auto& b : module.named_buffers(true)) out[b.key()] = fromTorch(b.value());
  return out;
}

std::map<std::string, std::vector<std::int64_t>> shapesOf(const std::map<std::string, RawTensor>& state) {
  std::map<std::string, std::vector<std::int64_t>> out;
  for (auto& [k, v] : state) out[k] = v.shape;
  return out;
}

torch::Device selectDevice(const std::string& name) {
  if (name.empty() || name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::kCPU;
  try {
    torch::Device d(name);
    if (d.is_cuda() && !torch::cuda::is_available())
      throw InputError("", "device", "CUDA requested but not available", "use --device cpu or auto");
    return d;
  } catch (const c10::Error&) {
    throw InputError("", "device", "unknown device '" + name + "'", "use auto, cpu or cuda[:N]");
  }
}

}  // namespace scdfm
