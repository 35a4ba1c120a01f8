// Predictor on the simulator's tiny dataset with a briefly trained tiny model.
#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "TinyCheckpoint.h"
#include "core/data/Dataset.h"
#include "core/flow/Predictor.h"
#include "core/flow/Trainer.h"
#include "core/util/Error.h"
#include "core/util/Threads.h"

using namespace scdfm;

using test::tinyCheckpoint;
using test::tinyData;

TEST(Predictor, GeneratesRequestedCellsDeterministically) {
  if (!std::filesystem::exists(tinyData())) GTEST_SKIP() << "no " << tinyData() << " (build the 'datasets' target)";
  Dataset ds(tinyData());
  Predictor p(tinyCheckpoint(), "cpu");
  const auto& ck = p.checkpoint();
  ASSERT_FALSE(ck.training.trainConditions.empty());
  std::vector<std::string> queries{ck.training.trainConditions.front()};
  if (!ck.training.testConditions.empty()) queries.push_back(ck.training.testConditions.front());
  PredictRequest req;
  req.perturbations = queries;
  req.cells = 12;
  req.timePoints = 3;
  req.chunkSize = 8;
  req.seed = 3;
  int results = 0, steps = 0;
  auto out = p.predict(ds, req, [&](const PredictedPerturbation&) { ++results; },
                       Progress([&](const ProgressInfo&) { ++steps; }));
  ASSERT_EQ(out.size(), queries.size());
  EXPECT_EQ(results, static_cast<int>(queries.size()));
  EXPECT_GT(steps, 0);
  for (const auto& r : out) {
    EXPECT_EQ(r.cells.rows(), 12);
    EXPECT_EQ(r.cells.cols(), static_cast<std::int64_t>(r.genes.size()));
    EXPECT_EQ(r.genes, ck.genes);
    EXPECT_EQ(r.controlRows.size(), 12u);
    EXPECT_GE(r.cells.minCoeff(), 0.0f);
    EXPECT_TRUE(r.check.observedInData);
  }
  EXPECT_EQ(out[0].check.seenInTraining, std::optional<bool>(true));
  if (out.size() > 1) {
    EXPECT_EQ(out[1].check.seenInTraining, std::optional<bool>(false));
    EXPECT_FALSE(out[1].check.notes.empty());
  }
  // Same seed, same cells; other seed, other cells; independent of request order.
  auto again = p.predict(ds, req);
  EXPECT_TRUE(again[0].cells == out[0].cells);
  std::reverse(req.perturbations.begin(), req.perturbations.end());
  auto reversed = p.predict(ds, req);
  EXPECT_TRUE(reversed.back().cells == out[0].cells);
  req.seed = 4;
  auto other = p.predict(ds, req);
  EXPECT_FALSE(other.back().cells == out[0].cells);
}

TEST(Predictor, VocabularyChecksAndCancel) {
  if (!std::filesystem::exists(tinyData())) GTEST_SKIP() << "no " << tinyData() << " (build the 'datasets' target)";
  Dataset ds(tinyData());
  Predictor p(tinyCheckpoint(), "cpu");
  const auto genes = p.checkpoint().genes;
  ASSERT_GE(genes.size(), 2u);
  // An unseen pair of known genes is allowed and flagged.
  auto c = p.check(genes[0] + "+" + genes[1], &ds);
  EXPECT_TRUE(c.combination);
  EXPECT_EQ(c.tokens.size(), 2u);
  // Single: [gene, control].
  auto s = p.check(genes[0]);
  EXPECT_EQ(s.tokens[1], 3);
  try {
    p.check(genes[0] + "X+" + genes[1]);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(genes[0]), std::string::npos) << e.what();  // closest match
  }
  EXPECT_THROW(p.check("ctrl"), InputError);
  EXPECT_THROW(p.check(genes[0] + "+" + genes[1] + "+" + genes[2]), InputError);
  EXPECT_THROW(p.check("drug:dexamethasone@10"), InputError);  // not a drug of the model
  PredictRequest req;
  req.perturbations = {genes[0]};
  req.cells = 8;
  req.timePoints = 5;
  req.context = "no-such-cell-type";
  EXPECT_THROW(p.predict(ds, req), InputError);
  req.context.clear();
  CancelToken cancel;
  cancel.cancel();
  EXPECT_THROW(p.predict(ds, req, {}, Progress::none(), cancel), Cancelled);
}

TEST(Predictor, DrugLabelsAndCompatibility) {
  if (!std::filesystem::exists(tinyData())) GTEST_SKIP() << "no " << tinyData() << " (build the 'datasets' target)";
  Dataset ds(tinyData());
  Predictor p(tinyCheckpoint(), "cpu");
  const auto& ck = p.checkpoint();
  // tiny has drug conditions: the model trains them as drug@dose labels.
  ASSERT_FALSE(ck.drugs.empty());
  EXPECT_EQ(ck.modelConfig["perturbation_function"], "crisper+label");
  EXPECT_EQ(ck.modelConfig["n_perturbation_labels"], static_cast<std::int64_t>(ck.drugs.size()));
  const std::string label = ck.drugs.front();  // "Name@dose"
  const std::string name = label.substr(0, label.find('@'));
  auto c = p.check(label, &ds);
  EXPECT_EQ(c.key, label);
  EXPECT_EQ(c.tokens[0], ck.graphMask->shape[0]);  // first label token = graph tokens + 0
  EXPECT_EQ(c.tokens[1], 3);
  EXPECT_TRUE(c.observedInData);
  // Name alone, or a dose the model never saw: refused with the doses it knows.
  for (const std::string& q : std::vector<std::string>{name, name + "@7"}) {
    try {
      p.check(q, &ds);
      ADD_FAILURE() << q;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(label), std::string::npos) << e.what();
    }
  }
  // A drug prediction runs like a gene one.
  PredictRequest req;
  req.perturbations = {label};
  req.cells = 6;
  req.timePoints = 3;
  auto out = p.predict(ds, req);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].cells.rows(), 6);

  // Every observed condition of tiny is predictable by this model; all its genes are in the data.
  const CompatibilityReport r = p.compatibility(ds);
  EXPECT_TRUE(r.usable());
  EXPECT_EQ(r.genesInData, r.modelGenes);
  EXPECT_TRUE(r.missingGenes.empty());
  EXPECT_TRUE(r.unknownConditions.empty());
  EXPECT_TRUE(r.unsupportedConditions.empty());
  EXPECT_EQ(r.predictableConditions.size(), ds.catalog().summary().nConditions);
  EXPECT_FALSE(r.messages().empty());
}
