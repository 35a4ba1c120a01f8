// The training loss (flow matching + γ·MMD) against the authors' values on
// every golden case, and its gradient reaching exactly the used parameters.
#include <gtest/gtest.h>

#include "../model/GoldenModelSupport.h"
#include "core/flow/FlowLoss.h"
#include "core/flow/Mmd.h"

using namespace scdfm;
using namespace scdfm::test;

TEST(GoldenLoss, EveryTermMatchesEveryCase) {
  auto cases = goldenCases();
  ASSERT_FALSE(cases.empty());
  for (const auto& dir : cases) {
    SCOPED_TRACE(dir);
    auto golden = loadGoldenCase(dir, "loss");
    auto f = golden.file("loss");
    FlowLossOptions opt;
    opt.gamma = golden.config.at("loss").at("gamma").get<double>();
    opt.mmdScales = golden.config.at("loss").at("mmd_scales").get<std::vector<double>>();
    torch::NoGradGuard noGrad;
    auto r = flowMatchingLoss(*golden.model, tensorOf(f, "gene_id"), tensorOf(f, "source"), tensorOf(f, "target"),
                              tensorOf(f, "perturbation_id"), tensorOf(f, "noise"), tensorOf(f, "t"), opt);
    const double tolL = golden.tolerance("loss"), tolF = golden.tolerance("forward");
    auto check = [&](const char* name, const torch::Tensor& mine, double tol) {
      double err = maxAbsDiff(mine.reshape(tensorOf(f, name).sizes()), tensorOf(f, name));
      std::printf("[%s] %-16s max|err| %.3g (tol %.0e)\n", golden.name.c_str(), name, err, tol);
      EXPECT_LE(err, tol) << name;
    };
    check("x_t", r.xt, tolL);
    check("velocity_target", r.velocityTarget, tolL);
    check("velocity", r.velocity, tolF);
    check("x1_hat", r.x1Hat, tolF);
    check("mmd_sigmas", r.sigmas, tolL);
    check("loss_fm", r.lossFm, tolL);
    check("loss_mmd", r.lossMmd, tolL);
    check("loss_total", r.total, tolL);
  }
}

TEST(GoldenLoss, GradientReachesUsedParametersOnly) {
  auto cases = goldenCases();
  ASSERT_FALSE(cases.empty());
  auto golden = loadGoldenCase(cases.back(), "loss");
  for (const auto& dir : cases)
    if (dir.find("tiny") != std::string::npos) golden = loadGoldenCase(dir, "loss");
  auto f = golden.file("loss");
  golden.model->train();  // dropout on: the training configuration
  torch::manual_seed(0);
  auto r = flowMatchingLoss(*golden.model, tensorOf(f, "gene_id"), tensorOf(f, "source"), tensorOf(f, "target"),
                            tensorOf(f, "perturbation_id"), tensorOf(f, "noise"), tensorOf(f, "t"));
  r.total.backward();
  for (auto& p : golden.model->named_parameters(true)) {
    const auto& k = p.key();
    const bool unused = k == "p_mask_embed" || k.rfind("perturbation_embedder.", 0) == 0 || k.rfind("p_head.", 0) == 0;
    if (unused) {
      EXPECT_FALSE(p.value().grad().defined()) << k;
    } else {
      ASSERT_TRUE(p.value().grad().defined()) << k;
      EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << k;
    }
  }
}

TEST(GoldenLoss, MmdIsZeroForIdenticalSetsAndGrowsWithShift) {
  torch::manual_seed(3);
  auto y = torch::randn({30, 5});
  auto s = medianSigmas(y, {0.5, 1, 2, 4});
  auto same = mmd2UnbiasedMultiSigma(y, y, s).item<double>();
  // Unbiased with the diagonals excluded: identical sets give −2/n·(1 − …) ≈ small negative, not 0.
  auto shifted = mmd2UnbiasedMultiSigma(y + 2.0, y, s).item<double>();
  EXPECT_LT(std::abs(same), 0.1);
  EXPECT_GT(shifted, same + 0.1);
}

// Training stops inside a step: the forward pass checks the token between the
// network's blocks, and the backward pass does the same through hooks. An
// untriggered token changes no value or gradient.
TEST(GoldenLoss, ForwardAndBackwardStopAtACancel) {
  auto cases = goldenCases();
  ASSERT_FALSE(cases.empty());
  auto golden = loadGoldenCase(cases.front(), "loss");
  auto f = golden.file("loss");
  auto loss = [&](const CancelToken* token) {
    FlowLossOptions opt;
    opt.cancel = token;
    return flowMatchingLoss(*golden.model, tensorOf(f, "gene_id"), tensorOf(f, "source"), tensorOf(f, "target"),
                            tensorOf(f, "perturbation_id"), tensorOf(f, "noise"), tensorOf(f, "t"), opt);
  };
  auto gradients = [&] {
    std::vector<torch::Tensor> g;
    for (auto& p : golden.model->parameters())
      if (p.grad().defined()) g.push_back(p.grad().clone());
    golden.model->zero_grad(/*set_to_none=*/true);
    return g;
  };
  auto plain = loss(nullptr);
  plain.total.backward();
  const auto plainGrads = gradients();

  const CancelToken token;
  auto watched = loss(&token);
  EXPECT_EQ(watched.total.item<double>(), plain.total.item<double>());
  watched.total.backward();
  const auto watchedGrads = gradients();
  ASSERT_EQ(watchedGrads.size(), plainGrads.size());
  for (std::size_t i = 0; i < plainGrads.size(); ++i) EXPECT_TRUE(torch::equal(watchedGrads[i], plainGrads[i])) << i;

  // Cancelled after the forward pass: backward() throws Cancelled before its end.
  auto cut = loss(&token);
  token.cancel();
  EXPECT_THROW(cut.total.backward(), Cancelled);
  gradients();
  // Cancelled before: the forward pass throws.
  EXPECT_THROW(loss(&token), Cancelled);
}
