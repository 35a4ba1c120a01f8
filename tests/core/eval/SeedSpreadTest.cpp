#include <gtest/gtest.h>

#include "EvalTestSupport.h"
#include "core/eval/SeedSpread.h"

using namespace scdfm;
using evaltest::close;

TEST(SeedSpread, MatchesNumpy) {
  SCDFM_REQUIRE_PYTHON();
  const std::vector<MetricSet> runs{{{"mse", 0.31}, {"pearson_delta", 0.82}, {"mmd", std::nan("")}},
                                    {{"mse", 0.27}, {"pearson_delta", 0.79}, {"mmd", std::nan("")}},
                                    {{"mse", 0.35}, {"pearson_delta", 0.88}},
                                    {{"mse", 0.30}}};
  const auto s = summariseSeeds(runs);
  const auto ref = evaltest::python(test::scratchDir("SeedSpread"),
                                    "a = np.array([0.31, 0.27, 0.35, 0.30]); b = np.array([0.82, 0.79, 0.88])\n"
                                    "out(a.mean(), a.std(ddof=1), b.mean(), b.std(ddof=1))\n");
  ASSERT_EQ(ref.size(), 4u);
  EXPECT_TRUE(close(s.at("mse").mean, ref[0], 1e-14));
  EXPECT_TRUE(close(s.at("mse").sd, ref[1], 1e-13));
  EXPECT_EQ(s.at("mse").n, 4);
  EXPECT_DOUBLE_EQ(s.at("mse").min, 0.27);
  EXPECT_DOUBLE_EQ(s.at("mse").max, 0.35);
  EXPECT_TRUE(close(s.at("pearson_delta").mean, ref[2], 1e-14));
  EXPECT_TRUE(close(s.at("pearson_delta").sd, ref[3], 1e-13));
  EXPECT_EQ(s.at("pearson_delta").n, 3);
  EXPECT_EQ(s.at("mmd").n, 0);
  EXPECT_TRUE(std::isnan(s.at("mmd").mean));
  EXPECT_EQ(summariseSeeds({{{"x", 2.0}}}).at("x").sd, 0.0);
}
