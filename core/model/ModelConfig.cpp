#include "core/model/ModelConfig.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"

namespace scdfm {

double ModelConfig::lambdaInit(std::int64_t depth) {
  return 0.8 - 0.6 * std::exp(-0.3 * static_cast<double>(depth));
}

void ModelConfig::validate(const std::string& source) const {
  auto bad = [&](const std::string& field, const std::string& problem) {
    throw InputError(source, field, problem, "check the model configuration or checkpoint");
  };
  if (d_model <= 0) bad("d_model", "must be positive");
  if (nhead <= 0 || d_model % nhead != 0) bad("nhead", "must divide d_model");
  if (encoder_nhead <= 0 || d_model % encoder_nhead != 0) bad("encoder_nhead", "must divide d_model");
  if (nlayers <= 0) bad("nlayers", "must be positive");
  if (ntoken <= pad_tokens) bad("ntoken", "must exceed the number of special tokens");
  if (n_graph_tokens < 0 || n_graph_tokens > ntoken) bad("n_graph_tokens", "must be in [0, ntoken]");
  if (!(mlp_ratio > 0) || mlp_ratio > 1024) bad("mlp_ratio", "must be positive (and at most 1024)");
  if (dropout < 0 || dropout >= 1) bad("dropout", "must be in [0, 1)");
  if (model_type != "origin") bad("model_type", "only 'origin' is supported, got '" + model_type + "'");
  if (fusion_method != "differential_perceiver")
    bad("fusion_method", "only 'differential_perceiver' is supported, got '" + fusion_method + "'");
  if (perturbation_function != "crisper" && perturbation_function != "crisper+label")
    bad("perturbation_function", "only 'crisper' and 'crisper+label' are supported, got '" + perturbation_function + "'");
  if (usesLabels() && (n_perturbation_labels < 1 || n_perturbation_labels > ntoken))
    bad("n_perturbation_labels", "must be in [1, ntoken] for 'crisper+label'");
  if (mode != "predict_y") bad("mode", "only 'predict_y' is supported, got '" + mode + "'");
  if (frequency_embedding_size <= 0) bad("frequency_embedding_size", "must be positive");
  if (encoder_hidden < 0) bad("encoder_hidden", "must not be negative");
  // The network is built from these numbers before any weight is compared,
  // so a damaged configuration must not get to allocate it. A rough count of
  // the parameters (embeddings, per-layer attention and MLPs, the encoder).
  const long double d = static_cast<long double>(d_model);
  const long double params = static_cast<long double>(ntoken + n_perturbation_labels + frequency_embedding_size) * d +
                             static_cast<long double>(nlayers) * (12 + 2 * mlp_ratio) * d * d +
                             (8 * d + 2 * static_cast<long double>(encoder_hidden)) * d;
  checkAllocation(source, "model_config", params > 1e19L ? ~std::uint64_t{0} : static_cast<std::uint64_t>(params),
                  sizeof(float), "the network this configuration describes");
}

void to_json(nlohmann::json& j, const ModelConfig& c) {
  j = nlohmann::json{{"ntoken", c.ntoken},
                     {"d_model", c.d_model},
                     {"nhead", c.nhead},
                     {"nlayers", c.nlayers},
                     {"n_graph_tokens", c.n_graph_tokens},
                     {"pad_tokens", c.pad_tokens},
                     {"mlp_ratio", c.mlp_ratio},
                     {"encoder_nhead", c.encoder_nhead},
                     {"encoder_hidden", c.encoderHidden()},
                     {"dropout", c.dropout},
                     {"frequency_embedding_size", c.frequency_embedding_size},
                     {"model_type", c.model_type},
                     {"fusion_method", c.fusion_method},
                     {"perturbation_function", c.perturbation_function},
                     {"n_perturbation_labels", c.n_perturbation_labels},
                     {"mode", c.mode},
                     {"use_perturbation_interaction", c.use_perturbation_interaction}};
}

void from_json(const nlohmann::json& j, ModelConfig& c) {
  auto get = [&](const char* key, auto& field) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) it->get_to(field);
  };
  get("ntoken", c.ntoken);
  get("d_model", c.d_model);
  get("nhead", c.nhead);
  get("nlayers", c.nlayers);
  get("n_graph_tokens", c.n_graph_tokens);
  get("pad_tokens", c.pad_tokens);
  get("mlp_ratio", c.mlp_ratio);
  get("encoder_nhead", c.encoder_nhead);
  get("encoder_hidden", c.encoder_hidden);
  get("dropout", c.dropout);
  get("frequency_embedding_size", c.frequency_embedding_size);
  get("model_type", c.model_type);
  get("fusion_method", c.fusion_method);
  get("perturbation_function", c.perturbation_function);
  get("n_perturbation_labels", c.n_perturbation_labels);
  get("mode", c.mode);
  get("use_perturbation_interaction", c.use_perturbation_interaction);
}

