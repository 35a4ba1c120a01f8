// The model configuration a checkpoint declares, validated. Torch-free (the
// fuzz harness of the checkpoint loader links it without LibTorch).
#include <nlohmann/json.hpp>

#include "core/flow/ModelLoading.h"
#include "core/util/Error.h"

namespace scdfm {

ModelConfig checkpointModelConfig(const ModelCheckpoint& checkpoint, const std::string& source) {
  ModelConfig c;
  try {
    from_json(checkpoint.modelConfig, c);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, "__metadata__.model_config", std::string("malformed (") + e.what() + ")",
                     "The checkpoint is corrupt");
  }
  if (checkpoint.graphMask) c.n_graph_tokens = checkpoint.graphMask->shape.at(0);
  c.validate(source);
  return c;
}

}  // namespace scdfm
