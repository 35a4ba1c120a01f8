#pragma once
// The authors' gene-interaction graph (build_gene_coexpression_graph +
// sorted_pad_mask, spec §1.6) as a plain attention mask: T x T bytes,
// 1 = attention NOT allowed (PyTorch bool attn_mask), rows/columns are the
// 4 special tokens followed by the genes in sorted (bytewise) name order,
// i.e. the vocabulary order. Torch-free; the model converts it to a tensor.
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/AnnData.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

struct GeneGraphOptions {
  int topk = 30;                 // neighbours kept per gene (self excluded)
  bool useNegativeEdge = true;   // rank and keep |correlation| (the authors' run.sh)
  int padTokens = 4;             // special tokens prepended (<pad>, <cls>, <mask>, control)
  std::int64_t chunkRows = 2048;  // cells per step when accumulating correlations
};

struct GeneGraphMask {
  std::int64_t size = 0;                 // T = padTokens + genes
  std::vector<std::uint8_t> blocked;     // T*T row-major, 1 = not allowed
  std::vector<std::string> geneOrder;    // genes in row/column order after the specials (sorted)
  int padTokens = 4;

  bool isBlocked(std::int64_t i, std::int64_t j) const { return blocked[static_cast<std::size_t>(i * size + j)] != 0; }
  // Number of allowed gene-gene edges, self loops included.
  std::int64_t allowedGeneEdges() const;
};

// Builds the mask from expression (cells x genes, in `geneNames` order; the
// authors use the training cells' already log-normalised X). Steps:
//  1. Xp = log1p(max(X, 0)); z-score each gene (mean, std ddof 1; std 0 -> 1).
//  2. C = Pearson correlation of the z-scored genes (np.corrcoef); NaN (zero
//     variance) -> 0; diagonal 1; clipped to [-1, 1].
//  3. W = |C| with negative edges, else C.
//  4. Per gene i: the topk largest |W[i,j]|, j != i (ties: lower j first; the
//     original's np.argpartition leaves ties unspecified); zero values dropped.
//  5. A = max(A, A^T); diagonal 1; allowed = A != 0; mask = !allowed.
//  6. Rows/columns reordered by sorted gene name; padTokens all-blocked rows
//     and columns prepended; then mask[i,i] = 0 for i < genes (the quirk).
// Accumulates the correlation over row chunks (memory G x G doubles), reports
// progress and checks `cancel` between chunks. Throws InputError on duplicate
// gene names or a shape mismatch.
GeneGraphMask buildGeneGraph(const ExpressionMatrix& expression, const std::vector<std::string>& geneNames,
                             const GeneGraphOptions& options = {}, const Progress& progress = Progress::none(),
                             const CancelToken& cancel = {});

}  // namespace scdfm
