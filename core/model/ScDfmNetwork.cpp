#include "core/model/ScDfmNetwork.h"

#include "core/model/ScDfmModel.h"
#include "core/util/Error.h"
#include "core/util/Allocator.h"
#include "core/util/Threads.h"

namespace scdfm {

struct ScDfmNetwork::Impl {
  ScDfmModel model{nullptr};
  torch::Device device{torch::kCPU};
};

ScDfmNetwork::ScDfmNetwork() : impl_(std::make_unique<Impl>()) {}
ScDfmNetwork::~ScDfmNetwork() = default;

void applyTorchThreads() {
  keepFreedMemoryForReuse();
  const int intraOp = torchIntraOpThreads();
  if (torch::get_num_threads() != intraOp) torch::set_num_threads(intraOp);
  applyBlasThreads(blasThreads());
}

namespace {
std::shared_ptr<ScDfmNetwork> finish(std::shared_ptr<ScDfmNetwork> net, ScDfmModel model, const RawTensor& mask,
                                     const std::string& device, torch::Device& slot) {
  slot = selectDevice(device);
  model->to(slot);
  model->setGraphMask(toTorch(mask));
  model->eval();
  return net;
}
}  // namespace

std::shared_ptr<ScDfmNetwork> ScDfmNetwork::fromState(const std::map<std::string, RawTensor>& state,
                                                      const RawTensor& graphMask, const std::string& source,
                                                      const ModelConfig* config, const std::string& device) {
  applyTorchThreads();
  ModelConfig cfg = config ? *config : inferModelConfig(shapesOf(state), source);
  if (graphMask.shape.size() == 2) cfg.n_graph_tokens = graphMask.shape[0];
  std::shared_ptr<ScDfmNetwork> net(new ScDfmNetwork());
  net->impl_->model = ScDfmModel(cfg);
  loadStateDict(*net->impl_->model, state, source);
  return finish(net, net->impl_->model, graphMask, device, net->impl_->device);
}

std::shared_ptr<ScDfmNetwork> ScDfmNetwork::fromSafetensors(const std::string& weightsPath,
                                                            const std::string& maskPath, const std::string& device) {
  auto weights = readSafetensors(weightsPath);
  auto maskFile = readSafetensors(maskPath);
  return fromState(weights.tensors, maskFile.at("graph_mask"), weightsPath, nullptr, device);
}

std::shared_ptr<ScDfmNetwork> ScDfmNetwork::initialized(const ModelConfig& config, const RawTensor& graphMask,
                                                        std::uint64_t seed, const std::string& device) {
  applyTorchThreads();
  std::shared_ptr<ScDfmNetwork> net(new ScDfmNetwork());
  net->impl_->model = ScDfmModel(config);
  net->impl_->model->initializeWeights(seed);
  return finish(net, net->impl_->model, graphMask, device, net->impl_->device);
}

const ModelConfig& ScDfmNetwork::config() const { return impl_->model->config(); }
std::int64_t ScDfmNetwork::graphTokens() const { return impl_->model->graphMask().size(0); }
std::int64_t ScDfmNetwork::parameterCount() const {
  std::int64_t n = 0;
  for (const auto& p : impl_->model->parameters()) n += p.numel();
  return n;
}
std::string ScDfmNetwork::deviceName() const { return impl_->device.str(); }
std::map<std::string, RawTensor> ScDfmNetwork::stateDict() const { return scdfm::stateDict(*impl_->model); }
RawTensor ScDfmNetwork::graphMask() const { return fromTorch(impl_->model->graphMask().to(torch::kUInt8)); }
ScDfmModelImpl& ScDfmNetwork::module() const { return *impl_->model; }
std::shared_ptr<ScDfmModelImpl> ScDfmNetwork::modulePtr() const { return impl_->model.ptr(); }

std::vector<ComputeDevice> computeDevices() {
  std::vector<ComputeDevice> out{{"cpu", "CPU (" + std::to_string(threadCount()) + " threads)"}};
  if (torch::cuda::is_available())
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(torch::cuda::device_count()); ++i)
      out.push_back({"cuda:" + std::to_string(i), "CUDA GPU " + std::to_string(i)});
  return out;
}

}  // namespace scdfm
