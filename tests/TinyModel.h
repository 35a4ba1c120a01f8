#pragma once
// The tiny scDFM model the tests train on the simulator's tiny dataset
// (d_model 32, 2 layers, all 100 genes): seconds to train a few steps.
#include <cstdint>
#include <string>

#include "core/flow/Trainer.h"
#include "core/util/Threads.h"

namespace scdfm::test {

inline TrainerOptions tinyModelOptions(const std::string& outDir, std::int64_t steps) {
  setThreadCount(1);  // tiny tensors: one thread is fastest on a shared machine
  TrainerOptions o;
  o.model.d_model = 32;
  o.model.nhead = 4;
  o.model.nlayers = 2;
  o.model.ntoken = 0;
  o.steps = steps;
  o.batchSize = 8;
  o.nTopGenes = 0;
  o.graphTopK = 5;
  o.normalizeTotal = 1e4;  // the simulator writes counts; the model expects log-normalised values
  o.log1p = true;
  o.device = "cpu";
  o.outDir = outDir;
  o.validationConditions = 0;
  return o;
}

}  // namespace scdfm::test
