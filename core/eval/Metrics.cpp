#include "core/eval/Metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "core/eval/Stats.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<int> kOverlapKs{0, 50, 100, 200, 500};  // 0 = N (all significant genes)

std::string kName(int k) { return k <= 0 ? std::string("N") : std::to_string(k); }

std::vector<MetricInfo> buildCatalog() {
  using F = MetricFamily;
  using S = MetricScope;
  std::vector<MetricInfo> c;
  auto add = [&](std::string id, std::string name, std::string formula, bool higher, F f, S s) {
    c.push_back({std::move(id), std::move(name), std::move(formula), higher, f, s});
  };
  // The field's common metrics (GEARS-style top-20 DE genes, distribution distances).
  add("mse_top20_de", "MSE, top-20 DE genes",
      "mean over the 20 genes with largest |DE score| (observed vs control) of (μ_pred − μ_obs)²; "
      "μ = per-gene mean expression",
      false, F::Field, S::PerPerturbation);
  add("pearson_delta_top20_de", "Pearson Δ, top-20 DE genes",
      "Pearson r over the top-20 DE genes between Δ_pred = μ_pred − μ_ctrl and Δ_obs = μ_obs − μ_ctrl", true,
      F::Field, S::PerPerturbation);
  add("de_overlap_top20", "Top-20 DE overlap",
      "|top-20 DE genes(pred vs ctrl) ∩ top-20 DE genes(obs vs ctrl)| / 20, genes ranked by |DE score|", true,
      F::Field, S::PerPerturbation);
  add("direction_match_top20_de", "Direction match, top-20 DE genes",
      "fraction of the top-20 DE genes with sign(Δ_pred) = sign(Δ_obs)", true, F::Field, S::PerPerturbation);
  add("energy_distance", "Energy distance (pred vs obs)",
      "2·mean‖x − y‖ − mean‖x − x'‖ − mean‖y − y'‖, x predicted cells, y observed cells, Euclidean over all "
      "genes; within-set means over all pairs including i = j (V-statistic)",
      false, F::Field, S::PerPerturbation);
  add("mmd", "MMD² (pred vs obs)",
      "mean over s ∈ {0.5,1,2,4} of unbiased MMD² with k(a,b) = exp(−‖a−b‖²/(2σ²)), σ² = s·median of the "
      "off-diagonal squared distances among observed cells; within-set sums exclude i = j (the training loss's "
      "estimator)",
      false, F::Field, S::PerPerturbation);
  // cell-eval (spec §5.1), as the authors ran it.
  add("mse", "MSE (pseudobulk)", "mean over genes of (μ_pred − μ_obs)²", false, F::CellEval, S::PerPerturbation);
  add("mae", "MAE (pseudobulk)", "mean over genes of |μ_pred − μ_obs|", false, F::CellEval, S::PerPerturbation);
  add("mse_delta", "MSE of Δ", "mean over genes of (Δ_pred − Δ_obs)², Δ = μ − μ_ctrl", false, F::CellEval,
      S::PerPerturbation);
  add("mae_delta", "MAE of Δ", "mean over genes of |Δ_pred − Δ_obs|", false, F::CellEval, S::PerPerturbation);
  add("pearson_delta", "Pearson Δ (all genes)", "Pearson r over all genes between Δ_pred and Δ_obs", true,
      F::CellEval, S::PerPerturbation);
  for (int k : kOverlapKs) {
    const std::string kn = kName(k);
    const std::string kText = k <= 0 ? "k = number of significant genes" : "k = " + kn;
    add("overlap_at_" + kn, "DE overlap at " + kn,
        "significant genes (FDR < 0.05) ranked by |log2 FC|; k_eff = min(k, #obs significant); "
        "|top k_eff(obs) ∩ top k_eff(pred)| / k_eff (0 if k_eff = 0); " + kText,
        true, F::CellEval, S::PerPerturbation);
    add("precision_at_" + kn, "DE precision at " + kn,
        "as overlap_at_" + kn + " but k_eff = min(k, #pred significant); " + kText, true, F::CellEval,
        S::PerPerturbation);
  }
  add("de_direction_match", "DE direction match",
      "among observed-significant genes, fraction with sign(log2 FC_pred) = sign(log2 FC_obs)", true, F::CellEval,
      S::PerPerturbation);
  add("de_spearman_lfc_sig", "Spearman of FC (significant)",
      "Spearman r between fold changes of pred and obs over the observed-significant genes", true, F::CellEval,
      S::PerPerturbation);
  add("de_sig_genes_recall", "Significant-gene recall", "|sig_obs ∩ sig_pred| / |sig_obs|", true, F::CellEval,
      S::PerPerturbation);
  add("de_nsig_counts_real", "Significant genes (observed)",
      "number of genes with FDR < 0.05, observed vs control (a count, not a score)", false, F::CellEval,
      S::PerPerturbation);
  add("de_nsig_counts_pred", "Significant genes (predicted)",
      "number of genes with FDR < 0.05, predicted vs control (a count: compare with de_nsig_counts_real)", false,
      F::CellEval, S::PerPerturbation);
  add("pr_auc", "PR AUC (DE recovery)",
      "average precision of score = −log10(FDR_pred) (FDR 0 → 1e−10) for label = FDR_obs < 0.05, over genes",
      true, F::CellEval, S::PerPerturbation);
  add("roc_auc", "ROC AUC (DE recovery)", "ROC AUC of the same scores and labels as pr_auc", true, F::CellEval,
      S::PerPerturbation);
  for (const char* m : {"l1", "l2", "cosine"}) {
    add(std::string("discrimination_score_") + m, std::string("Discrimination score (") + m + ")",
        std::string("1 − rank/P, rank (0 = closest) of the true perturbation among all P perturbations q by ") + m +
            " distance between |Δ_pred(p)| and |Δ_obs(q)|",
        true, F::CellEval, S::RankedAmongAll);
  }
  add("pearson_edistance", "Pearson of E-distances",
      "Pearson r over perturbations between E(obs_p, ctrl) and E(pred_p, ctrl), E = 2·mean‖a − b‖ − mean‖a − a'‖ "
      "− mean‖b − b'‖ (Euclidean, all pairs incl. i = j)",
      true, F::CellEval, S::AcrossPerturbations);
  add("de_spearman_sig", "Spearman of #significant genes",
      "Spearman r over perturbations with ≥ 1 observed-significant gene between #sig_obs and #sig_pred", true,
      F::CellEval, S::AcrossPerturbations);
  add("pr_auc_pooled", "PR AUC (pooled)", "pr_auc over all (perturbation, gene) pairs together", true, F::CellEval,
      S::AcrossPerturbations);
  add("roc_auc_pooled", "ROC AUC (pooled)", "roc_auc over all (perturbation, gene) pairs together", true,
      F::CellEval, S::AcrossPerturbations);
  return c;
}

