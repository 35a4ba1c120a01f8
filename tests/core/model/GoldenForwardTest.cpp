// Parity of the C++ network with the authors' PyTorch model on every golden
// case: output, every intermediate, attention maps and λ of every block.
#include <gtest/gtest.h>

#include "GoldenModelSupport.h"
#include "core/util/Error.h"

using namespace scdfm;
using namespace scdfm::test;

namespace {
std::vector<std::string> casesOrSkip() {
  auto cases = goldenCases();
  if (cases.empty()) ADD_FAILURE() << "no golden case folders under " << goldenDir();
  return cases;
}
}  // namespace

TEST(GoldenForward, ConfigInferredFromStateDictMatchesCase) {
  for (const auto& dir : casesOrSkip()) {
    SCOPED_TRACE(dir);
    auto golden = loadGoldenCase(dir);
    auto header = readSafetensorsHeader(dir + "/weights.safetensors");
    auto inferred = inferModelConfig(shapesOf(header.tensors), header.path);
    EXPECT_EQ(inferred.d_model, golden.modelConfig.d_model);
    EXPECT_EQ(inferred.nhead, golden.modelConfig.nhead);
    EXPECT_EQ(inferred.nlayers, golden.modelConfig.nlayers);
    EXPECT_EQ(inferred.ntoken, golden.modelConfig.ntoken);
    EXPECT_DOUBLE_EQ(inferred.mlp_ratio, golden.modelConfig.mlp_ratio);
    // Every key of config.json → keys exists in the model with that shape, and nothing else.
    std::map<std::string, std::vector<std::int64_t>> modelKeys;
    for (auto& p : golden.model->named_parameters(true))
      modelKeys[p.key()] = std::vector<std::int64_t>(p.value().sizes().begin(), p.value().sizes().end());
    std::map<std::string, std::vector<std::int64_t>> caseKeys;
    for (auto& [k, v] : golden.config.at("keys").items()) caseKeys[k] = v.get<std::vector<std::int64_t>>();
    EXPECT_EQ(modelKeys, caseKeys);
    // And the order is the authors' named_parameters order (optimizer state indices depend on it).
    std::vector<std::string> order;
    for (auto& p : golden.model->named_parameters(true)) order.push_back(p.key());
    std::vector<std::string> caseOrder;
    for (auto& [k, v] : golden.config.at("keys").items()) caseOrder.push_back(k);
    EXPECT_EQ(order, caseOrder);
  }
}

TEST(GoldenForward, OutputIntermediatesAndAttentionMatch) {
  torch::NoGradGuard noGrad;
  for (const auto& dir : casesOrSkip()) {
    SCOPED_TRACE(dir);
    auto golden = loadGoldenCase(dir);
    auto f = golden.file("forward");
    ForwardTrace trace;
    trace.attentionCells = {0};
    auto out = golden.model->forward(tensorOf(f, "gene_id"), tensorOf(f, "x_t"), tensorOf(f, "t"),
                                     tensorOf(f, "control"), tensorOf(f, "perturbation_id"), &trace);
    const double tolF = golden.tolerance("forward"), tolB = golden.tolerance("block_outputs"),
                 tolA = golden.tolerance("attention");
    auto check = [&](const std::string& name, const torch::Tensor& mine, double tol) {
      double err = maxAbsDiff(mine, tensorOf(f, name));
      std::printf("[%s] %-40s max|err| %.3g (tol %.0e)\n", golden.name.c_str(), name.c_str(), err, tol);
      EXPECT_LE(err, tol) << name;
    };
    check("output", out, tolF);
    for (const char* n : {"gene_emb", "perturbation_emb", "t_emb", "fusion_out"}) check(n, trace.tensors.at(n), tolF);
    for (std::int64_t i = 0; i < golden.modelConfig.nlayers; ++i) {
      auto n = "block" + std::to_string(i) + "_out";
      check(n, trace.tensors.at(n), tolB);
    }
    ASSERT_EQ(trace.attention.size(), static_cast<std::size_t>(2 * golden.modelConfig.nlayers));
    for (const auto& a : trace.attention) {
      auto base = "attn.block" + std::to_string(a.block) + "." + a.part;
      check(base + ".softmax1", a.maps.softmax1[0], tolA);
      check(base + ".softmax2", a.maps.softmax2[0], tolA);
      check(base + ".lambda", torch::tensor({static_cast<float>(a.maps.lambda)}), tolA);
    }
  }
}