ModelConfig fromGoldenConfig(const nlohmann::json& golden) {
  ModelConfig c;
  if (golden.contains("model")) from_json(golden.at("model"), c);
  // Golden configs record eval-mode dropout only; the training value is the authors' default.
  if (golden.contains("graph")) {
    const auto& g = golden.at("graph");
    if (g.contains("mask_shape")) c.n_graph_tokens = g.at("mask_shape").at(0).get<std::int64_t>();
    if (g.contains("pad_tokens")) c.pad_tokens = g.at("pad_tokens").get<std::int64_t>();
  }
  return c;
}

ModelConfig inferModelConfig(const std::map<std::string, std::vector<std::int64_t>>& shapes,
                             const std::string& source) {
  auto shapeOf = [&](const std::string& key, std::size_t rank) -> const std::vector<std::int64_t>& {
    auto it = shapes.find(key);
    if (it == shapes.end())
      throw InputError(source, key, "missing from the state_dict",
                       "is this an scDFM checkpoint (model_type origin, differential_perceiver)?");
    if (it->second.size() != rank)
      throw InputError(source, key, "has rank " + std::to_string(it->second.size()) + ", expected " +
                                        std::to_string(rank));
    return it->second;
  };
  ModelConfig c;
  const auto& emb = shapeOf("encoder.embedding.weight", 2);
  c.ntoken = emb[0];
  c.d_model = emb[1];
  const auto& lq = shapeOf("blocks.0.diff_self_attn.attn.lambda_q1", 1);
  if (lq[0] <= 0 || c.d_model % lq[0] != 0)
    throw InputError(source, "blocks.0.diff_self_attn.attn.lambda_q1", "length does not divide d_model");
  c.nhead = c.d_model / lq[0];
  std::set<std::int64_t> layers;
  for (const auto& [key, shape] : shapes) {
    if (key.rfind("blocks.", 0) != 0) continue;
    auto dot = key.find('.', 7);
    if (dot == std::string::npos) continue;
    try {
      layers.insert(std::stoll(key.substr(7, dot - 7)));
    } catch (const std::exception&) {
    }
  }
  c.nlayers = static_cast<std::int64_t>(layers.size());
  const auto& fc1 = shapeOf("blocks.0.diff_self_attn.mlp.fc1.weight", 2);
  c.mlp_ratio = static_cast<double>(fc1[0]) / static_cast<double>(c.d_model);
  const auto& t0 = shapeOf("t_embedder.mlp.0.weight", 2);
  c.frequency_embedding_size = t0[1];
  c.use_perturbation_interaction =
      shapes.count("encoder.perturbation_interaction.cross_attn.in_proj_weight") != 0;
  if (c.use_perturbation_interaction)
    c.encoder_hidden = shapeOf("encoder.perturbation_interaction.linear1.weight", 2)[0];
  return c;
}

}  // namespace scdfm
