#include "core/flow/CheckpointModel.h"

#include <nlohmann/json.hpp>

#include "core/flow/ModelLoading.h"
#include "core/model/ScDfmNetwork.h"
#include "core/util/Error.h"

namespace scdfm {

std::map<std::string, std::vector<std::int64_t>> expectedWeightShapes(const ModelConfig& config) {
  torch::NoGradGuard noGrad;
  ScDfmModelImpl model(config);
  std::map<std::string, std::vector<std::int64_t>> out;
  for (const auto& p : model.named_parameters(true)) out[p.key()] = p.value().sizes().vec();
  for (const auto& b : model.named_buffers(true)) out[b.key()] = b.value().sizes().vec();
  return out;
}

void checkCheckpointWeights(const ModelCheckpoint& checkpoint, const std::string& source) {
  checkWeightShapes(checkpoint.weights, expectedWeightShapes(checkpointModelConfig(checkpoint, source)), source);
}

std::shared_ptr<ScDfmNetwork> networkFromCheckpoint(const ModelCheckpoint& checkpoint, const std::string& source,
                                                    const std::string& device) {
  if (!checkpoint.graphMask)
    throw InputError(source, "scdfm.graph_mask", "the checkpoint has no gene-interaction mask",
                     "Import it again with the authors' mask: scdfm import ... --mask mask_fold_...pt");
  const ModelConfig config = checkpointModelConfig(checkpoint, source);
  // loadStateDict (in fromState) reports every missing / mis-shaped key.
  auto net = ScDfmNetwork::fromState(checkpoint.weights, *checkpoint.graphMask, source, &config, device);
  net->module().eval();
  return net;
}

void storeModel(ScDfmModelImpl& model, ModelCheckpoint& checkpoint) {
  checkpoint.weights = stateDict(model);
  nlohmann::json j;
  to_json(j, model.config());
  checkpoint.modelConfig = j;
  if (model.graphMask().defined()) checkpoint.graphMask = fromTorch(model.graphMask().to(torch::kBool));
}

}  // namespace scdfm
