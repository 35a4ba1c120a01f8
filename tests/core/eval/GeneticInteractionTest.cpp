// Genetic-interaction scores: hand-made pairs of known type, and the fits
// against numpy's lstsq and sklearn's TheilSenRegressor.
#include "core/eval/GeneticInteraction.h"

#include <cmath>
#include <random>

#include "EvalTestSupport.h"
#include "core/util/Error.h"

using namespace scdfm;
using evaltest::close;

namespace {

Eigen::VectorXd randomDelta(long genes, std::uint64_t seed, double sd = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0.0, sd);
  Eigen::VectorXd v(genes);
  for (auto& x : v) x = n(rng);
  return v;
}

// The vectors as float32 values (what the text files carry to numpy).
RowMatrixF asColumns(const std::vector<Eigen::VectorXd>& cols) {
  RowMatrixF m(cols.front().size(), static_cast<long>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) m.col(static_cast<long>(j)) = cols[j].cast<float>();
  return m;
}

}  // namespace

TEST(GeneticInteraction, AdditivePairIsNeutral) {
  const auto a = randomDelta(200, 1), b = randomDelta(200, 2);
  const GiScore s = scoreGeneticInteraction(a, b, a + b);
  EXPECT_NEAR(s.c1, 1.0, 1e-12);
  EXPECT_NEAR(s.c2, 1.0, 1e-12);
  EXPECT_NEAR(s.magnitude, std::sqrt(2.0), 1e-12);  // GEARS's 'mag' of an additive pair
  EXPECT_NEAR(s.score, 0.0, 1e-12);                 // neutral value of the heatmap score
  EXPECT_NEAR(s.additiveDeparture, 0.0, 1e-12);
  EXPECT_NEAR(s.r2, 1.0, 1e-12);
  EXPECT_NEAR(s.fitPearson, 1.0, 1e-12);
  EXPECT_NEAR(s.dominance, 0.0, 1e-12);
  EXPECT_EQ(s.type, InteractionType::Additive);
  EXPECT_EQ(s.genes, 200);
}

TEST(GeneticInteraction, SynergyBufferingAndDominance) {
  const auto a = randomDelta(200, 3), b = randomDelta(200, 4);
  // Twice the sum: c = (2, 2), m = 2√2, score = log2(2) = 1; departure ‖a+b‖/‖a+b‖ = 1.
  GiScore s = scoreGeneticInteraction(a, b, 2.0 * (a + b));
  EXPECT_NEAR(s.c1, 2.0, 1e-12);
  EXPECT_NEAR(s.score, 1.0, 1e-12);
  EXPECT_NEAR(s.additiveDeparture, 1.0, 1e-12);
  EXPECT_EQ(s.type, InteractionType::Synergy);
  // Half the sum: score −1.
  s = scoreGeneticInteraction(a, b, 0.5 * (a + b));
  EXPECT_NEAR(s.score, -1.0, 1e-12);
  EXPECT_NEAR(s.additiveDeparture, 0.5, 1e-12);
  EXPECT_EQ(s.type, InteractionType::Buffering);
  // The pair looks like A alone: c = (1, 0), m = 1, score = −1/2.
  s = scoreGeneticInteraction(a, b, a);
  EXPECT_NEAR(s.c1, 1.0, 1e-12);
  EXPECT_NEAR(s.c2, 0.0, 1e-12);
  EXPECT_NEAR(s.score, -0.5, 1e-12);
  EXPECT_EQ(s.type, InteractionType::DominantA);
  s = scoreGeneticInteraction(a, b, b + 0.1 * a);
  EXPECT_NEAR(s.c1, 0.1, 1e-12);
  EXPECT_EQ(s.type, InteractionType::DominantB);
  // A change the singles do not explain: neomorphic.
  s = scoreGeneticInteraction(a, b, randomDelta(200, 5));
  EXPECT_LT(s.r2, 0.5);
  EXPECT_EQ(s.type, InteractionType::Neomorphic);
  // Neither single changes anything: undetermined, not a division by zero.
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(200);
  s = scoreGeneticInteraction(zero, zero, a);
  EXPECT_TRUE(std::isnan(s.additiveDeparture));
  EXPECT_EQ(s.type, InteractionType::Undetermined);
  EXPECT_THROW(scoreGeneticInteraction(a, b, randomDelta(199, 6)), InputError);
  EXPECT_STREQ(toString(InteractionType::DominantA), "dominant-A");
}

TEST(GeneticInteraction, ExcludedGenesAreLeftOut) {
  const auto a = randomDelta(100, 7), b = randomDelta(100, 8);
  Eigen::VectorXd ab = a + b;
  // Genes 0 and 1 (say the targets themselves) change in the pair in a way
  // unrelated to the singles; left out, they cannot move the scores.
  ab[0] = 50;
  ab[1] = -50;
  GiOptions o;
  EXPECT_GT(scoreGeneticInteraction(a, b, ab, o).additiveDeparture, 1.0);
  o.excludedGenes = {0, 1};
  const GiScore s = scoreGeneticInteraction(a, b, ab, o);
  EXPECT_EQ(s.genes, 98);
  EXPECT_NEAR(s.additiveDeparture, 0.0, 1e-12);
  EXPECT_NEAR(s.score, 0.0, 1e-12);
}

