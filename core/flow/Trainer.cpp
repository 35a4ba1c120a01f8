#include "core/flow/Trainer.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "core/data/Dataset.h"
#include "core/data/GeneGraph.h"
#include "core/data/GeneVocab.h"
#include "core/data/Preprocess.h"
#include "core/data/ExpressionCheck.h"
#include "core/data/ModelExpression.h"
#include "core/dist/ByteCodec.h"
#include "core/dist/GradientAllReduce.h"
#include "core/dist/ProcessGroup.h"
#include "core/eval/ReferenceBaselines.h"
#include "core/flow/CheckpointModel.h"
#include "core/flow/FlowLoss.h"
#include "core/flow/FlowSampler.h"
#include "core/flow/PredictionEvaluation.h"
#include "core/flow/Predictor.h"
#include "core/model/ScDfmModel.h"
#include "core/model/ScDfmNetwork.h"
#include "core/util/BuildInfo.h"
#include "core/util/DistributedError.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

double cosineLearningRate(std::int64_t step, double lr, double lrMin, std::int64_t period) {
  const double pi = 3.14159265358979323846;
  return lrMin + (lr - lrMin) * (1.0 + std::cos(pi * static_cast<double>(step) / static_cast<double>(period))) / 2.0;
}

std::vector<std::string> additiveTestSplit(const std::vector<std::string>& keys, int fold) {
  std::vector<std::string> combos;
  for (const auto& k : keys)
    if (k.find('+') != std::string::npos) combos.push_back(k);
  std::sort(combos.begin(), combos.end());
  // The authors shuffle with numpy's seed 42 + fold; we use the same seeds with
  // std::mt19937_64 (the same rule, not the same draw: ship test conditions to match exactly).
  std::mt19937_64 rng(static_cast<std::uint64_t>(42 + fold));
  std::shuffle(combos.begin(), combos.end(), rng);
  combos.resize(static_cast<std::size_t>(0.3 * static_cast<double>(combos.size())));
  std::sort(combos.begin(), combos.end());
  return combos;
}

namespace {

struct Condition {
  std::string key;
  std::vector<std::string> components;
  std::vector<std::int64_t> tokens;                        // 2 vocabulary ids
  std::map<std::string, std::vector<std::int64_t>> rows;   // context → matrix rows
  std::vector<std::int64_t> allRows;
};

struct AdamSlot {
  torch::Tensor m, v;
  std::int64_t step = 0;
};

// What rank 0 sends the other ranks before training: the genes it selected, the
// gene graph it built from every training cell, and the data file's digest.
std::string encodePreparation(const std::vector<std::int64_t>& selected, const GeneGraphMask& graph,
                              const std::string& dataSha) {
  return ByteWriter().vector(selected).value(graph.size).vector(graph.blocked).text(dataSha).take();
}

void decodePreparation(const std::string& bytes, std::vector<std::int64_t>& selected, GeneGraphMask& graph,
                       std::string& dataSha) {
  ByteReader in(bytes);
  selected = in.vector<std::int64_t>();
  graph.size = in.value<std::int64_t>();
  graph.blocked = in.vector<std::uint8_t>();
  dataSha = in.text();
}

}  // namespace

