// Model vs baselines: spreads are summariseSeeds' numbers, the best method per
// metric respects higher/lower-is-better, and a baseline that beats the model is
// reported with its margin.
#include <gtest/gtest.h>

#include "core/eval/MethodComparison.h"

using namespace scdfm;

namespace {
MethodRuns runs() {
  return {
      {kAdditiveMethod, {{{"pearson_delta", 0.95}, {"mse", 0.010}, {"de_nsig_counts_pred", 30}}}},
      {kModelMethod,
       {{{"pearson_delta", 0.90}, {"mse", 0.020}, {"de_nsig_counts_pred", 40}, {"custom_score", 1.0}},
        {{"pearson_delta", 0.92}, {"mse", 0.022}, {"de_nsig_counts_pred", 42}, {"custom_score", 2.0}},
        {{"pearson_delta", 0.94}, {"mse", 0.018}, {"de_nsig_counts_pred", 41}, {"custom_score", 3.0}}}},
      {kNoChangeMethod, {{{"pearson_delta", std::nan("")}, {"mse", 0.050}, {"de_nsig_counts_pred", 0}}}},
  };
}

const MethodMetricRow& row(const MethodComparison& c, const std::string& id) {
  for (const auto& r : c.rows)
    if (r.metricId == id) return r;
  throw std::runtime_error("no row " + id);
}
}  // namespace

TEST(MethodComparison, ModelFirstAndSpreadsFromSummariseSeeds) {
  const auto c = compareMethods(runs());
  EXPECT_EQ(c.methods, (std::vector<std::string>{kModelMethod, kAdditiveMethod, kNoChangeMethod}));
  EXPECT_EQ(c.modelColumn, 0);
  const auto spread = summariseSeeds(runs()[1].second);
  const auto& p = row(c, "pearson_delta");
  EXPECT_DOUBLE_EQ(p.spread[0].mean, spread.at("pearson_delta").mean);
  EXPECT_DOUBLE_EQ(p.spread[0].sd, spread.at("pearson_delta").sd);
  EXPECT_EQ(p.spread[0].n, 3);
  EXPECT_EQ(p.spread[2].n, 0);  // NaN everywhere
  // Catalog order (mse before pearson_delta), unknown ids last.
  std::vector<std::string> ids;
  for (const auto& r : c.rows) ids.push_back(r.metricId);
  EXPECT_EQ(ids, (std::vector<std::string>{"mse", "pearson_delta", "de_nsig_counts_pred", "custom_score"}));
}

TEST(MethodComparison, BestAndBeatenFollowTheMetricDirection) {
  const auto c = compareMethods(runs());
  const auto& p = row(c, "pearson_delta");  // higher is better: additive 0.95 > model 0.92
  EXPECT_EQ(p.best, std::vector<int>{1});
  ASSERT_EQ(p.beatenBy.size(), 1u);
  EXPECT_EQ(p.beatenBy[0].method, 1);
  EXPECT_NEAR(p.beatenBy[0].margin, 0.03, 1e-12);
  const auto& m = row(c, "mse");  // lower is better: additive 0.010 < model 0.020 < no change 0.050
  EXPECT_EQ(m.best, std::vector<int>{1});
  ASSERT_EQ(m.beatenBy.size(), 1u);
  EXPECT_NEAR(m.beatenBy[0].margin, 0.010, 1e-12);
  // Counts and unknown ids are shown but not ranked.
  EXPECT_FALSE(row(c, "de_nsig_counts_pred").ranked());
  EXPECT_TRUE(row(c, "de_nsig_counts_pred").beatenBy.empty());
  EXPECT_FALSE(row(c, "custom_score").ranked());
}

TEST(MethodComparison, ModelWinningOrTiedIsNotBeaten) {
  MethodRuns r{{kModelMethod, {{{"mse", 0.01}, {"pearson_delta", 0.9}}}},
               {kLinearMethod, {{{"mse", 0.01}, {"pearson_delta", 0.5}}}}};
  const auto c = compareMethods(r);
  EXPECT_EQ(row(c, "mse").best, (std::vector<int>{0, 1}));  // a tie: both best
  EXPECT_TRUE(row(c, "mse").beatenBy.empty());
  EXPECT_TRUE(row(c, "pearson_delta").beatenBy.empty());
  // Without the model there is nothing to beat.
  const auto baselinesOnly = compareMethods({{kLinearMethod, {{{"mse", 0.01}}}}});
  EXPECT_EQ(baselinesOnly.modelColumn, -1);
  EXPECT_TRUE(row(baselinesOnly, "mse").beatenBy.empty());
}
