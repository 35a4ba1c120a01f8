#pragma once
// scDFM Studio's checkpoint: one .safetensors file (readable by Python's
// `safetensors.torch.load_file`) holding
//   - the network weights under the authors' state_dict names (so
//     `model.load_state_dict({k: v for k, v in f.items() if not k.startswith("scdfm.")})`
//     works in Python),
//   - the gene-interaction mask as tensor "scdfm.graph_mask" (BOOL, M×M, True = blocked),
//   - trainer state (optimizer moments, ...) as tensors "scdfm.state.<name>",
// and in "__metadata__" (str → JSON text):
//   format / format_version, model_config (ModelConfig JSON), genes (the
//   model's gene order), vocabulary (tokens by id), drugs (perturbation tokens
//   that are not genes), graph (how the mask was made), preprocessing,
//   training (provenance: data SHA-256, split, steps, seed, metrics),
//   trainer_state (JSON scalars needed to resume).
// Torch-free: the model layer converts RawTensor ⇄ torch::Tensor.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/Safetensors.h"

#include "core/util/CancelToken.h"

namespace scdfm {

struct CheckpointPreprocessing {
  double normalizeTotal = 0;  // target library size of normalize_total (0 = none: X used as is)
  bool log1p = false;         // log1p applied by us (false: X already log-normalised, as the authors assume)
  std::string geneSelection;  // how `genes` was chosen, e.g. "seurat HVG 1000 + perturbed genes"
  std::string expressionSource = "X";  // X or layers/<name>
};

struct CheckpointTraining {
  std::string dataFile;        // file name the model was trained on ("" for imports)
  std::string dataSha256;      // SHA-256 of that file
  std::string split;           // e.g. "additive fold 1" or "custom"
  std::vector<std::string> trainConditions, testConditions;
  std::int64_t steps = 0;      // optimizer steps taken
  std::uint64_t seed = 0;
  std::string contextColumn;   // obs column used as context (cell type), "" = none
  nlohmann::json hyper = nlohmann::json::object();    // lr, batch size, gamma, ...
  nlohmann::json metrics = nlohmann::json::object();  // validation metrics by name
  std::string importedFrom;    // source file of `scdfm import` ("" otherwise)
  std::string createdBy;       // "scdfm 0.1.0"
  std::string createdAt;       // ISO 8601 UTC
};

struct ModelCheckpoint {
  nlohmann::json modelConfig = nlohmann::json::object();  // ModelConfig as JSON (core/model/ModelConfig.h)
  std::vector<std::string> genes;       // genes the model reads and predicts, in model order
  std::vector<std::string> vocabulary;  // tokens by id (GeneVocab); empty when unknown
  std::vector<std::string> drugs;       // drug perturbation tokens (non-crisper models); usually empty
  std::map<std::string, RawTensor> weights;  // authors' state_dict names
  std::optional<RawTensor> graphMask;   // (M,M) BOOL, True = attention not allowed
  nlohmann::json graph = nlohmann::json::object();  // provenance: {"source": ..., "topk": 30, ...}
  CheckpointPreprocessing preprocessing;
  CheckpointTraining training;
  std::map<std::string, RawTensor> trainerState;  // resumable state (optimizer moments, ...)
  nlohmann::json trainerMeta = nlohmann::json::object();  // step, RNG state, ... (JSON)

  // name → shape of the weights (for ModelConfig inference and key checks).
  std::map<std::string, std::vector<std::int64_t>> weightShapes() const;
};

void to_json(nlohmann::json& j, const CheckpointPreprocessing& p);
void from_json(const nlohmann::json& j, CheckpointPreprocessing& p);
void to_json(nlohmann::json& j, const CheckpointTraining& t);
void from_json(const nlohmann::json& j, CheckpointTraining& t);

inline constexpr const char* kCheckpointFormat = "scdfm-studio-checkpoint";
inline constexpr int kCheckpointFormatVersion = 1;

// Writes atomically. Throws InputError when inconsistent (see validate).
void writeModelCheckpoint(const std::string& path, const ModelCheckpoint& checkpoint);
// Reads and validates. Errors name the file and the missing / malformed key;
// a plain safetensors state_dict (no scdfm metadata) gets a hint to run `scdfm import`.
ModelCheckpoint readModelCheckpoint(const std::string& path);
// Structural checks shared by reader and writer: non-empty weights, mask square
// and boolean, vocabulary covering the genes and the mask, expected shapes.
void validateCheckpoint(const ModelCheckpoint& checkpoint, const std::string& source);
// Checks weights against expected name → shape (e.g. from the model); one
// InputError listing every missing, unexpected and mis-shaped key.
void checkWeightShapes(const std::map<std::string, RawTensor>& weights,
                       const std::map<std::string, std::vector<std::int64_t>>& expected, const std::string& source,
                       bool allowUnexpected = false);

// True when the file is a safetensors file carrying our metadata.
bool isModelCheckpoint(const std::string& path);

// SHA-256 of a file's bytes, hex (for training provenance).
// `cancel` is checked between 1 MiB blocks (a large data file takes seconds).
std::string sha256File(const std::string& path, const CancelToken& cancel = {});
// Current UTC time as ISO 8601 ("2026-11-25T14:32:43Z").
std::string utcNowIso8601();

}  // namespace scdfm
