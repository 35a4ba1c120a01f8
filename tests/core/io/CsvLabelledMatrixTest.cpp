// CSV export: quoting, NaN as empty fields, and a file pandas reads back.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "TestSupport.h"
#include "core/io/CsvWriter.h"
#include "core/util/Error.h"

using namespace scdfm;

TEST(CsvLabelledMatrix, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csvField("KLF1"), "KLF1");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
}

TEST(CsvLabelledMatrix, LabelledMatrixReadsBackInPandas) {
  const std::string dir = test::scratchDir("csv_table");
  const std::string path = dir + "/m.csv";
  writeLabelledMatrixCsv(path, "query \\ key", {"KLF1", "GATA1,x"}, {"A", "B", "C"},
                         {0.5, -1.25, std::nan(""), 1e-12, 2.0, 3.0});
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "query \\ key,A,B,C\nKLF1,0.5,-1.25,\n\"GATA1,x\",1e-12,2,3\n");
  if (!test::pythonHas("pandas")) GTEST_SKIP() << "pandas not installed";
  const auto r = test::runPython("import pandas as pd\nd = pd.read_csv('" + path +
                                 "', index_col=0)\nprint(list(d.index), list(d.columns), d.isna().sum().sum(), "
                                 "d.loc['GATA1,x', 'C'])\n");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("['KLF1', 'GATA1,x'] ['A', 'B', 'C'] 1 3.0"), std::string::npos) << r.output;
}

TEST(CsvLabelledMatrix, ErrorsNameTheFile) {
  try {
    writeLabelledMatrixCsv("/nonexistent-dir/x.csv", "", {"a"}, {"b"}, {1.0});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "/nonexistent-dir/x.csv");
  }
  try {
    writeLabelledMatrixCsv("/tmp/x.csv", "", {"a"}, {"b", "c"}, {1.0});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "/tmp/x.csv");
  }
}
