#pragma once
// Combination screen: for n genes (2–30), predict every single and every pair
// (n + n(n−1)/2 perturbations) from the control cells of one context with the
// Predictor, and score each pair's genetic interaction (core/eval/
// GeneticInteraction.h) from the predicted mean changes; where the data holds
// cells of the pair and of both singles in that context, score the observed
// cells too, so the two can be compared.
//
// Mean changes are taken against the mean of every control cell of the context,
// in the model's space (checkpoint preprocessing) over the model's genes in the
// data; the pair's own two target genes are left out of the fit (their
// knockdown says nothing about the interaction). Torch-free (used by the GUI).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/eval/GeneticInteraction.h"
#include "core/flow/Predictor.h"

namespace scdfm {

class ProcessGroup;

struct CombinationScreenRequest {
  std::vector<std::string> genes;  // 2–30 perturbation targets
  std::string context;             // cell type ("" = every control cell)
  std::int64_t cells = 128;        // generated cells per perturbation
  OdeMethod method = OdeMethod::Rk4;
  std::int64_t timePoints = 20;
  std::uint64_t seed = 0;
  std::int64_t chunkSize = 0;  // cells integrated together (0 = automatic, see SamplerOptions)
  GiOptions gi;  // estimator and thresholds; excludedGenes is set per pair
  // Ranks sharing the predictions (entry i of singles-then-pairs on rank i % worldSize,
  // core/dist/SplitWork.h); every rank gets every result and the same screen. Null: this process.
  ProcessGroup* group = nullptr;
};

struct ScreenPair {
  std::size_t a = 0, b = 0;        // indices into CombinationScreenResult::genes, a < b
  std::string geneA, geneB;
  std::string key;                 // "A+B" as the catalog spells it
  GiScore predicted;
  std::optional<GiScore> observed; // the pair and both singles have cells in the context
  std::int64_t observedCells = 0;  // cells of the pair in the context
  std::vector<std::string> notes;  // the Predictor's notes (e.g. unseen combination)
};

struct CombinationScreenResult {
  std::vector<std::string> genes;        // screened genes (vocabulary spelling, request order)
  std::vector<std::string> scoredGenes;  // genes the mean changes run over
  std::string context;
  Eigen::MatrixXd predictedScore;        // n × n GI score (log2(m/√2)), symmetric, NaN diagonal
  Eigen::MatrixXd observedScore;         // the same from observed cells; NaN where not observed
  std::vector<ScreenPair> pairs;         // (0,1), (0,2), …, (n−2,n−1)
};

// Checks everything first (InputError: fewer than 2 or more than 30 genes, a
// repeated gene, a gene unknown to the model, a context without control cells).
// onPair is called as each pair is scored (singles are predicted first);
// progress covers the whole screen; cancel is checked between ODE steps
// (throws Cancelled). Deterministic given the seed (as Predictor::predict).
CombinationScreenResult runCombinationScreen(const Predictor& predictor, const Dataset& dataset,
                                             const CombinationScreenRequest& request,
                                             const std::function<void(const ScreenPair&)>& onPair = {},
                                             const Progress& progress = Progress::none(),
                                             const CancelToken& cancel = {});

constexpr std::size_t kMinScreenGenes = 2, kMaxScreenGenes = 30;

// One row per pair: gene_a, gene_b, predicted_<field>..., observed_<field>...
// (empty when not observed), observed (yes/no), observed_cells; fields are
// c1, c2, magnitude, score, additive_departure, r2, fit_pearson, dominance, type.
// Atomic; InputError naming the file when it cannot be written.
void writeCombinationScreenCsv(const std::string& path, const CombinationScreenResult& result);

}  // namespace scdfm
