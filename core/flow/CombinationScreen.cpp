#include "core/flow/CombinationScreen.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "core/data/Dataset.h"
#include "core/data/ModelExpression.h"
#include "core/dist/ByteCodec.h"
#include "core/dist/ProcessGroup.h"
#include "core/dist/SplitWork.h"
#include "core/io/CsvWriter.h"
#include "core/util/Error.h"

namespace scdfm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Eigen::VectorXd columnMeans(const RowMatrixF& cells) { return cells.cast<double>().colwise().mean().transpose(); }

// What the screen needs of the data: the control mean and, per observed
// condition of the context, the mean of its cells.
class ObservedMeans {
 public:
  ObservedMeans(const Dataset& ds, ExpressionSpace space, const std::string& context, const CancelToken& cancel)
      : ds_(ds), space_(std::move(space)), context_(context), cancel_(cancel) {
    const auto rows = ds.catalog().controlCells(context);
    if (rows.empty())
      throw InputError(ds.path(), "obs",
                       "no control cells" + (context.empty() ? std::string() : " of context '" + context + "'"),
                       "The screen compares with the control cells of the context; choose another context");
    control_ = columnMeans(readExpression(ds, rows, space_, cancel_));
  }
  const Eigen::VectorXd& control() const { return control_; }
  // Cells of `key` in the context (0 when none).
  std::int64_t cells(const std::string& key) const {
    const auto* e = ds_.catalog().find(key);
    if (!e || !e->observed || e->nCells == 0) return 0;
    return static_cast<std::int64_t>(ds_.catalog().cellsOf(key, context_).size());
  }
  // Mean change of `key` against control (read once).
  const Eigen::VectorXd& delta(const std::string& key) {
    auto it = deltas_.find(key);
    if (it == deltas_.end())
      it = deltas_.emplace(key, columnMeans(readExpression(ds_, ds_.catalog().cellsOf(key, context_), space_, cancel_)) -
                                    control_).first;
    return it->second;
  }

 private:
  const Dataset& ds_;
  ExpressionSpace space_;
  std::string context_;
  CancelToken cancel_;
  Eigen::VectorXd control_;
  std::map<std::string, Eigen::VectorXd> deltas_;
};

void writeScoreFields(CsvWriter& csv, const GiScore* s) {
  if (!s) {
    for (int i = 0; i < 9; ++i) csv.empty();
    return;
  }
  csv.number(s->c1).number(s->c2).number(s->magnitude).number(s->score).number(s->additiveDeparture);
  csv.number(s->r2).number(s->fitPearson).number(s->dominance).field(toString(s->type));
}

}  // namespace

