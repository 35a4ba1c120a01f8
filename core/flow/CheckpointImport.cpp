// The authors' checkpoints → ours (see ModelLoading.h). Torch-free logic.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/data/GeneVocab.h"
#include "core/flow/ModelLoading.h"
#include "core/io/Safetensors.h"
#include "core/io/TorchZipReader.h"
#include "core/util/BuildInfo.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

// Strips a prefix shared by every key ("module." from DDP, "model." from wrappers), repeatedly.
void stripPrefixes(std::vector<std::pair<std::string, RawTensor>>& sd, std::vector<std::string>& stripped) {
  for (bool again = true; again;) {
    again = false;
    for (const char* prefix : {"module.", "model.", "_orig_mod."}) {
      const std::string p = prefix;
      bool all = !sd.empty();
      for (const auto& [k, v] : sd) all = all && k.rfind(p, 0) == 0 && k.size() > p.size();
      if (!all) continue;
      for (auto& [k, v] : sd) k = k.substr(p.size());
      stripped.push_back(p);
      again = true;
    }
  }
}

RawTensor toF32(const RawTensor& t) {
  if (t.dtype == DType::F32) return t;
  auto v = t.toFloat();
  return RawTensor::fromFloat(t.shape, v.data());
}

}  // namespace

RawTensor readGraphMaskFile(const std::string& path) {
  RawTensor m;
  if (looksLikeTorchZip(path)) {
    m = readTorchTensor(path);
  } else {
    auto f = readSafetensors(path);
    if (f.tensors.size() != 1)
      throw InputError(path, "", "expected one tensor (the graph mask), found " + std::to_string(f.tensors.size()),
                       "Pass the authors' mask_fold_..._negative_edge.pt");
    m = f.tensors.begin()->second;
  }
  if (m.shape.size() != 2 || m.shape[0] != m.shape[1])
    throw InputError(path, "", "the graph mask must be a square matrix", "Pass the authors' mask_fold_...pt file");
  if (m.dtype != DType::BOOL && m.dtype != DType::U8)
    throw InputError(path, "", std::string("the graph mask must be boolean, found ") + toString(m.dtype),
                     "Pass the authors' mask_fold_...pt file (a torch.save of a bool tensor)");
  m.dtype = DType::BOOL;
  for (auto& b : m.data) b = b ? 1 : 0;
  return m;
}

ModelCheckpoint importAuthorsCheckpoint(const ImportRequest& o, ImportReport* report) {
  ImportReport local;
  ImportReport& rep = report ? *report : local;
  ModelCheckpoint c;
  std::vector<std::pair<std::string, RawTensor>> sd;
  std::int64_t iteration = 0;
  if (looksLikeTorchZip(o.checkpoint)) {
    auto t = readTorchCheckpoint(o.checkpoint);
    sd = t.stateDict();
    for (const char* key : {"iteration", "epoch", "step", "global_step"})
      if (auto it = t.scalars.find(key); it != t.scalars.end() && it->second->kind == PyValue::Kind::Int) {
        iteration = it->second->i;
        break;
      }
  } else {
    auto f = readSafetensors(o.checkpoint);
    if (f.metadata.count("format") && f.metadata.at("format") == kCheckpointFormat) {
      // Already ours: re-importing keeps everything; --vocab / --mask replace those parts.
      c = readModelCheckpoint(o.checkpoint);
      for (auto& [k, v] : c.weights) sd.emplace_back(k, v);
    } else {
      for (auto& [k, v] : f.tensors) sd.emplace_back(k, std::move(v));
    }
  }
  stripPrefixes(sd, rep.strippedPrefixes);
  c.weights.clear();
  rep.parameters = 0;
  for (auto& [k, v] : sd) {
    if (v.dtype != DType::F32 && v.dtype != DType::F16 && v.dtype != DType::BF16 && v.dtype != DType::F64)
      throw InputError(o.checkpoint, "tensor '" + k + "'", std::string("has dtype ") + toString(v.dtype),
                       "Model weights must be floating point; is this a model state_dict?");
    rep.parameters += v.numel();
    c.weights[k] = toF32(v);
  }
  ModelConfig config = inferModelConfig(c.weightShapes(), o.checkpoint);

  if (!o.mask.empty()) {
    c.graphMask = readGraphMaskFile(o.mask);
    c.graph = {{"source", "imported"},
               {"file", std::filesystem::path(o.mask).filename().string()},
               {"sha256", sha256File(o.mask)},
               {"tokens", c.graphMask->shape[0]}};
  }
  if (c.graphMask) config.n_graph_tokens = c.graphMask->shape[0];
  nlohmann::json cj;
  to_json(cj, config);
  c.modelConfig = cj;

  if (!o.vocab.empty()) c.vocabulary = GeneVocab::readJsonFile(o.vocab).tokens();
  if (!o.genes.empty()) c.genes = o.genes;
  else if (!c.vocabulary.empty() && c.genes.empty()) c.genes = GeneVocab::fromTokens(c.vocabulary, o.vocab).genes();
  if (c.graphMask && !c.vocabulary.empty() &&
      c.graphMask->shape[0] != static_cast<std::int64_t>(c.vocabulary.size()))
    throw InputError(o.mask.empty() ? o.checkpoint : o.mask, "graph mask",
                     "the mask covers " + std::to_string(c.graphMask->shape[0]) + " tokens but the vocabulary has " +
                         std::to_string(c.vocabulary.size()),
                     "The authors' mask has one row per vocabulary token (4 special tokens + genes); pass the mask "
                     "and the tokenizer of the same dataset");
  if (c.vocabulary.empty())
    rep.warnings.push_back("no vocabulary: gene names cannot be mapped to tokens, so the model cannot predict until "
                           "imported again with the authors' tokenizer JSON (--vocab)");
  if (!c.graphMask)
    rep.warnings.push_back("no gene-interaction mask: the network needs it; import again with the authors' "
                           "mask_fold_..._negative_edge.pt (--mask)");

  c.training.importedFrom = std::filesystem::path(o.checkpoint).filename().string();
  if (c.training.steps == 0) c.training.steps = iteration;
  c.training.createdBy = std::string("scdfm ") + build::kVersion;
  c.training.createdAt = utcNowIso8601();
  checkCheckpointWeights(c, o.checkpoint);
  return c;
}

}  // namespace scdfm
