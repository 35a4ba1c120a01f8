#include <gtest/gtest.h>

#include <limits>

#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"

using namespace scdfm;

TEST(MemoryBudget, RefusesBeforeAllocatingAndNamesTheField) {
  setMemoryBudget(std::uint64_t(1) << 20);
  EXPECT_EQ(checkAllocation("a.h5ad", "/X", 1000, 4, "reading X"), 4000u);
  try {
    checkAllocation("a.h5ad", "/X", std::uint64_t(1) << 40, 1 << 20, 5, "reading this matrix");
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("a.h5ad: /X: reading this matrix would need 5.0 EB"), std::string::npos) << m;
    EXPECT_NE(m.find("1.0 MB allowed"), std::string::npos) << m;
  }
  // count × size overflows 64 bits: refused, not wrapped around.
  EXPECT_THROW(checkAllocation("f", "w", std::numeric_limits<std::uint64_t>::max(), 8, "x"), InputError);
  setMemoryBudget(0);
  EXPECT_GT(memoryBudget(), std::uint64_t(1) << 20);
}

TEST(MemoryBudget, CheckedProduct) {
  std::int64_t out = 0;
  const std::int64_t ok[] = {3, 4, 5}, huge[] = {std::int64_t(1) << 32, std::int64_t(1) << 32}, neg[] = {2, -1};
  EXPECT_TRUE(checkedProduct(ok, 3, &out));
  EXPECT_EQ(out, 60);
  EXPECT_FALSE(checkedProduct(huge, 2, &out));
  EXPECT_FALSE(checkedProduct(neg, 2, &out));
  EXPECT_TRUE(checkedProduct(ok, 0, &out));
  EXPECT_EQ(out, 1);
}
