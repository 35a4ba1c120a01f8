#pragma once
// Summaries of the model's differential-attention maps for the attention views:
// one gene × gene matrix for a chosen block, part, head and map, the attention
// each gene receives from the perturbed genes, and gene subsets to show.
// Rows of every map are query genes, columns key genes, both the generated genes
// in the order the sampler was given them (PredictedPerturbation::genes).
// (AttentionMap is a plain header-only struct; eval does not link the model area.)
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/AttentionMap.h"

namespace scdfm {

enum class AttentionKind {
  Softmax1,    // first softmax map
  Softmax2,    // second softmax map
  Difference,  // softmax1 − λ·softmax2 (what the block applies, before RMSNorm)
};
const char* toString(AttentionKind kind);  // "softmax 1" / "softmax 2" / "softmax 1 − λ·softmax 2"

struct AttentionSelection {
  std::int64_t block = 0;
  std::string part = "diff_self_attn";  // or "diff_cross_attn"
  int head = -1;                         // -1 = mean over heads
  AttentionKind kind = AttentionKind::Difference;
  std::int64_t cell = -1;                // generated cell; -1 = mean over the cells with maps
};

// What the maps contain (for the view's choices).
struct AttentionInventory {
  std::vector<std::int64_t> blocks, cells;  // sorted, unique
  std::vector<std::string> parts;           // in first-seen order
  std::int64_t heads = 0, genes = 0;        // of the first map
  double time = 0;                          // flow time the maps were taken at
};
AttentionInventory attentionInventory(const std::vector<AttentionMap>& maps);

struct AttentionMatrix {
  Eigen::MatrixXd values;  // query genes × key genes
  int mapsAveraged = 0;    // cells averaged
  double lambda = 0;       // λ of the block (mean over the cells averaged)
};
// InputError when no map matches the selection, the head is out of range or the maps differ in shape.
AttentionMatrix attentionMatrix(const std::vector<AttentionMap>& maps, const AttentionSelection& selection);

// Attention each key gene receives: the mean of the given query rows (e.g. the perturbed
// genes); all rows when queryRows is empty.
Eigen::VectorXd attentionReceived(const Eigen::MatrixXd& matrix, const std::vector<int>& queryRows);

// The n columns with the largest value (not |value|), skipping `exclude`; ties: lower index first.
std::vector<int> topAttended(const Eigen::VectorXd& received, int n, const std::vector<int>& exclude = {});

}  // namespace scdfm