// Without autograd and without recorded maps the attention takes its inference
// path ((A1 − λA2)·V a few cells at a time); with autograd, the path that keeps
// the maps. Both must match the authors' model, and each other closely.
TEST(GoldenForward, InferenceAndAutogradPathsMatchTheAuthors) {
  for (const auto& dir : casesOrSkip()) {
    SCOPED_TRACE(dir);
    auto golden = loadGoldenCase(dir);
    auto f = golden.file("forward");
    auto run = [&](bool grad, ForwardTrace* trace) {
      torch::AutoGradMode mode(grad);
      return golden.model
          ->forward(tensorOf(f, "gene_id"), tensorOf(f, "x_t"), tensorOf(f, "t"), tensorOf(f, "control"),
                    tensorOf(f, "perturbation_id"), trace)
          .detach();
    };
    ForwardTrace trace;
    auto inference = run(false, &trace);
    auto autograd = run(true, nullptr);
    EXPECT_LE(maxAbsDiff(inference, tensorOf(f, "output")), golden.tolerance("forward"));
    EXPECT_LE(maxAbsDiff(autograd, tensorOf(f, "output")), golden.tolerance("forward"));
    for (std::int64_t i = 0; i < golden.modelConfig.nlayers; ++i) {
      auto n = "block" + std::to_string(i) + "_out";
      EXPECT_LE(maxAbsDiff(trace.tensors.at(n), tensorOf(f, n)), golden.tolerance("block_outputs")) << n;
    }
    EXPECT_LE(maxAbsDiff(inference, autograd), 1e-5);
  }
}

TEST(GoldenForward, CachedContextEvaluationEqualsForward) {
  torch::NoGradGuard noGrad;
  for (const auto& dir : casesOrSkip()) {
    SCOPED_TRACE(dir);
    auto golden = loadGoldenCase(dir);
    auto f = golden.file("forward");
    auto ctx = golden.model->encodeContext(tensorOf(f, "gene_id"), tensorOf(f, "control"),
                                           tensorOf(f, "perturbation_id"), /*cacheControlMaps=*/true);
    auto out = golden.model->evaluate(ctx, tensorOf(f, "x_t"), tensorOf(f, "t"));
    EXPECT_LE(maxAbsDiff(out, tensorOf(f, "output")), golden.tolerance("forward"));
    // A scalar time broadcasts like a per-cell vector of equal times.
    auto t0 = tensorOf(f, "t")[0];
    auto a = golden.model->evaluate(ctx, tensorOf(f, "x_t"), t0);
    auto b = golden.model->evaluate(ctx, tensorOf(f, "x_t"), t0.expand({ctx.batch}).contiguous());
    EXPECT_LE(maxAbsDiff(a, b), 1e-5);
  }
}

TEST(GoldenForward, MismatchedStateDictListsEveryProblem) {
  auto cases = casesOrSkip();
  if (cases.empty()) return;
  auto weights = readSafetensors(cases.front() + "/weights.safetensors");
  auto golden = loadGoldenCase(cases.front());
  auto state = weights.tensors;
  state.erase("blocks.0.diff_self_attn.attn.lambda_q1");
  state["not.a.key"] = state.at("p_mask_embed");
  auto& w = state.at("final_layer.fc.4.bias");
  w.shape = {2};
  w.data.resize(8);
  try {
    loadStateDict(*golden.model, state, "weights.safetensors");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("blocks.0.diff_self_attn.attn.lambda_q1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not.a.key"), std::string::npos) << msg;
    EXPECT_NE(msg.find("final_layer.fc.4.bias"), std::string::npos) << msg;
    EXPECT_NE(msg.find("weights.safetensors"), std::string::npos) << msg;
  }
}

TEST(GoldenForward, GeneOutsideTheGraphIsAnInputError) {
  auto cases = casesOrSkip();
  if (cases.empty()) return;
  torch::NoGradGuard noGrad;
  auto golden = loadGoldenCase(cases.front());
  auto f = golden.file("forward");
  auto ids = tensorOf(f, "gene_id").clone();
  ids.index_put_({torch::indexing::Slice(), 0}, golden.model->graphMask().size(0));
  EXPECT_THROW(golden.model->forward(ids, tensorOf(f, "x_t"), tensorOf(f, "t"), tensorOf(f, "control"),
                                     tensorOf(f, "perturbation_id")),
               InputError);
}
