#pragma once
// Shared by the CLI tests: the scdfm binary, the simulator's tiny dataset and
// the options of a tiny model that trains in seconds.
#include <filesystem>
#include <string>

#include "TestSupport.h"

namespace scdfm::test {

inline std::string scdfmBin() { return binDir() + "/scdfm --threads 1"; }
inline std::string tiny() { return dataDir() + "/tiny.h5ad"; }
inline const char* kTinyModel =
    " --d-model 32 --layers 2 --heads 4 --hvg 0 --topk 5 --batch 8 --genes-per-step 40 --device cpu --quiet";

}  // namespace scdfm::test
