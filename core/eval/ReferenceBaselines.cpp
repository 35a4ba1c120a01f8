#include "core/eval/ReferenceBaselines.h"

#include <algorithm>
#include <set>

#include "core/data/Dataset.h"
#include "core/util/Error.h"

namespace scdfm {

ReferenceBaselines::ReferenceBaselines(const Dataset& ds, ExpressionSpace space,
                                       const std::vector<std::string>& learnFrom, const LinearBaselineOptions& linear,
                                       const Progress& progress, const CancelToken& cancel)
    : space_(std::move(space)), linear_(linear) {
  const auto& cat = ds.catalog();
  std::set<std::string> wanted;
  for (const auto& k : learnFrom) {
    try {
      wanted.insert(parsePerturbationQuery(k).key());
    } catch (const InputError&) {
      wanted.insert(k);
    }
  }
  for (const auto& e : cat.entries()) {
    if (e.isControl() || !e.observed || e.nCells == 0) continue;
    if (!wanted.empty() && !wanted.count(e.key)) continue;
    keys_.push_back(e.key);
    for (const auto& c : e.perturbation.components) components_[e.key].push_back(componentKey(c));
  }
  std::sort(keys_.begin(), keys_.end());
  const auto G = static_cast<Eigen::Index>(space_.genes.size());
  auto meansOf = [&](const std::vector<std::int64_t>& rows, Means& m) {
    std::map<std::string, std::vector<std::int64_t>> byContext;
    for (auto r : rows) byContext[cat.cellTypeOf(r)].push_back(r);
    for (const auto& [ctx, rs] : byContext) {
      cancel.throwIfCancelled();
      std::vector<double> s = sumExpression(ds, rs, space_);
      Eigen::VectorXd mean(G);
      for (Eigen::Index j = 0; j < G; ++j) mean(j) = s[static_cast<std::size_t>(j)] / static_cast<double>(rs.size());
      m.byContext[ctx] = std::move(mean);
      m.counts[ctx] = static_cast<double>(rs.size());
    }
  };
  progress.report(0.0, "baselines: control means");
  meansOf(cat.controlCells(), control_);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    progress.report(static_cast<double>(i + 1) / static_cast<double>(keys_.size() + 1), "baselines: condition means",
                    static_cast<std::int64_t>(i + 1), static_cast<std::int64_t>(keys_.size()));
    meansOf(cat.cellsOf(keys_[i]), condition_[keys_[i]]);
  }
  progress.report(1.0, "baselines ready");
}

std::optional<Eigen::VectorXd> ReferenceBaselines::effect(const std::string& key, const std::string& context) const {
  auto it = condition_.find(key);
  if (it == condition_.end() || it->second.byContext.empty()) return std::nullopt;
  const Means& m = it->second;
  auto deltaIn = [&](const std::string& ctx) -> std::optional<Eigen::VectorXd> {
    auto c = control_.byContext.find(ctx);
    if (c == control_.byContext.end()) return std::nullopt;
    return Eigen::VectorXd(m.byContext.at(ctx) - c->second);
  };
  if (m.byContext.count(context))
    if (auto d = deltaIn(context)) return d;
  // Cell-weighted mean of the effects measured in other contexts.
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(space_.genes.size()));
  double n = 0;
  for (const auto& [ctx, mean] : m.byContext)
    if (auto d = deltaIn(ctx)) {
      sum += m.counts.at(ctx) * *d;
      n += m.counts.at(ctx);
    }
  if (n == 0) return std::nullopt;
  return Eigen::VectorXd(sum / n);
}

BaselineCells ReferenceBaselines::predict(const Perturbation& p, const std::string& context,
                                          const RowMatrixF& control) const {
  if (control.cols() != static_cast<Eigen::Index>(space_.genes.size()))
    throw InputError("", "control cells", "have " + std::to_string(control.cols()) + " genes, the baselines " +
                                              std::to_string(space_.genes.size()));
  BaselineCells out;
  out.cells.emplace(kNoChangeBaseline, noChangeBaseline(control));
  const std::string key = p.key();

  // Additive: the sum of the components' own single effects.
  if (p.components.size() < 2) {
    out.unavailable[kAdditiveBaseline] = "needs a combination (it adds the single effects of its parts)";
  } else {
    std::vector<Eigen::VectorXd> deltas;
    std::string missing;
    for (const auto& c : p.components) {
      const std::string single = componentKey(c);
      auto d = single == key ? std::nullopt : effect(single, context);
      if (!d) {
        missing = single;
        break;
      }
      deltas.push_back(*d);
    }
    if (missing.empty())
      out.cells.emplace(kAdditiveBaseline, additiveBaseline(control, deltas));
    else
      out.unavailable[kAdditiveBaseline] = "the single perturbation " + missing + " has no observed cells to learn from";
  }

  // Linear: ridge on every learnable condition except this one.
  std::vector<std::vector<std::string>> designs;
  std::vector<Eigen::VectorXd> rows;
  std::set<std::string> known;
  for (const auto& k : keys_) {
    if (k == key) continue;
    auto d = effect(k, context);
    if (!d) continue;
    designs.push_back(components_.at(k));
    rows.push_back(*d);
    known.insert(components_.at(k).begin(), components_.at(k).end());
  }
  std::vector<std::string> comps;
  std::string unknown;
  for (const auto& c : p.components) {
    comps.push_back(componentKey(c));
    if (!known.count(comps.back()) && unknown.empty()) unknown = comps.back();
  }
  if (designs.empty()) {
    out.unavailable[kLinearBaseline] = "no other observed condition to learn from";
  } else if (!unknown.empty()) {
    out.unavailable[kLinearBaseline] = unknown + " appears in no other observed condition";
  } else {
    Eigen::MatrixXd deltas(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(space_.genes.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) deltas.row(static_cast<Eigen::Index>(i)) = rows[i].transpose();
    auto model = LinearDeltaModel::fit(designs, deltas, linear_);
    out.cells.emplace(kLinearBaseline, model.predictCells(control, comps));
  }
  return out;
}

}  // namespace scdfm
