// Combination screen on the simulator's tiny dataset with the tiny model: every
// pair scored, deterministic, cancellable, and observed scores equal to the GI
// of observed means computed independently in numpy.
#include "core/flow/CombinationScreen.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "TestSupport.h"
#include "TinyCheckpoint.h"
#include "core/data/Dataset.h"
#include "core/util/Error.h"

using namespace scdfm;

namespace {

// Three genes: an observed pair A+B whose singles are observed in the same
// context, and a third observed single C.
struct ScreenCase {
  std::string a, b, c, context, pairKey;
};

ScreenCase findCase(const Dataset& ds, const Predictor& p) {
  const auto& cat = ds.catalog();
  auto known = [&](const std::string& g) {
    try {
      return !p.check(g).combination;
    } catch (const InputError&) {
      return false;
    }
  };
  for (const auto& e : cat.entries()) {
    if (!e.observed || !e.isCombination() || e.kind() != PerturbationKind::Gene ||
        e.perturbation.components.size() != 2)
      continue;
    const auto& a = e.perturbation.components[0].name;
    const auto& b = e.perturbation.components[1].name;
    if (!known(a) || !known(b) || !cat.find(a) || !cat.find(b)) continue;
    for (const auto& [ct, n] : e.cellsByCellType) {
      if (n < 2 || cat.cellsOf(a, ct).size() < 2 || cat.cellsOf(b, ct).size() < 2) continue;
      for (const auto& s : cat.entries())
        if (s.observed && !s.isCombination() && !s.isControl() && s.kind() == PerturbationKind::Gene &&
            s.key != a && s.key != b && known(s.key))
          return {a, b, s.key, ct, e.key};
    }
  }
  return {};
}

CombinationScreenRequest smallRequest(const ScreenCase& c, std::uint64_t seed = 5) {
  CombinationScreenRequest r;
  r.genes = {c.a, c.b, c.c};
  r.context = c.context;
  r.cells = 8;
  r.timePoints = 3;
  r.chunkSize = 8;
  r.seed = seed;
  return r;
}

bool sameMatrix(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  return x.rows() == y.rows() && x.cols() == y.cols() &&
         ((x.array() == y.array()) || (x.array().isNaN() && y.array().isNaN())).all();
}

class CombinationScreen : public ::testing::Test {
 protected:
  void SetUp() override {
    SCDFM_REQUIRE_TINY_DATA();
    ds_ = std::make_unique<Dataset>(test::tinyData());
    predictor_ = std::make_unique<Predictor>(test::tinyCheckpoint(), "cpu");
    case_ = findCase(*ds_, *predictor_);
    if (case_.a.empty()) GTEST_SKIP() << "tiny.h5ad has no observed pair with observed singles in one context";
  }
  std::unique_ptr<Dataset> ds_;
  std::unique_ptr<Predictor> predictor_;
  ScreenCase case_;
};

}  // namespace

