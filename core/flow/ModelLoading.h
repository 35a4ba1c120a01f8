#pragma once
// Torch-free checks of a checkpoint against the scDFM network, for the CLI
// (`scdfm import`) and the GUI: which weights the network expects for a
// configuration, and whether a checkpoint provides exactly those.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/ModelCheckpoint.h"
#include "core/model/ModelConfig.h"

namespace scdfm {

class ScDfmNetwork;

// The ModelConfig stored in a checkpoint, validated (InputError naming the field).
ModelConfig checkpointModelConfig(const ModelCheckpoint& checkpoint, const std::string& source);
// name → shape of every parameter of the network built from `config`.
std::map<std::string, std::vector<std::int64_t>> expectedWeightShapes(const ModelConfig& config);
// Throws one InputError listing every missing, unexpected and mis-shaped weight.
void checkCheckpointWeights(const ModelCheckpoint& checkpoint, const std::string& source);
// The network of a checkpoint (weights + mask) on `device` ("auto", "cpu", "cuda[:N]"), eval mode.
// InputError when the mask is missing or a weight does not fit.
std::shared_ptr<ScDfmNetwork> networkFromCheckpoint(const ModelCheckpoint& checkpoint, const std::string& source,
                                                    const std::string& device = "auto");

// Import of the authors' checkpoints (`scdfm import`, the GUI's import dialog).
struct ImportRequest {
  std::string checkpoint;  // torch.save .pt (state_dict or {'model_state_dict': ...}) or .safetensors
  std::string vocab;       // authors' tokenizer JSON ("" = none)
  std::string mask;        // graph mask: torch.save of a bool tensor, or .safetensors with one tensor ("" = none)
  std::vector<std::string> genes;  // model gene order ("" = the vocabulary's genes)
};
struct ImportReport {
  std::vector<std::string> strippedPrefixes;  // e.g. "model.", "module."
  std::int64_t parameters = 0;
  std::vector<std::string> warnings;          // no vocabulary, no mask
};
// Reads the state_dict (nested under model_state_dict or prefixed by model./module. is
// fine), infers the config from tensor shapes, attaches vocabulary and mask, checks
// every weight against the network. Throws InputError naming the file and key.
ModelCheckpoint importAuthorsCheckpoint(const ImportRequest& request, ImportReport* report = nullptr);
// A graph-mask file (torch.save bool tensor or single-tensor safetensors) as BOOL (M,M).
RawTensor readGraphMaskFile(const std::string& path);

}  // namespace scdfm
