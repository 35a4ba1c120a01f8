// The embedding's memory estimate, which the GUI and `scdfm embed` check
// against the available memory before reading a large file.
#include "core/embed/EmbeddingMemory.h"

#include <gtest/gtest.h>

using namespace scdfm;

TEST(EmbeddingMemory, EstimateGrowsWithTheCells) {
  const double small = embeddingPeakBytes(10000, 2000), large = embeddingPeakBytes(1000000, 2000);
  EXPECT_GT(large, 90 * small);
  EXPECT_GT(large, 1e9);  // a million cells: more than a GB on top of X
  EXPECT_DOUBLE_EQ(expressionBytes(10, 20, -1), 800.0);
  EXPECT_DOUBLE_EQ(expressionBytes(10, 20, 5), 5 * 12.0 + 11 * 8.0);
}
