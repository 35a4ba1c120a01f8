// scdfm evaluate DATA.h5ad --checkpoint C [--conditions A+B,...] [--cells 128] [--json]
// Held-out evaluation: for each condition, cells predicted from control cells of
// its largest context (Predictor) against the observed cells, beside the
// baselines (additive over observed singles, no change), with the metrics of
// core/eval (field metrics and the authors' cell-eval set).
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/cli/Command.h"
#include "core/data/Dataset.h"
#include "core/data/ModelSpaceCells.h"
#include "core/eval/Baselines.h"
#include "core/eval/Metrics.h"
#include "core/eval/Stats.h"
#include "core/flow/Predictor.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm::cli {
namespace {

struct EvaluateOptions {
  std::string data, checkpoint, device = "auto";
  std::vector<std::string> conditions;
  std::int64_t cells = 128, timePoints = 20;
  std::uint64_t seed = 0;
  bool json = false;
};

int runEvaluate(const EvaluateOptions& o) {
  Dataset ds(o.data);
  Predictor predictor(o.checkpoint, o.device);
  const auto& ck = predictor.checkpoint();
  std::vector<std::string> conditions = o.conditions;
  if (conditions.empty()) conditions = ck.training.testConditions;
  if (conditions.empty())
    throw InputError(o.checkpoint, "training.test_conditions", "the checkpoint names no held-out conditions",
                     "List the conditions to evaluate with --conditions A+B,C+D");
  const auto genes = predictor.genesFor(ds);
  std::vector<std::int64_t> cols;
  for (const auto& g : genes) cols.push_back(*ds.findGene(g));
  const auto& cat = ds.catalog();

  std::map<std::string, std::map<std::string, std::vector<double>>> acc;  // method → metric → values
  nlohmann::json perCondition = nlohmann::json::array();
  for (const auto& q : conditions) {
    const CatalogEntry e = cat.resolve(q);
    if (!e.observed || e.nCells == 0)
      throw InputError(o.data, "condition '" + q + "'", "has no observed cells to compare with",
                       "Evaluate conditions present in the data");
    std::string context;
    std::int64_t most = -1;
    for (const auto& [ct, n] : e.cellsByCellType)
      if (n > most) {
        most = n;
        context = ct;
      }
    PredictRequest req;
    req.perturbations = {q};
    req.context = context;
    req.cells = o.cells;
    req.timePoints = o.timePoints;
    req.seed = o.seed;
    auto pred = predictor.predict(ds, req).front();
    // The Predictor's control cells, preprocessed as it did.
    RowMatrixF control = modelSpaceCells(ds, pred.controlRows, cols, ck.preprocessing);
    RowMatrixF observed = modelSpaceCells(ds, cat.cellsOf(e.key, context), cols, ck.preprocessing);
    std::map<std::string, RowMatrixF> methods;
    methods.emplace("scDFM", pred.cells);
    methods.emplace("no change", noChangeBaseline(control));
    std::vector<Eigen::VectorXd> deltas;
    bool additive = true;
    RowMatrixF allCtrl = modelSpaceCells(ds, cat.controlCells(context), cols, ck.preprocessing);
    for (const auto& comp : e.perturbation.components) {
      const auto* single = cat.find(comp.name);
      if (!single || !single->observed || single->nCells == 0) {
        additive = false;
        break;
      }
      deltas.push_back(meanDelta(modelSpaceCells(ds, cat.cellsOf(single->key), cols, ck.preprocessing), allCtrl));
    }
    if (additive) methods.emplace("additive", additiveBaseline(control, deltas));
    nlohmann::json row{{"condition", e.key}, {"context", context}, {"observed_cells", observed.rows()}};
    for (const auto& [name, cells] : methods) {
      auto m = evaluatePerturbation(control, observed, cells, genes);
      for (const auto& [k, v] : m) acc[name][k].push_back(v);
      row["metrics"][name] = m;
    }
    perCondition.push_back(row);
  }
  std::vector<std::string> methodOrder{"scDFM", "additive", "no change"};
  if (o.json) {
    nlohmann::json summary;
    for (const auto& [name, metrics] : acc)
      for (const auto& [k, v] : metrics) summary[name][k] = stats::meanFinite(v);
    std::cout << nlohmann::json{{"conditions", perCondition}, {"mean", summary}}.dump(2) << "\n";
    return kOk;
  }
  std::cout << "held-out evaluation on " << conditions.size() << " conditions, " << genes.size()
            << " genes (mean over conditions)\n";
  std::cout << std::left << std::setw(30) << "metric";
  for (const auto& m : methodOrder)
    if (acc.count(m)) std::cout << std::setw(14) << m;
  std::cout << "\n";
  for (const auto& info : metricCatalog()) {
    if (!acc["scDFM"].count(info.id)) continue;
    std::cout << std::setw(30) << (info.id + (info.higherIsBetter ? " ↑" : " ↓"));
    for (const auto& m : methodOrder)
      if (acc.count(m)) std::cout << std::setw(14) << std::setprecision(4) << stats::meanFinite(acc[m][info.id]);
    std::cout << "\n";
  }
  return kOk;
}

const CommandRegistration kRegistration{CommandSpec{
    "evaluate",
    [](CLI::App& sub) -> std::function<int()> {
      auto o = std::make_shared<EvaluateOptions>();
      sub.add_option("data", o->data, "Dataset .h5ad with the observed cells")->required()->check(CLI::ExistingFile);
      sub.add_option("--checkpoint,-c", o->checkpoint, "Model checkpoint (.safetensors)")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--conditions", o->conditions, "Conditions to evaluate (default: the checkpoint's held-out ones)")
          ->delimiter(',');
      sub.add_option("--cells,-n", o->cells, "Generated cells per condition")->capture_default_str();
      sub.add_option("--time-points", o->timePoints, "ODE grid points (20 = authors)")->capture_default_str();
      sub.add_option("--seed", o->seed, "Random seed")->capture_default_str();
      sub.add_option("--device", o->device, "auto, cpu, cuda, cuda:N")->capture_default_str();
      sub.add_flag("--json", o->json, "Per-condition metrics and means as JSON");
      return [o] { return runEvaluate(*o); };
    },
    "Evaluate a checkpoint on held-out conditions beside the additive and no-change baselines"}};

}  // namespace
}  // namespace scdfm::cli
