#include <gtest/gtest.h>

#include <set>

#include "EvalTestSupport.h"
#include "core/eval/Metrics.h"
#include "core/util/Error.h"

using namespace scdfm;
using evaltest::close;

namespace {
constexpr long kGenes = 60;

// Control plus four perturbations. Each perturbation scales a few genes' rates; the
// "prediction" gets most of them right, misses some, and perturbation 3's prediction
// looks like perturbation 2 (so discrimination is not trivially perfect).
struct Scenario {
  RowMatrixF control;
  std::vector<RowMatrixF> observed, predicted;
  std::vector<std::string> names{"KLF1+ctrl", "MAP2K6+ctrl", "KLF1+MAP2K6", "CEBPA+ctrl"};
  std::vector<std::string> genes;
};

Scenario scenario() {
  Scenario s;
  const auto base = evaltest::rates(kGenes, 42, 0.3, 5.0);
  s.control = evaltest::poissonLog1p(300, base, 1000);
  for (long j = 0; j < kGenes; ++j) s.genes.push_back("G" + std::to_string(j));
  for (int p = 0; p < 4; ++p) {
    auto obs = base, pred = base;
    for (long j = 0; j < kGenes; ++j) {
      const bool hit = (j * 7 + p * 13) % 9 == 0;
      const double f = (j + p) % 2 ? 3.0 : 0.25;
      if (hit) obs[j] *= f;
      const bool predHit = p == 3 ? (j * 7 + 2 * 13) % 9 == 0 : hit && j % 5 != 0;
      if (predHit) pred[j] *= (p == 3 ? ((j + 2) % 2 ? 3.0 : 0.25) : f);
    }
    s.observed.push_back(evaltest::poissonLog1p(120 + 10 * p, obs, 2000 + p));
    s.predicted.push_back(evaltest::poissonLog1p(100, pred, 3000 + p));
  }
  return s;
}

// An independent numpy/scipy/sklearn implementation of every metric (spec §5.1 and the
// field definitions in Metrics.h), fed the same float32 matrices.
const char* kReference = R"PY(
from scipy.spatial.distance import cdist
from sklearn.metrics import average_precision_score, roc_curve, auc
c = load('control.txt')
P = NPERT
obs = [load('obs%d.txt' % p) for p in range(P)]
pred = [load('pred%d.txt' % p) for p in range(P)]

def de(t):
    n1, n2 = len(t), len(c)
    pv, z, fc = [], [], []
    for j in range(c.shape[1]):
        r = ss.mannwhitneyu(t[:, j], c[:, j], alternative='two-sided')
        pv.append(1.0 if np.isnan(r.pvalue) else r.pvalue)
        ranks = ss.rankdata(np.concatenate([t[:, j], c[:, j]]))
        _, cnt = np.unique(ranks, return_counts=True)
        n = n1 + n2
        sd = np.sqrt(n1 * n2 / 12.0 * ((n + 1) - (cnt**3 - cnt).sum() / (n * (n - 1))))
        z.append((ranks[:n1].sum() - n1 * (n1 + 1) / 2 - n1 * n2 / 2) / sd if sd > 0 else 0.0)
        mt, mr = t[:, j].mean(), c[:, j].mean()
        fc.append(20.0 if mr == 0 else (1 / 20.0 if mt == 0 else mt / mr))
    fc = np.array(fc)
    return dict(p=np.array(pv), z=np.array(z), fc=fc, l2=np.log2(fc))

def bh(p):
    m = len(p); o = np.argsort(p, kind='stable')
    adj = np.minimum.accumulate((p[o] * m / np.arange(1, m + 1))[::-1])[::-1]
    q = np.empty(m); q[o] = np.clip(adj, 0, 1); return q

def sig_ranked(d, q):
    idx = np.flatnonzero(q < 0.05)
    key = np.abs(d['l2'][idx].astype(np.float32))
    return idx[np.argsort(-key, kind='stable')]

def overlap(real, prd, k, precision):
    n = len(prd) if precision else len(real)
    keff = n if k == 0 else min(k, n)
    return 0.0 if keff == 0 else len(np.intersect1d(real[:keff], prd[:keff])) / keff

def nlp(q):
    f = q.astype(np.float32).astype(np.float64)
    return -np.log10(np.where(f == 0, 1e-10, f))

def mmd(x, y):
    sq = lambda a, b: cdist(a, b, 'sqeuclidean')
    Dyy = sq(y, y); n, m = len(y), len(x)
    off = Dyy[~np.eye(n, dtype=bool)]
    med = max(np.sort(off)[(off.size - 1) // 2], 1e-12)
    v = []
    for s in (0.5, 1.0, 2.0, 4.0):
        k = lambda D: np.exp(-D / (2 * s * med + 1e-12))
        Kxx, Kyy, Kxy = k(sq(x, x)), k(Dyy), k(sq(x, y))
        v.append((Kxx.sum() - np.trace(Kxx)) / (m * (m - 1) + 1e-12)
                 + (Kyy.sum() - np.trace(Kyy)) / (n * (n - 1) + 1e-12) - 2 * Kxy.mean())
    return np.mean(v)

def edist(a, b):
    return 2 * cdist(a, b).mean() - cdist(a, a).mean() - cdist(b, b).mean()

def metrics(o, pr, dO, dP, qO, qP):
    mc, mo, mp = c.mean(0), o.mean(0), pr.mean(0)
    DO, DP = mo - mc, mp - mc
    r = {}
    r['mse'] = ((mp - mo)**2).mean(); r['mae'] = np.abs(mp - mo).mean()
    r['mse_delta'] = ((DP - DO)**2).mean(); r['mae_delta'] = np.abs(DP - DO).mean()
    r['pearson_delta'] = ss.pearsonr(DP, DO)[0]
    top = np.argsort(-np.abs(dO['z']), kind='stable')[:20]
    topP = np.argsort(-np.abs(dP['z']), kind='stable')[:20]
    r['mse_top20_de'] = ((mp[top] - mo[top])**2).mean()
    r['pearson_delta_top20_de'] = ss.pearsonr(DP[top], DO[top])[0]
    r['de_overlap_top20'] = len(np.intersect1d(top, topP)) / 20
    r['direction_match_top20_de'] = (np.sign(DP[top]) == np.sign(DO[top])).mean()
    r['energy_distance'] = edist(pr, o)
    r['mmd'] = mmd(pr, o)
    sO, sP = sig_ranked(dO, qO), sig_ranked(dP, qP)
    for k in (0, 50, 100, 200, 500):
        name = 'N' if k == 0 else str(k)
        r['overlap_at_' + name] = overlap(sO, sP, k, False)
        r['precision_at_' + name] = overlap(sO, sP, k, True)
    nan = float('nan')
    r['de_direction_match'] = (np.sign(dO['l2'][sO]) == np.sign(dP['l2'][sO])).mean() if len(sO) else nan
    r['de_sig_genes_recall'] = np.isin(sO, sP).mean() if len(sO) else nan
    r['de_spearman_lfc_sig'] = ss.spearmanr(dO['fc'][sO], dP['fc'][sO])[0] if len(sO) > 1 else nan
    r['de_nsig_counts_real'] = len(sO); r['de_nsig_counts_pred'] = len(sP)
    lab = (qO < 0.05).astype(int); sc = nlp(qP)
    ok = 0 < lab.sum() < len(lab)
    r['pr_auc'] = average_precision_score(lab, sc) if ok else nan
    f, t, _ = roc_curve(lab, sc) if ok else (None, None, None)
    r['roc_auc'] = auc(f, t) if ok else nan
    return r

dO = [de(o) for o in obs]; dP = [de(p) for p in pred]
# single perturbation 0: BH within the perturbation
single = metrics(obs[0], pred[0], dO[0], dP[0], bh(dO[0]['p']), bh(dP[0]['p']))
# all perturbations: one BH over all real tests, one over all predicted tests
G = c.shape[1]
qOall = bh(np.concatenate([d['p'] for d in dO])); qPall = bh(np.concatenate([d['p'] for d in dP]))
per = [metrics(obs[p], pred[p], dO[p], dP[p], qOall[p*G:(p+1)*G], qPall[p*G:(p+1)*G]) for p in range(P)]
mc = c.mean(0)
RD = np.abs(np.array([o.mean(0) - mc for o in obs])); PD = np.abs(np.array([q.mean(0) - mc for q in pred]))
for name, metric in (('l1', 'cityblock'), ('l2', 'euclidean'), ('cosine', 'cosine')):
    for p in range(P):
        d = cdist(RD, PD[p:p+1], metric).ravel()
        rank = np.flatnonzero(np.argsort(d, kind='stable') == p)[0]
        per[p]['discrimination_score_' + name] = 1 - rank / P
summary = {}
for k in per[0]:
    summary[k] = np.nanmean([m[k] for m in per])
summary['pearson_edistance'] = ss.pearsonr([edist(o, c) for o in obs], [edist(q, c) for q in pred])[0]
ns = [(m['de_nsig_counts_real'], m['de_nsig_counts_pred']) for m in per if m['de_nsig_counts_real'] >= 1]
summary['de_spearman_sig'] = ss.spearmanr([a for a, b in ns], [b for a, b in ns])[0] if ns else 1.0
lab = (qOall < 0.05).astype(int); sc = nlp(qPall)
summary['pr_auc_pooled'] = average_precision_score(lab, sc)
f, t, _ = roc_curve(lab, sc); summary['roc_auc_pooled'] = auc(f, t)
vals = [single[k] for k in SINGLE_IDS]
for p in range(P):
    vals += [per[p][k] for k in PER_IDS]
vals += [summary[k] for k in SUMMARY_IDS]
out(vals)
)PY";

std::string pyList(const std::vector<std::string>& ids) {
  std::string s = "[";
  for (const auto& id : ids) s += "'" + id + "',";
  return s + "]";
}
std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}
}  // namespace

