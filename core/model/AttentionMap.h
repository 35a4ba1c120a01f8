#pragma once
// One differential-attention map set, as plain arrays for views and exports
// (torch-free). softmax1/softmax2 are heads×rows×cols row-major; the map the
// block applies is softmax1 − λ·softmax2 (per head, before RMSNorm).
#include <cstdint>
#include <string>
#include <vector>

namespace scdfm {

struct AttentionMap {
  std::int64_t cell = 0;   // index of the generated cell
  std::int64_t block = 0;  // DiffPerceiver block
  std::string part;        // "diff_self_attn" | "diff_cross_attn"
  double time = 0;         // flow time of the state the maps were taken at
  std::int64_t heads = 0, rows = 0, cols = 0;
  std::vector<float> softmax1, softmax2;
  double lambda = 0;
  float at1(std::int64_t h, std::int64_t r, std::int64_t c) const { return softmax1[(h * rows + r) * cols + c]; }
  float at2(std::int64_t h, std::int64_t r, std::int64_t c) const { return softmax2[(h * rows + r) * cols + c]; }
};

}  // namespace scdfm
