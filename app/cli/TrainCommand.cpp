// scdfm train DATA.h5ad --out DIR [--config small.json | --d-model 32 --layers 2 --heads 4]
//             [--split additive|none] [--test A+B,...] --steps N --seed S [--resume]
//             [--global-batch G] [--processes N | --world-size N --rank R --rendezvous tcp://HOST:PORT]
// Trains scDFM as the authors do (core/flow/Trainer.h) and writes
// DIR/checkpoint.safetensors periodically (atomic) and at the end; with
// several ranks, data-parallel (rank 0 writes the checkpoints).
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/Command.h"
#include "app/cli/DistributedOptions.h"
#include "app/cli/MetricTable.h"
#include "core/data/Dataset.h"
#include "core/flow/Trainer.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm::cli {
namespace {

struct TrainArgs {
  std::string data, config, testFile;
  std::int64_t dModel = 0, layers = 0, heads = 0;
  double dropout = -1;
  std::string conditionCol, cellTypeCol;
  TrainerOptions options;
  std::int64_t logEvery = 50;
  bool quiet = false, noDrugs = false;
  DistributedArgs dist;
};

int runTrain(TrainArgs& a) {
  TrainerOptions& o = a.options;
  if (auto rc = launchLocalRanks(a.dist, "Run the same command again with --resume to continue from the last checkpoint"))
    return *rc;
  if (!a.config.empty()) {
    std::ifstream in(a.config);
    if (!in) throw InputError(a.config, "", "cannot open the model configuration", "Check the path");
    try {
      auto j = nlohmann::json::parse(in);
      from_json(j.contains("model") ? j.at("model") : j, o.model);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(a.config, "", std::string("not a valid model configuration (") + e.what() + ")",
                       "Give a JSON object with d_model, nhead, nlayers, ...");
    }
  }
  if (!a.testFile.empty()) {
    // One condition per line; '#' starts a comment (a documented split ships as such a file).
    std::ifstream in(a.testFile);
    if (!in) throw InputError(a.testFile, "", "cannot open the list of held-out conditions", "Check the path");
    for (std::string line; std::getline(in, line);) {
      line = trim(line.substr(0, line.find('#')));
      if (!line.empty()) o.testConditions.push_back(line);
    }
    if (o.testConditions.empty())
      throw InputError(a.testFile, "", "lists no conditions", "Write one held-out condition per line, e.g. KLF1+MAP2K6");
  }
  if (a.noDrugs) o.drugs = false;
  if (a.dModel > 0) o.model.d_model = a.dModel;
  if (a.layers > 0) o.model.nlayers = a.layers;
  if (a.heads > 0) o.model.nhead = a.heads;
  if (a.dropout >= 0) o.model.dropout = a.dropout;
  o.model.validate("model configuration");
  o.model.ntoken = 0;  // the trainer sizes the embedding to the vocabulary
  DatasetOptions dopt;
  if (!a.conditionCol.empty()) dopt.roles.condition = a.conditionCol;
  if (!a.cellTypeCol.empty()) dopt.roles.cellType = a.cellTypeCol;
  Dataset ds(a.data, dopt);
  const auto group = joinGroup(a.dist, o.device);
  o.group = group.get();
  if (group->rank() != 0) a.quiet = true;  // rank 0 speaks for the job; every rank reports its errors
  if (!a.quiet && group->distributed())
    std::cout << "training on " << group->worldSize() << " ranks (" << group->backendName() << "), "
              << o.globalBatch << " micro-batch" << (o.globalBatch == 1 ? "" : "es") << " of " << o.batchSize
              << " cells per step" << std::endl;
  auto onStep = [&](const TrainStepInfo& s) {
    if (!a.quiet && s.validation && s.step != o.steps) {
      // A compact line per validation: the headline metrics of the model and the baselines.
      std::cout << "held-out at step " << s.step << ":";
      for (const char* id : {"mse_top20_de", "pearson_delta_top20_de", "energy_distance"})
        for (const auto& [method, m] : *s.validation)
          if (auto it = m.find(id); it != m.end()) std::cout << "  " << id << "[" << method << "] " << std::setprecision(4) << it->second;
      std::cout << std::endl;
    }
    if (a.quiet || a.logEvery <= 0 || (s.step % a.logEvery != 0 && s.step != o.steps)) return;
    std::cout << "step " << s.step << "/" << o.steps << "  loss " << std::setprecision(5) << s.loss << "  (fm "
              << s.lossFm << ", mmd " << s.lossMmd << ")  lr " << s.lr << "  " << s.perturbation << std::endl;
  };
  auto r = trainModel(ds, o, onStep);
  group->finish();  // rank 0, which may serve the store, waits for every rank to be done
  if (!a.quiet) {
    std::cout << "trained steps " << r.startStep + 1 << ".." << r.startStep + r.stepsDone << " on "
              << r.trainConditions.size() << " conditions (" << r.testConditions.size() << " held out)\n";
    if (!r.skipped.empty())
      std::cout << "skipped " << r.skipped.size() << " conditions the model cannot encode: " << listForMessage(r.skipped)
                << "\n";
    if (!r.validation.empty()) {
      std::cout << "held-out metrics (mean over conditions):\n";
      printMetricTable(std::cout, r.validation, {"scDFM", "additive", "linear", "no change"});
    }
    if (!r.checkpointPath.empty()) std::cout << "wrote " << r.checkpointPath << "\n";
  }
  return kOk;
}

const CommandRegistration kRegistration{CommandSpec{
    "train",
    [](CLI::App& sub) -> std::function<int()> {
      auto a = std::make_shared<TrainArgs>();
      auto& o = a->options;
      sub.add_option("data", a->data, "Training data .h5ad (X log-normalised, GEARS-style conditions)")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--out,-o", o.outDir, "Output folder (checkpoint.safetensors)")->required();
      sub.add_option("--config", a->config, "Model configuration JSON (ModelConfig fields)")->check(CLI::ExistingFile);
      sub.add_option("--d-model", a->dModel, "Model width (authors: 512)");
      sub.add_option("--layers", a->layers, "DiffPerceiver blocks (authors: 4)");
      sub.add_option("--heads", a->heads, "Attention heads (authors: 8)");
      sub.add_option("--dropout", a->dropout, "Dropout while training (authors: 0.1)");
      sub.add_option("--steps", o.steps, "Optimizer steps")->capture_default_str();
      sub.add_option("--batch", o.batchSize, "Perturbed (= control) cells per micro-batch")->capture_default_str();
      sub.add_option("--global-batch", o.globalBatch,
                     "Micro-batches per step, each one perturbation's cells; the model depends on it, not on the "
                     "number of processes")
          ->capture_default_str();
      sub.add_option("--genes-per-step", o.genesPerStep, "Random gene subset per step")->capture_default_str();
      sub.add_option("--hvg", o.nTopGenes, "Highly variable genes (seurat; 0 = all genes)")->capture_default_str();
      sub.add_option("--topk", o.graphTopK, "Gene-graph neighbours per gene")->capture_default_str();
      sub.add_option("--lr", o.lr, "Adam learning rate (cosine to --lr-min)")->capture_default_str();
      sub.add_option("--lr-min", o.lrMin, "Final learning rate")->capture_default_str();
      sub.add_option("--lr-period", o.lrPeriod, "Cosine period T_max in steps")->capture_default_str();
      sub.add_option("--gamma", o.gamma, "MMD weight")->capture_default_str();
      sub.add_option("--split", o.split, "additive (30% of combinations held out) or none")->capture_default_str();
      sub.add_option("--fold", o.fold, "Fold of the additive split")->capture_default_str();
      sub.add_option("--test", o.testConditions, "Held-out conditions (overrides --split)")->delimiter(',');
      sub.add_option("--test-file", a->testFile, "File listing held-out conditions, one per line (overrides --split)")
          ->check(CLI::ExistingFile);
      sub.add_option("--seed", o.seed, "Random seed")->capture_default_str();
      sub.add_option("--device", o.device, "auto, cpu, cuda, cuda:N")->capture_default_str();
      sub.add_option("--normalize", o.normalizeTotal, "normalize_total target before training (0 = X as is)");
      sub.add_flag("--log1p", o.log1p, "Apply log1p to X before training (for raw counts)");
      sub.add_option("--checkpoint-every", o.checkpointEvery, "Steps between checkpoints (0 = at the end)");
      sub.add_option("--validate-every", o.validateEvery, "Steps between held-out evaluations (0 = at the end)");
      sub.add_flag("--resume", o.resume, "Continue from OUT/checkpoint.safetensors");
      sub.add_flag("--no-drugs", a->noDrugs,
                   "Train gene perturbations only (the authors' crisper model); by default drug@dose conditions are "
                   "trained too, as labels");
      sub.add_option("--condition-col", a->conditionCol, "obs column with condition labels (default: detected)");
      sub.add_option("--cell-type-col", a->cellTypeCol, "obs column with the cell type (default: detected)");
      sub.add_option("--log-every", a->logEvery, "Print the loss every N steps")->capture_default_str();
      sub.add_flag("--quiet,-q", a->quiet, "Print nothing on success");
      addDistributedOptions(sub, a->dist);
      return [a] { return runTrain(*a); };
    },
    "Train an scDFM model on a perturbation dataset"}};

}  // namespace
}  // namespace scdfm::cli
