#include <gtest/gtest.h>

#include "core/util/Error.h"
#include "core/util/Strings.h"

using namespace scdfm;

TEST(Strings, EditDistanceIsCaseInsensitive) {
  EXPECT_EQ(editDistance("KLF1", "klf1"), 0);
  EXPECT_EQ(editDistance("KLF1", "KLF2"), 1);
  EXPECT_EQ(editDistance("", "abc"), 3);
}

TEST(Strings, ClosestMatchesRankPrefixesFirst) {
  std::vector<std::string> genes{"CEBPA", "CEBPB", "KLF1", "KLF2", "MAP2K6"};
  auto m = closestMatches("KLF", genes, 2);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], "KLF1");
  EXPECT_EQ(m[1], "KLF2");
  EXPECT_EQ(closestMatches("CEBPX", genes, 1).at(0), "CEBPA");
}

TEST(Strings, ListForMessageTruncates) {
  EXPECT_EQ(listForMessage({"a", "b", "c"}, 2), "a, b and 1 more");
}

TEST(Errors, InputErrorComposesContext) {
  InputError e("data.h5ad", "/obs/condition", "column missing", "Choose the condition column");
  EXPECT_STREQ(e.what(), "data.h5ad: /obs/condition: column missing. Choose the condition column");
}
