#pragma once
// The simulator's tiny dataset and a tiny scDFM model briefly trained on it
// (once per test process), shared by the core/flow tests that predict.
#include <cstdint>
#include <string>
#include <vector>

namespace scdfm::test {

std::string tinyData();  // build/data/tiny.h5ad
bool haveTinyData();
// checkpoint.safetensors of a 2-step model (d_model 32, 2 layers; normalize_total 1e4 + log1p).
const std::string& tinyCheckpoint();

// Python (numpy + anndata) code defining model_space(name): the rows listed in
// DIR/<name>.rows of tiny.h5ad, normalize_total(1e4) + log1p, at the var
// columns listed in DIR/genes.cols — the tiny model's space, computed
// independently of core. writeIndexFile writes such a list.
std::string pythonModelSpace(const std::string& dir);
void writeIndexFile(const std::string& path, const std::vector<std::int64_t>& indices);

}  // namespace scdfm::test

#define SCDFM_REQUIRE_TINY_DATA()                                                                    \
  do {                                                                                               \
    if (!scdfm::test::haveTinyData())                                                                \
      GTEST_SKIP() << "no " << scdfm::test::tinyData() << " (build the 'datasets' target)";          \
  } while (0)
