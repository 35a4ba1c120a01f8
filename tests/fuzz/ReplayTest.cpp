// Replays the fuzz seed corpus and every input the fuzzers ever broke a reader
// with (tests/fuzz/regressions/<target>/) through the real readers of the
// normal build, torch included. Each input must keep the promise of
// FuzzSupport.h: accepted, or an InputError that names the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "FuzzSupport.h"
#include "core/util/MemoryBudget.h"

using namespace scdfm;

namespace {

struct Case {
  const char* dir;
  fuzz::Target target;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.dir; }  // the test name shows the target

class FuzzReplay : public ::testing::TestWithParam<Case> {};

std::vector<std::filesystem::path> inputsOf(const std::string& target) {
  std::vector<std::filesystem::path> out;
  for (const char* kind : {"corpus", "regressions"}) {
    const std::filesystem::path dir = std::filesystem::path(SCDFM_TEST_SOURCE_DIR) / "tests/fuzz" / kind / target;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_P(FuzzReplay, EveryInputIsReadOrRejectedWithANamedError) {
  setMemoryBudget(fuzz::kFuzzMemoryBudget);
  const auto inputs = inputsOf(GetParam().dir);
  ASSERT_FALSE(inputs.empty()) << "no seed inputs for " << GetParam().dir;
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(fuzz::violation(GetParam().target, bytes.data(), bytes.size()), "") << path;
  }
  setMemoryBudget(0);
}

INSTANTIATE_TEST_SUITE_P(, FuzzReplay,
                         ::testing::Values(Case{"h5ad", &fuzz::runH5ad}, Case{"checkpoint", &fuzz::runCheckpoint},
                                           Case{"torch_import", &fuzz::runTorchImport},
                                           Case{"perturbation", &fuzz::runPerturbation}),
                         [](const auto& info) { return std::string(info.param.dir); });

}  // namespace
