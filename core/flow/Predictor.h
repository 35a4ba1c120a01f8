#pragma once
// The one prediction service used by the CLI (`scdfm predict`) and the GUI:
// checkpoint → for each requested perturbation, cells generated from control
// cells of one context (cell type) of a dataset, as the authors evaluate
// (spec §4: n = 128 control cells drawn by a random permutation, one Gaussian
// noise sample per control cell, fixed-grid RK4 on linspace(0, 1, 20), clamp ≥ 0).
// Torch-free (PIMPL): plain Eigen/std results, Progress per ODE step, CancelToken.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/flow/OdeMethod.h"
#include "core/io/AnnData.h"
#include "core/io/ModelCheckpoint.h"
#include "core/model/AttentionMap.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

class Dataset;

struct PredictRequest {
  std::vector<std::string> perturbations;  // what users type: "KLF1", "KLF1+MAP2K6", "KLF1+ctrl"
  std::string context;                     // cell type ("" = every control cell)
  std::int64_t cells = 128;                // generated cells per perturbation (= control cells drawn)
  OdeMethod method = OdeMethod::Rk4;
  std::int64_t timePoints = 20;            // grid points incl. 0 and 1 (authors: 20 → 19 steps)
  std::uint64_t seed = 0;
  std::int64_t chunkSize = 0;              // cells integrated together (0 = automatic, see SamplerOptions)
  std::vector<std::string> genes;          // genes to generate ("" = the model's genes found in the data)
  std::vector<std::int64_t> attentionCells;  // generated cells whose attention maps to return (GUI)
};

// What the model makes of one query, before anything runs (GUI validation).
struct PerturbationCheck {
  std::string query;                       // as typed
  std::string key;                         // canonical "A+B" (sorted), as Perturbation::key()
  std::vector<std::string> targets;        // gene names as in the vocabulary
  std::vector<std::int64_t> tokens;        // 2 vocabulary ids (single: [gene, control])
  bool combination = false;
  bool observedInData = false;             // the dataset has cells of this condition
  std::optional<bool> seenInTraining;      // unknown when the checkpoint has no training list
  std::vector<std::string> notes;          // e.g. "unseen combination of known genes"
};

struct PredictedPerturbation {
  PerturbationCheck check;
  std::vector<std::string> genes;          // column names of `cells`
  RowMatrixF cells;                        // generated cells × genes (clamped ≥ 0)
  std::vector<std::int64_t> controlRows;   // dataset rows of the control cells used (one per generated cell)
  std::vector<AttentionMap> attention;
  double seconds = 0;
};

// How a checkpoint fits a dataset: what can be predicted and compared, and
// what not (shown when both are open, before anything runs).
struct CompatibilityReport {
  std::int64_t modelGenes = 0, genesInData = 0;
  std::vector<std::string> missingGenes;           // model genes absent from the dataset (left out of predictions)
  std::vector<std::string> predictableConditions;  // observed conditions the model can encode (keys)
  std::vector<std::string> unknownConditions;      // observed conditions naming a gene outside the model's vocabulary
  std::vector<std::string> unsupportedConditions;  // observed drug or >2-component conditions
  std::int64_t controlCells = 0;
  bool usable() const { return genesInData >= 2 && controlCells > 0; }
  // Plain sentences for the user: what works, what is missing and what to do.
  std::vector<std::string> messages() const;
};

class Predictor {
 public:
  // Reads and validates the checkpoint; builds the network on `device`
  // ("auto", "cpu", "cuda[:N]"). Throws InputError for a bad checkpoint.
  explicit Predictor(const std::string& checkpointPath, const std::string& device = "auto");
  Predictor(ModelCheckpoint checkpoint, const std::string& source, const std::string& device = "auto");
  ~Predictor();
  Predictor(Predictor&&) noexcept;
  Predictor& operator=(Predictor&&) noexcept;

  const ModelCheckpoint& checkpoint() const;
  const std::string& sourcePath() const;  // the checkpoint file (or the source given)
  std::string deviceName() const;

  // Parses and checks a query against the model's vocabulary (InputError with
  // the closest names for unknown genes; drugs and >2 components refused).
  // `dataset` (optional) fills observedInData.
  PerturbationCheck check(const std::string& query, const Dataset* dataset = nullptr) const;
  CompatibilityReport compatibility(const Dataset& dataset) const;
  // Model genes found in the dataset (order of the model), or request.genes checked.
  std::vector<std::string> genesFor(const Dataset& dataset, const std::vector<std::string>& requested = {}) const;

  // Generates cells for every requested perturbation (all are checked first).
  // onResult is called as each perturbation finishes; progress reports every
  // ODE step; cancel is checked between steps. Deterministic given the seed:
  // each perturbation's control draw and noise depend on (seed, key) only.
  std::vector<PredictedPerturbation> predict(
      const Dataset& dataset, const PredictRequest& request,
      const std::function<void(const PredictedPerturbation&)>& onResult = {},
      const Progress& progress = Progress::none(), const CancelToken& cancel = {}) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Deterministic 64-bit seed for (seed, text): FNV-1a of text mixed with seed.
std::uint64_t deriveSeed(std::uint64_t seed, const std::string& text);

}  // namespace scdfm