TEST(GeneticInteraction, LeastSquaresMatchesNumpy) {
  SCDFM_REQUIRE_PYTHON();
  const auto dir = test::scratchDir("gi_lstsq");
  const auto a = randomDelta(300, 11), b = randomDelta(300, 12, 0.5);
  const Eigen::VectorXd ab = 1.3 * a - 0.4 * b + randomDelta(300, 13, 0.3);
  const RowMatrixF m = asColumns({a, b, ab});
  evaltest::writeMatrix(dir + "/d.txt", m);
  const Eigen::VectorXd fa = m.col(0).cast<double>(), fb = m.col(1).cast<double>(), fab = m.col(2).cast<double>();
  GiOptions o;
  o.excludedGenes = {3, 17};
  const GiScore s = scoreGeneticInteraction(fa, fb, fab, o);
  const auto ref = evaltest::python(dir, R"PY(
d = load('d.txt')
d = np.delete(d, [3, 17], axis=0)
X, y = d[:, :2], d[:, 2]
c = np.linalg.lstsq(X, y, rcond=None)[0]
fit = X @ c
r2 = 1 - np.sum((y - fit) ** 2) / np.sum((y - y.mean()) ** 2)
s = X[:, 0] + X[:, 1]
dep = np.linalg.norm(y - s) / np.linalg.norm(s)
mag = np.hypot(c[0], c[1])
out(c[0], c[1], mag, np.log2(mag / np.sqrt(2)), dep, r2, np.corrcoef(fit, y)[0, 1], abs(np.log10(abs(c[0]) / abs(c[1]))))
)PY");
  ASSERT_EQ(ref.size(), 8u);
  EXPECT_TRUE(close(s.c1, ref[0], 1e-10));
  EXPECT_TRUE(close(s.c2, ref[1], 1e-10));
  EXPECT_TRUE(close(s.magnitude, ref[2], 1e-10));
  EXPECT_TRUE(close(s.score, ref[3], 1e-9, 1e-12));
  EXPECT_TRUE(close(s.additiveDeparture, ref[4], 1e-10));
  EXPECT_TRUE(close(s.r2, ref[5], 1e-10));
  EXPECT_TRUE(close(s.fitPearson, ref[6], 1e-10));
  EXPECT_TRUE(close(s.dominance, ref[7], 1e-9));
  EXPECT_EQ(s.genes, 298);
}

TEST(GeneticInteraction, TheilSenMatchesSklearnAndResistsOutliers) {
  SCDFM_REQUIRE_PYTHON();
  const auto dir = test::scratchDir("gi_theilsen");
  // 80 genes (3160 pairs: all solved, as sklearn does below max_subpopulation);
  // 8 genes carry large changes unrelated to the singles.
  const auto a = randomDelta(80, 21), b = randomDelta(80, 22);
  Eigen::VectorXd ab = 1.5 * a + 0.7 * b + randomDelta(80, 23, 0.05);
  for (int g = 0; g < 8; ++g) ab[g * 10] += 6.0 * (g % 2 ? 1 : -1);
  const RowMatrixF m = asColumns({a, b, ab});
  evaltest::writeMatrix(dir + "/d.txt", m);
  const Eigen::VectorXd fa = m.col(0).cast<double>(), fb = m.col(1).cast<double>(), fab = m.col(2).cast<double>();
  GiOptions o;
  o.estimator = GiEstimator::TheilSen;
  o.maxIterations = 20000;  // both sides converge far below the comparison tolerance
  o.tolerance = 1e-22;
  const GiScore ts = scoreGeneticInteraction(fa, fb, fab, o);
  const auto ref = evaltest::python(dir, R"PY(
from sklearn.linear_model import TheilSenRegressor
d = load('d.txt')
r = TheilSenRegressor(fit_intercept=False, max_subpopulation=1e5, max_iter=20000, tol=1e-22, random_state=0)
r.fit(d[:, :2], d[:, 2])
out(r.coef_[0], r.coef_[1])
)PY");
  ASSERT_EQ(ref.size(), 2u);
  EXPECT_TRUE(close(ts.c1, ref[0], 1e-6, 1e-9));
  EXPECT_TRUE(close(ts.c2, ref[1], 1e-6, 1e-9));
  // The robust fit stays near the true (1.5, 0.7); least squares is pulled away.
  EXPECT_NEAR(ts.c1, 1.5, 0.05);
  EXPECT_NEAR(ts.c2, 0.7, 0.05);
  const GiScore ls = scoreGeneticInteraction(fa, fb, fab);
  EXPECT_GT(std::abs(ls.c1 - 1.5) + std::abs(ls.c2 - 0.7), std::abs(ts.c1 - 1.5) + std::abs(ts.c2 - 0.7));
}

TEST(GeneticInteraction, TheilSenSamplesPairsDeterministically) {
  // More gene pairs than maxSubpopulation: a seeded sample, same answer every time.
  const auto a = randomDelta(400, 31), b = randomDelta(400, 32);
  const Eigen::VectorXd ab = 0.8 * a + 1.2 * b + randomDelta(400, 33, 0.02);
  GiOptions o;
  o.estimator = GiEstimator::TheilSen;
  o.maxSubpopulation = 5000;
  const GiScore s1 = scoreGeneticInteraction(a, b, ab, o), s2 = scoreGeneticInteraction(a, b, ab, o);
  EXPECT_EQ(s1.c1, s2.c1);
  EXPECT_EQ(s1.c2, s2.c2);
  EXPECT_NEAR(s1.c1, 0.8, 0.01);
  EXPECT_NEAR(s1.c2, 1.2, 0.01);
  EXPECT_EQ(parseGiEstimator("Theil-Sen"), GiEstimator::TheilSen);
  EXPECT_EQ(parseGiEstimator("lstsq"), GiEstimator::LeastSquares);
  EXPECT_THROW(parseGiEstimator("ridge"), InputError);
}
