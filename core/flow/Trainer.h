#pragma once
// Training of scDFM on a dataset, as the authors train (spec §1.7, §3):
//  - genes: seurat HVGs (+ every perturbation target found in the data);
//    vocabulary = specials + sorted genes; gene graph from the training cells;
//  - split: the authors' "additive" split (30% of the combinations held out,
//    seeded shuffle) or explicit held-out conditions;
//  - each step: one training perturbation drawn uniformly, `batch` of its cells
//    drawn with replacement, as many control cells of the same context drawn
//    with replacement and paired by index, a random subset of genes;
//  - loss: flow matching + γ·MMD (FlowLoss); Adam(5e-5, β 0.9/0.999, eps 1e-8),
//    cosine LR to 1e-6 over T_max = 200 000 steps (periodic beyond);
//  - periodic atomic checkpoints (our format, with Adam state) and exact resume:
//    every random draw of step s comes from generators seeded by (seed, s), so
//    a resumed run equals an uninterrupted one;
//  - data-parallel training over a ProcessGroup (core/dist): a step is
//    `globalBatch` micro-batches; micro-batch k of step s draws everything from
//    (seed, s, k) only, never from the world size. Training condition i (in the
//    order of TrainResult::trainConditions) belongs to rank i % worldSize; each
//    rank reads the cells of its conditions and the control cells only, runs the
//    micro-batches whose condition it owns, and the gradients are summed over
//    the ranks (bucketed all-reduce) and divided by globalBatch, so every rank
//    takes the same Adam step and 1, 2 or 4 processes train the same model (to
//    float rounding). Rank 0 alone selects genes and builds the gene graph (from
//    every training cell, as one process does) and sends them to the others; it
//    alone writes checkpoints and validates. A lost rank stops every rank with a
//    DistributedError after rank 0 saved the last consistent step;
//  - validation metrics on held-out conditions beside the baselines
//    (core/flow/PredictionEvaluation.h, the code path of `scdfm evaluate`).
// Torch-free header.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/io/ModelCheckpoint.h"
#include "core/model/ModelConfig.h"
#include "core/util/CancelToken.h"
#include "core/util/Progress.h"

namespace scdfm {

class Dataset;
class ProcessGroup;

struct TrainerOptions {
  ModelConfig model;               // ntoken is raised to the vocabulary size when smaller
  std::int64_t steps = 1000;
  std::int64_t batchSize = 48;     // perturbed cells (= control cells) per micro-batch
  std::int64_t globalBatch = 1;    // micro-batches per step (1 = the authors' one perturbation per step)
  ProcessGroup* group = nullptr;   // the ranks training together (null: this process alone)
  std::int64_t genesPerStep = 1000;  // random gene subset per step (all genes when fewer)
  std::int64_t nTopGenes = 5000;   // seurat HVGs (0 = all genes)
  int graphTopK = 30;
  // Train drug@dose conditions too when the data has them: the model becomes
  // "crisper+label" (genes through the gene encoder, drug labels through the
  // perturbation embedder). false: genes only, as the authors' crisper model.
  bool drugs = true;
  bool graphNegativeEdges = true;
  double lr = 5e-5, lrMin = 1e-6;
  std::int64_t lrPeriod = 200000;  // CosineAnnealingLR T_max
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  bool useMmd = true;
  double gamma = 0.5;
  std::uint64_t seed = 0;
  std::string device = "auto";
  // Split: "additive" (authors: 30% of combinations held out, seed 42 + fold) or
  // "none"; testConditions (keys or labels) override the rule when given.
  std::string split = "additive";
  int fold = 1;
  std::vector<std::string> testConditions;
  double normalizeTotal = 0;  // preprocessing applied to X before training (0 = X as is)
  bool log1p = false;
  // Checkpoints: outDir/checkpoint.safetensors every checkpointEvery steps and at the end.
  std::string outDir;
  std::int64_t checkpointEvery = 0;  // 0 = only at the end
  bool resume = false;               // continue from outDir/checkpoint.safetensors
  std::int64_t validateEvery = 0;    // 0 = only at the end (and only with held-out conditions)
  std::int64_t validationConditions = 8;  // held-out conditions evaluated
  std::int64_t validationCells = 64;       // generated cells per condition
  std::int64_t validationTimePoints = 20;
};

struct TrainStepInfo {
  std::int64_t step = 0;  // 1-based, after the update
  double loss = 0, lossFm = 0, lossMmd = 0, lr = 0;
  std::string perturbation;  // of each micro-batch, space-separated
  // Set on steps that ran the held-out validation: method → metric → mean.
  const std::map<std::string, std::map<std::string, double>>* validation = nullptr;
};

struct TrainResult {
  std::int64_t stepsDone = 0, startStep = 0;
  std::vector<double> losses;          // per step of this run (mean over the step's micro-batches)
  // Held-out metrics (mean over conditions) by method: "scDFM" and the baselines
  // ("no change", "additive", "linear"), as `scdfm evaluate` reports them.
  std::map<std::string, std::map<std::string, double>> validation;
  std::string checkpointPath;
  std::vector<std::string> trainConditions, testConditions;
  std::vector<std::string> skipped;  // conditions left out (drugs, >2 genes, targets not in the data)
};

// Runs training. onStep (optional) is called after every step. Checks `cancel`
// between steps; a cancelled run writes a checkpoint before throwing Cancelled
// when outDir is set.
TrainResult trainModel(const Dataset& dataset, const TrainerOptions& options,
                       const std::function<void(const TrainStepInfo&)>& onStep = {},
                       const Progress& progress = Progress::none(), const CancelToken& cancel = {});

// Cosine annealing as torch's CosineAnnealingLR closed form (periodic past T_max).
double cosineLearningRate(std::int64_t step, double lr, double lrMin, std::int64_t period);

// The authors' "additive" split of condition keys: sorted combinations, shuffled with
// a seeded generator, first 30% held out (singles always train).
std::vector<std::string> additiveTestSplit(const std::vector<std::string>& conditionKeys, int fold);

}  // namespace scdfm
