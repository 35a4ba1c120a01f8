#pragma once
// Hyper-parameters of the scDFM network (authors' `origin` model). Plain,
// torch-free: checkpoint writers, the CLI and the GUI include it freely.
// Defaults are what the authors' run.sh effectively trains (spec §0.1:
// d_model 512, 8 heads, 4 layers, ntoken 6000).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace scdfm {

struct ModelConfig {
  std::int64_t ntoken = 6000;   // rows of encoder.embedding (vocabulary capacity)
  std::int64_t d_model = 512;   // D
  std::int64_t nhead = 8;       // H; head size D/H (= len(lambda_q1))
  std::int64_t nlayers = 4;     // DiffPerceiver blocks
  // Graph tokens M (rows of the gene-interaction mask = memory tokens of the
  // gene encoder). Not in the state_dict: 0 means "take it from the mask".
  std::int64_t n_graph_tokens = 0;
  std::int64_t pad_tokens = 4;  // <pad> <cls> <mask> control
  double mlp_ratio = 4.0;       // hidden = mlp_ratio·D (block MLPs)
  // The gene encoder's nn.MultiheadAttention is built with 8 heads whatever
  // nhead is (authors' code); its FFN hidden size (0 = 4·D) is linear1's rows.
  std::int64_t encoder_nhead = 8;
  std::int64_t encoder_hidden = 0;
  double dropout = 0.1;         // training dropout (value encoders, adapter, gene encoder)
  std::int64_t frequency_embedding_size = 256;  // timestep sinusoid features
  std::string model_type = "origin";
  std::string fusion_method = "differential_perceiver";
  // "crisper" (authors): perturbed genes are encoded by the graph-masked gene
  // encoder. "crisper+label" (ours, for data with drugs): genes as in crisper,
  // and each drug@dose label through the authors' perturbation_embedder (their
  // non-crisper path); label k has perturbation token id n_graph_tokens + k.
  std::string perturbation_function = "crisper";
  std::int64_t n_perturbation_labels = 0;  // drug@dose labels ("crisper+label")
  std::string mode = "predict_y";                 // network outputs a velocity
  bool use_perturbation_interaction = true;       // graph-masked cross-attention in the gene encoder

  std::int64_t headDim() const { return d_model / nhead; }
  bool usesLabels() const { return perturbation_function == "crisper+label"; }
  std::int64_t encoderHidden() const { return encoder_hidden > 0 ? encoder_hidden : 4 * d_model; }
  std::int64_t mlpHidden() const { return static_cast<std::int64_t>(static_cast<double>(d_model) * mlp_ratio); }
  // λ_init(depth) = 0.8 − 0.6·exp(−0.3·depth) (Differential Transformer).
  static double lambdaInit(std::int64_t depth);
  // Throws InputError (where = field) when inconsistent or unsupported.
  void validate(const std::string& source = {}) const;

  bool operator==(const ModelConfig&) const = default;
};

void to_json(nlohmann::json& j, const ModelConfig& c);
void from_json(const nlohmann::json& j, ModelConfig& c);  // missing fields keep defaults

// From a golden case's config.json (its "model" and "graph" objects).
ModelConfig fromGoldenConfig(const nlohmann::json& goldenConfig);

// From a state_dict's key → shape map (authors' key names): d_model from
// encoder.embedding.weight, head size from lambda_q1, nlayers from blocks.{i},
// mlp_ratio from mlp.fc1. Throws InputError naming the missing key.
ModelConfig inferModelConfig(const std::map<std::string, std::vector<std::int64_t>>& shapes,
                             const std::string& source = {});

}  // namespace scdfm