TEST(EvalMetrics, EveryMetricMatchesAnIndependentNumpyImplementation) {
  SCDFM_REQUIRE_PYTHON();
  const Scenario s = scenario();
  const auto dir = test::scratchDir("EvalMetrics");
  evaltest::writeMatrix(dir + "/control.txt", s.control);
  const int P = static_cast<int>(s.observed.size());
  for (int p = 0; p < P; ++p) {
    evaltest::writeMatrix(dir + "/obs" + std::to_string(p) + ".txt", s.observed[p]);
    evaltest::writeMatrix(dir + "/pred" + std::to_string(p) + ".txt", s.predicted[p]);
  }

  const MetricSet single = evaluatePerturbation(s.control, s.observed[0], s.predicted[0], s.genes);
  std::vector<PerturbationCells> cells;
  for (int p = 0; p < P; ++p) cells.push_back({s.names[p], &s.observed[p], &s.predicted[p], {}});
  int progressCalls = 0;
  const auto multi = evaluatePerturbations(s.control, cells, s.genes, {},
                                           Progress([&](const ProgressInfo&) { ++progressCalls; }));
  EXPECT_GT(progressCalls, P);

  std::vector<std::string> singleIds, perIds, summaryIds;
  for (const auto& [id, v] : single) singleIds.push_back(id);
  for (const auto& [id, v] : multi.perPerturbation[0].metrics) perIds.push_back(id);
  for (const auto& [id, v] : multi.summary) summaryIds.push_back(id);

  std::string code = replaceAll(kReference, "NPERT", std::to_string(P));
  code = replaceAll(code, "SINGLE_IDS", pyList(singleIds));
  code = replaceAll(code, "PER_IDS", pyList(perIds));
  code = replaceAll(code, "SUMMARY_IDS", pyList(summaryIds));
  const auto ref = evaltest::python(dir, code);
  ASSERT_EQ(ref.size(), singleIds.size() + P * perIds.size() + summaryIds.size());

  std::size_t k = 0;
  for (const auto& id : singleIds) EXPECT_TRUE(close(single.at(id), ref[k++], 1e-7, 1e-10)) << "single " << id;
  for (int p = 0; p < P; ++p)
    for (const auto& id : perIds)
      EXPECT_TRUE(close(multi.perPerturbation[p].metrics.at(id), ref[k++], 1e-7, 1e-10)) << s.names[p] << " " << id;
  for (const auto& id : summaryIds) EXPECT_TRUE(close(multi.summary.at(id), ref[k++], 1e-7, 1e-10)) << "summary " << id;

  // The scenario is informative: DE genes exist, predictions are imperfect, and the
  // discrimination of the look-alike prediction is below 1.
  EXPECT_GT(single.at("de_nsig_counts_real"), 3);
  EXPECT_GT(single.at("pearson_delta"), 0.5);
  EXPECT_LT(single.at("pearson_delta"), 0.999);
  EXPECT_LT(multi.perPerturbation[3].metrics.at("discrimination_score_l1"), 1.0);
  EXPECT_EQ(multi.perPerturbation[0].topDeGenes.size(), 20u);
}

