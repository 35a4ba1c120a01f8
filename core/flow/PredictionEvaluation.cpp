#include "core/flow/PredictionEvaluation.h"

#include "core/data/Dataset.h"
#include "core/eval/Stats.h"
#include "core/util/Error.h"

namespace scdfm {

std::vector<std::string> EvaluationReport::methods() const {
  std::vector<std::string> out;
  if (mean.count(kModelMethod)) out.push_back(kModelMethod);
  for (const char* b : {kAdditiveBaseline, kLinearBaseline, kNoChangeBaseline})
    if (mean.count(b)) out.push_back(b);
  return out;
}

std::string largestContext(const CatalogEntry& entry) {
  std::string context;
  std::int64_t most = -1;
  for (const auto& [ct, n] : entry.cellsByCellType)
    if (n > most) {
      most = n;
      context = ct;
    }
  return context;
}

ReferenceBaselines baselinesFor(const Predictor& predictor, const Dataset& dataset, const Progress& progress,
                                const CancelToken& cancel) {
  const auto& prep = predictor.checkpoint().preprocessing;
  return ReferenceBaselines(dataset,
                            expressionSpace(dataset, predictor.genesFor(dataset), prep.normalizeTotal, prep.log1p),
                            predictor.checkpoint().training.trainConditions, {}, progress, cancel);
}

ConditionEvaluation evaluateCondition(const Predictor& predictor, const Dataset& ds, const ReferenceBaselines& baselines,
                                      const std::string& condition, const EvaluationRequest& req,
                                      const Progress& progress, const CancelToken& cancel) {
  if (req.seeds.empty()) throw InputError("", "seeds", "at least one sampling seed is needed");
  const auto& cat = ds.catalog();
  const CatalogEntry e = cat.resolve(condition);
  if (!e.observed || e.nCells == 0)
    throw InputError(ds.path(), "condition '" + condition + "'", "has no observed cells to compare with",
                     "Evaluate conditions present in the data");
  ConditionEvaluation out;
  out.key = e.key;
  out.context = req.context.empty() ? largestContext(e) : req.context;
  const ExpressionSpace& space = baselines.space();
  out.observed = readExpression(ds, cat.cellsOf(e.key, out.context), space);
  out.observedCells = out.observed.rows();
  if (out.observedCells == 0)
    throw InputError(ds.path(), "condition '" + e.key + "'", "has no cells in context '" + out.context + "'",
                     "Choose a context the condition was measured in");
  out.genes = space.genes;
  const double perSeed = 1.0 / static_cast<double>(req.seeds.size());
  for (std::size_t s = 0; s < req.seeds.size(); ++s) {
    PredictRequest pr;
    pr.perturbations = {e.key};
    pr.context = out.context;
    pr.cells = req.cells;
    pr.method = req.method;
    pr.timePoints = req.timePoints;
    pr.seed = req.seeds[s];
    pr.genes = space.genes;
    auto pred = predictor.predict(ds, pr, {}, progress.sub(perSeed * s, perSeed * (s + 1)), cancel).front();
    RowMatrixF control = readExpression(ds, pred.controlRows, space);
    BaselineCells base = baselines.predict(e.perturbation, out.context, control);
    out.unavailable = base.unavailable;
    out.runs[kModelMethod].push_back(evaluatePerturbation(control, out.observed, pred.cells, space.genes, req.metrics));
    for (const auto& [name, cells] : base.cells)
      out.runs[name].push_back(evaluatePerturbation(control, out.observed, cells, space.genes, req.metrics));
    if (s == 0 && req.keepCells) {
      out.control = std::move(control);
      out.prediction = std::move(pred);
      out.baselineCells = std::move(base.cells);
    }
  }
  if (!req.keepCells) out.observed = RowMatrixF();
  return out;
}

EvaluationReport evaluatePredictions(const Predictor& predictor, const Dataset& ds, const ReferenceBaselines& baselines,
                                     const EvaluationRequest& req, const Progress& progress, const CancelToken& cancel) {
  if (req.conditions.empty()) throw InputError("", "conditions", "no condition to evaluate");
  EvaluationReport report;
  std::map<std::string, std::map<std::string, std::vector<double>>> acc;
  const double per = 1.0 / static_cast<double>(req.conditions.size());
  for (std::size_t i = 0; i < req.conditions.size(); ++i) {
    auto c = evaluateCondition(predictor, ds, baselines, req.conditions[i], req,
                               progress.sub(per * i, per * (i + 1)), cancel);
    for (const auto& [method, runs] : c.runs) {
      std::map<std::string, std::vector<double>> perMetric;
      for (const auto& m : runs)
        for (const auto& [k, v] : m) perMetric[k].push_back(v);
      for (const auto& [k, vs] : perMetric) acc[method][k].push_back(stats::meanFinite(vs));
    }
    report.conditions.push_back(std::move(c));
  }
  for (const auto& [method, metrics] : acc)
    for (const auto& [k, vs] : metrics) report.mean[method][k] = stats::meanFinite(vs);
  progress.report(1.0, "evaluated");
  return report;
}

}  // namespace scdfm
