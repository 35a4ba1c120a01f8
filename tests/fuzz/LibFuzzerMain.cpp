// libFuzzer entry of one harness; SCDFM_FUZZ_RUN names its target function
// (tests/fuzz/CMakeLists.txt builds one executable per target).
#include <cstdio>
#include <cstdlib>

#include "FuzzSupport.h"
#include "core/util/MemoryBudget.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scdfm::setMemoryBudget(scdfm::fuzz::kFuzzMemoryBudget);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string v = scdfm::fuzz::violation(&scdfm::fuzz::SCDFM_FUZZ_RUN, data, size);
  if (!v.empty()) {
    std::fprintf(stderr, "\nscdfm-fuzz: broken promise: %s\n", v.c_str());
    std::abort();
  }
  return 0;
}