double signOf(double v) { return (v > 0) - (v < 0); }

// cell-eval holds FDRs as float32 and replaces 0 by 1e-10 before −log10.
double negLog10Fdr(double fdr) {
  const float f = static_cast<float>(fdr);
  return -std::log10(f == 0.0f ? 1e-10 : static_cast<double>(f));
}

void checkInputs(const RowMatrixF& control, const RowMatrixF& observed, const RowMatrixF& predicted,
                 const std::vector<std::string>& genes, const std::string& name) {
  const std::string where = name.empty() ? std::string("evaluation") : "evaluation of " + name;
  const long g = control.cols();
  auto check = [&](const RowMatrixF& m, const char* what) {
    if (m.rows() < 1)
      throw InputError("", where, fmt::format("the {} cell set is empty", what),
                       "Give at least one cell for each of control, observed and predicted.");
    if (m.cols() != g)
      throw InputError("", where, fmt::format("the {} cells have {} genes but the control cells have {}", what,
                                              m.cols(), g),
                       "Restrict all matrices to the same genes in the same order.");
  };
  check(control, "control");
  check(observed, "observed");
  check(predicted, "predicted");
  if (!genes.empty() && static_cast<long>(genes.size()) != g)
    throw InputError("", where, fmt::format("{} gene names given for {} genes", genes.size(), g),
                     "Pass one name per matrix column.");
}

