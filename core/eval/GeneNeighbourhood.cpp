#include "core/eval/GeneNeighbourhood.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/data/GeneVocab.h"
#include "core/eval/Stats.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {
constexpr const char* kWhere = "gene-interaction graph";

std::vector<double> column(const RowMatrixF& m, long j) {
  std::vector<double> v(m.rows());
  for (long i = 0; i < m.rows(); ++i) v[i] = m(i, j);
  return v;
}
}  // namespace

GeneNeighbourhood geneNeighbourhood(const RawTensor& mask, const std::vector<std::string>& vocabulary,
                                    const RowMatrixF& expression, const std::vector<std::string>& expressionGenes,
                                    const std::vector<std::string>& centreGenes, const NeighbourhoodOptions& options) {
  if (mask.shape.size() != 2 || mask.shape[0] != mask.shape[1] ||
      mask.data.size() != static_cast<std::size_t>(mask.numel()) ||
      (mask.dtype != DType::BOOL && mask.dtype != DType::U8))
    throw InputError("", kWhere, "the graph mask is not a square boolean matrix",
                     "Load the mask that belongs to the model (scdfm import --mask).");
  const std::int64_t M = mask.shape[0];
  if (M > static_cast<std::int64_t>(vocabulary.size()))
    throw InputError("", kWhere,
                     fmt::format("the mask covers {} tokens but the vocabulary has {}", M, vocabulary.size()),
                     "The mask and the vocabulary must come from the same model.");
  if (static_cast<long>(expressionGenes.size()) != expression.cols())
    throw InputError("", kWhere,
                     fmt::format("{} gene names for an expression matrix of {} genes", expressionGenes.size(),
                                 expression.cols()),
                     "Pass one gene name per expression column.");
  std::unordered_map<std::string, long> exprColumn;
  for (long j = 0; j < static_cast<long>(expressionGenes.size()); ++j) exprColumn.emplace(expressionGenes[j], j);
  std::unordered_map<std::string, std::int64_t> token;
  for (std::int64_t t = GeneVocab::kSpecials; t < M; ++t) token.emplace(vocabulary[t], t);

  GeneNeighbourhood out;
  for (const auto& gene : centreGenes) {
    auto tok = token.find(gene);
    if (tok == token.end()) {
      out.notInGraph.push_back(gene);
      continue;
    }
    CentreNeighbourhood c;
    c.gene = gene;
    auto centreCol = exprColumn.find(gene);
    c.expressed = centreCol != exprColumn.end();
    const std::vector<double> centreValues = c.expressed ? column(expression, centreCol->second) : std::vector<double>();
    const std::uint8_t* row = mask.data.data() + tok->second * M;
    for (std::int64_t t = GeneVocab::kSpecials; t < M; ++t) {
      if (t == tok->second || row[t]) continue;
      GeneNeighbour n;
      n.gene = vocabulary[t];
      auto col = exprColumn.find(n.gene);
      n.correlation = (c.expressed && col != exprColumn.end())
                          ? stats::pearson(centreValues, column(expression, col->second))
                          : std::numeric_limits<double>::quiet_NaN();
      c.neighbours.push_back(std::move(n));
    }
    c.neighboursInGraph = static_cast<int>(c.neighbours.size());
    auto key = [](const GeneNeighbour& n) { return std::isnan(n.correlation) ? -1.0 : std::fabs(n.correlation); };
    std::stable_sort(c.neighbours.begin(), c.neighbours.end(),
                     [&](const GeneNeighbour& a, const GeneNeighbour& b) { return key(a) > key(b); });
    if (static_cast<int>(c.neighbours.size()) > options.maxNeighbours)
      c.neighbours.resize(std::max(options.maxNeighbours, 0));
    out.centres.push_back(std::move(c));
  }
  return out;
}

GeneNeighbourhood geneNeighbourhood(const ModelCheckpoint& checkpoint, const std::string& source,
                                    const RowMatrixF& expression, const std::vector<std::string>& expressionGenes,
                                    const std::vector<std::string>& centreGenes, const NeighbourhoodOptions& options) {
  if (!checkpoint.graphMask)
    throw InputError(source, "scdfm.graph_mask", "the checkpoint has no gene-interaction graph",
                     "Import the model together with its mask (scdfm import --mask mask.pt).");
  return geneNeighbourhood(*checkpoint.graphMask, checkpoint.vocabulary, expression, expressionGenes, centreGenes,
                           options);
}

}  // namespace scdfm
