#pragma once
// Torch-free handle to a loaded scDFM network (weights + gene-interaction
// mask + device). The CLI, the GUI and eval code hold this; torch code reaches
// the module through module().
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/Safetensors.h"
#include "core/model/ModelConfig.h"

namespace scdfm {

struct ScDfmModelImpl;  // torch module (core/model/ScDfmModel.h)

class ScDfmNetwork {
 public:
  // state: the authors' state_dict keys; config: inferred from the shapes when null.
  // graphMask: (M,M) U8/BOOL, nonzero = attention not allowed. device: "auto", "cpu", "cuda[:N]".
  static std::shared_ptr<ScDfmNetwork> fromState(const std::map<std::string, RawTensor>& state,
                                                 const RawTensor& graphMask, const std::string& source,
                                                 const ModelConfig* config = nullptr,
                                                 const std::string& device = "auto");
  // weights.safetensors + a safetensors file holding `graph_mask` (e.g. a golden case folder).
  static std::shared_ptr<ScDfmNetwork> fromSafetensors(const std::string& weightsPath, const std::string& maskPath,
                                                       const std::string& device = "auto");
  // Fresh weights (authors' initialisation), for training or benchmarks.
  static std::shared_ptr<ScDfmNetwork> initialized(const ModelConfig& config, const RawTensor& graphMask,
                                                   std::uint64_t seed, const std::string& device = "auto");
  ~ScDfmNetwork();

  const ModelConfig& config() const;
  std::int64_t graphTokens() const;        // M
  std::int64_t parameterCount() const;
  std::string deviceName() const;          // "cpu", "cuda:0"
  std::map<std::string, RawTensor> stateDict() const;
  RawTensor graphMask() const;

  ScDfmModelImpl& module() const;
  std::shared_ptr<ScDfmModelImpl> modulePtr() const;

 private:
  ScDfmNetwork();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sets LibTorch's intra-op threads to threadCount() (core/util/Threads.h) when it differs.
void applyTorchThreads();

// The devices a network can run on, for menus: "cpu" first, then "cuda:N" for
// each GPU LibTorch can use (none with a CPU-only LibTorch).
struct ComputeDevice {
  std::string id;           // as accepted by fromState/initialized: "cpu", "cuda:0"
  std::string description;  // "CPU (8 threads)", "CUDA GPU 0"
};
std::vector<ComputeDevice> computeDevices();

}  // namespace scdfm