// Per-perturbation metrics from prepared DE results (their FDR already set).
void perPerturbationMetrics(const Eigen::VectorXd& muC, const RowMatrixF& observed, const RowMatrixF& predicted,
                            PerturbationEvaluation& ev, const EvalOptions& o) {
  MetricSet& out = ev.metrics;
  const DeResult& dO = ev.observedDe;
  const DeResult& dP = ev.predictedDe;
  const long g = muC.size();
  Eigen::VectorXd muO = Eigen::Map<const Eigen::VectorXd>(dO.meanTarget.data(), g);
  Eigen::VectorXd muP = Eigen::Map<const Eigen::VectorXd>(dP.meanTarget.data(), g);
  const Eigen::VectorXd dOb = muO - muC, dPr = muP - muC;

  out["mse"] = (muP - muO).squaredNorm() / g;
  out["mae"] = (muP - muO).cwiseAbs().sum() / g;
  out["mse_delta"] = (dPr - dOb).squaredNorm() / g;
  out["mae_delta"] = (dPr - dOb).cwiseAbs().sum() / g;
  out["pearson_delta"] = stats::pearson(std::vector<double>(dPr.data(), dPr.data() + g),
                                        std::vector<double>(dOb.data(), dOb.data() + g));

  // Field metrics on the top-20 DE genes (observed vs control, by |score|).
  const auto rankO = rankByAbsScore(dO), rankP = rankByAbsScore(dP);
  const long k = std::min<long>(kTopDeGenes, g);
  ev.topDeGenes.assign(rankO.begin(), rankO.begin() + k);
  std::vector<double> tp, to;
  double sq = 0, dir = 0;
  for (int i : ev.topDeGenes) {
    sq += (muP[i] - muO[i]) * (muP[i] - muO[i]);
    dir += signOf(dPr[i]) == signOf(dOb[i]);
    tp.push_back(dPr[i]);
    to.push_back(dOb[i]);
  }
  out["mse_top20_de"] = k > 0 ? sq / k : kNaN;
  out["direction_match_top20_de"] = k > 0 ? dir / k : kNaN;
  out["pearson_delta_top20_de"] = stats::pearson(tp, to);
  std::set<int> topSet(ev.topDeGenes.begin(), ev.topDeGenes.end());
  double common = 0;
  for (long i = 0; i < k; ++i) common += topSet.count(rankP[i]);
  out["de_overlap_top20"] = k > 0 ? common / k : kNaN;

  // cell-eval DE metrics.
  const auto sigO = significantByAbsLog2Fc(dO, o.fdrThreshold), sigP = significantByAbsLog2Fc(dP, o.fdrThreshold);
  for (int kk : kOverlapKs) {
    out["overlap_at_" + kName(kk)] = deOverlapAtK(sigO, sigP, kk, false);
    out["precision_at_" + kName(kk)] = deOverlapAtK(sigO, sigP, kk, true);
  }
  std::vector<double> fcO, fcP;
  double dirSig = 0, recalled = 0;
  for (int i : sigO) {
    dirSig += signOf(dO.log2FoldChange[i]) == signOf(dP.log2FoldChange[i]);
    recalled += dP.fdr[i] < o.fdrThreshold;
    fcO.push_back(dO.foldChange[i]);
    fcP.push_back(dP.foldChange[i]);
  }
  const double nSig = static_cast<double>(sigO.size());
  out["de_direction_match"] = nSig > 0 ? dirSig / nSig : kNaN;
  out["de_sig_genes_recall"] = nSig > 0 ? recalled / nSig : kNaN;
  out["de_spearman_lfc_sig"] = stats::spearman(fcO, fcP);
  out["de_nsig_counts_real"] = nSig;
  out["de_nsig_counts_pred"] = static_cast<double>(sigP.size());
  std::vector<int> labels(g);
  std::vector<double> scores(g);
  long pos = 0;
  for (long i = 0; i < g; ++i) {
    labels[i] = dO.fdr[i] < o.fdrThreshold;
    pos += labels[i];
    scores[i] = negLog10Fdr(dP.fdr[i]);
  }
  const bool bothClasses = pos > 0 && pos < g;
  out["pr_auc"] = bothClasses ? stats::averagePrecision(labels, scores) : kNaN;
  out["roc_auc"] = bothClasses ? stats::rocAuc(labels, scores) : kNaN;

  if (o.distributionMetrics) {
    out["energy_distance"] = energyDistance(predicted, observed);
    out["mmd"] = mmd(predicted, observed, o.mmd);
  }
}

}  // namespace

