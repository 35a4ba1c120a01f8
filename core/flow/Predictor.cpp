#include "core/flow/Predictor.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>
#include <set>

#include "core/data/Dataset.h"
#include "core/data/GeneVocab.h"
#include "core/data/Perturbation.h"
#include "core/data/ModelExpression.h"
#include "core/flow/FlowSampler.h"
#include "core/flow/ModelLoading.h"
#include "core/model/ScDfmNetwork.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm {

std::uint64_t deriveSeed(std::uint64_t seed, const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // splitmix64 of the combination, so nearby seeds give unrelated streams.
  std::uint64_t z = h ^ (seed + 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

struct Predictor::Impl {
  ModelCheckpoint checkpoint;
  std::string source;
  GeneVocab vocab;
  std::shared_ptr<ScDfmNetwork> network;
  std::set<std::string> trainKeys;
};

Predictor::Predictor(const std::string& checkpointPath, const std::string& device)
    : Predictor(readModelCheckpoint(checkpointPath), checkpointPath, device) {}

Predictor::Predictor(ModelCheckpoint checkpoint, const std::string& source, const std::string& device)
    : impl_(std::make_unique<Impl>()) {
  impl_->checkpoint = std::move(checkpoint);
  impl_->source = source;
  const auto& c = impl_->checkpoint;
  if (c.vocabulary.empty())
    throw InputError(source, "__metadata__.vocabulary", "the checkpoint has no vocabulary, so gene names cannot be "
                                                        "mapped to the model's tokens",
                     "Import it again with the authors' tokenizer: scdfm import ... --vocab tokenizer.json");
  if (!c.graphMask)
    throw InputError(source, "scdfm.graph_mask", "the checkpoint has no gene-interaction mask",
                     "Import it again with the authors' mask: scdfm import ... --mask mask_fold_...pt");
  impl_->vocab = GeneVocab::fromTokens(c.vocabulary, source);
  impl_->network = networkFromCheckpoint(c, source, device);
  for (const auto& t : c.training.trainConditions) {
    try {
      impl_->trainKeys.insert(parsePerturbationQuery(t).key());
    } catch (const InputError&) {
      impl_->trainKeys.insert(t);
    }
  }
}

Predictor::~Predictor() = default;
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;

const ModelCheckpoint& Predictor::checkpoint() const { return impl_->checkpoint; }
const std::string& Predictor::sourcePath() const { return impl_->source; }
std::string Predictor::deviceName() const { return impl_->network->deviceName(); }

PerturbationCheck Predictor::check(const std::string& query, const Dataset* dataset) const {
  PerturbationCheck r;
  r.query = query;
  Perturbation p = parsePerturbationQuery(query);
  const std::string where = "perturbation '" + query + "'";
  if (p.isControl())
    throw InputError(impl_->source, where, "control is not a perturbation to predict",
                     "Name one or two perturbed genes or drugs, e.g. KLF1 or KLF1+MAP2K6; the control cells are the "
                     "input");
  if (p.components.size() > 2)
    throw InputError(impl_->source, where,
                     std::to_string(p.components.size()) + " perturbations together; the model encodes at most two",
                     "Predict singles or pairs (A+B)");
  // The dataset knows which names are drugs and in which unit its doses are;
  // a gene the data lacks (but the model knows) keeps the typed form.
  if (dataset) {
    try {
      p = dataset->catalog().resolve(p).perturbation;
    } catch (const InputError&) {
    }
  }
  const auto& drugs = impl_->checkpoint.drugs;
  const auto M = impl_->checkpoint.graphMask->shape[0];
  auto isDrugName = [&](const std::string& name) {
    for (const auto& d : drugs)
      if (toLower(d.substr(0, d.find('@'))) == toLower(name)) return true;
    return false;
  };
  Perturbation spelled;
  for (const auto& comp : p.components) {
    PerturbationComponent out = comp;
    if (comp.kind == PerturbationKind::Drug || comp.dose || isDrugName(comp.name)) {
      if (drugs.empty())
        throw InputError(impl_->source, where, "'" + comp.name + "' is a drug; this model encodes gene "
                                               "perturbations only",
                         "Load a model trained on drug perturbations (scdfm train on data with drugs), or name genes");
      out.kind = PerturbationKind::Drug;
      const std::string label = componentKey(out);
      std::vector<std::string> sameDrug;
      std::int64_t found = -1;
      for (std::size_t k = 0; k < drugs.size(); ++k) {
        if (toLower(drugs[k]) == toLower(label)) found = static_cast<std::int64_t>(k);
        if (toLower(drugs[k].substr(0, drugs[k].find('@'))) == toLower(comp.name)) sameDrug.push_back(drugs[k]);
      }
      if (found < 0) {
        if (!sameDrug.empty())
          throw InputError(impl_->source, where,
                           comp.dose ? "the model was not trained on '" + label + "' (doses are labels, not a "
                                       "continuous scale)"
                                     : "'" + comp.name + "' needs a dose",
                           "Choose one of the doses the model knows: " + listForMessage(sameDrug));
        throw InputError(impl_->source, where, "'" + comp.name + "' is not a drug of the model",
                         "The model knows: " + listForMessage(drugs));
      }
      r.targets.push_back(drugs[static_cast<std::size_t>(found)]);
      r.tokens.push_back(M + found);
      // The key uses the model's spelling of the name (the dose is already in the data's unit).
      out.name = drugs[static_cast<std::size_t>(found)].substr(0, drugs[static_cast<std::size_t>(found)].find('@'));
    } else {
      const std::int64_t id = impl_->vocab.id(comp.name, where, impl_->source);  // closest names on a miss
      out.name = impl_->vocab.token(id);
      if (id >= M)
        throw InputError(impl_->source, where, "'" + out.name + "' is in the vocabulary but not in the model's "
                                               "gene-interaction graph",
                         "Choose a gene of the graph");
      r.targets.push_back(out.name);
      r.tokens.push_back(id);
    }
    spelled.components.push_back(out);
  }
  if (r.tokens.size() == 1) r.tokens.push_back(GeneVocab::kControl);  // single 'A+control' → [A, control]
  r.combination = p.components.size() == 2;
  r.key = spelled.key();
  if (dataset) {
    auto entry = dataset->catalog().find(r.key);
    r.observedInData = entry && entry->observed && entry->nCells > 0;
  }
  if (!impl_->checkpoint.training.trainConditions.empty()) {
    r.seenInTraining = impl_->trainKeys.count(r.key) != 0;
    if (!*r.seenInTraining)
      r.notes.push_back(r.combination ? "unseen combination: the model never saw this pair in training; both parts "
                                        "are in its vocabulary"
                                      : "perturbation not seen in training");
  }
  return r;
}

CompatibilityReport Predictor::compatibility(const Dataset& dataset) const {
  CompatibilityReport r;
  const auto& c = impl_->checkpoint;
  const std::vector<std::string>& genes = c.genes.empty() ? impl_->vocab.genes() : c.genes;
  r.modelGenes = static_cast<std::int64_t>(genes.size());
  for (const auto& g : genes)
    if (dataset.findGene(g)) ++r.genesInData;
    else r.missingGenes.push_back(g);
  const auto& cat = dataset.catalog();
  r.controlCells = static_cast<std::int64_t>(cat.controlCells().size());
  for (const auto& e : cat.entries()) {
    if (e.isControl() || !e.observed || e.nCells == 0) continue;
    try {
      check(e.key);
      r.predictableConditions.push_back(e.key);
    } catch (const InputError&) {
      const bool unsupported =
          (e.kind() != PerturbationKind::Gene && c.drugs.empty()) || e.perturbation.components.size() > 2;
      (unsupported ? r.unsupportedConditions : r.unknownConditions).push_back(e.key);
    }
  }
  return r;
}

std::vector<std::string> CompatibilityReport::messages() const {
  std::vector<std::string> m;
  auto n = [](std::size_t k) { return std::to_string(k); };
  if (genesInData < 2)
    m.push_back("Only " + std::to_string(genesInData) + " of the model's " + std::to_string(modelGenes) +
                " genes are in the dataset, so nothing can be predicted. Gene names must match the model's "
                "vocabulary (symbols such as KLF1); open the dataset the model was trained for.");
  else if (!missingGenes.empty())
    m.push_back(std::to_string(genesInData) + " of the model's " + std::to_string(modelGenes) +
                " genes are in the dataset; predictions leave out the " + n(missingGenes.size()) + " missing (" +
                listForMessage(missingGenes) + ").");
  else
    m.push_back("All " + std::to_string(modelGenes) + " model genes are in the dataset.");
  if (controlCells == 0)
    m.push_back("The dataset has no control cells, which the model starts from; choose the control label "
                "(condition column) or open another dataset.");
  m.push_back(n(predictableConditions.size()) + " observed conditions can be predicted and compared with their cells.");
  if (!unknownConditions.empty())
    m.push_back(n(unknownConditions.size()) + " conditions name genes outside the model's vocabulary and cannot be "
                "predicted: " + listForMessage(unknownConditions) + ".");
  if (!unsupportedConditions.empty())
    m.push_back(n(unsupportedConditions.size()) + " conditions are drugs or sets of more than two genes, which this "
                "model does not encode: " + listForMessage(unsupportedConditions) + ".");
  return m;
}

std::vector<std::string> Predictor::genesFor(const Dataset& dataset, const std::vector<std::string>& requested) const {
  const auto& c = impl_->checkpoint;
  const auto M = c.graphMask->shape[0];
  std::vector<std::string> out;
  if (!requested.empty()) {
    for (const auto& g : requested) dataset.geneIndex(g);  // InputError with closest names
    auto ids = impl_->vocab.encode(requested, "genes", impl_->source);
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (ids[i] < GeneVocab::kSpecials || ids[i] >= M)
        throw InputError(impl_->source, "gene '" + requested[i] + "'", "is not a gene of the model's graph");
    return requested;
  }
  const std::vector<std::string>& candidates = c.genes.empty() ? impl_->vocab.genes() : c.genes;
  for (const auto& g : candidates) {
    auto id = impl_->vocab.find(g);
    if (id && *id >= GeneVocab::kSpecials && *id < M && dataset.findGene(g)) out.push_back(g);
  }
  if (out.empty())
    throw InputError(dataset.path(), "var", "none of the model's " + std::to_string(candidates.size()) +
                                                " genes is in the dataset",
                     "Gene names must match the model's vocabulary (symbols such as KLF1); model genes include " +
                         listForMessage(std::vector<std::string>(candidates.begin(),
                                                                 candidates.begin() +
                                                                     std::min<std::size_t>(5, candidates.size()))));
  return out;
}

std::vector<PredictedPerturbation> Predictor::predict(
    const Dataset& dataset, const PredictRequest& req,
    const std::function<void(const PredictedPerturbation&)>& onResult, const Progress& progress,
    const CancelToken& cancel) const {
  if (req.perturbations.empty()) throw InputError("", "perturbations", "no perturbation requested");
  if (req.cells <= 0) throw InputError("", "cells", "must be positive");
  // Check everything before running anything.
  std::vector<PerturbationCheck> checks;
  for (const auto& q : req.perturbations) checks.push_back(check(q, &dataset));
  const auto genes = genesFor(dataset, req.genes);
  const auto& prep = impl_->checkpoint.preprocessing;
  const ExpressionSpace space = expressionSpace(dataset, genes, prep.normalizeTotal, prep.log1p);
  std::vector<std::int64_t> geneTokens;
  for (const auto& g : genes) geneTokens.push_back(*impl_->vocab.find(g));
  const auto controls = dataset.catalog().controlCells(req.context);
  if (controls.empty())
    throw InputError(dataset.path(), "obs",
                     "no control cells" + (req.context.empty() ? std::string() : " of context '" + req.context + "'"),
                     "The model generates perturbed cells from control cells of the same context");

  std::vector<PredictedPerturbation> results;
  const double perItem = 1.0 / static_cast<double>(checks.size());
  for (std::size_t k = 0; k < checks.size(); ++k) {
    cancel.throwIfCancelled();
    const auto start = std::chrono::steady_clock::now();
    PredictedPerturbation out;
    out.check = checks[k];
    out.genes = genes;
    // Control cells: a seeded random permutation, first n (the authors' draw); more
    // permutations are appended when the context has fewer than n control cells.
    std::mt19937_64 rng(deriveSeed(req.seed, "controls:" + req.context + ":" + out.check.key));
    while (static_cast<std::int64_t>(out.controlRows.size()) < req.cells) {
      std::vector<std::int64_t> perm = controls;
      std::shuffle(perm.begin(), perm.end(), rng);
      const auto need = req.cells - static_cast<std::int64_t>(out.controlRows.size());
      out.controlRows.insert(out.controlRows.end(), perm.begin(),
                             perm.begin() + std::min<std::int64_t>(need, static_cast<std::int64_t>(perm.size())));
    }
    const RowMatrixF control = readExpression(dataset, out.controlRows, space, cancel);
    SampleInput in;
    in.geneIds = geneTokens;
    in.perturbationIds = out.check.tokens;
    in.control.assign(control.data(), control.data() + control.size());

    SamplerOptions so;
    so.method = req.method;
    so.timePoints = req.timePoints;
    so.seed = deriveSeed(req.seed, "noise:" + req.context + ":" + out.check.key);
    so.chunkSize = req.chunkSize;
    so.attentionCells = req.attentionCells;
    FlowSampler sampler(impl_->network, so);
    const std::string stage = out.check.key;
    Progress sub = progress.sub(perItem * static_cast<double>(k), perItem * static_cast<double>(k + 1));
    Progress labelled([&sub, stage](const ProgressInfo& p) {
      ProgressInfo q = p;
      q.stage = stage + ": " + p.stage;
      sub.report(q.fraction, q.stage, q.step, q.steps);
    });
    SampleResult res = sampler.sample(in, labelled, cancel);
    out.cells = Eigen::Map<const RowMatrixF>(res.prediction.data(), res.cells, res.genes);
    out.attention = std::move(res.attention);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cancel.throwIfCancelled();  // no result arrives after Cancel
    if (onResult) onResult(out);
    results.push_back(std::move(out));
  }
  progress.report(1.0, "done");
  return results;
}

}  // namespace scdfm
