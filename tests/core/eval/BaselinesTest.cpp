#include <gtest/gtest.h>

#include <random>

#include "EvalTestSupport.h"
#include "core/eval/Baselines.h"
#include "core/eval/Metrics.h"
#include "core/util/Error.h"

using namespace scdfm;
using evaltest::close;

namespace {
Eigen::VectorXd randomEffect(long g, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0.0, 0.8);
  Eigen::VectorXd d(g);
  for (long j = 0; j < g; ++j) d[j] = n(rng);
  return d;
}
}  // namespace

TEST(Baselines, NoChangeIsTheControlCells) {
  const auto c = evaltest::gaussian(10, std::vector<double>(4, 3.0), 1);
  EXPECT_EQ(noChangeBaseline(c), c);
  EXPECT_NEAR(meanDelta(c, c).cwiseAbs().maxCoeff(), 0.0, 1e-12);
}

TEST(Baselines, AdditiveRecoversAnAdditiveTruth) {
  const long G = 30;
  // Expression well above 0 so clipping does not interfere with the known answer.
  const auto control = evaltest::gaussian(120, std::vector<double>(G, 6.0), 2, 0.5);
  const Eigen::VectorXd dA = randomEffect(G, 3), dB = randomEffect(G, 4);
  const RowMatrixF obsA = shiftCells(control, dA, false), obsB = shiftCells(control, dB, false);
  const RowMatrixF truthAB = shiftCells(control, dA + dB, false);

  const RowMatrixF pred = additiveBaseline(control, {meanDelta(obsA, control), meanDelta(obsB, control)});
  ASSERT_EQ(pred.rows(), control.rows());
  EXPECT_LT((pred - truthAB).cwiseAbs().maxCoeff(), 1e-4f);
  const auto m = evaluatePerturbation(control, truthAB, pred, {});
  EXPECT_LT(m.at("mse"), 1e-9);
  EXPECT_GT(m.at("pearson_delta"), 0.999999);
  EXPECT_LT(m.at("mse_top20_de"), 1e-9);
  // The no-change baseline misses the effect by about its size.
  const auto m0 = evaluatePerturbation(control, truthAB, noChangeBaseline(control), {});
  EXPECT_NEAR(m0.at("mse"), (dA + dB).squaredNorm() / G, 1e-3);
  // Clipping at 0, as the model's sampler does.
  RowMatrixF low = RowMatrixF::Constant(2, 3, 0.5f);
  const RowMatrixF clipped = additiveBaseline(low, {Eigen::Vector3d(-1.0, 0.2, 0.0)});
  EXPECT_FLOAT_EQ(clipped(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(clipped(1, 1), 0.7f);
  EXPECT_THROW(additiveBaseline(low, {Eigen::Vector2d(1, 1)}), InputError);
}

TEST(Baselines, LinearModelRecoversALinearTruth) {
  const long G = 25;
  const std::vector<std::string> genes{"CEBPA", "KLF1", "MAP2K6", "SET", "TBX3"};
  std::vector<Eigen::VectorXd> w;
  for (std::size_t i = 0; i < genes.size(); ++i) w.push_back(randomEffect(G, 10 + i));
  const Eigen::VectorXd shared = randomEffect(G, 99);  // response common to every perturbation
  auto truth = [&](const std::vector<int>& comps, bool withShared) {
    Eigen::VectorXd d = withShared ? shared : Eigen::VectorXd::Zero(G);
    for (int c : comps) d += w[c];
    return d;
  };
  // Train: all singles and three pairs; test on unseen pairs.
  const std::vector<std::vector<int>> train{{0}, {1}, {2}, {3}, {4}, {0, 1}, {2, 3}, {1, 4}};
  for (bool intercept : {false, true}) {
    std::vector<std::vector<std::string>> conds;
    Eigen::MatrixXd deltas(train.size(), G);
    for (std::size_t i = 0; i < train.size(); ++i) {
      std::vector<std::string> names;
      for (int c : train[i]) names.push_back(genes[c]);
      conds.push_back(names);
      deltas.row(i) = truth(train[i], intercept).transpose();
    }
    LinearBaselineOptions o;
    o.ridge = 1e-9;
    o.fitIntercept = intercept;
    const auto model = LinearDeltaModel::fit(conds, deltas, o);
    EXPECT_EQ(model.components().size(), genes.size());
    for (const auto& pair : std::vector<std::vector<int>>{{0, 2}, {3, 4}, {0, 4}}) {
      const Eigen::VectorXd got = model.predictDelta({genes[pair[0]], genes[pair[1]]});
      EXPECT_LT((got - truth(pair, intercept)).cwiseAbs().maxCoeff(), 1e-6) << intercept;
    }
    EXPECT_THROW(model.predictDelta({"KLF2"}), InputError);
    // Cells: the control cells shifted by the predicted effect.
    const auto control = evaltest::gaussian(6, std::vector<double>(G, 8.0), 5, 0.1);
    const RowMatrixF cells = model.predictCells(control, {"SET"});
    EXPECT_LT((cells - shiftCells(control, truth({3}, intercept))).cwiseAbs().maxCoeff(), 1e-4f);
  }
  // λ = 0: minimum-norm least squares, still exact on a consistent system.
  const auto exact = LinearDeltaModel::fit({{"A"}, {"B"}, {"A", "B"}},
                                           (Eigen::MatrixXd(3, 2) << 1, 2, 3, 4, 4, 6).finished(), {0.0, false});
  EXPECT_TRUE(exact.predictDelta({"A"}).isApprox(Eigen::Vector2d(1, 2), 1e-12));
  EXPECT_THROW(LinearDeltaModel::fit({{"A"}}, Eigen::MatrixXd(2, 3), {}), InputError);
}

TEST(Baselines, RidgeMatchesNumpyClosedForm) {
  SCDFM_REQUIRE_PYTHON();
  // A penalised fit with an intercept, against numpy's solve of the centred normal equations.
  const std::vector<std::vector<std::string>> conds{{"a"}, {"b"}, {"c"}, {"a", "b"}, {"b", "c"}, {"a", "c"}};
  Eigen::MatrixXd y(6, 4);
  std::mt19937_64 rng(8);
  std::normal_distribution<double> n(0, 1);
  for (long i = 0; i < y.size(); ++i) y.data()[i] = n(rng);
  const auto model = LinearDeltaModel::fit(conds, y, {0.7, true});
  char buf[64];
  std::string yfull = "[";  // full precision
  for (long i = 0; i < 6; ++i) {
    yfull += "[";
    for (long j = 0; j < 4; ++j) {
      std::snprintf(buf, sizeof buf, "%s%.17g", j ? "," : "", y(i, j));
      yfull += buf;
    }
    yfull += i < 5 ? "]," : "]]";
  }
  const auto ref = evaltest::python(test::scratchDir("Ridge"),
                                    "X = np.array([[1,0,0],[0,1,0],[0,0,1],[1,1,0],[0,1,1],[1,0,1]], float)\n"
                                    "Y = np.array(" + yfull + ")\n"
                                    "xm, ym = X.mean(0), Y.mean(0); Xc, Yc = X - xm, Y - ym\n"
                                    "W = np.linalg.solve(Xc.T @ Xc + 0.7 * np.eye(3), Xc.T @ Yc)\n"
                                    "b = ym - xm @ W\n"
                                    "out(W, b, b + W[0] + W[2])\n");
  ASSERT_EQ(ref.size(), 12u + 4u + 4u);
  for (long i = 0; i < 3; ++i)
    for (long j = 0; j < 4; ++j) EXPECT_TRUE(close(model.coefficients()(i, j), ref[i * 4 + j], 1e-10, 1e-12));
  for (long j = 0; j < 4; ++j) EXPECT_TRUE(close(model.intercept()[j], ref[12 + j], 1e-10, 1e-12));
  const auto d = model.predictDelta({"a", "c"});
  for (long j = 0; j < 4; ++j) EXPECT_TRUE(close(d[j], ref[16 + j], 1e-10, 1e-12));
}