TEST_F(CombinationScreen, ScoresEveryPairAndObservedMatchesNumpy) {
  std::vector<std::string> streamed;
  std::vector<double> fractions;
  const auto result = runCombinationScreen(
      *predictor_, *ds_, smallRequest(case_), [&](const ScreenPair& p) { streamed.push_back(p.key); },
      Progress([&](const ProgressInfo& i) { fractions.push_back(i.fraction); }));
  ASSERT_EQ(result.genes.size(), 3u);
  ASSERT_EQ(result.pairs.size(), 3u);  // n(n−1)/2
  EXPECT_EQ(streamed.size(), 3u);
  ASSERT_FALSE(fractions.empty());
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  for (std::size_t i = 1; i < fractions.size(); ++i) EXPECT_GE(fractions[i] + 1e-12, fractions[i - 1]) << i;
  for (Eigen::Index i = 0; i < 3; ++i) {
    EXPECT_TRUE(std::isnan(result.predictedScore(i, i)));
    for (Eigen::Index j = 0; j < 3; ++j)
      if (i != j) {
        EXPECT_TRUE(std::isfinite(result.predictedScore(i, j)));
        EXPECT_EQ(result.predictedScore(i, j), result.predictedScore(j, i));
      }
  }
  const ScreenPair* observed = nullptr;
  for (const auto& p : result.pairs) {
    EXPECT_EQ(result.predictedScore(static_cast<Eigen::Index>(p.a), static_cast<Eigen::Index>(p.b)), p.predicted.score);
    if (p.key == case_.pairKey) observed = &p;
    if (!p.observed) EXPECT_TRUE(std::isnan(result.observedScore(static_cast<Eigen::Index>(p.a), static_cast<Eigen::Index>(p.b))));
  }
  ASSERT_NE(observed, nullptr);
  ASSERT_TRUE(observed->observed.has_value());
  EXPECT_EQ(observed->observedCells, static_cast<std::int64_t>(ds_->catalog().cellsOf(case_.pairKey, case_.context).size()));
  EXPECT_EQ(result.observedScore(static_cast<Eigen::Index>(observed->a), static_cast<Eigen::Index>(observed->b)),
            observed->observed->score);

  // numpy: observed means in the model's space, Δ vs the context's control mean,
  // the pair's two targets left out, lstsq.
  const auto dir = test::scratchDir("screen_observed");
  const auto& cat = ds_->catalog();
  std::vector<std::int64_t> cols;
  std::vector<std::int64_t> targets;
  for (std::size_t j = 0; j < result.scoredGenes.size(); ++j) {
    cols.push_back(*ds_->findGene(result.scoredGenes[j]));
    if (result.scoredGenes[j] == case_.a || result.scoredGenes[j] == case_.b) targets.push_back(static_cast<std::int64_t>(j));
  }
  test::writeIndexFile(dir + "/genes.cols", cols);
  test::writeIndexFile(dir + "/targets.idx", targets);
  test::writeIndexFile(dir + "/ctrl.rows", cat.controlCells(case_.context));
  test::writeIndexFile(dir + "/a.rows", cat.cellsOf(case_.a, case_.context));
  test::writeIndexFile(dir + "/b.rows", cat.cellsOf(case_.b, case_.context));
  test::writeIndexFile(dir + "/ab.rows", cat.cellsOf(case_.pairKey, case_.context));
  const auto py = test::runPython(test::pythonModelSpace(dir) + R"PY(
c = model_space('ctrl').mean(0)
d = [model_space(n).mean(0) - c for n in ('a', 'b', 'ab')]
t = np.loadtxt(D + '/targets.idx', dtype=np.int64, ndmin=1)
keep = np.setdiff1d(np.arange(len(c)), t)
X = np.stack([d[0][keep], d[1][keep]], 1)
y = d[2][keep]
coef = np.linalg.lstsq(X, y, rcond=None)[0]
s = X.sum(1)
print('RESULT', *[repr(float(v)) for v in (coef[0], coef[1], np.linalg.norm(y - s) / np.linalg.norm(s), len(keep))])
)PY");
  ASSERT_EQ(py.exitCode, 0) << py.output;
  std::istringstream in(py.output.substr(py.output.rfind("RESULT ") + 7));
  double c1, c2, departure, genes;
  in >> c1 >> c2 >> departure >> genes;
  const auto& o = *observed->observed;
  // Whichever order the pair's genes were listed in, c1 belongs to geneA.
  const bool swapped = observed->geneA != case_.a;
  EXPECT_NEAR(swapped ? o.c2 : o.c1, c1, 1e-4 * (1 + std::abs(c1)));
  EXPECT_NEAR(swapped ? o.c1 : o.c2, c2, 1e-4 * (1 + std::abs(c2)));
  EXPECT_NEAR(o.additiveDeparture, departure, 1e-4 * (1 + departure));
  EXPECT_EQ(o.genes, static_cast<std::int64_t>(genes));
}

TEST_F(CombinationScreen, DeterministicUnderASeedAndCancellable) {
  const auto first = runCombinationScreen(*predictor_, *ds_, smallRequest(case_));
  const auto again = runCombinationScreen(*predictor_, *ds_, smallRequest(case_));
  EXPECT_TRUE(sameMatrix(first.predictedScore, again.predictedScore));
  EXPECT_TRUE(sameMatrix(first.observedScore, again.observedScore));
  const auto other = runCombinationScreen(*predictor_, *ds_, smallRequest(case_, 6));
  EXPECT_FALSE(sameMatrix(first.predictedScore, other.predictedScore));
  EXPECT_TRUE(sameMatrix(first.observedScore, other.observedScore));  // data, not sampling

  CancelToken cancel;
  int pairs = 0;
  EXPECT_THROW(runCombinationScreen(
                   *predictor_, *ds_, smallRequest(case_),
                   [&](const ScreenPair&) {
                     ++pairs;
                     cancel.cancel();
                   },
                   Progress::none(), cancel),
               Cancelled);
  EXPECT_EQ(pairs, 1);
}

TEST_F(CombinationScreen, RefusesBadGeneLists) {
  auto r = smallRequest(case_);
  auto expectError = [&](const std::vector<std::string>& genes, const std::string& text) {
    r.genes = genes;
    try {
      runCombinationScreen(*predictor_, *ds_, r);
      ADD_FAILURE() << "expected an InputError for " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  expectError({case_.a}, "1 genes given");
  expectError(std::vector<std::string>(31, case_.a), "31 genes given");
  expectError({case_.a, case_.b, case_.a}, "listed twice");
  expectError({case_.a, case_.pairKey}, "is a combination");
  expectError({case_.a, case_.a + "QQ"}, case_.a + "QQ");
}

TEST_F(CombinationScreen, CsvHasOneRowPerPair) {
  const auto result = runCombinationScreen(*predictor_, *ds_, smallRequest(case_));
  const auto dir = test::scratchDir("screen_csv");
  writeCombinationScreenCsv(dir + "/screen.csv", result);
  std::ifstream f(dir + "/screen.csv");
  std::string header, line;
  std::getline(f, header);
  EXPECT_EQ(header.rfind("gene_a,gene_b,predicted_c1,predicted_c2,predicted_magnitude,predicted_score,", 0), 0u) << header;
  EXPECT_NE(header.find(",observed_type,observed,observed_cells"), std::string::npos) << header;
  int rows = 0, yes = 0;
  while (std::getline(f, line)) {
    ++rows;
    if (line.find(",yes,") != std::string::npos) ++yes;
    else EXPECT_NE(line.find(",,,,,,,,,no,"), std::string::npos) << line;  // empty observed fields
  }
  EXPECT_EQ(rows, 3);
  EXPECT_GE(yes, 1);
}
