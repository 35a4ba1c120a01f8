#pragma once
// Shared by the model and flow golden tests: a golden case folder
// (config.json, weights.safetensors, *.safetensors) loaded into an ScDfmModel.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "TestSupport.h"
#include "core/io/Safetensors.h"
#include "core/model/ModelConfig.h"
#include "core/model/ScDfmModel.h"
#include "core/util/Threads.h"

namespace scdfm::test {

struct GoldenCase {
  std::string dir, name;
  nlohmann::ordered_json config;  // key order kept (config.json → keys is in state_dict order)
  ModelConfig modelConfig;
  ScDfmModel model{nullptr};

  double tolerance(const std::string& key) const { return config.at("tolerance").at(key).get<double>(); }
  SafetensorsFile file(const std::string& stem) const { return readSafetensors(dir + "/" + stem + ".safetensors"); }
};

inline torch::Tensor tensorOf(const SafetensorsFile& f, const std::string& name) { return toTorch(f.at(name)); }

inline double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.sizes() != b.sizes()) {
    ADD_FAILURE() << "shape mismatch " << a.sizes() << " vs " << b.sizes();
    return 1e30;
  }
  return (a.to(torch::kCPU).to(torch::kFloat64) - b.to(torch::kCPU).to(torch::kFloat64)).abs().max().item<double>();
}

// Loads weights and the graph mask (from `maskFile`.safetensors: graph_mask) of a case; eval mode.
// One intra-op thread: results do not depend on it (the golden cases record a
// 1- vs 2-thread difference of 0), and on a loaded shared machine OpenMP's
// spinning barriers make 2 threads many times slower than 1.
inline void useOneThread() {
  setThreadCount(1);
  torch::set_num_threads(1);
  applyBlasThreads(1);
}

inline GoldenCase loadGoldenCase(const std::string& dir, const std::string& maskFile = "forward") {
  useOneThread();
  GoldenCase c;
  c.dir = dir;
  c.name = dir.substr(dir.find_last_of('/') + 1);
  std::ifstream in(dir + "/config.json");
  c.config = nlohmann::ordered_json::parse(in);
  c.modelConfig = fromGoldenConfig(nlohmann::json::parse(c.config.dump()));
  auto weights = readSafetensors(dir + "/weights.safetensors");
  c.model = ScDfmModel(c.modelConfig);
  loadStateDict(*c.model, weights.tensors, weights.path);
  c.model->setGraphMask(toTorch(readSafetensors(dir + "/" + maskFile + ".safetensors").at("graph_mask")));
  c.model->eval();
  return c;
}

}  // namespace scdfm::test
