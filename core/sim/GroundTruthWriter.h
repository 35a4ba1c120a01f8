#pragma once
// Writes a simulation's ground truth beside its .h5ad, in <stem>.truth/:
//   README.txt              what each file holds
//   params.json             the configuration and the design (cell types, guides, drugs)
//   genes.csv               gene,module,role,basal_log_rate,nb_size,state_loading,control_expected_count
//   network_edges.csv       source,target,weight,sign,feedback   (directed; weight in log-rate units)
//   gene_graph.safetensors  "adjacency": U8 [G,G] in var order, 1 = edge (undirected, diagonal 1);
//                           "mask": U8 [G+4,G+4], 1 = blocked, the scDFM attention-mask layout
//                           (4 special tokens, then genes in sorted order; see core/data/GeneGraph.h);
//                           metadata: genes (var order), gene_order (mask order), both as JSON arrays
//   conditions.csv          condition,key,perturbation_type,targets,dose,n_cells,guide_mean_effect
//   mean_shift_log1p.csv    condition,key,dose,<genes...>: true E[log1p(CPM-like)] minus control
//   expected_counts.csv     condition,key,dose,<genes...>: true expected UMIs per cell (count space)
//   interactions.csv        one row per combination: type, designed strength, scores (GroundTruth.h)
//   drugs.csv               drug,targets,response_module,n_response_genes,ec50_nM,hill,emax
#include <string>

#include "core/sim/PerturbSeqSimulator.h"

namespace scdfm::sim {

// "<dir>/demo.h5ad" -> "<dir>/demo.truth"
std::string truthFolderFor(const std::string& h5adPath);

// Writes every file atomically; creates the folder. InputError when it
// cannot be created.
void writeGroundTruth(const SimulationResult& result, const std::string& folder);

}  // namespace scdfm::sim