const char* toString(MetricFamily family) { return family == MetricFamily::Field ? "field" : "cell-eval"; }

const char* toString(MetricScope scope) {
  switch (scope) {
    case MetricScope::PerPerturbation: return "per perturbation";
    case MetricScope::RankedAmongAll: return "ranked among all perturbations";
    case MetricScope::AcrossPerturbations: return "across perturbations";
  }
  return "";
}

const std::vector<MetricInfo>& metricCatalog() {
  static const std::vector<MetricInfo> catalog = buildCatalog();
  return catalog;
}

const MetricInfo* findMetric(std::string_view id) {
  for (const auto& m : metricCatalog())
    if (m.id == id) return &m;
  return nullptr;
}

double deOverlapAtK(const std::vector<int>& realRanked, const std::vector<int>& predRanked, int k, bool precision) {
  const std::size_t listSize = precision ? predRanked.size() : realRanked.size();
  const std::size_t kEff = k <= 0 ? listSize : std::min<std::size_t>(k, listSize);
  if (kEff == 0) return 0.0;
  std::set<int> real(realRanked.begin(), realRanked.begin() + std::min(kEff, realRanked.size()));
  double common = 0;
  for (std::size_t i = 0; i < std::min(kEff, predRanked.size()); ++i) common += real.count(predRanked[i]);
  return common / static_cast<double>(kEff);
}

std::vector<double> discriminationScores(const Eigen::MatrixXd& realDeltas, const Eigen::MatrixXd& predDeltas,
                                         const std::string& metric,
                                         const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>* excludeMask) {
  const long P = realDeltas.rows(), G = realDeltas.cols();
  if (predDeltas.rows() != P || predDeltas.cols() != G)
    throw InputError("", "discrimination score", "real and predicted Δ tables differ in shape",
                     "Give one row per perturbation, one column per gene, for both.");
  if (metric != "l1" && metric != "l2" && metric != "cosine")
    throw InputError("", "discrimination score", "unknown distance '" + metric + "'", "Use l1, l2 or cosine.");
  std::vector<double> scores(P, kNaN);
  for (long p = 0; p < P; ++p) {
    Eigen::ArrayXd keep = Eigen::ArrayXd::Ones(G);
    if (excludeMask)
      for (long j = 0; j < G; ++j)
        if ((*excludeMask)(p, j)) keep[j] = 0.0;
    const Eigen::ArrayXd a = predDeltas.row(p).transpose().array() * keep;
    std::vector<double> d(P);
    for (long q = 0; q < P; ++q) {
      const Eigen::ArrayXd b = realDeltas.row(q).transpose().array() * keep;
      if (metric == "l1") {
        d[q] = (a - b).abs().sum();
      } else if (metric == "l2") {
        d[q] = std::sqrt((a - b).square().sum());
      } else {  // sklearn cosine distance: a zero vector has similarity 0
        const double na = std::sqrt(a.square().sum()), nb = std::sqrt(b.square().sum());
        d[q] = 1.0 - ((na > 0 && nb > 0) ? (a * b).sum() / (na * nb) : 0.0);
      }
    }
    long rank = 0;  // stable order: ties go to the lower index
    for (long q = 0; q < P; ++q)
      if (d[q] < d[p] || (d[q] == d[p] && q < p)) ++rank;
    scores[p] = 1.0 - static_cast<double>(rank) / static_cast<double>(P);
  }
  return scores;
}

