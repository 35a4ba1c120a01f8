// scdfm evaluate DATA.h5ad --checkpoint C [--conditions A+B,...] [--cells 128] [--seeds 3] [--json]
// Held-out evaluation (core/flow/PredictionEvaluation.h): for each condition,
// cells predicted from control cells of its largest context against the
// observed cells, beside the baselines (no change, additive, linear), with the
// metrics of core/eval (field metrics and the authors' cell-eval set).
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/cli/Command.h"
#include "app/cli/MetricTable.h"
#include "core/data/Dataset.h"
#include "core/eval/SeedSpread.h"
#include "core/flow/PredictionEvaluation.h"
#include "core/util/Error.h"
#include "core/util/Strings.h"

namespace scdfm::cli {
namespace {

struct EvaluateOptions {
  std::string data, checkpoint, device = "auto", solver = "rk4";
  std::vector<std::string> conditions;
  EvaluationRequest request;
  int seeds = 1;
  std::uint64_t seed = 0;
  bool json = false;
};

nlohmann::json finite(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

int runEvaluate(EvaluateOptions& o) {
  Dataset ds(o.data);
  Predictor predictor(o.checkpoint, o.device);
  auto& req = o.request;
  req.conditions = o.conditions.empty() ? predictor.checkpoint().training.testConditions : o.conditions;
  if (req.conditions.empty())
    throw InputError(o.checkpoint, "training.test_conditions", "the checkpoint names no held-out conditions",
                     "List the conditions to evaluate with --conditions A+B,C+D");
  if (o.seeds < 1) throw InputError("", "--seeds", "must be at least 1");
  req.method = parseOdeMethod(o.solver);
  req.seeds.clear();
  for (int s = 0; s < o.seeds; ++s) req.seeds.push_back(o.seed + static_cast<std::uint64_t>(s));
  const ReferenceBaselines baselines = baselinesFor(predictor, ds);
  const EvaluationReport report = evaluatePredictions(predictor, ds, baselines, req);
  const auto methods = report.methods();

  if (o.json) {
    nlohmann::json perCondition = nlohmann::json::array();
    for (const auto& c : report.conditions) {
      nlohmann::json row{{"condition", c.key}, {"context", c.context}, {"observed_cells", c.observedCells}};
      for (const auto& [method, runs] : c.runs)
        for (const auto& [id, s] : summariseSeeds(runs))
          row["metrics"][method][id] = {{"mean", finite(s.mean)}, {"sd", finite(s.sd)}, {"n", s.n}};
      for (const auto& [method, why] : c.unavailable) row["unavailable"][method] = why;
      perCondition.push_back(row);
    }
    nlohmann::json mean;
    for (const auto& [method, metrics] : report.mean)
      for (const auto& [k, v] : metrics) mean[method][k] = finite(v);
    std::cout << nlohmann::json{{"conditions", perCondition}, {"mean", mean}, {"seeds", req.seeds}}.dump(2) << "\n";
    return kOk;
  }
  std::cout << "held-out evaluation on " << report.conditions.size() << " conditions, "
            << baselines.space().genes.size() << " genes, " << req.seeds.size()
            << " sampling seed(s) (mean over conditions)\n";
  printMetricTable(std::cout, report.mean, methods);
  std::map<std::string, int> unavailable;
  for (const auto& c : report.conditions)
    for (const auto& [m, why] : c.unavailable) ++unavailable[m];
  for (const auto& [m, n] : unavailable)
    std::cout << "note: the " << m << " baseline could not predict " << n << " of " << report.conditions.size()
              << " conditions (its mean is over the others)\n";
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
      sub.add_option("--context", o->request.context, "Cell type to evaluate in (default: each condition's largest)");
      sub.add_option("--cells,-n", o->request.cells, "Generated cells per condition")->capture_default_str();
      sub.add_option("--solver", o->solver, "ODE solver: rk4 (3/8 rule), midpoint, euler")->capture_default_str();
      sub.add_option("--time-points", o->request.timePoints, "ODE grid points (20 = authors)")->capture_default_str();
      sub.add_option("--seed", o->seed, "First sampling seed")->capture_default_str();
      sub.add_option("--seeds", o->seeds, "Sampling seeds (seed, seed+1, ...): metrics are averaged, --json gives sd")
          ->capture_default_str();
      sub.add_option("--device", o->device, "auto, cpu, cuda, cuda:N")->capture_default_str();
      sub.add_flag("--json", o->json, "Per-condition metrics (mean, sd, n over seeds) and means as JSON");
      return [o] { return runEvaluate(*o); };
    },
    "Evaluate a checkpoint on held-out conditions beside the no-change, additive and linear baselines"}};

}  // namespace
}  // namespace scdfm::cli