CombinationScreenResult runCombinationScreen(const Predictor& predictor, const Dataset& dataset,
                                             const CombinationScreenRequest& request,
                                             const std::function<void(const ScreenPair&)>& onPair,
                                             const Progress& progress, const CancelToken& cancel) {
  const auto n = request.genes.size();
  if (n < kMinScreenGenes || n > kMaxScreenGenes)
    throw InputError("", "genes", std::to_string(n) + " genes given; a screen takes " +
                                      std::to_string(kMinScreenGenes) + " to " + std::to_string(kMaxScreenGenes),
                     n < kMinScreenGenes ? "Name at least two genes" : "Screen fewer genes at a time");
  // Every query checked before anything runs.
  CombinationScreenResult result;
  result.context = request.context;
  std::vector<PerturbationCheck> singles;
  std::set<std::string> seen;
  for (const auto& g : request.genes) {
    auto c = predictor.check(g, &dataset);
    if (c.combination)
      throw InputError("", "gene '" + g + "'", "is a combination; the screen pairs single genes itself",
                       "List single genes, e.g. KLF1,MAP2K6,CEBPA");
    if (!seen.insert(c.key).second)
      throw InputError("", "gene '" + g + "'", "is listed twice", "List each gene once");
    result.genes.push_back(c.targets.front());
    singles.push_back(std::move(c));
  }
  std::vector<std::pair<std::size_t, std::size_t>> pairIndex;  // entry n + k of the screen is pair k
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b) pairIndex.emplace_back(a, b);
  std::vector<PerturbationCheck> pairChecks;
  for (const auto& [a, b] : pairIndex) pairChecks.push_back(predictor.check(result.genes[a] + "+" + result.genes[b], &dataset));

  result.scoredGenes = predictor.genesFor(dataset);
  progress.report(0.0, "reading the control cells");
  const auto& prep = predictor.checkpoint().preprocessing;
  ObservedMeans observed(dataset, expressionSpace(dataset, result.scoredGenes, prep.normalizeTotal, prep.log1p),
                         request.context, cancel);

  // Singles, then pairs: entry i of the screen. With a group, each rank predicts
  // its share and every rank receives every mean change, in order.
  const std::size_t entries = n + pairChecks.size();
  const double total = static_cast<double>(entries);
  const bool split = request.group && request.group->distributed();
  auto predictedDelta = [&](std::size_t i) {
    const auto& c = i < n ? singles[i] : pairChecks[i - n];
    PredictRequest r;
    r.perturbations = {c.key};
    r.context = request.context;
    r.cells = request.cells;
    r.method = request.method;
    r.timePoints = request.timePoints;
    r.seed = request.seed;
    r.chunkSize = request.chunkSize;
    r.genes = result.scoredGenes;
    const double from = static_cast<double>(i) / total, to = static_cast<double>(i + 1) / total;
    auto out = predictor.predict(dataset, r, {}, split ? Progress::none() : progress.sub(from, to), cancel);
    const Eigen::VectorXd delta = columnMeans(out.front().cells) - observed.control();
    return ByteWriter().array(delta.data(), static_cast<std::size_t>(delta.size())).take();
  };

  std::vector<Eigen::VectorXd> singleDelta(n);
  result.predictedScore = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n), kNaN);
  result.observedScore = result.predictedScore;
  auto onEntry = [&](std::size_t i, const std::string& bytes) {
    ByteReader in(bytes);
    const auto values = in.vector<double>();
    const Eigen::VectorXd delta = Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
    if (split) progress.report(static_cast<double>(i + 1) / total, "screen", static_cast<long long>(i + 1),
                               static_cast<long long>(entries));
    if (i < n) {
      singleDelta[i] = delta;
      return;
    }
    const auto [a, b] = pairIndex[i - n];
    const auto& check = pairChecks[i - n];
    ScreenPair p;
    p.a = a;
    p.b = b;
    p.geneA = result.genes[a];
    p.geneB = result.genes[b];
    p.key = check.key;
    p.notes = check.notes;
    GiOptions gi = request.gi;
    gi.excludedGenes.clear();
    for (const auto& t : {p.geneA, p.geneB}) {
      auto it = std::find(result.scoredGenes.begin(), result.scoredGenes.end(), t);
      if (it != result.scoredGenes.end()) gi.excludedGenes.push_back(it - result.scoredGenes.begin());
    }
    p.predicted = scoreGeneticInteraction(singleDelta[a], singleDelta[b], delta, gi);
    p.observedCells = observed.cells(p.key);
    if (p.observedCells > 0 && observed.cells(singles[a].key) > 0 && observed.cells(singles[b].key) > 0)
      p.observed = scoreGeneticInteraction(observed.delta(singles[a].key), observed.delta(singles[b].key),
                                           observed.delta(p.key), gi);
    const auto ia = static_cast<Eigen::Index>(a), ib = static_cast<Eigen::Index>(b);
    result.predictedScore(ia, ib) = result.predictedScore(ib, ia) = p.predicted.score;
    if (p.observed) result.observedScore(ia, ib) = result.observedScore(ib, ia) = p.observed->score;
    cancel.throwIfCancelled();  // no pair arrives after Cancel
    if (onPair) onPair(p);
    result.pairs.push_back(std::move(p));
  };
  runSplitWork(request.group, entries, SplitWorkOptions{"screen", true}, predictedDelta, onEntry, cancel);
  progress.report(1.0, "done");
  return result;
}

void writeCombinationScreenCsv(const std::string& path, const CombinationScreenResult& result) {
  static const char* fields[] = {"c1", "c2", "magnitude", "score", "additive_departure", "r2", "fit_pearson",
                                 "dominance", "type"};
  writeCsvFile(path, [&](CsvWriter& csv) {
    csv.field("gene_a").field("gene_b");
    for (const char* group : {"predicted", "observed"})
      for (const char* f : fields) csv.field(std::string(group) + "_" + f);
    csv.field("observed").field("observed_cells");
    csv.endRow();
    for (const auto& p : result.pairs) {
      csv.field(p.geneA).field(p.geneB);
      writeScoreFields(csv, &p.predicted);
      writeScoreFields(csv, p.observed ? &*p.observed : nullptr);
      csv.field(p.observed ? "yes" : "no").number(p.observedCells);
      csv.endRow();
    }
  });
}

}  // namespace scdfm