PerturbationEvaluation evaluatePerturbationDetailed(const RowMatrixF& control, const RowMatrixF& observed,
                                                    const RowMatrixF& predicted,
                                                    const std::vector<std::string>& genes,
                                                    const EvalOptions& options) {
  checkInputs(control, observed, predicted, genes, "");
  const DeReference ref(control);
  PerturbationEvaluation ev;
  ev.observedDe = differentialExpression(observed, ref, options.de);
  ev.predictedDe = differentialExpression(predicted, ref, options.de);
  const Eigen::VectorXd muC = Eigen::Map<const Eigen::VectorXd>(ref.mean().data(), ref.genes());
  perPerturbationMetrics(muC, observed, predicted, ev, options);
  return ev;
}

MetricSet evaluatePerturbation(const RowMatrixF& control, const RowMatrixF& observed, const RowMatrixF& predicted,
                               const std::vector<std::string>& genes, const EvalOptions& options) {
  return evaluatePerturbationDetailed(control, observed, predicted, genes, options).metrics;
}

MultiEvaluation evaluatePerturbations(const RowMatrixF& control, const std::vector<PerturbationCells>& perts,
                                      const std::vector<std::string>& genes, const EvalOptions& options,
                                      const Progress& progress, const CancelToken& cancel) {
  const long P = static_cast<long>(perts.size());
  if (P == 0)
    throw InputError("", "evaluation", "no perturbations given", "Select at least one perturbation to evaluate.");
  for (const auto& p : perts) {
    if (!p.observed || !p.predicted)
      throw InputError("", "evaluation of " + p.name, "observed or predicted cells missing",
                       "Give both observed and predicted cells for every perturbation.");
    checkInputs(control, *p.observed, *p.predicted, genes, p.name);
  }
  const long G = control.cols();
  MultiEvaluation res;
  res.perPerturbation.resize(P);

  // 1. DE of every perturbation (observed and predicted) against the shared controls.
  progress.report(0.0, "preparing control cells");
  const DeReference ref(control);
  const Eigen::VectorXd muC = Eigen::Map<const Eigen::VectorXd>(ref.mean().data(), G);
  for (long p = 0; p < P; ++p) {
    cancel.throwIfCancelled();
    progress.report(0.5 * p / P, "differential expression — " + perts[p].name, p + 1, P);
    res.perturbations.push_back(perts[p].name);
    res.perPerturbation[p].observedDe = differentialExpression(*perts[p].observed, ref, options.de);
    res.perPerturbation[p].predictedDe = differentialExpression(*perts[p].predicted, ref, options.de);
  }
  // 2. cell-eval runs one BH over all (perturbation, gene) tests of the real set, and one of the predicted set.
  if (options.pooledFdr && P > 1) {
    for (bool observed : {true, false}) {
      std::vector<double> all;
      all.reserve(static_cast<std::size_t>(P * G));
      for (auto& ev : res.perPerturbation) {
        const auto& pv = (observed ? ev.observedDe : ev.predictedDe).pValue;
        all.insert(all.end(), pv.begin(), pv.end());
      }
      const auto q = stats::benjaminiHochberg(all);
      for (long p = 0; p < P; ++p) {
        auto& de = observed ? res.perPerturbation[p].observedDe : res.perPerturbation[p].predictedDe;
        de.fdr.assign(q.begin() + p * G, q.begin() + (p + 1) * G);
      }
    }
  }
  // 3. Per-perturbation metrics.
  for (long p = 0; p < P; ++p) {
    cancel.throwIfCancelled();
    progress.report(0.5 + 0.3 * p / P, "metrics — " + perts[p].name, p + 1, P);
    perPerturbationMetrics(muC, *perts[p].observed, *perts[p].predicted, res.perPerturbation[p], options);
  }
  // 4. Discrimination scores (each perturbation ranked among all).
  Eigen::MatrixXd realD(P, G), predD(P, G);
  for (long p = 0; p < P; ++p) {
    for (long j = 0; j < G; ++j) {
      realD(p, j) = res.perPerturbation[p].observedDe.meanTarget[j] - muC[j];
      predD(p, j) = res.perPerturbation[p].predictedDe.meanTarget[j] - muC[j];
    }
  }
  if (options.discriminationOnAbsDelta) {
    realD = realD.cwiseAbs();
    predD = predD.cwiseAbs();
  }
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> mask;
  if (options.discriminationExcludeTargets && !genes.empty()) {
    mask.setConstant(P, G, false);
    for (long p = 0; p < P; ++p)
      for (const auto& t : perts[p].targetGenes)
        for (long j = 0; j < G; ++j)
          if (genes[j] == t) mask(p, j) = true;
  }
  for (const char* m : {"l1", "l2", "cosine"}) {
    const auto s = discriminationScores(realD, predD, m, mask.size() ? &mask : nullptr);
    for (long p = 0; p < P; ++p) res.perPerturbation[p].metrics[std::string("discrimination_score_") + m] = s[p];
  }
  // 5. Pearson of E-distances to the controls.
  if (options.edistanceMetric) {
    progress.report(0.8, "E-distances: control cells");
    cancel.throwIfCancelled();
    const double withinCtrl = meanPairwiseDistanceWithin(control);
    std::vector<double> eReal(P), ePred(P);
    for (long p = 0; p < P; ++p) {
      cancel.throwIfCancelled();
      progress.report(0.8 + 0.2 * p / P, "E-distances — " + perts[p].name, p + 1, P);
      eReal[p] = energyDistance(*perts[p].observed, control, withinCtrl);
      ePred[p] = energyDistance(*perts[p].predicted, control, withinCtrl);
    }
    res.summary["pearson_edistance"] = stats::pearson(eReal, ePred);
  }
  // 6. Across-perturbation DE metrics.
  {
    std::vector<double> nReal, nPred;
    for (const auto& ev : res.perPerturbation) {
      if (ev.metrics.at("de_nsig_counts_real") >= 1) {
        nReal.push_back(ev.metrics.at("de_nsig_counts_real"));
        nPred.push_back(ev.metrics.at("de_nsig_counts_pred"));
      }
    }
    res.summary["de_spearman_sig"] = nReal.empty() ? 1.0 : stats::spearman(nReal, nPred);
    std::vector<int> labels;
    std::vector<double> scores;
    long pos = 0;
    for (const auto& ev : res.perPerturbation) {
      for (long j = 0; j < G; ++j) {
        labels.push_back(ev.observedDe.fdr[j] < options.fdrThreshold);
        pos += labels.back();
        scores.push_back(negLog10Fdr(ev.predictedDe.fdr[j]));
      }
    }
    const bool both = pos > 0 && pos < static_cast<long>(labels.size());
    res.summary["pr_auc_pooled"] = both ? stats::averagePrecision(labels, scores) : kNaN;
    res.summary["roc_auc_pooled"] = both ? stats::rocAuc(labels, scores) : kNaN;
  }
  // 7. Means over perturbations of the per-perturbation metrics.
  std::map<std::string, std::pair<double, long>> sums;
  for (const auto& ev : res.perPerturbation)
    for (const auto& [id, v] : ev.metrics)
      if (!std::isnan(v)) {
        auto& s = sums[id];
        s.first += v;
        s.second += 1;
      } else {
        sums.try_emplace(id, 0.0, 0L);
      }
  for (const auto& [id, s] : sums) res.summary[id] = s.second > 0 ? s.first / s.second : kNaN;
  progress.report(1.0, "evaluation done");
  return res;
}

}  // namespace scdfm