TEST(EvalMetrics, CatalogDescribesEveryComputedMetric) {
  const Scenario s = scenario();
  std::vector<PerturbationCells> cells;
  for (std::size_t p = 0; p < 2; ++p) cells.push_back({s.names[p], &s.observed[p], &s.predicted[p], {}});
  const auto multi = evaluatePerturbations(s.control, cells, s.genes);
  std::set<std::string> computed;
  for (const auto& [id, v] : multi.perPerturbation[0].metrics) computed.insert(id);
  for (const auto& [id, v] : multi.summary) computed.insert(id);
  std::set<std::string> ids;
  for (const auto& m : metricCatalog()) {
    EXPECT_TRUE(ids.insert(m.id).second) << "duplicate id " << m.id;
    EXPECT_FALSE(m.displayName.empty());
    EXPECT_GT(m.formula.size(), 10u) << m.id;
    EXPECT_TRUE(computed.count(m.id)) << "catalog entry never computed: " << m.id;
  }
  for (const auto& id : computed) EXPECT_NE(findMetric(id), nullptr) << "undocumented metric " << id;
  EXPECT_EQ(findMetric("no_such_metric"), nullptr);
  EXPECT_TRUE(findMetric("mse_top20_de")->higherIsBetter == false);
  EXPECT_TRUE(findMetric("pearson_delta")->higherIsBetter);
}

