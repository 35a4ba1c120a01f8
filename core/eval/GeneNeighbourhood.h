#pragma once
// The neighbourhood of perturbed genes in the model's gene-interaction graph:
// for each centre gene, the genes it may attend to (allowed edges of the graph
// mask, ModelCheckpoint::graphMask) with the signed Pearson correlation of their
// expression in a cell set (e.g. the control cells), strongest |r| first.
// (In eval, not data: the correlation is stats::pearson, and data must not
// depend on eval.)
#include <string>
#include <vector>

#include "core/io/AnnData.h"
#include "core/io/ModelCheckpoint.h"
#include "core/io/Safetensors.h"

namespace scdfm {

struct GeneNeighbour {
  std::string gene;
  double correlation = 0;  // Pearson r over the cells; NaN when a gene lacks expression values or is constant
};

struct CentreNeighbourhood {
  std::string gene;
  std::vector<GeneNeighbour> neighbours;  // sorted by |r| descending (NaN last), at most maxNeighbours
  int neighboursInGraph = 0;              // before the limit
  bool expressed = true;                  // the centre gene has a column in the expression matrix
};

struct GeneNeighbourhood {
  std::vector<CentreNeighbourhood> centres;  // the requested genes found in the graph, in the order given
  std::vector<std::string> notInGraph;       // requested genes the graph does not cover
};

struct NeighbourhoodOptions {
  int maxNeighbours = 20;  // per centre gene
};

// mask: M × M booleans (nonzero = edge NOT allowed), rows/columns = vocabulary ids 0..M−1
// (the special tokens, then the genes sorted). Special tokens are never neighbours, nor
// is the gene itself. expression: cells × genes with names expressionGenes (any order).
// InputError when the mask is not square, covers more tokens than the vocabulary, or
// the expression matrix and its gene names disagree.
GeneNeighbourhood geneNeighbourhood(const RawTensor& mask, const std::vector<std::string>& vocabulary,
                                    const RowMatrixF& expression, const std::vector<std::string>& expressionGenes,
                                    const std::vector<std::string>& centreGenes,
                                    const NeighbourhoodOptions& options = {});
// The checkpoint's own mask and vocabulary; InputError naming `source` when it has no mask.
GeneNeighbourhood geneNeighbourhood(const ModelCheckpoint& checkpoint, const std::string& source,
                                    const RowMatrixF& expression, const std::vector<std::string>& expressionGenes,
                                    const std::vector<std::string>& centreGenes,
                                    const NeighbourhoodOptions& options = {});

}  // namespace scdfm