TrainResult trainModel(const Dataset& ds, const TrainerOptions& o, const std::function<void(const TrainStepInfo&)>& onStep,
                       const Progress& progress, const CancelToken& cancel) {
  if (o.steps <= 0) throw InputError("", "steps", "must be positive");
  if (o.batchSize < 2) throw InputError("", "batch size", "must be at least 2 (the MMD needs pairs)");
  if (o.globalBatch < 1) throw InputError("", "global batch", "must be at least 1");
  const auto& cat = ds.catalog();
  ProcessGroup* group = o.group && o.group->distributed() ? o.group : nullptr;
  const int world = group ? group->worldSize() : 1, rank = group ? group->rank() : 0;
  const bool lead = rank == 0;  // selects genes, builds the graph, writes checkpoints, validates
  if (group) group->relayCancel(cancel);
  const std::string ckptPath = o.outDir.empty() ? std::string() : (std::filesystem::path(o.outDir) / "checkpoint.safetensors").string();
  if (!ckptPath.empty() && !lead && o.resume && !std::filesystem::exists(ckptPath))
    throw InputError(ckptPath, "", "rank " + std::to_string(rank) + " cannot see the checkpoint to resume",
                     "Give every rank the same --out on a shared file system, or copy rank 0's checkpoint there");
  if (!ckptPath.empty() && lead) {
    std::filesystem::create_directories(o.outDir);
    if (!o.resume && std::filesystem::exists(ckptPath))
      throw InputError(ckptPath, "", "a checkpoint from an earlier run is already there",
                       "Continue it with --resume, or choose another --out folder");
    if (o.resume && !std::filesystem::exists(ckptPath))
      throw InputError(ckptPath, "", "--resume given but there is no checkpoint to resume", "Run without --resume");
  }
  progress.report(0.0, "reading expression");

  // --- expression, genes, vocabulary --------------------------------------------
  // Rank 0 (or the only process) reads every cell: gene selection and the graph need them.
  ExpressionMatrix expr;
  if (lead) {
    std::vector<std::int64_t> allRows(static_cast<std::size_t>(ds.nCells()));
    for (std::size_t i = 0; i < allRows.size(); ++i) allRows[i] = static_cast<std::int64_t>(i);
    expr = readAllGenes(ds, allRows, o.normalizeTotal, o.log1p, cancel);
  }
  cancel.throwIfCancelled();

  std::vector<const CatalogEntry*> entries;
  std::vector<std::int64_t> forced;
  std::vector<std::string> skipped;
  for (const auto& e : cat.entries()) {
    if (e.isControl() || !e.observed || e.nCells == 0) continue;
    // The model encodes one or two perturbation tokens: larger sets are left out, and
    // drugs unless drug labels are trained ("crisper+label").
    if ((e.kind() != PerturbationKind::Gene && !o.drugs) || e.perturbation.components.size() > 2) {
      skipped.push_back(e.key);
      continue;
    }
    entries.push_back(&e);
    for (const auto& c : e.perturbation.components)
      if (c.kind == PerturbationKind::Gene)
        if (auto g = ds.findGene(c.name)) forced.push_back(*g);
  }
  if (entries.empty())
    throw InputError(ds.path(), "obs", "no perturbations of one or two genes or drugs to train on" +
                                           (skipped.empty() ? std::string() : " (skipped: " + listForMessage(skipped) + ")"),
                     "Check the condition column (GEARS/Norman style 'A+B' or drug + dose columns)");
  // Drug@dose labels, sorted: label k is perturbation token (graph tokens + k).
  std::vector<std::string> drugLabels;
  for (const auto* e : entries)
    for (const auto& c : e->perturbation.components)
      if (c.kind == PerturbationKind::Drug) drugLabels.push_back(componentKey(c));
  std::sort(drugLabels.begin(), drugLabels.end());
  drugLabels.erase(std::unique(drugLabels.begin(), drugLabels.end()), drugLabels.end());
  std::vector<std::int64_t> selected;
  GeneGraphMask graph;
  std::string dataSha;
  if (!lead) {
    decodePreparation(
        group->fetch("train/preparation", "waiting for rank 0 to select genes and build the gene graph", cancel),
        selected, graph, dataSha);
  } else if (o.nTopGenes > 0 && o.nTopGenes < ds.nGenes()) {
    HvgOptions hopt;
    hopt.nTopGenes = o.nTopGenes;
    selected = selectGenes(highlyVariableGenesSeurat(expr, hopt), forced);
    cancel.throwIfCancelled();
  } else {
    for (std::int64_t g = 0; g < ds.nGenes(); ++g) selected.push_back(g);
  }
  std::vector<std::string> genes;
  for (auto g : selected) genes.push_back(ds.geneNames()[static_cast<std::size_t>(g)]);
  const auto G = static_cast<std::int64_t>(genes.size());
  const GeneVocab vocab = GeneVocab::fromGenes(genes);
  std::vector<std::int64_t> geneTokens = vocab.encode(genes);

  // --- conditions and split --------------------------------------------------------
  std::vector<Condition> conds;
  std::vector<std::string> dropped;
  for (const auto* e : entries) {
    Condition c;
    c.key = e->key;
    bool ok = true;
    for (const auto& comp : e->perturbation.components) {
      if (comp.kind == PerturbationKind::Drug) {
        const std::string label = componentKey(comp);
        const auto k = std::lower_bound(drugLabels.begin(), drugLabels.end(), label) - drugLabels.begin();
        c.components.push_back(label);
        c.tokens.push_back(vocab.size() + k);
        continue;
      }
      auto id = vocab.find(comp.name);
      if (!id) ok = false;
      else {
        c.components.push_back(comp.name);
        c.tokens.push_back(*id);
      }
    }
    if (!ok) {
      dropped.push_back(e->key);
      continue;
    }
    if (c.tokens.size() == 1) c.tokens.push_back(GeneVocab::kControl);
    for (auto r : cat.cellsOf(e->key)) {
      c.rows[cat.cellTypeOf(r)].push_back(r);
      c.allRows.push_back(r);
    }
    conds.push_back(std::move(c));
  }
  std::vector<std::string> keys;
  for (const auto& c : conds) keys.push_back(c.key);
  std::set<std::string> testSet;
  std::string splitName = o.split;
  if (!o.testConditions.empty()) {
    splitName = "custom";
    for (const auto& t : o.testConditions) testSet.insert(cat.resolve(t).key);
  } else if (o.split == "additive") {
    auto t = additiveTestSplit(keys, o.fold);
    testSet.insert(t.begin(), t.end());
    splitName = "additive fold " + std::to_string(o.fold);
  } else if (o.split != "none") {
    throw InputError("", "split", "unknown split '" + o.split + "'", "Use additive or none, or list --test conditions");
  }
  std::vector<const Condition*> train, test;
  for (const auto& c : conds) (testSet.count(c.key) ? test : train).push_back(&c);
  if (train.empty()) throw InputError(ds.path(), "split", "every condition is held out; nothing to train on");
  std::map<std::string, std::vector<std::int64_t>> controlsByContext;
  for (auto r : cat.controlCells()) controlsByContext[cat.cellTypeOf(r)].push_back(r);
  if (controlsByContext.empty()) throw InputError(ds.path(), "obs", "no control cells", "scDFM conditions on controls");
  std::vector<std::int64_t> allControls = cat.controlCells();
  const auto owns = [&](std::size_t trainIndex) { return static_cast<int>(trainIndex % static_cast<std::size_t>(world)) == rank; };

  // Dense cells × selected genes; row rowOf[r] holds dataset row r. Rank 0 takes
  // every cell from what it read; the others read their conditions and the controls.
  RowMatrixF X;
  std::vector<std::int64_t> rowOf(static_cast<std::size_t>(ds.nCells()), -1);
  if (lead) {
    X.resize(ds.nCells(), G);
    std::vector<std::int64_t> colOf(static_cast<std::size_t>(ds.nGenes()), -1);
    for (std::int64_t j = 0; j < G; ++j) colOf[static_cast<std::size_t>(selected[static_cast<std::size_t>(j)])] = j;
    X.setZero();
    if (expr.sparse) {
      for (std::int64_t r = 0; r < expr.csr.outerSize(); ++r)
        for (SparseRowMatrixF::InnerIterator it(expr.csr, r); it; ++it)
          if (auto j = colOf[static_cast<std::size_t>(it.col())]; j >= 0) X(r, j) = it.value();
    } else {
      for (std::int64_t j = 0; j < G; ++j) X.col(j) = expr.dense.col(selected[static_cast<std::size_t>(j)]);
    }
    for (std::size_t r = 0; r < rowOf.size(); ++r) rowOf[r] = static_cast<std::int64_t>(r);
  } else {
    std::vector<std::int64_t> need = allControls;
    for (std::size_t i = 0; i < train.size(); ++i)
      if (owns(i)) need.insert(need.end(), train[i]->allRows.begin(), train[i]->allRows.end());
    std::sort(need.begin(), need.end());
    need.erase(std::unique(need.begin(), need.end()), need.end());
    ExpressionSpace space;
    space.genes = genes;
    space.columns = selected;
    space.normalizeTotal = o.normalizeTotal > 0 ? o.normalizeTotal : 0;
    space.log1p = o.log1p;
    X = readExpression(ds, need, space, cancel);
    for (std::size_t i = 0; i < need.size(); ++i) rowOf[static_cast<std::size_t>(need[i])] = static_cast<std::int64_t>(i);
  }
  expr = ExpressionMatrix();

  TrainResult result;
  result.skipped = skipped;
  result.skipped.insert(result.skipped.end(), dropped.begin(), dropped.end());
  for (auto* c : train) result.trainConditions.push_back(c->key);
  for (auto* c : test) result.testConditions.push_back(c->key);

  // --- gene graph from the training cells (perturbed of train conditions + controls) ---
  progress.report(0.02, "building the gene graph");
  std::vector<std::int64_t> graphRows = allControls;
  for (auto* c : train) graphRows.insert(graphRows.end(), c->allRows.begin(), c->allRows.end());
  std::sort(graphRows.begin(), graphRows.end());
  if (lead) {
    ExpressionMatrix graphExpr;
    graphExpr.encoding = MatrixEncoding::Dense;
    graphExpr.sparse = false;
    graphExpr.dense.resize(static_cast<std::int64_t>(graphRows.size()), G);
    for (std::size_t i = 0; i < graphRows.size(); ++i) graphExpr.dense.row(static_cast<std::int64_t>(i)) = X.row(graphRows[i]);
    GeneGraphOptions gopt;
    gopt.topk = o.graphTopK;
    gopt.useNegativeEdge = o.graphNegativeEdges;
    graph = buildGeneGraph(graphExpr, genes, gopt, Progress::none(), cancel);
    graphExpr = ExpressionMatrix();
    if (graph.geneOrder != vocab.genes()) throw InternalError("gene graph order differs from the vocabulary order");
    dataSha = sha256File(ds.path(), cancel);
    if (group) group->publish("train/preparation", encodePreparation(selected, graph, dataSha));
  }
  RawTensor mask;
  mask.dtype = DType::BOOL;
  mask.shape = {graph.size, graph.size};
  mask.data = graph.blocked;

  // --- network, optimizer, resume ------------------------------------------------------
  ModelConfig cfg = o.model;
  cfg.ntoken = std::max({cfg.ntoken, vocab.size(), static_cast<std::int64_t>(drugLabels.size())});
  if (!drugLabels.empty()) {
    cfg.perturbation_function = "crisper+label";
    cfg.n_perturbation_labels = static_cast<std::int64_t>(drugLabels.size());
  }
  cfg.n_graph_tokens = graph.size;
  cfg.validate("model configuration");
  cancel.throwIfCancelled();
  auto network = ScDfmNetwork::initialized(cfg, mask, o.seed, o.device);
  ScDfmModelImpl& model = network->module();
  const auto device = model.p_mask_embed.device();
  std::map<std::string, AdamSlot> adam;
  std::int64_t startStep = 0;
  if (o.resume) {
    ModelCheckpoint prev = readModelCheckpoint(ckptPath);
    if (prev.genes != genes || prev.training.dataSha256 != dataSha)
      throw InputError(ckptPath, "", "the checkpoint was trained on other data or genes",
                       "Resume with the same data file and options, or start a new --out folder");
    if (prev.training.trainConditions != result.trainConditions)
      throw InputError(ckptPath, "training.train_conditions", "the split differs from the checkpoint's",
                       "Resume with the same --split / --test options");
    loadStateDict(model, prev.weights, ckptPath);
    startStep = prev.trainerMeta.value("step", std::int64_t{0});
    if (startStep >= o.steps)
      throw InputError(ckptPath, "", "the checkpoint has already trained " + std::to_string(startStep) + " steps",
                       "To train further, give --steps above " + std::to_string(startStep));
    const auto steps = prev.trainerMeta.value("adam_steps", nlohmann::json::object());
    for (auto it = steps.begin(); it != steps.end(); ++it) {
      AdamSlot s;
      s.step = it->get<std::int64_t>();
      s.m = toTorch(prev.trainerState.at("adam." + it.key() + ".exp_avg")).to(device);
      s.v = toTorch(prev.trainerState.at("adam." + it.key() + ".exp_avg_sq")).to(device);
      adam[it.key()] = std::move(s);
    }
  }
  result.startStep = startStep;
  if (group) {
    // Every rank must start from the same step, cells and training conditions: a stale
    // checkpoint copy or another data file on one node would otherwise train silently apart.
    std::string keys;
    for (const auto& k : result.trainConditions) keys += k + "\n";
    const std::string mine = "step " + std::to_string(startStep) + ", " + std::to_string(ds.nCells()) + " cells, " +
                             std::to_string(result.trainConditions.size()) + " training conditions (digest " +
                             std::to_string(std::hash<std::string>{}(keys)) + ")";
    if (lead) {
      group->publish("train/agreement", mine);
    } else if (const auto lead0 = group->fetch("train/agreement", "waiting for rank 0 to start training", cancel);
               lead0 != mine) {
      throw InputError(o.resume ? ckptPath : ds.path(), "",
                       "rank " + std::to_string(rank) + " would start at " + mine + ", rank 0 at " + lead0,
                       "Give every rank the same data file and the same --out folder (a shared file system), "
                       "with the same split options");
    }
  }
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (auto& p : model.named_parameters(true)) params.emplace_back(p.key(), p.value());

  // The checkpoint of the current weights: what is saved and what validation predicts with.
  auto makeCheckpoint = [&](std::int64_t step, bool withTrainerState) {
    ModelCheckpoint c;
    storeModel(model, c);
    c.genes = genes;
    c.vocabulary = vocab.tokens();
    c.drugs = drugLabels;
    c.graph = {{"source", "built from the training cells"}, {"topk", o.graphTopK},
               {"negative_edges", o.graphNegativeEdges}, {"cells", graphRows.size()}};
    c.preprocessing.normalizeTotal = o.normalizeTotal;
    c.preprocessing.log1p = o.log1p;
    c.preprocessing.geneSelection = o.nTopGenes > 0 && o.nTopGenes < ds.nGenes()
                                        ? "seurat HVG " + std::to_string(o.nTopGenes) + " + perturbed genes"
                                        : "all genes";
    auto& t = c.training;
    t.dataFile = std::filesystem::path(ds.path()).filename().string();
    t.dataSha256 = dataSha;
    t.split = splitName;
    t.trainConditions = result.trainConditions;
    t.testConditions = result.testConditions;
    t.steps = step;
    t.seed = o.seed;
    t.contextColumn = cat.roles().cellType;
    t.hyper = {{"dose_unit", cat.summary().doseUnit}, {"batch_size", o.batchSize}, {"genes_per_step", o.genesPerStep}, {"lr", o.lr},
               {"lr_min", o.lrMin}, {"lr_period", o.lrPeriod}, {"gamma", o.gamma}, {"use_mmd", o.useMmd},
               {"steps_requested", o.steps}, {"validation_cells", o.validationCells},
               {"validation_time_points", o.validationTimePoints}};
    if (o.globalBatch != 1) t.hyper["global_batch"] = o.globalBatch;  // micro-batches per step
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [method, values] : result.validation)
      for (const auto& [k, v] : values)
        if (std::isfinite(v)) metrics[method][k] = v;
    t.metrics = metrics;
    t.createdBy = std::string("scdfm ") + build::kVersion;
    t.createdAt = utcNowIso8601();
    if (withTrainerState) {
      nlohmann::json adamSteps = nlohmann::json::object();
      for (const auto& [name, s] : adam) {
        adamSteps[name] = s.step;
        c.trainerState["adam." + name + ".exp_avg"] = fromTorch(s.m);
        c.trainerState["adam." + name + ".exp_avg_sq"] = fromTorch(s.v);
      }
      c.trainerMeta = {{"step", step}, {"adam_steps", adamSteps}};
    }
    return c;
  };
  auto saveCheckpoint = [&](std::int64_t step) {
    if (ckptPath.empty() || !lead) return;
    writeModelCheckpoint(ckptPath, makeCheckpoint(step, true));
    result.checkpointPath = ckptPath;
  };

  // --- validation on held-out conditions (the CLI's `scdfm evaluate` code path) -------
  std::optional<ReferenceBaselines> baselines;
  // In a group only rank 0 validates: it finishes (a relayed Cancel stops every rank
  // together at the next all-reduce). One process stops at once and keeps its steps.
  const CancelToken validationCancel = group ? CancelToken() : cancel;
  auto validateAt = [&](std::int64_t step) {
    if (!baselines)
      baselines.emplace(ds, expressionSpace(ds, genes, o.normalizeTotal, o.log1p), result.trainConditions,
                        LinearBaselineOptions{}, Progress::none(), validationCancel);
    // A copy of the current weights in eval mode (dropout off), as a saved checkpoint would predict.
    const Predictor predictor(makeCheckpoint(step, false), "the model in training", o.device);
    EvaluationRequest req;
    const auto nEval = std::min<std::int64_t>(o.validationConditions, static_cast<std::int64_t>(test.size()));
    for (std::int64_t k = 0; k < nEval; ++k) req.conditions.push_back(test[static_cast<std::size_t>(k)]->key);
    req.cells = o.validationCells;
    req.timePoints = o.validationTimePoints;
    req.seeds = {deriveSeed(o.seed, "validation")};
    result.validation = evaluatePredictions(predictor, ds, *baselines, req, Progress::none(), validationCancel).mean;
  };
  auto validate = [&](std::int64_t step) {
    if (test.empty() || o.validationConditions <= 0 || !lead) return;
    try {
      validateAt(step);
    } catch (const Cancelled&) {
      saveCheckpoint(step);  // the weights of the completed steps are kept (Trainer.h)
      throw;
    }
  };

  // --- the loop -------------------------------------------------------------------------
  applyTorchThreads();
  model.train();
  FlowLossOptions lossOptions;
  lossOptions.useMmd = o.useMmd;
  lossOptions.gamma = o.gamma;
  // One process stops inside the forward or backward pass too; ranks of a group
  // must all finish the step (they stop together after the all-reduce).
  if (!group) lossOptions.cancel = &cancel;
  const auto B = o.batchSize;
  const auto T = std::min<std::int64_t>(o.genesPerStep > 0 ? o.genesPerStep : G, G);
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  std::optional<GradientAllReduce> reducer;
  if (group) {
    std::vector<torch::Tensor> tensors;
    for (auto& [name, p] : params) tensors.push_back(p);
    reducer.emplace(*group, std::move(tensors));
  }
  auto stopIfCancelled = [&](std::int64_t stepsDone) {
    if (group || !cancel.cancelled()) return;
    saveCheckpoint(stepsDone);
    throw Cancelled();
  };
  bool stopEverywhere = false;  // a rank was cancelled: every rank stops at the same step
  for (std::int64_t step = startStep; step < o.steps; ++step) {
    if (group ? stopEverywhere : cancel.cancelled()) {
      saveCheckpoint(step);
      throw Cancelled();
    }
    for (auto& [name, p] : params) p.mutable_grad() = torch::Tensor();  // zero_grad(set_to_none=True)
    double lossSum = 0, fmSum = 0, mmdSum = 0;
    std::string perturbations;
    // Every draw of micro-batch k of this step comes from (seed, step, k), whatever
    // the world size: resume == uninterrupted, and N ranks == one process.
    auto tagOf = [step](std::int64_t k) { return std::to_string(step) + (k == 0 ? std::string() : ":" + std::to_string(k)); };
    auto drawCondition = [&](std::mt19937_64& rng) {
      return std::uniform_int_distribution<std::size_t>(0, train.size() - 1)(rng);
    };
    // The backward pass of this rank's last micro-batch starts the all-reduce as it goes.
    std::int64_t lastOwned = -1;
    if (reducer)
      for (std::int64_t k = 0; k < o.globalBatch; ++k) {
        std::mt19937_64 rng(deriveSeed(o.seed, "step:" + tagOf(k)));
        if (owns(drawCondition(rng))) lastOwned = k;
      }
    for (std::int64_t k = 0; k < o.globalBatch; ++k) {
      const std::string tag = tagOf(k);
      std::mt19937_64 rng(deriveSeed(o.seed, "step:" + tag));
      const std::size_t ci = drawCondition(rng);
      const Condition& c = *train[ci];
      perturbations += (k == 0 ? "" : " ") + c.key;
      if (!owns(ci)) continue;
      auto gen = at::make_generator<at::CPUGeneratorImpl>(deriveSeed(o.seed, "torch:" + tag));
      torch::manual_seed(deriveSeed(o.seed, "dropout:" + tag));
      const std::int64_t anchor = c.allRows[std::uniform_int_distribution<std::size_t>(0, c.allRows.size() - 1)(rng)];
      const std::string& context = cat.cellTypeOf(anchor);
      const auto& targetRows = c.rows.at(context);
      const auto& ctrlRows = controlsByContext.count(context) ? controlsByContext.at(context) : allControls;
      std::vector<std::int64_t> geneSubset(static_cast<std::size_t>(G));
      for (std::int64_t j = 0; j < G; ++j) geneSubset[static_cast<std::size_t>(j)] = j;
      if (T < G) {
        std::shuffle(geneSubset.begin(), geneSubset.end(), rng);
        geneSubset.resize(static_cast<std::size_t>(T));
      }
      std::vector<float> tgt(static_cast<std::size_t>(B * T)), src(static_cast<std::size_t>(B * T));
      std::uniform_int_distribution<std::size_t> pickT(0, targetRows.size() - 1), pickC(0, ctrlRows.size() - 1);
      for (std::int64_t i = 0; i < B; ++i) {
        const auto rt = rowOf[static_cast<std::size_t>(targetRows[pickT(rng)])];
        const auto rc = rowOf[static_cast<std::size_t>(ctrlRows[pickC(rng)])];
        for (std::int64_t j = 0; j < T; ++j) {
          const auto g = geneSubset[static_cast<std::size_t>(j)];
          tgt[static_cast<std::size_t>(i * T + j)] = X(rt, g);
          src[static_cast<std::size_t>(i * T + j)] = X(rc, g);
        }
      }
      std::vector<std::int64_t> tokens(static_cast<std::size_t>(T));
      for (std::int64_t j = 0; j < T; ++j) tokens[static_cast<std::size_t>(j)] = geneTokens[static_cast<std::size_t>(geneSubset[static_cast<std::size_t>(j)])];
      auto geneIds = torch::tensor(tokens, torch::kInt64).unsqueeze(0).expand({B, T}).to(device);
      auto target = torch::from_blob(tgt.data(), {B, T}, f32).clone().to(device);
      auto source = torch::from_blob(src.data(), {B, T}, f32).clone().to(device);
      auto pert = torch::tensor(c.tokens, torch::kInt64).unsqueeze(0).expand({B, 2}).to(device);
      auto t = torch::rand({B}, gen, f32).to(device);
      auto noise = torch::randn({B, T}, gen, f32).to(device);

      // One process stops at once, keeping the weights of the completed steps (never
      // a partial update); ranks of a group stop together after the all-reduce.
      stopIfCancelled(step);
      FlowLossTerms terms;
      try {
        terms = flowMatchingLoss(model, geneIds, source, target, pert, noise, t, lossOptions);
        if (k == lastOwned) reducer->armForBackward(terms.total);
        terms.total.backward();  // gradients of the step's micro-batches add up
      } catch (const Cancelled&) {
        stopIfCancelled(step);  // stopped inside the forward or backward pass: the weights are untouched
        throw;
      }
      lossSum += terms.total.item<double>();
      fmSum += terms.lossFm.item<double>();
      mmdSum += terms.lossMmd.defined() ? terms.lossMmd.item<double>() : 0.0;
    }
    stopIfCancelled(step);
    if (reducer) {
      std::vector<double> extras{lossSum, fmSum, mmdSum, cancel.cancelled() ? 1.0 : 0.0};
      try {
        reducer->run(extras, "the gradient all-reduce of step " + std::to_string(step + 1));
      } catch (const DistributedError& e) {
        saveCheckpoint(step);  // before this step's update: a consistent point to resume from
        throw DistributedError(std::string(e.what()) + " The job stopped" +
                               (lead && !ckptPath.empty() ? "; rank 0 saved " + ckptPath + " at step " + std::to_string(step)
                                                          : std::string()) +
                               ". Start every rank again with the same options and --resume to continue from the last "
                               "checkpoint");
      }
      lossSum = extras[0];
      fmSum = extras[1];
      mmdSum = extras[2];
      stopEverywhere = extras[3] > 0;
    }
    if (o.globalBatch > 1) {
      torch::NoGradGuard noGrad;
      for (auto& [name, p] : params)
        if (p.grad().defined()) p.mutable_grad().div_(static_cast<double>(o.globalBatch));
    }
    const double lr = cosineLearningRate(step, o.lr, o.lrMin, o.lrPeriod);
    {
      torch::NoGradGuard noGrad;
      for (auto& [name, p] : params) {
        const auto& g = p.grad();
        if (!g.defined()) continue;  // unused parameters get no Adam state (as torch's Adam)
        auto& s = adam[name];
        if (!s.m.defined()) {
          s.m = torch::zeros_like(p);
          s.v = torch::zeros_like(p);
        }
        ++s.step;
        s.m.mul_(o.beta1).add_(g, 1.0 - o.beta1);
        s.v.mul_(o.beta2).addcmul_(g, g, 1.0 - o.beta2);
        const double bc1 = 1.0 - std::pow(o.beta1, static_cast<double>(s.step));
        const double bc2 = 1.0 - std::pow(o.beta2, static_cast<double>(s.step));
        auto denom = (s.v.sqrt() / std::sqrt(bc2)).add_(o.eps);
        p.addcdiv_(s.m, denom, -lr / bc1);
      }
    }
    TrainStepInfo info;
    info.step = step + 1;
    const auto micro = static_cast<double>(o.globalBatch);  // x / 1.0 == x: one micro-batch is unchanged
    info.loss = lossSum / micro;
    info.lossFm = fmSum / micro;
    info.lossMmd = mmdSum / micro;
    info.lr = lr;
    info.perturbation = perturbations;
    result.losses.push_back(info.loss);
    ++result.stepsDone;
    const bool last = step + 1 == o.steps;
    if (o.validateEvery > 0 && ((step + 1) % o.validateEvery == 0 || last)) {
      validate(step + 1);
      info.validation = &result.validation;
    }
    if (onStep) onStep(info);
    progress.report(0.05 + 0.9 * static_cast<double>(step + 1) / static_cast<double>(o.steps), "training", step + 1,
                    o.steps);
    if (o.checkpointEvery > 0 && (step + 1) % o.checkpointEvery == 0 && !last) saveCheckpoint(step + 1);
  }
  stopIfCancelled(o.steps);
  progress.report(0.96, "validating");
  if (o.validateEvery <= 0) validate(o.steps);
  stopIfCancelled(o.steps);
  saveCheckpoint(o.steps);
  progress.report(1.0, "done");
  return result;
}

}  // namespace scdfm