TEST(EvalMetrics, PerfectPredictionAndBadInput) {
  const Scenario s = scenario();
  const auto m = evaluatePerturbation(s.control, s.observed[1], s.observed[1], s.genes);
  EXPECT_NEAR(m.at("mse"), 0.0, 1e-15);
  EXPECT_NEAR(m.at("pearson_delta"), 1.0, 1e-12);
  EXPECT_NEAR(m.at("energy_distance"), 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(m.at("overlap_at_N"), 1.0);
  EXPECT_DOUBLE_EQ(m.at("de_direction_match"), 1.0);
  EXPECT_DOUBLE_EQ(m.at("de_overlap_top20"), 1.0);

  const RowMatrixF wrong = RowMatrixF::Zero(5, kGenes + 1);
  EXPECT_THROW(evaluatePerturbation(s.control, wrong, s.predicted[0], s.genes), InputError);
  EXPECT_THROW(evaluatePerturbation(s.control, s.observed[0], s.predicted[0], {"only", "two"}), InputError);
  EXPECT_THROW(evaluatePerturbations(s.control, {}, s.genes), InputError);
  CancelToken cancel;
  cancel.cancel();
  std::vector<PerturbationCells> cells{{"x", &s.observed[0], &s.predicted[0], {}}};
  EXPECT_THROW(evaluatePerturbations(s.control, cells, s.genes, {}, Progress::none(), cancel), Cancelled);
}

TEST(EvalMetrics, OverlapAndDiscriminationBuildingBlocks) {
  // cell-eval semantics: k_eff = min(k, list size); top k_eff of each list compared.
  const std::vector<int> real{5, 1, 9, 3}, pred{1, 7, 5};
  EXPECT_DOUBLE_EQ(deOverlapAtK(real, pred, 0, false), 2.0 / 4);   // N: k = 4, pred has 3
  EXPECT_DOUBLE_EQ(deOverlapAtK(real, pred, 0, true), 2.0 / 3);    // precision: k = 3
  EXPECT_DOUBLE_EQ(deOverlapAtK(real, pred, 2, false), 1.0 / 2);   // {5,1} vs {1,7}
  EXPECT_DOUBLE_EQ(deOverlapAtK({}, pred, 50, false), 0.0);
  Eigen::MatrixXd realD(3, 2), predD(3, 2);
  realD << 1, 0, 0, 1, 1, 1;
  predD << 1, 0.1, 1, 1, 0, 1;
  const auto sc = discriminationScores(realD, predD, "l2");
  EXPECT_DOUBLE_EQ(sc[0], 1.0);
  // p1's prediction (1,1) is closest to q2's truth; q0 ties with the true q1 at distance 1
  // and comes first by index: rank 2.
  EXPECT_DOUBLE_EQ(sc[1], 1.0 - 2.0 / 3);
  EXPECT_DOUBLE_EQ(sc[2], 1.0 - 1.0 / 3);  // (0,1) is closest to q1: rank 1
  EXPECT_THROW(discriminationScores(realD, predD, "l3"), InputError);
}

TEST(EvalMetrics, WelchRankingForTopDeGenes) {
  SCDFM_REQUIRE_PYTHON();
  const Scenario s = scenario();
  const auto dir = test::scratchDir("EvalMetricsWelch");
  evaltest::writeMatrix(dir + "/control.txt", s.control);
  evaltest::writeMatrix(dir + "/obs.txt", s.observed[2]);
  evaltest::writeMatrix(dir + "/pred.txt", s.predicted[2]);
  EvalOptions o;
  o.de.test = DeTest::WelchT;
  o.distributionMetrics = false;
  const auto m = evaluatePerturbation(s.control, s.observed[2], s.predicted[2], s.genes, o);
  EXPECT_EQ(m.count("energy_distance"), 0u);
  const auto ref = evaltest::python(dir, R"PY(
c, o, p = load('control.txt'), load('obs.txt'), load('pred.txt')
t = ss.ttest_ind(o, c, equal_var=False).statistic
top = np.argsort(-np.abs(t), kind='stable')[:20]
mc, mo, mp = c.mean(0), o.mean(0), p.mean(0)
out(((mp[top] - mo[top])**2).mean(), ss.pearsonr(mp[top] - mc[top], mo[top] - mc[top])[0])
)PY");
  ASSERT_EQ(ref.size(), 2u);
  EXPECT_TRUE(close(m.at("mse_top20_de"), ref[0], 1e-9));
  EXPECT_TRUE(close(m.at("pearson_delta_top20_de"), ref[1], 1e-9));
  EXPECT_STREQ(toString(findMetric("mse")->family), "cell-eval");
  EXPECT_STREQ(toString(findMetric("pearson_edistance")->scope), "across perturbations");
}
